#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# funccount end to end: exact counts of a user function (in an executable and, on hosts that
# run dynamic programs, in a shared library), of a USDT probe behind a semaphore, and of
# syscall tracepoints, called from two threads of tests/progs/countprog; -p counting one of two
# processes only, -c one CPU only; kernel functions (vfs_read, vfs_*, sys_getppid) through every
# mechanism the kernel offers; GNU IFUNCs (tests/progs/ifuncprog); -l, -j, -T, -d; bad input;
# clean exits.
. "$TESTLIB"
CP=$PROGS/countprog
N=1001 M=501 G=123 R=77

# value FILE NAME: the COUNT of the row NAME (text output), empty when absent
value() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }

# count_case NAME PATTERN PROG-ARGS... -- FUNCCOUNT-ARGS...: runs funccount on PATTERN while
# one countprog runs to the end; funccount's output in $TMPD/NAME, the program's in NAME.m.
# The word PID in FUNCCOUNT-ARGS stands for the program's pid.
count_case() {
	_n=$1 _pat=$2
	shift 2
	_pa=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do _pa="$_pa $1"; shift; done
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2086 # program and arguments
	prog_start "$_n" $_pa
	_fa=
	for _w in "$@"; do [ "$_w" = PID ] && _w=$PROG_PID; _fa="$_fa $_w"; done
	# shellcheck disable=SC2086 # options
	prog_tool "$_n" funccount $_fa "$_pat" || return 1
	kill -USR1 "$PROG_PID"
	wait "$PROG_PID"
	settle
	stop_tool
	check "$_n-exit-0" [ "$TOOL_RC" -eq 0 ]
}

# exact NAME ROW WANT: the row's count is WANT
exact() {
	_got=$(value "$TMPD/$1" "$2")
	if [ "$_got" = "$3" ]; then pass "$1-$2-exact"; else fail "$1-$2-exact" "want $3, got '$_got': $(cat "$TMPD/$1" "$TMPD/$1.err")"; fi
}

# user function in the executable itself (static: runs in the VMs too)
if r=$(requires uprobe); then
	count_case ufunc "$CP:countlib_tick" "$CP" $N 0 0 0
	exact ufunc countlib_tick $N
	check ufunc-banner has "$TMPD/ufunc" "Tracing 1 functions for \"$CP:countlib_tick\"... Hit Ctrl-C to end."
	check ufunc-detaching [ "$(tail -n 1 "$TMPD/ufunc")" = "Detaching..." ]
	check ufunc-header has "$TMPD/ufunc" "FUNC                                    COUNT"
	# USDT behind a semaphore: fires only while funccount holds it enabled
	count_case usdt "u:$CP:fired" "$CP" 0 $M 0 0
	exact usdt fired $M
	check usdt-semaphore-set has "$TMPD/usdt.m" "fired $M"
	# each user-function mechanism this kernel offers, forced
	for mech in uprobe-multi uprobe; do
		if r=$(requires "$(echo $mech | tr - _)"); then
			count_case "ufunc-$mech" "$CP:countlib_tick" "$CP" $N 0 0 0 -- --mechanism $mech -D
			exact "ufunc-$mech" countlib_tick $N
			check "ufunc-$mech-plan" has "$TMPD/ufunc-$mech.err" "1 of 1 targets attached with $mech"
		else
			skip "ufunc-$mech" "$r"
		fi
	done
	# -i: each summary counts since the previous one, so the summaries add up to N
	count_case interval "$CP:countlib_tick" "$CP" $N 0 0 0 -- -i 1
	sum=$(awk '$1 == "countlib_tick" { s += $2 } END { print s + 0 }' "$TMPD/interval")
	check interval-deltas-add-up [ "$sum" = $N ]
	# glob over the executable's functions: both of the library's, each exact
	count_case glob "$CP:countlib_*" "$CP" $N $M 0 0
	exact glob countlib_tick $N
	exact glob countlib_fire $M
else
	skip ufunc "$r"
fi

