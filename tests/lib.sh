# SPDX-License-Identifier: GPL-2.0
# Helpers for the end-to-end tests (POSIX sh: the same scripts run under busybox in the VMs).
# A test script is sourced-free: it is run as `sh tests/run/NAME.sh` with these variables set:
#   BPFBOX  path of the bpfbox binary under test     PROGS  directory of tests/progs binaries
#   TMPD    a scratch directory of its own           TESTLIB this file
# and prints one line per case: "PASS name", "FAIL name: why" or "SKIP name: why".

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# check NAME CONDITION-COMMAND...: PASS if the command succeeds, else FAIL with the command.
check() {
	_n=$1; shift
	if "$@"; then pass "$_n"; else fail "$_n" "$*"; fi
}

# has FILE TEXT / lacks FILE TEXT: FILE (which must exist) holds TEXT, or does not.
has() { grep -qF -- "$2" "$1"; }
lacks() { [ -f "$1" ] && ! grep -qF -- "$2" "$1"; }
# matches STRING REGEX: expr's anchored match, quietly
matches() { expr "$1" : "$2" >/dev/null; }
# settle: lets events still in flight reach the tool before it is stopped
settle() { sleep 0.3; }

# requires FEATURE[,..]: empty output if check-config says the features work, else the reason.
requires() {
	"$BPFBOX" check-config --require "$1" >/dev/null 2>"$TMPD/.req" && return 0
	head -n 1 "$TMPD/.req"
	return 1
}

# start_tool OUTFILE ARGS...: runs bpfbox ARGS in the background, stdout to OUTFILE,
# stderr to OUTFILE.err; sets TOOL_PID and waits until the tool says it is attached.
start_tool() {
	_out=$1; shift
	# a "Ready." left from an earlier run must not be taken for this one's
	rm -f "$_out.err"
	"$BPFBOX" "$@" >"$_out" 2>"$_out.err" &
	TOOL_PID=$!
	wait_ready "$_out.err"
}

