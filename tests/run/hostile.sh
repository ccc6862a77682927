#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hostile input and output failures, every streaming applet: failed writes end the run with
# one line and status 1; control characters and invalid UTF-8 cannot forge rows or reach the
# terminal raw; --cgroupmap/--mntnsmap refuse maps of the wrong shape and filter with the right one.
. "$TESTLIB"
H=$PROGS/hostile
ESC=$(printf '\033')

# one_error FILE TEXT: stderr FILE has exactly one line besides "Ready.", and it holds TEXT
one_error() { [ "$(grep -vc '^Ready\.$' "$1")" -eq 1 ] && has "$1" "$2"; }

# --- failed writes: any write error ends the run, names the error, exits non-zero
timeout 20 "$BPFBOX" execsnoop >/dev/full 2>"$TMPD/full.err" &
_p=$!
_i=0
while kill -0 $_p 2>/dev/null && [ $_i -lt 50 ]; do "$H" open /nonexistent-full; sleep 0.1; _i=$((_i + 1)); done
wait $_p
_rc=$?
check write-full-exec-status [ $_rc -eq 1 ]
check write-full-exec-message one_error "$TMPD/full.err" "execsnoop: writing the output: No space left on device"

# profile -U: kernel symbol warnings (hidden kallsyms in the VMs) are not what is tested here
for app in opensnoop biosnoop "profile -U 2"; do
	# shellcheck disable=SC2086 # applet and its argument
	timeout 20 "$BPFBOX" $app >/dev/full 2>"$TMPD/appfull.err"
	_rc=$?
	check "write-full-${app%% *}-status" [ $_rc -eq 1 ]
	check "write-full-${app%% *}-message" one_error "$TMPD/appfull.err" "${app%% *}: writing the output: No space left on device"
done
"$BPFBOX" check-config >/dev/full 2>"$TMPD/ccfull.err"
check write-full-check-config-status [ $? -eq 1 ]
check write-full-check-config-message one_error "$TMPD/ccfull.err" "No space left on device"
"$BPFBOX" opensnoop --help >/dev/full 2>"$TMPD/helpfull.err"
check write-full-help-status [ $? -eq 1 ]
check write-full-help-message one_error "$TMPD/helpfull.err" "No space left on device"

# a file system that fills up during the run: a 64 KiB tmpfs, nearly full from the start
mkdir -p "$TMPD/small"
if mount -t tmpfs -o size=64k tmpfs "$TMPD/small" 2>/dev/null; then
	dd if=/dev/zero of="$TMPD/small/fill" bs=4096 count=15 2>/dev/null
	"$BPFBOX" opensnoop -d 3 >"$TMPD/small/out" 2>"$TMPD/enospc.err" &
	_p=$! TOOL_PID=$!
	wait_ready "$TMPD/enospc.err"
	_i=0
	while kill -0 $_p 2>/dev/null && [ $_i -lt 300 ]; do
		"$H" open "$TMPD/enospc-$(printf '%0200d' $_i)" /nonexistent-a /nonexistent-b
		_i=$((_i + 1))
	done
	wait $_p
	_rc=$?
	check write-enospc-status [ $_rc -eq 1 ]
	check write-enospc-message one_error "$TMPD/enospc.err" "opensnoop: writing the output: No space left on device"
	umount "$TMPD/small"
else
	skip write-enospc "cannot mount a tmpfs here"
fi

# --- forgeable text: a path with a newline that imitates a row
start_tool "$TMPD/forge" opensnoop -n hostile
fake="$TMPD/x\\n1      sshd               3   0 /etc/shadow"
"$H" open "$fake" "$TMPD/ff\\xff" "$TMPD/fy$(printf '\303\277')" "$TMPD/esc\\e[2J" "$TMPD/c1\\xc2\\x9b"
settle
stop_tool INT
check forge-no-fake-line [ "$(grep -c '^1  *sshd' "$TMPD/forge")" -eq 0 ]
check forge-escaped-newline has "$TMPD/forge" "$TMPD/x\\n1      sshd               3   0 /etc/shadow"
check forge-invalid-byte has "$TMPD/forge" "$TMPD/ff\\xff"
check forge-valid-utf8-raw has "$TMPD/forge" "$TMPD/fy$(printf '\303\277')"
check forge-esc-escaped has "$TMPD/forge" "$TMPD/esc\\x1b[2J"
check forge-c1-escaped has "$TMPD/forge" "$TMPD/c1\\xc2\\x9b"
check forge-no-raw-esc lacks "$TMPD/forge" "$ESC"

