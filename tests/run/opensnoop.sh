#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# opensnoop end to end: exact PID, FD, ERR, FLAGS, MODE and PATH of known opens, in text and
# JSON, every filter, bad input, and clean exits.
. "$TESTLIB"
OP=$PROGS/opener

mkdir -p "$TMPD/d/sub" && : >"$TMPD/d/exist" && : >"$TMPD/d/sub/rel" || { fail setup mkdir; exit 0; }
D=$(cd "$TMPD/d" && pwd -P)

# run_case NAME OPENSNOOP-ARGS...: runs opener under opensnoop ARGS (the word PID stands for
# the opener's pid, known before it opens anything); output in $TMPD/NAME, its own report of
# what it opened ("SYSCALL PATH FD ERR TID") in $TMPD/NAME.m; sets OPID and TOOL_RC.
run_case() {
	_n=$1; shift
	rm -f "$TMPD/fifo" "$D/created" "$D/creat" "$D/thread"
	mkfifo "$TMPD/fifo"
	"$OP" "$D" <"$TMPD/fifo" >"$TMPD/$_n.m" &
	OPID=$!
	_a=
	for _w in "$@"; do
		[ "$_w" = PID ] && _w=$OPID
		_a="$_a $_w"
	done
	# shellcheck disable=SC2086 # the arguments hold no spaces
	start_tool "$TMPD/$_n" opensnoop $_a || fail "$_n" "did not start: $(head -n 3 "$TMPD/$_n.err")"
	echo go >"$TMPD/fifo"
	wait $OPID
	settle
	stop_tool INT
	[ "$TOOL_RC" -eq 0 ] || fail "$_n-exit" "status $TOOL_RC: $(head -n 3 "$TMPD/$_n.err")"
}
# m NAME SYSCALL PATH: the opener's report of that open: "FD ERR TID"
m() { awk -v c="$2" -v p="$3" '$1 == c && $2 == p { print $3, $4, $5; exit }' "$TMPD/$1.m"; }
# row PID COMM FD ERR PATH: a default text line
row() { printf '%-6s %-16s %4s %3s %s' "$1" "$2" "$3" "$4" "$5"; }
long=$(printf '%5000s' '' | tr ' ' L | sed 's,^L,/,')
longcut=$(printf '%.4095s...' "$long")

# --- default text output
run_case text -p PID
check text-header [ "$(head -n 1 "$TMPD/text")" = "PID    COMM               FD ERR PATH" ]
check text-existing has "$TMPD/text" "$(row $OPID opener 3 0 "$D/exist")"
check text-missing-enoent has "$TMPD/text" "$(row $OPID opener -1 2 "$D/missing")"
check text-creat-trunc has "$TMPD/text" "$(row $OPID opener 3 0 "$D/created")"
check text-dirfd-open has "$TMPD/text" "$(row $OPID opener 3 0 "$D/sub")"
check text-openat2-dirfd has "$TMPD/text" "$(row $OPID opener 4 0 rel)"
check text-relative has "$TMPD/text" "$(row $OPID opener 3 0 sub/rel)"
check text-long-path-cut has "$TMPD/text" "$(row $OPID opener -1 36 "$longcut")"
check text-long-path-not-longer lacks "$TMPD/text" "$longcut."
if [ -n "$(m text open "$D/exist")" ]; then
	check text-open-syscall has "$TMPD/text" "$(row $OPID opener 3 0 "$D/exist")"
	check text-creat-syscall has "$TMPD/text" "$(row $OPID opener 3 0 "$D/creat")"
else
	skip text-open-creat-syscalls "no open/creat syscalls on $(uname -m)"
fi
set -- $(m text openat "$D/thread")
check text-thread-shows-pid has "$TMPD/text" "$(row $OPID opener 3 0 "$D/thread")"
check text-thread-tid-differs [ "${3:-}" != "$OPID" ]
THREAD_TID=${3:-0}
check text-only-pid [ "$(awk 'NR > 1 && $1 != '"$OPID"'' "$TMPD/text" | wc -l)" -eq 0 ]

# --- JSON with every optional column
run_case json -j -T -U -e -p PID
j=$TMPD/json
check json-created has "$j" "\"uid\":0,\"pid\":$OPID,\"comm\":\"opener\",\"fd\":3,\"err\":0,\"flags\":577,\"mode\":\"0640\",\"path\":\"$D/created\"}"
check json-existing has "$j" "\"pid\":$OPID,\"comm\":\"opener\",\"fd\":3,\"err\":0,\"flags\":0,\"mode\":null,\"path\":\"$D/exist\"}"
check json-missing has "$j" "\"fd\":-1,\"err\":2,\"flags\":0,\"mode\":null,\"path\":\"$D/missing\"}"
check json-openat2-flags has "$j" "\"fd\":4,\"err\":0,\"flags\":524288,\"mode\":null,\"path\":\"rel\"}"
check json-long-path has "$j" "\"fd\":-1,\"err\":36,\"flags\":0,\"mode\":null,\"path\":\"$longcut\"}"
check json-time-first-zero grep -q '^{"time_s":0\.000000000,"uid":0,' "$j"
check json-lines-only [ "$(grep -vc '^{.*}$' "$j")" -eq 0 ]

