#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# argdist end to end: exact counts of values, strings, return values, USDT operands, $PID and
# $COMM from tests/progs/traceprog; a log2 histogram with exact buckets; -T; the layout of a
# print; the expression cases again through the interpreter's bounded loop
# (BPFBOX_XVM_LOOP=bounded); bad specifiers, one line each; clean exits.
. "$TESTLIB"
TP=$PROGS/traceprog
export BPFBOX_READY=1

# block FILE SPEC: the rows printed under SPEC's line in the last print of FILE
block() {
	awk -v s="$2" '/^\[..:..:..\]$/ { n = 0; delete r; next }
		$0 == s { on = 1; next }
		on && /^\t[0-9]/ { r[++n] = substr($0, 2); next }
		on && /^\tCOUNT/ { next }
		{ on = 0 }
		END { for (i = 1; i <= n; i++) print r[i] }' "$1"
}

# prints FILE: how many prints argdist has begun in FILE (text: a "[time]" line; -j: rows
# carry their print's time, one second apart)
prints() {
	echo $(($(grep -c '^\[' "$1") + $(grep -o '^{"time":"[^"]*"' "$1" | sort -u | wc -l)))
}

# next_print FILE: waits until argdist has begun one more print in FILE (a hang guard: 60 s)
next_print() {
	_p=$(prints "$1")
	_i=0
	while [ "$(prints "$1")" -le "$_p" ] && [ $_i -lt 600 ] &&
	      kill -0 "$TOOL_PID" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# run_case NAME N ARGDIST-ARGS...: argdist -c -i 1 while traceprog N (or the command in
# $RUN) runs to its end, then until one more print, so the last print holds every hit
run_case() {
	_n=$1 _cnt=$2
	shift 2
	if ! start_tool "$TMPD/$_n" argdist -c -i 1 "$@"; then
		fail "$_n" "did not start: $(cat "$TMPD/$_n.err")"
		return 1
	fi
	if [ -n "${RUN:-}" ]; then
		$RUN >/dev/null 2>&1
	else
		"$TP" "$_cnt" >"$TMPD/$_n.m"
		PROG_PID=$(awk '$1 == "pid" { print $2 }' "$TMPD/$_n.m")
	fi
	next_print "$TMPD/$_n"
	# one more: the print that was running when the program ended may have been partial
	next_print "$TMPD/$_n"
	stop_tool
	check "$_n-exit-0" [ "$TOOL_RC" -eq 0 ]
}

# rows NAME FILE SPEC WANT: the rows under SPEC are exactly WANT's lines
rows() {
	block "$2" "$3" >"$2.rows"
	printf '%s\n' "$4" >"$2.want"
	if cmp -s "$2.rows" "$2.want"; then pass "$1"; else
		fail "$1" "want '$(cat "$2.want")', got '$(cat "$2.rows")' ($(cat "$2.err"))"; fi
}

# The expression cases run twice (see the end): with bpf_loop where the kernel has it, then with
# the interpreter's bounded loop forced (BPFBOX_XVM_LOOP=bounded), the path of kernels without
# bpf_loop; both must count exactly the expected rows. X prefixes the second run's case names.
X=
uprobe_exprs() {
	s1="p:$TP:trace_str(char *s, long n):long,char*:n,s:n > -3"
	s2="r:$TP:trace_str()"
	s3="u:$TP:traced():u64:arg1"
	s4="p:$TP:trace_str():int:\$PID#per process"
	run_case ${X}multi 4 -C "$s1" -C "$s2" -C "$s3" -C "$s4"
	rows ${X}values "$TMPD/${X}multi" "$s1" "1          n = -2, s = item-2
1          n = -1, s = item-1"
	rows ${X}retval "$TMPD/${X}multi" "$s2" "1          retval = 3
1          retval = 6
1          retval = 9
1          retval = 12"
	rows ${X}usdt "$TMPD/${X}multi" "$s3" "1          arg1 = 1
1          arg1 = 2
1          arg1 = 3
1          arg1 = 4"
	rows ${X}pid-label "$TMPD/${X}multi" "per process" "4          \$PID = $PROG_PID"
	check ${X}header has "$TMPD/${X}multi" "	COUNT      EVENT"
	# a histogram of a struct member typed from the kernel's BTF: 1000..5000 ns
	run_case ${X}hist 5 -H "p:$TP:trace_ts(struct __kernel_timespec *ts):u64:ts->tv_nsec#nsec"
	awk '/^\[/ { n = 0; delete r; next } { r[++n] = $0 } END { for (i = 1; i <= n; i++) print r[i] }' "$TMPD/${X}hist" >"$TMPD/${X}hist.last"
	check ${X}hist-header has "$TMPD/${X}hist.last" "     nsec                : count     distribution"
	check ${X}hist-first has "$TMPD/${X}hist.last" "         0 -> 1          : 0        |                                        |"
	check ${X}hist-b512 has "$TMPD/${X}hist.last" "       512 -> 1023       : 1        |********************                    |"
	check ${X}hist-b2048 has "$TMPD/${X}hist.last" "      2048 -> 4095       : 2        |****************************************|"
	check ${X}hist-b4096 has "$TMPD/${X}hist.last" "      4096 -> 8191       : 1        |********************                    |"
	check ${X}hist-rows [ "$(grep -c ' -> ' "$TMPD/${X}hist.last")" -eq 13 ]
	# $entry() and $retval of a return probe
	s9="r:$TP:trace_str(char *s, long n):long,long:\$entry(n),\$retval"
	run_case ${X}entry 3 -C "$s9"
	rows ${X}entry "$TMPD/${X}entry" "$s9" "1          n = -3, \$retval = 9
1          n = -2, \$retval = 6
1          n = -1, \$retval = 3"
	# $latency of a function that sleeps 20 ms
	RUN="$TP 3 -s 20" run_case ${X}latency 0 -H "r:$TP:trace_sleep():u64:\$latency#sleep ns"
	awk '/^\[/ { n = 0; delete r; next } { r[++n] = $0 } END { for (i = 1; i <= n; i++) print r[i] }' "$TMPD/${X}latency" >"$TMPD/${X}latency.last"
	check ${X}latency-header has "$TMPD/${X}latency.last" "     sleep ns            : count     distribution"
	# at least 20 ms each: every count in the rows from 2^24 (16.7 ms) up
	check ${X}latency-total [ "$(awk '$1 >= 16777216 && / -> / { s += $5 } END { print s + 0 }' "$TMPD/${X}latency.last")" -eq 3 ]
	check ${X}latency-none-below [ "$(awk '$1 < 16777216 && / -> / { s += $5 } END { print s + 0 }' "$TMPD/${X}latency.last")" -eq 0 ]
}

if r=$(requires uprobe); then
	uprobe_exprs
	# -j: one object per row
	run_case json 2 -j -C "p:$TP:trace_str():int:\$PID#per process" -H "p:$TP:trace_ts(struct __kernel_timespec *ts):u64:ts->tv_nsec"
	check json-count grep -q "\"spec\":\"per process\",\"event\":\"\$PID = $PROG_PID\",\"count\":2}\$" "$TMPD/json"
	check json-hist grep -q '"spec":"ts->tv_nsec","low":512,"high":1023,"count":1}$' "$TMPD/json"
	check json-no-text lacks "$TMPD/json" "COUNT"
	# -T: the largest counts only
	s5="p:$TP:trace_str(char *s, long n):long:n % 2"
	run_case top 5 -T 1 -C "$s5"
	rows top "$TMPD/top" "$s5" "3          n % 2 = -1"
else
	skip uprobes "$r"
fi

if r=$(requires kprobe); then
	# a kernel function: a struct member chain and a string from the kernel's BTF
	f="$TMPD/argdist-read-me"
	dd if=/dev/zero of="$f" bs=4096 count=1 2>/dev/null
	s6="p::vfs_read(struct file *file, char *buf, size_t count):u64,char*:count,file->f_path.dentry->d_name.name:count == 3333"
	RUN="dd if=$f of=/dev/null bs=3333 count=1" run_case kread 0 -C "$s6"
	rows kread "$TMPD/kread" "$s6" "1          count = 3333, file->f_path.dentry->d_name.name = argdist-read-me"
	# the guide's own line, where the kernel has prep_new_page out of line (6.1 inlines it:
	# then the page allocator's entry of that kernel, whose second argument is the order too)
	aff=/sys/kernel/tracing/available_filter_functions
	[ -r "$aff" ] || aff=/sys/kernel/debug/tracing/available_filter_functions
	s7=
	for fn in prep_new_page __alloc_pages __alloc_frozen_pages_noprof __alloc_pages_noprof; do
		grep -qx "$fn" "$aff" 2>/dev/null || continue
		if [ $fn = prep_new_page ]; then
			s7="p::prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags, unsigned int alloc_flags):u64:order"
		else
			s7="p::$fn(gfp_t gfp, unsigned int order):u64:order"
		fi
		break
	done
	if [ -n "$s7" ]; then
		RUN="ls -R /proc/self" run_case guide 0 -C "$s7"
		check guide-rows grep -q '^	[0-9][0-9]* *order = [0-9][0-9]*$' "$TMPD/guide"
	else
		skip guide "no page allocator entry this kernel can probe"
	fi
else
	skip kernel-functions "$r"
fi

if r=$(requires tracepoint,syscall_tp); then
	# the guide's tracepoint line: read buffers' addresses
	s8="t:syscalls:sys_enter_read():u64:args->buf"
	RUN="cat $TP" run_case tpread 0 -C "$s8"
	check tpread-rows grep -q '^	[0-9][0-9]* *args->buf = [0-9][0-9]*$' "$TMPD/tpread"
	check_clean_exits argdist -C 't:syscalls:sys_enter_getppid()'
else
	skip tracepoints "$r"
fi

# the expression cases again, through the interpreter's bounded loop
export BPFBOX_XVM_LOOP=bounded
X=bounded-
if r=$(requires uprobe); then
	uprobe_exprs
	run_case bounded-plan 1 -v -C "p:$TP:trace_str(char *s, long n):long:n"
	check bounded-plan-loop has "$TMPD/bounded-plan.err" "argdist: expressions stepped by the bounded loop (BPFBOX_XVM_LOOP=bounded)"
else
	skip bounded-uprobes "$r"
fi
unset BPFBOX_XVM_LOOP
X=

"$BPFBOX" argdist >"$TMPD/none.out" 2>"$TMPD/none.err"
check none-exit-1 [ $? -eq 1 ]
check none-message has "$TMPD/none.err" "argdist: at least one specifier is required"
bad() { usage_case "bad-$1" "$4" argdist "$2" "$3"; }
bad parens -C 't:sched:sched_switch' 'function must be written name(...)'
bad hist-expr -H 't:sched:sched_switch()' 'histograms must have expr'
bad hist-two -H 't:sched:sched_switch():int,int:args->prev_pid,args->next_pid' 'histograms need exactly one expression'
bad type -C 'x:sched:sched_switch()' 'probe type must be p, r, t or u'
bad counts -C 't:sched:sched_switch():int:args->prev_pid,args->next_pid' 'the number of types and of expressions differ'
bad argn -C 'p:c:malloc():u64:arg1' "column 18: 'arg1' works on USDT probes only"
bad latency -C 'p:c:malloc():u64:$latency' "column 18: '\$latency' needs a return probe"
bad entry-name -C 'r:c:malloc(size_t size):u64:$entry(sz)' "column 36: 'sz' is not in the signature"
bad r-param -C 'r:c:malloc(size_t size):u64:size' "column 29: on r: probes, read parameters with \$entry(size)"
bad strtype -C 't:sched:sched_switch():int:args->prev_comm' "column 28: type mismatch: 'int' is a number but the expression is a string"
bad member -C 't:sched:sched_switch():int:args->nope' "column 34: tracepoint has no field 'nope'"
"$BPFBOX" argdist -p 1 -t 1 -C 't:sched:sched_switch()' >"$TMPD/pt.out" 2>"$TMPD/pt.err"
check pid-and-tid-exit-2 [ $? -eq 2 ]
check pid-and-tid-message has "$TMPD/pt.err" "-p and -t cannot be used together"