# wait_ready ERRFILE: the applets print "Ready." to stderr under BPFBOX_READY=1 once attached.
wait_ready() {
	_i=0
	# a hang guard only (60 s): a loaded machine or an emulated guest may be slow to attach
	while [ $_i -lt 600 ]; do
		grep -q '^Ready\.$' "$1" 2>/dev/null && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# stop_tool [SIGNAL]: sends SIGINT (default) and waits; sets TOOL_RC.
stop_tool() {
	kill -"${1:-INT}" "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID"
	TOOL_RC=$?
}

# bpf_prog_ids PID: the ids of the BPF programs PID holds (from /proc fdinfo).
bpf_prog_ids() {
	for _f in /proc/"$1"/fd/*; do
		[ "$(readlink "$_f" 2>/dev/null)" = anon_inode:bpf-prog ] || continue
		sed -n 's/^prog_id:[[:space:]]*//p' "/proc/$1/fdinfo/${_f##*/}" 2>/dev/null
	done
}

# bpf_gone KIND ID...: true once no process holds any of these BPF objects (KIND prog or link)
# and, where bpftool exists, the kernel no longer has them. The kernel frees them after an RCU
# grace period, which a loaded machine can stretch: it waits up to 30 s (a hang guard, not a
# timing). Unlike a count of all BPF objects, this is not upset by other tools meanwhile.
bpf_gone() {
	_kind=$1; shift
	_w=0
	while [ $_w -lt 300 ]; do
		_left=
		for _id in "$@"; do
			if grep -qx "${_kind}_id:[[:space:]]*$_id" /proc/[0-9]*/fdinfo/* 2>/dev/null ||
				{ command -v bpftool >/dev/null 2>&1 &&
					bpftool "$_kind" show id "$_id" >/dev/null 2>&1; }; then
				_left=$_id
				break
			fi
		done
		[ -z "$_left" ] && return 0
		sleep 0.1
		_w=$((_w + 1))
	done
	return 1
}
bpf_progs_gone() { bpf_gone prog "$@"; }

# usage_case NAME WANT ARGS...: bpfbox ARGS exits 2 with one line on stderr that contains WANT
# (fixed text), and prints nothing on stdout.
usage_case() {
	_un=$1 _uw=$2
	shift 2
	"$BPFBOX" "$@" >"$TMPD/bad.out" 2>"$TMPD/bad.err"
	_rc=$?
	if [ $_rc -eq 2 ] && [ "$(wc -l <"$TMPD/bad.err")" -eq 1 ] && [ ! -s "$TMPD/bad.out" ] &&
		grep -qF -- "$_uw" "$TMPD/bad.err"; then
		pass "$_un"
	else
		fail "$_un" "rc=$_rc, stderr: $(cat "$TMPD/bad.err"), want '$_uw'"
	fi
}

# check_usage_errors APPLET "ARGS:EXPECTED"...: usage_case for each ARGS (split on spaces).
check_usage_errors() {
	_app=$1; shift
	for _bad in "$@"; do
		# shellcheck disable=SC2086 # split on purpose
		usage_case "usage-error $(echo "${_bad%%:*}" | tr ' /' '_-')" "${_bad#*:}" "$_app" \
			${_bad%%:*}
	done
}

# wait_line FILE REGEX TENTHS: waits until a line of FILE matches REGEX, for TENTHS tenths of a
# second at most.
wait_line() {
	_i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null && [ $_i -lt "$3" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# prog_start NAME COMMAND...: a tests/progs program run with -w (it prints "ready" and "pid N",
# then waits for SIGUSR1), its output in $TMPD/NAME.m; sets PROG_PID.
prog_start() {
	_pn=$1; shift
	"$@" -w >"$TMPD/$_pn.m" &
	wait_line "$TMPD/$_pn.m" '^ready' 100
	PROG_PID=$(awk '$1 == "pid" { print $2 }' "$TMPD/$_pn.m")
}

# prog_tool NAME ARGS...: start_tool "$TMPD/NAME" ARGS for a case whose program runs as
# PROG_PID; if the tool does not start: FAIL NAME, end the program, return 1.
prog_tool() {
	_tn=$1; shift
	start_tool "$TMPD/$_tn" "$@" && return 0
	fail "$_tn" "did not start: $(cat "$TMPD/$_tn.err")"
	kill "$PROG_PID" 2>/dev/null
	return 1
}

# check_clean_exits APPLET [ARGS...]: SIGINT and SIGTERM each end the applet with status 0,
# leaving none of its BPF programs behind.
check_clean_exits() {
	for _sig in INT TERM; do
		if ! start_tool "$TMPD/sig$_sig" "$@"; then
			fail "sig$_sig" "did not start: $(cat "$TMPD/sig$_sig.err")"
			continue
		fi
		_ids=$(bpf_prog_ids "$TOOL_PID")
		check "sig$_sig-had-programs" [ -n "$_ids" ]
		stop_tool $_sig
		check "sig$_sig-exit-0" [ "$TOOL_RC" -eq 0 ]
		# shellcheck disable=SC2086 # a list of ids
		check "sig$_sig-no-bpf-left" bpf_progs_gone $_ids
	done
}

# check_closed_pipe "TRIGGER" APPLET [ARGS...]: the applet's stdout goes to a reader that leaves
# after one line; TRIGGER (a shell command) runs repeatedly to make output. The applet must
# then exit 0 and leave none of its BPF programs behind. The reader starts reading only once
# the applet's programs are noted: output caused by anything else on the machine waits in the
# pipe until then, so the applet cannot have exited through the closed pipe before.
check_closed_pipe() {
	_trigger=$1; shift
	rm -f "$TMPD/pipe.rc" "$TMPD/pipe.err" "$TMPD/pipe.pid" "$TMPD/pipe.go"
	{
		BPFBOX_READY=1 "$BPFBOX" "$@" 2>"$TMPD/pipe.err" &
		echo $! >"$TMPD/pipe.pid"
		wait $!
		echo $? >"$TMPD/pipe.rc"
	} | {
		while [ ! -e "$TMPD/pipe.go" ]; do sleep 0.1; done
		head -n 1 >/dev/null
	} &
	_ids= _i=0
	while [ ! -s "$TMPD/pipe.rc" ] && [ $_i -lt 600 ]; do
		if [ ! -e "$TMPD/pipe.go" ]; then
			if grep -q '^Ready\.$' "$TMPD/pipe.err" 2>/dev/null; then
				_ids=$(bpf_prog_ids "$(cat "$TMPD/pipe.pid")")
				: >"$TMPD/pipe.go"
			fi
		else
			eval "$_trigger" >/dev/null 2>&1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	# a tool that never got ready, or never left: let both ends finish
	: >"$TMPD/pipe.go"
	[ -s "$TMPD/pipe.rc" ] || kill "$(cat "$TMPD/pipe.pid")" 2>/dev/null
	wait
	check closed-pipe-exit-0 [ "$(cat "$TMPD/pipe.rc" 2>/dev/null)" = 0 ]
	check closed-pipe-had-programs [ -n "$_ids" ]
	# shellcheck disable=SC2086 # a list of ids
	check closed-pipe-no-bpf-left bpf_progs_gone $_ids
}

# block_device: a block device for O_DIRECT tests (4 MiB at least): a loop device on a file of
# our own, else null_blk's nullb0 (brd's ram disks are bio-based: they make no requests, so
# block_rq_* never fire for them). Sets DEV and LOOP (the loop device to release with
# block_device_release), or leaves DEV empty with the reason in BLOCK_WHY.
block_device() {
	DEV= LOOP= BLOCK_WHY=
	if [ -e /dev/loop-control ] && command -v losetup >/dev/null 2>&1; then
		dd if=/dev/zero of="$TMPD/disk.img" bs=1048576 count=8 2>/dev/null
		# one step where losetup has it (util-linux retries when another run takes the device
		# it found free); else find, then attach, retried for the same reason
		_l=$(losetup -f --show "$TMPD/disk.img" 2>/dev/null) && [ -b "$_l" ] && LOOP=$_l DEV=$_l
		for _try in 1 2 3 4 5 6 7 8 9 10; do
			[ -z "$DEV" ] || break
			_l=$(losetup -f 2>/dev/null) && [ -n "$_l" ] &&
				losetup "$_l" "$TMPD/disk.img" 2>/dev/null && { LOOP=$_l; DEV=$_l; break; }
			sleep 0.2
		done
	fi
	if [ -z "$DEV" ] && [ -b /dev/nullb0 ]; then
		DEV=/dev/nullb0
	fi
	if [ -z "$DEV" ]; then
		BLOCK_WHY="no loop device (loop-control: $([ -e /dev/loop-control ] && echo yes || echo no), losetup: $(command -v losetup >/dev/null && echo yes || echo no)) and no /dev/nullb0"
		[ -b /dev/ram0 ] && BLOCK_WHY="$BLOCK_WHY; /dev/ram0 exists but brd is bio-based and makes no requests"
	fi
	[ -n "$DEV" ]
}
block_device_release() { [ -z "$LOOP" ] || losetup -d "$LOOP" 2>/dev/null; }

# Debug links to FIFOs, for the symbolizer's hostile cases. dlink_make: $TMPD/dl1/prog and
# $TMPD/dl2/prog, copies of hostileprog without symbols whose debug link "wd" is a FIFO in dl1,
# and in dl2 a user's symlink to a root-only FIFO ($TMPD/secret). dlink_arm: a writer on each,
# which blocks in open() until a reader comes, then leaves a mark. dlink_check PREFIX: no mark
# (neither FIFO was opened). dlink_release: ends the writers.
dlink_make() {
	mkdir -p "$TMPD/dl1" "$TMPD/dl2"
	"$PROGS/mkelf" link "$PROGS/hostileprog" "$TMPD/dl1/prog" wd &&
		"$PROGS/mkelf" link "$PROGS/hostileprog" "$TMPD/dl2/prog" wd &&
		mkfifo "$TMPD/dl1/wd" "$TMPD/secret" || return 1
	chmod 600 "$TMPD/secret"
	ln -s "$TMPD/secret" "$TMPD/dl2/wd"
	chown -h nobody "$TMPD/dl2/wd" 2>/dev/null
	return 0
}
dlink_arm() {
	rm -f "$TMPD/dl1.opened" "$TMPD/dl2.opened"
	(echo x >"$TMPD/dl1/wd" && touch "$TMPD/dl1.opened") &
	_dlw1=$!
	(echo x >"$TMPD/secret" && touch "$TMPD/dl2.opened") &
	_dlw2=$!
}
dlink_check() {
	check "$1-fifo-not-opened" [ ! -e "$TMPD/dl1.opened" ]
	check "$1-symlink-not-opened" [ ! -e "$TMPD/dl2.opened" ]
}
dlink_release() {
	kill "$_dlw1" "$_dlw2" 2>/dev/null
	# (the shell's "Terminated" notes are not results)
	wait "$_dlw1" "$_dlw2" 2>/dev/null
}

# load_verdict SEEN EXPECTED REPORTS ACHIEVED RATE (benchmarks): the verdict on a run under load:
# every event seen and no loss reported, at the asked rate (a busy machine may not reach it:
# then the figure proves less, and says so)
load_verdict() {
	if [ "$1" -ne "$2" ] || [ "$3" -ne 0 ]; then
		echo over
	elif [ "$4" -lt $(($5 * 95 / 100)) ]; then
		echo "ok, but only at $4/s"
	else
		echo ok
	fi
}

# prog_stats PID (benchmarks, with kernel.bpf_stats_enabled=1): "RUN_TIME_NS RUN_CNT" summed over the BPF programs PID holds
prog_stats() {
	for f in /proc/"$1"/fdinfo/*; do
		awk '$1 == "run_time_ns:" { t = $2 } $1 == "run_cnt:" { c = $2 }
			END { if (c != "") print t, c }' "$f" 2>/dev/null
	done | awk '{ t += $1; c += $2 } END { print t + 0, c + 0 }'
}