# JSON: byte 0xff and the character U+00FF stay distinguishable
start_tool "$TMPD/fj" opensnoop -j -n hostile
"$H" open "$TMPD/ff\\xff" "$TMPD/fy$(printf '\303\277')" "$TMPD/esc\\e[2J"
settle
stop_tool INT
check json-invalid-byte has "$TMPD/fj" "\"path\":\"$TMPD/ff\\udcff\""
check json-valid-char has "$TMPD/fj" "\"path\":\"$TMPD/fy$(printf '\303\277')\""
check json-control has "$TMPD/fj" "\"path\":\"$TMPD/esc\\u001b[2J\""
check json-no-raw-esc lacks "$TMPD/fj" "$ESC"

# COMM set by the process itself (prctl), with an escape sequence
start_tool "$TMPD/comm" opensnoop
"$H" comm 'a\e[2Jb' "$TMPD/comm-target"
settle
stop_tool INT
check comm-escaped has "$TMPD/comm" "a\\x1b[2Jb"
check comm-no-raw-esc lacks "$TMPD/comm" "$ESC"

# execsnoop: COMM and arguments
start_tool "$TMPD/ex" execsnoop
"$H" exec 'e\e]0;t' /bin/echo 'arg\e[31m' 'tab\x09' >/dev/null
settle
stop_tool INT
check exec-args-escaped has "$TMPD/ex" "arg\\x1b[31m tab\\t"
check exec-no-raw-esc lacks "$TMPD/ex" "$ESC"