# shared library, two processes of the same library, -p counts one only
if [ -x "$PROGS/countprog-dyn" ] && "$PROGS/countprog-dyn" 0 0 0 0 >/dev/null 2>&1 && r=$(requires uprobe); then
	LIB=$PROGS/libcountlib.so
	prog_start other "$PROGS/countprog-dyn" 400 40 0 0
	OTHER=$PROG_PID
	count_case lib-pid "$LIB:countlib_tick" "$PROGS/countprog-dyn" $N 0 0 0 -- -p PID
	kill -USR1 "$OTHER"
	exact lib-pid countlib_tick $N
	# USDT in the library under -p: the semaphore is set in that process only
	count_case usdt-pid "u:$LIB:fired" "$PROGS/countprog-dyn" 0 $M 0 0 -- -p PID
	exact usdt-pid fired $M
	wait "$OTHER"
	check usdt-pid-other-not-enabled has "$TMPD/other.m" "fired 0"
	# without -p every process using the library counts
	count_case lib-all "$LIB:countlib_tick" "$PROGS/countprog-dyn" $N 0 0 0
	exact lib-all countlib_tick $N
else
	skip lib-pid "no dynamic countprog here (host only) or no uprobes"
fi

# GNU IFUNCs count calls of the implementation their resolver picked (read from the GOT of a
# process that maps the binary), not of the resolver: tests/progs/ifuncprog calls its own
# ifunc_add and libc's strlen N times each; static (bias 0, runs in the VMs) and as a PIE with
# the shared libc (host only)
IP=$PROGS/ifuncprog IPD=$PROGS/ifuncprog-dyn
if r=$(requires uprobe); then
	count_case ifunc "$IP:ifunc_add" "$IP" $N
	exact ifunc ifunc_add $N
	count_case ifunc-libc-pid "$IP:strlen" "$IP" $N -- -p PID
	exact ifunc-libc-pid strlen $N
	count_case ifunc-glob-pid "$IP:ifunc_*" "$IP" $N -- -p PID --mechanism uprobe
	exact ifunc-glob-pid ifunc_add $N
	# with no process to read it from, -l still names it and counting refuses
	check ifunc-listed [ "$("$BPFBOX" funccount -l "$IP:ifunc_add")" = "$IP:ifunc_add" ]
	"$BPFBOX" funccount "$IP:ifunc_add" >"$TMPD/ifunc-none" 2>"$TMPD/ifunc-none.err"
	check ifunc-none-fails [ $? -eq 1 ]
	check ifunc-none-says-why has "$TMPD/ifunc-none.err" "only GNU IFUNC symbols matched"
	# a GOT slot that points one byte into a function (ifuncprog -t writes it) is refused, with
	# -p and without: a uprobe there would corrupt every process running the binary
	"$IP" 1 -t >"$TMPD/tamper.m" &
	TPID=$!
	wait_line "$TMPD/tamper.m" '^ready' 100
	check ifunc-tamper-done grep -q '^tampered [1-9]' "$TMPD/tamper.m"
	for w in pid all; do
		[ $w = pid ] && set -- -p $TPID || set --
		"$BPFBOX" funccount "$@" "$IP:ifunc_add" >"$TMPD/tamper-$w" 2>"$TMPD/tamper-$w.err"
		check "ifunc-tamper-$w-refused" [ $? -eq 1 ]
		check "ifunc-tamper-$w-says-why" has "$TMPD/tamper-$w.err" "only GNU IFUNC symbols matched"
		check "ifunc-tamper-$w-not-traced" lacks "$TMPD/tamper-$w" Tracing
	done
	kill $TPID
	wait $TPID 2>/dev/null
	if [ -x "$IPD" ] && "$IPD" 0 >/dev/null 2>&1; then
		count_case ifunc-pie "$IPD:ifunc_add" "$IPD" $N
		exact ifunc-pie ifunc_add $N
		count_case ifunc-shared-libc "c:strlen" "$IPD" $N -- -p PID
		exact ifunc-shared-libc strlen $N
	else
		skip ifunc-pie "no dynamic ifuncprog here (host only)"
	fi