# --- text with -e -U -T: FLAGS in octal, MODE or n/a
run_case ext -e -U -T -p PID
check ext-header [ "$(head -n 1 "$TMPD/ext")" = "TIME(s)        UID    PID    COMM               FD ERR FLAGS    MODE PATH" ]
l=$(grep -F " $D/created" "$TMPD/ext")
set -- $l
check ext-created-fields [ "$2 $3 $4 $5 $6 $7 $8" = "0 $OPID opener 3 0 00001101 0640" ]
check ext-time-format matches "$1" '[0-9]*\.[0-9]\{9\}$'
l=$(grep -F " $D/sub" "$TMPD/ext")
set -- $l
check ext-directory-mode-na [ "$8 $9" = "n/a $D/sub" ]
check ext-mode-na has "$TMPD/ext" "$(printf '%-6s %-16s %4s %3s %-8s %-4s %s' $OPID opener -1 2 00000000 n/a "$D/missing")"

# --- filters
run_case tid -t PID
check tid-header [ "$(head -n 1 "$TMPD/tid")" = "TID    COMM               FD ERR PATH" ]
check tid-main-thread has "$TMPD/tid" "$(row $OPID opener 3 0 "$D/exist")"
check tid-other-thread-out lacks "$TMPD/tid" "$D/thread"

run_case uid0 -u 0 -p PID
check uid-0-honoured has "$TMPD/uid0" "$(row $OPID opener 3 0 "$D/exist")"
run_case uid1 -u 1 -p PID
check uid-other-filtered [ "$(wc -l <"$TMPD/uid1")" -eq 1 ]

run_case name -n pene
check name-substring has "$TMPD/name" "$(row $OPID opener 3 0 "$D/exist")"
check name-only-matching [ "$(awk 'NR > 1 && $2 !~ /pene/' "$TMPD/name" | wc -l)" -eq 0 ]
run_case noname -n zzqx
check name-nonmatching-out lacks "$TMPD/noname" "$D/exist"

run_case failed -x -p PID
check failed-missing has "$TMPD/failed" "$(row $OPID opener -1 2 "$D/missing")"
check failed-long has "$TMPD/failed" "$(row $OPID opener -1 36 "$longcut")"
check failed-only [ "$(awk 'NR > 1 && $4 == 0' "$TMPD/failed" | wc -l)" -eq 0 ]

run_case fcreat -f O_CREAT -p PID
check flag-creat-kept has "$TMPD/fcreat" "$(row $OPID opener 3 0 "$D/created")"
check flag-creat-thread has "$TMPD/fcreat" "$D/thread"
check flag-creat-others-out lacks "$TMPD/fcreat" "$D/exist"
run_case frdonly -f O_RDONLY -f o_directory -p PID
check flag-rdonly-kept has "$TMPD/frdonly" "$(row $OPID opener 3 0 "$D/exist")"
check flag-directory-kept has "$TMPD/frdonly" "$(row $OPID opener 3 0 "$D/sub")"
check flag-rdonly-others-out lacks "$TMPD/frdonly" "$D/created"

run_case full -F -p PID
check full-path-cwd has "$TMPD/full" "$(row $OPID opener 3 0 "$D/sub/rel")"
check full-path-dirfd has "$TMPD/full" "$(row $OPID opener 4 0 "$D/sub/rel")"
check full-path-absolute-unchanged has "$TMPD/full" "$(row $OPID opener -1 2 "$D/missing")"
# an empty name and an unreadable one print as BCC prints the raw name (empty), no directory
check full-path-empty-name grep -qxF "$(row $OPID opener -1 2 '')" "$TMPD/full"
check full-path-bad-pointer grep -qxF "$(row $OPID opener -1 14 '')" "$TMPD/full"
run_case fullj -F -j -p PID
check full-path-json has "$TMPD/fullj" "\"fd\":4,\"err\":0,\"path\":\"$D/sub/rel\"}"
check full-path-json-empty has "$TMPD/fullj" "\"fd\":-1,\"err\":2,\"path\":\"\"}"
check full-path-json-fault has "$TMPD/fullj" "\"fd\":-1,\"err\":14,\"path\":\"\"}"