# profile: symbol names come from ELF files other users write
"$H" evilsym "$TMPD" & _ev=$!
# profile must see the renamed copy, not the process before its exec (a hang guard only: 60 s)
_i=0
while [ "$(readlink "/proc/$_ev/exe")" != "$TMPD/evilsym-bin" ] && [ $_i -lt 600 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
evil='ev\x1b[2J\n\ril\tsym\x7f\xffabc'
for mode in text:"" folded:-f json:-j; do
	"$BPFBOX" profile ${mode#*:} -p $_ev 1 >"$TMPD/evil-${mode%%:*}" 2>&1
	check "symbol-${mode%%:*}-no-raw-esc" lacks "$TMPD/evil-${mode%%:*}" "$ESC"
done
# stackcount prints its own frame lines: the tick interrupts the spinning process
sc=$(requires tracepoint) && sc=
if [ -z "$sc" ]; then
	"$BPFBOX" stackcount -U -p $_ev -D 1 t:timer:hrtimer_expire_entry >"$TMPD/evil-sc" 2>&1
	check symbol-stackcount-no-raw-esc lacks "$TMPD/evil-sc" "$ESC"
fi
kill $_ev
wait $_ev 2>/dev/null
check symbol-text-escaped has "$TMPD/evil-text" "    $evil+0x"
if [ -z "$sc" ]; then
	check symbol-stackcount-escaped has "$TMPD/evil-sc" "  $evil"
else
	skip symbol-stackcount "$sc"
fi
# the leaf only: an arm64 sample taken in a leaf function can miss its caller's frame
check symbol-folded-escaped has "$TMPD/evil-folded" ";$evil "
check symbol-json-escaped has "$TMPD/evil-json" '"ev\u001b[2J\n\u000dil\tsym\u007f\udcffabc+0x'

# usage errors that echo what was typed
"$BPFBOX" opensnoop "--x$ESC[2J" 2>"$TMPD/usage.err"
check usage-echo-status [ $? -eq 2 ]
check usage-echo-escaped has "$TMPD/usage.err" "--x\\x1b[2J"
check usage-echo-no-raw-esc lacks "$TMPD/usage.err" "$ESC"

# check-config values from a config file
printf 'CONFIG_BPF=y\033[2J\nCONFIG_BPF_SYSCALL="a\tb"\n' >"$TMPD/evil.config"
"$BPFBOX" check-config -c "$TMPD/evil.config" >"$TMPD/cc" 2>&1
check check-config-no-raw-esc lacks "$TMPD/cc" "$ESC"
check check-config-escaped has "$TMPD/cc" "y\\x1b[2J"

# --- messages that used to mislead
for bad in /tmp "" . "$TMPD/"; do
	"$BPFBOX" profile --svg "$bad" 1 >"$TMPD/svg.out" 2>"$TMPD/svg.err"
	_rc=$?
	if [ $_rc -eq 2 ] && one_error "$TMPD/svg.err" "not a directory" && [ ! -s "$TMPD/svg.out" ]; then
		pass "svg-dir-rejected-at-start-'$bad'"
	else
		fail "svg-dir-rejected-at-start-'$bad'" "rc=$_rc $(cat "$TMPD/svg.err")"
	fi
done
mkdir -p "$TMPD/full"
if mount -t tmpfs -o size=16k tmpfs "$TMPD/full" 2>/dev/null; then
	dd if=/dev/zero of="$TMPD/full/fill" bs=4096 count=3 2>/dev/null
	"$BPFBOX" profile -U --svg "$TMPD/full/g.svg" 1 >/dev/null 2>"$TMPD/svgfull.err"
	check svg-full-status [ $? -eq 1 ]
	check svg-full-message one_error "$TMPD/svgfull.err" "writing $TMPD/full/g.svg: No space left on device"
	check svg-full-nothing-left [ "$(ls "$TMPD/full")" = fill ]
	umount "$TMPD/full"
fi
check_usage_errors profile "--stack-storage-size 262144:from 1 to 65536"
( ulimit -n 14 && exec "$BPFBOX" profile 1 ) >/dev/null 2>"$TMPD/nofile.err"
check nofile-status [ $? -eq 1 ]
check nofile-message one_error "$TMPD/nofile.err" "Too many open files"
"$H" asuser 65534 "$BPFBOX" profile 1 >/dev/null 2>"$TMPD/user.err"
check nonroot-status [ $? -eq 1 ]
check nonroot-real-error-first matches "$(head -n 1 "$TMPD/user.err")" '.*run as root'

# --- --cgroupmap / --mntnsmap: pinned maps of the wrong shape are refused with one line
BPFD=$TMPD/bpffs
mkdir -p "$BPFD"
if ! mount -t bpf bpf "$BPFD" 2>/dev/null; then
	skip container-filters "cannot mount a BPF file system here"
	exit 0
fi
"$H" pinmap "$BPFD/array" array 4 8
"$H" pinmap "$BPFD/key4" hash 4 8
"$H" pinmap "$BPFD/val4" hash 8 4
"$H" pinprog "$BPFD/prog"
for app in execsnoop opensnoop profile; do
	for opt in --cgroupmap --mntnsmap; do
		for bad in "array:has type array, 4-byte keys" "key4:has type hash, 4-byte keys" \
			"val4:8-byte keys and 4-byte values; expected type hash" \
			"prog:not a BPF map" "missing:No such file or directory"; do
			"$BPFBOX" $app $opt "$BPFD/${bad%%:*}" >"$TMPD/bad.out" 2>"$TMPD/bad.err"
			_rc=$?
			if [ $_rc -eq 1 ] && one_error "$TMPD/bad.err" "$opt $BPFD/${bad%%:*}: " &&
				has "$TMPD/bad.err" "${bad#*:}"; then
				pass "$app$opt-${bad%%:*}"
			else
				fail "$app$opt-${bad%%:*}" "rc=$_rc: $(cat "$TMPD/bad.err")"
			fi
		done
	done
	"$BPFBOX" $app --cgroupmap /etc/passwd >/dev/null 2>"$TMPD/bad.err"
	check "$app-not-bpffs" one_error "$TMPD/bad.err" "not on a BPF file system"
done

# the right shape: only the chosen cgroup's events
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$CG" ]; then
	mkdir -p "$TMPD/cg2" && mount -t cgroup2 none "$TMPD/cg2" 2>/dev/null && CG=$TMPD/cg2
fi
if [ -n "$CG" ] && mkdir "$CG/bpfbox-hostile-$$" 2>/dev/null; then
	CGD=$CG/bpfbox-hostile-$$
	"$H" pinmap "$BPFD/cg" hash 8 8 "$("$H" cgid "$CGD")"
	# in_cg CMD...: runs CMD inside the test cgroup
	in_cg() { sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CGD" "$@"; }
	start_tool "$TMPD/cgo" opensnoop --cgroupmap "$BPFD/cg"
	in_cg "$H" open "$TMPD/cg-inside"
	"$H" open "$TMPD/cg-outside"
	settle
	stop_tool INT
	check cgroup-open-inside has "$TMPD/cgo" "$TMPD/cg-inside"
	check cgroup-open-outside-filtered lacks "$TMPD/cgo" "$TMPD/cg-outside"
	check cgroup-open-only [ "$(grep -vc "cg-inside\|^PID" "$TMPD/cgo")" -eq 0 ]
	start_tool "$TMPD/cge" execsnoop --cgroupmap "$BPFD/cg"
	in_cg /bin/echo cg-exec-inside >/dev/null
	/bin/echo cg-exec-outside >/dev/null
	settle
	stop_tool INT
	check cgroup-exec-inside has "$TMPD/cge" "cg-exec-inside"
	check cgroup-exec-outside-filtered lacks "$TMPD/cge" "cg-exec-outside"
	# spinners, each its own process (not a subshell of this one): their pids are known
	sh -c 'echo $$ >"$0/cgroup.procs" && exec sh -c "while :; do :; done"' "$CGD" & _in=$!
	sh -c 'while :; do :; done' & _out=$!
	"$BPFBOX" profile -j --cgroupmap "$BPFD/cg" 2 >"$TMPD/cgp" 2>"$TMPD/cgp.err"
	check cgroup-profile-status [ $? -eq 0 ]
	check cgroup-profile-inside has "$TMPD/cgp" "\"pid\":$_in,"
	check cgroup-profile-outside-filtered lacks "$TMPD/cgp" "\"pid\":$_out,"
	kill $_in $_out 2>/dev/null
	wait $_in $_out 2>/dev/null
	rmdir "$CGD"
else
	skip cgroup-filter "no cgroup v2 hierarchy to make a cgroup in"
fi

# mount namespace: a process waits in a new one until its key is in the map
mkfifo "$TMPD/nsgo"
if unshare -m sh -c 'read x <"$0"; exec "$1" open "$2"' "$TMPD/nsgo" "$H" "$TMPD/ns-inside" &
then
	_ns=$!
	# until unshare has made the namespace (then it waits on the FIFO); a hang guard of 60 s
	own=$(stat -L -c %i /proc/self/ns/mnt)
	_i=0
	while ino=$(stat -L -c %i "/proc/$_ns/ns/mnt" 2>/dev/null) && [ "$ino" = "$own" ] &&
	      [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ -n "$ino" ] && [ "$ino" != "$(stat -L -c %i /proc/self/ns/mnt)" ]; then
		"$H" pinmap "$BPFD/ns" hash 8 8 "$ino"
		start_tool "$TMPD/nso" opensnoop --mntnsmap "$BPFD/ns"
		echo go >"$TMPD/nsgo"
		wait $_ns
		"$H" open "$TMPD/ns-outside"
		settle
		stop_tool INT
		check mntns-open-inside has "$TMPD/nso" "$TMPD/ns-inside"
		check mntns-open-outside-filtered lacks "$TMPD/nso" "$TMPD/ns-outside"
	else
		echo go >"$TMPD/nsgo"
		wait $_ns
		skip mntns-filter "unshare -m made no new mount namespace"
	fi
fi
umount "$BPFD"