else
	skip ifunc "$r"
fi

# syscall tracepoints under -p: the program's own getppid calls, exactly
if r=$(requires tracepoint,syscall_tp); then
	prog_start other2 "$CP" 0 0 50 0
	OTHER=$PROG_PID
	count_case tp 't:syscalls:sys_enter_getpp*' "$CP" 0 0 $G 0 -- -p PID -D
	kill -USR1 "$OTHER"
	wait "$OTHER"
	exact tp syscalls:sys_enter_getppid $G
	# without BPF cookies (before 5.15) each probe is its own program, and -D says so
	if ! requires cookie >/dev/null; then
		check tp-copies has "$TMPD/tp.err" "1 of 1 targets attached with tracepoint, this kernel without BPF cookies (one program per probe)"
		usage_case bad-copies "each probe needs its own BPF program, at most 256" funccount --max-probes 5000 't:syscalls:sys_*'
	fi
	count_case tp-exit 't:syscalls:sys_*_getppid' "$CP" 0 0 $G 0 -- -p PID -T
	exact tp-exit syscalls:sys_enter_getppid $G
	exact tp-exit syscalls:sys_exit_getppid $G
	check tp-timestamp grep -q '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] *$' "$TMPD/tp-exit"
	# JSON: one object per row
	count_case tp-json 't:syscalls:sys_enter_getppid' "$CP" 0 0 $G 0 -- -p PID -j
	check tp-json has "$TMPD/tp-json" "{\"func\":\"syscalls:sys_enter_getppid\",\"count\":$G}"
	check tp-json-no-text lacks "$TMPD/tp-json" "Tracing"
	# -c: the program pinned to CPU 1 is counted whole there (two targets: by cookie) and not
	# at all on CPU 0 (one target: its id a constant)
	if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
		count_case cpu 't:syscalls:sys_*_getppid' taskset -c 1 "$CP" 0 0 $G 0 -- -p PID -c 1
		exact cpu syscalls:sys_enter_getppid $G
		exact cpu syscalls:sys_exit_getppid $G
		count_case cpu-other 't:syscalls:sys_enter_getppid' taskset -c 1 "$CP" 0 0 $G 0 -- -p PID -c 0
		check cpu-other-header has "$TMPD/cpu-other" "FUNC                                    COUNT"
		check cpu-other-no-row [ -z "$(value "$TMPD/cpu-other" syscalls:sys_enter_getppid)" ]
	else
		skip cpu "needs 2 CPUs and taskset"
	fi
	"$BPFBOX" funccount -l 't:syscalls:sys_enter_getpp*' >"$TMPD/l" 2>&1
	check list-tracepoints [ "$(cat "$TMPD/l")" = "t:syscalls:sys_enter_getppid" ]
	BPFBOX_READY= "$BPFBOX" funccount -d 1 't:syscalls:sys_enter_getppid' >"$TMPD/d" 2>&1
	check duration-ends-itself [ $? -eq 0 ] && check duration-summary has "$TMPD/d" "Detaching..."
	check_clean_exits funccount 't:syscalls:sys_enter_getppid'
else
	skip tp "$r"
fi

# kernel functions, through each mechanism this kernel offers
for mech in kprobe kprobe-multi fentry; do
	feat=$(echo $mech | tr - _)
	if ! r=$(requires $feat); then
		skip "kfunc-$mech" "$r"
		continue
	fi
	count_case "getppid-$mech" sys_getppid "$CP" 0 0 $G 0 -- -p PID --mechanism $mech
	# the wrapper (__x64_sys_getppid) and/or the body (__do_sys_getppid): each exact
	rows=$(awk '$1 ~ /sys_getppid$/ { print $1 }' "$TMPD/getppid-$mech")
	check "getppid-$mech-found" [ -n "$rows" ]
	for row in $rows; do exact "getppid-$mech" "$row" $G; done
	count_case "vfs_read-$mech" vfs_read "$CP" 0 0 0 $R -- -p PID --mechanism $mech -D
	exact "vfs_read-$mech" vfs_read $R
	check "vfs_read-$mech-plan" has "$TMPD/vfs_read-$mech.err" "1 of 1 targets attached with $mech"
	count_case "vfs-glob-$mech" 'vfs_*' "$CP" 0 0 0 $R -- -p PID --mechanism $mech
	exact "vfs-glob-$mech" vfs_read $R
	check "vfs-glob-$mech-banner" grep -q 'Tracing [0-9]* functions for "vfs_\*"' "$TMPD/vfs-glob-$mech"