# --- --exec: runs the command, traces only its process (not a child it forks), ends with it
start_tool "$TMPD/exec" opensnoop --exec sh -c 'cat "$1/sub/rel" >/dev/null; exec "$2" "$1" </dev/null >"$3"' - "$D" "$OP" "$TMPD/exec.m" ||
	fail exec "did not start: $(cat "$TMPD/exec.err")"
# (a hang guard only: it must end by itself once the command has exited)
_t=0
while kill -0 "$TOOL_PID" 2>/dev/null && [ $_t -lt 600 ]; do sleep 0.1; _t=$((_t + 1)); done
stop_tool INT
check exec-ends-with-command [ $_t -lt 600 ] && check exec-exit-0 [ "$TOOL_RC" -eq 0 ]
set -- $(m exec openat "$D/exist")
EPID=${3:-none}
check exec-traces-command has "$TMPD/exec" "$(row "$EPID" opener 3 0 "$D/exist")"
check exec-only-command [ "$(awk -v p="$EPID" 'NR > 1 && $1 != p' "$TMPD/exec" | wc -l)" -eq 0 ]
check exec-not-its-children lacks "$TMPD/exec" "$D/sub/rel"
"$BPFBOX" opensnoop --exec /nonexistent/cmd >"$TMPD/execbad" 2>&1
check exec-missing-command-fails [ $? -eq 1 ]
check exec-missing-command-says has "$TMPD/execbad" "cannot run /nonexistent/cmd"

# --- a ring far smaller than what goes through it (128 KiB with 4 KiB pages; the reader maps
# 64 KiB of it at a time): records wrap around its end and the reader's window moves again and
# again. Every line printed is whole, no open shows twice, and the lines printed plus the
# opens reported lost cover every open (each open has its own number).
w=$(printf '%150s' '' | tr ' ' w)
start_tool "$TMPD/ring" opensnoop -x -b 32 --exec sh -c \
	'exec 2>/dev/null; i=0; while [ $i -lt 3000 ]; do true <"$1/$2-$i"; i=$((i + 1)); done' - "$D" "$w" ||
	fail ring "did not start: $(cat "$TMPD/ring.err")"
_t=0
while kill -0 "$TOOL_PID" 2>/dev/null && [ $_t -lt 600 ]; do sleep 0.1; _t=$((_t + 1)); done
stop_tool INT
check ring-exit-0 [ "$TOOL_RC" -eq 0 ]
awk -v p="$D/$w-" '/www/ { if (index($NF, p) != 1 || substr($NF, length(p) + 1) !~ /^[0-9]+$/ ||
	substr($NF, length(p) + 1) + 0 >= 3000) bad++; else if (seen[$NF]++) dup++; else n++ }
	END { print n + 0, bad + 0, dup + 0 }' "$TMPD/ring" >"$TMPD/ring.n"
read -r _got _bad _dup <"$TMPD/ring.n"
_lost=$(sed -n 's/.*(\([0-9]*\) in total).*/\1/p' "$TMPD/ring.err" | tail -n 1)
check ring-records-whole [ "$_bad" -eq 0 ] && check ring-no-repeats [ "$_dup" -eq 0 ]
check ring-all-accounted [ $((_got + ${_lost:-0})) -ge 3000 ]

# --- duration: ends by itself
start_tool "$TMPD/dur" opensnoop -d 1 -p 1
_t=0
# (how soon is not the point: a loaded machine may be slow; 60 s only guards against a hang)
while kill -0 "$TOOL_PID" 2>/dev/null && [ $_t -lt 600 ]; do sleep 0.1; _t=$((_t + 1)); done
check duration-ends [ $_t -lt 600 ]
stop_tool INT
check duration-exit-0 [ "$TOOL_RC" -eq 0 ]

# --- -v is --verbose (as in libbpf-tools): -vv shows libbpf's messages
"$BPFBOX" opensnoop -vv -d 1 -p 1 >/dev/null 2>"$TMPD/v.err"
check short-v-verbose has "$TMPD/v.err" "libbpf: "

# --- bad input: exit 2 with one line on stderr naming the problem, nothing on stdout
check_usage_errors opensnoop "-f O_BOGUS:O_BOGUS" "-d -1:-d" "-d 0:-d" "-d 1x:-d" "-p abc:-p" \
	"-b 3:-b" "--nope:--nope" "--exec:--exec" "-p 1 --exec true:-p"

# --- clean exits leave no BPF program behind (the tool's own, by id: other tools may come and go)
check_clean_exits opensnoop
check_closed_pipe 'cat "$D/exist" "$D/sub/rel"' opensnoop