done
if r=$(requires kprobe); then
	"$BPFBOX" funccount -l 'vfs_rea*' >"$TMPD/lk" 2>&1
	check list-kfuncs grep -qx vfs_read "$TMPD/lk"
fi

# x86 functions that start with an AVX-512 (EVEX) instruction are listed but never probed: a
# uprobe there made the instruction write nothing (glibc's *_evex string functions returned
# wrong results in every process). tests/progs/evexprog checks its own evex_fill's results.
EP=$PROGS/evexprog
if [ "$(uname -m)" != x86_64 ]; then
	skip evex "EVEX is an x86 encoding (this is $(uname -m))"
elif r=$(requires uprobe); then
	check evex-listed [ "$("$BPFBOX" funccount -l "$EP:evex_*")" = "$EP:evex_fill" ]
	start_tool "$TMPD/evex" funccount -D "$EP:*_fill"
	"$EP" $N >"$TMPD/evex.m"
	stop_tool
	check evex-exit-0 [ "$TOOL_RC" -eq 0 ]
	exact evex plain_fill $N
	check evex-not-probed lacks "$TMPD/evex" evex_fill
	check evex-left-out-said has "$TMPD/evex.err" "1 functions left out: they start with an AVX-512 (EVEX) instruction"
	if grep -q '^no-avx512' "$TMPD/evex.m"; then
		skip evex-results "this CPU has no AVX-512BW: evex_fill cannot run"
	else
		check evex-results-right grep -qx 'evex_bad 0' "$TMPD/evex.m"
	fi
	"$BPFBOX" funccount "$EP:evex_fill" >"$TMPD/evex-only" 2>"$TMPD/evex-only.err"
	check evex-only-fails [ $? -eq 1 ]
	check evex-only-says-why has "$TMPD/evex-only.err" "starts with an AVX-512 (EVEX) instruction"
else
	skip evex "$r"
fi

# bad input: one line on stderr, nothing on stdout, exit 2 each
# (check_usage_errors splits on ':', which patterns need)
bad() { _bn=$1 _bw=$2; shift 2; usage_case "bad-$_bn" "$_bw" funccount "$@"; }
bad no-match "No functions matched by pattern $CP:nosuch_xyz" "$CP:nosuch_xyz"
bad regex "invalid regular expression" -r "$CP:(unclosed"
bad four-parts "too many ':'-separated components" a:b:c:d
bad type "probe type must be" x:c:malloc
bad library "unable to find library nosuchlib_xyz" nosuchlib_xyz:malloc
bad pid "no process with pid 999999999" -p 999999999 "$CP:countlib_tick"
bad limit "maximum of 1 probes allowed, attempted 2" --max-probes 1 "$CP:countlib_*"
bad mechanism "--mechanism kprobe cannot attach to this kind of probe" --mechanism kprobe "$CP:countlib_tick"
bad mechanism-name "one of: kprobe-multi fentry kprobe uprobe-multi uprobe" --mechanism kprobes vfs_read
bad no-pattern "pattern" -p 1
BCC_PROBE_LIMIT=1 "$BPFBOX" funccount "$CP:countlib_*" >"$TMPD/lim" 2>&1
check probe-limit-env grep -q 'maximum of 1 probes allowed, attempted 2' "$TMPD/lim"
