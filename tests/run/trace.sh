#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# trace end to end: exact messages from tracepoints (syscall pointers, __data_loc strings),
# uprobes and return probes of tests/progs/traceprog (strings, negative numbers, a struct
# member typed from the kernel's BTF), USDT operands; filters (STRCMP, comparisons, && || !),
# $tgid $pid $uid; -M, -n, -f, -p, -t, -T, -C, -j, -v, -s; the expression cases again through the
# interpreter's bounded loop (BPFBOX_XVM_LOOP=bounded); bad probes and expressions, one line
# each with the column; clean exits.
. "$TESTLIB"
TP=$PROGS/traceprog

# msgs FILE: the message column of the event lines (text after FUNC), one per line
msgs() { awk 'NR > 1 { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }' "$1"; }

# same NAME FILE WANT: FILE's messages are exactly the lines of WANT
same() {
	msgs "$2" >"$2.msgs"
	printf '%s\n' "$3" >"$2.want"
	if cmp -s "$2.msgs" "$2.want"; then pass "$1"; else
		fail "$1" "want '$(cat "$2.want")', got '$(cat "$2.msgs")' ($(cat "$2.err"))"; fi
}

# uprobe_case NAME N TRACE-ARGS...: trace runs while traceprog N runs to its end
uprobe_case() {
	_n=$1 _cnt=$2
	shift 2
	prog_start "$_n" "$TP" "$_cnt"
	prog_tool "$_n" trace "$@" || return 1
	kill -USR1 "$PROG_PID"
	wait "$PROG_PID"
	settle
	stop_tool
	check "$_n-exit-0" [ "$TOOL_RC" -eq 0 ]
}
export BPFBOX_READY=1

# The expression cases run twice (see the end): with bpf_loop where the kernel has it, then with
# the interpreter's bounded loop forced (BPFBOX_XVM_LOOP=bounded), the path of kernels without
# bpf_loop; both must print exactly the expected lines. X prefixes the second run's case names.
X=
uprobe_exprs() {
	# strings and negative numbers from registers; the header's last column is "-"
	uprobe_case ${X}ustr 3 "p:$TP:trace_str \"%s %d\", arg1, arg2"
	same ${X}ustr "$TMPD/${X}ustr" "item-1 -1
item-2 -2
item-3 -3"
	check ${X}ustr-header has "$TMPD/${X}ustr" "PID     TID     COMM            FUNC             -"
	check ${X}ustr-pid [ "$(awk 'NR == 2 { print $1 }' "$TMPD/${X}ustr")" = "$PROG_PID" ]
	check ${X}ustr-func [ "$(awk 'NR == 2 { print $4 }' "$TMPD/${X}ustr")" = trace_str ]
	# return probe, signed cast in the filter, several conversions of one value
	uprobe_case ${X}uret 4 "r:$TP:trace_str ((long)retval > 3 && !(retval == 9)) \"ret %d %x %u\", retval, retval, retval"
	same ${X}uret "$TMPD/${X}uret" "ret 6 6 6
ret 12 c 12"
	# a struct member through a pointer typed from the kernel's BTF, in user memory
	uprobe_case ${X}ustruct 3 "p:$TP:trace_ts(struct __kernel_timespec *ts) (ts->tv_sec >= 2 || ts->tv_nsec == 1000) \"ts %lld %ld\", ts->tv_sec, ts->tv_nsec"
	same ${X}ustruct "$TMPD/${X}ustruct" "ts 1 1000
ts 2 2000
ts 3 3000"
	# STRCMP is a prefix compare; a signature names the registers
	uprobe_case ${X}ustrcmp 12 "p:$TP:trace_str(const char *s, long n) (STRCMP(\"item-1\", s)) \"%s %d\", s, n"
	same ${X}ustrcmp "$TMPD/${X}ustrcmp" "item-1 -1
item-10 -10
item-11 -11
item-12 -12"
	# $tgid, $pid and $uid match the columns and the caller
	uprobe_case ${X}uvars 1 "p:$TP:trace_str \"%d %d %d %d %d\", \$tgid, \$pid, \$uid, \$gid, \$cpu == \$cpu"
	same ${X}uvars "$TMPD/${X}uvars" "$PROG_PID $PROG_PID $(id -u) $(id -g) 1"
	# arithmetic on a signed parameter: C's truncating division and modulo, shifts, bit
	# operations, an unsigned cast in a comparison
	uprobe_case ${X}uarith 4 "p:$TP:trace_str(const char *s, long n) (n % 2 == -1 || n < -3) \"%d %d %x %d %u\", n * 7 / 2, (n << 4) | 3, n & 0xff, -n - (n >> 1), (unsigned int)n > 5"
	same ${X}uarith "$TMPD/${X}uarith" "-3 -13 ff 2 1
-10 -45 fd 5 1
-14 -61 fc 6 1"
	# USDT operands: numbers, negative numbers, a string; provider written out
	uprobe_case ${X}usdt 3 "u:$TP:bpfbox_test:traced (arg1 != 2) \"usdt %d %d %s\", arg1, arg2, arg3"
	same ${X}usdt "$TMPD/${X}usdt" "usdt 1 -1 usdt-1
usdt 3 -3 usdt-3"
	check ${X}usdt-func [ "$(awk 'NR == 2 { print $4 }' "$TMPD/${X}usdt")" = bpfbox_test:traced ]
}
tp_exprs() {
	# a syscall tracepoint's pointer (user memory), flags and a negative dfd; fields compared
	# with constants (fused ops: the first three run before the VM, the fourth in it), and
	# compares of expressions with constants, one of which drops the write open
	f="$TMPD/trace-open-me"
	: >"$f"
	start_tool "$TMPD/${X}tpopen" trace "t:syscalls:sys_enter_openat (args->dfd != 0 && args->flags >= 0 && 12345 != args->flags && args->mode <= 0x1ff && (int)args->dfd == -100 && (args->flags & 3) != 1 && STRCMP(\"$f\", args->filename)) \"%s %d %d\", args->filename, args->dfd, args->flags & 3"
	: >>"$f"
	cat "$f" >/dev/null
	settle
	stop_tool
	same ${X}tpopen "$TMPD/${X}tpopen" "$f -100 0"
	check ${X}tpopen-func [ "$(awk 'NR == 2 { print $4 }' "$TMPD/${X}tpopen")" = sys_enter_openat ]
	# beside a tracepoint whose record is 16 bytes, openat's fields past them are read as they
	# are inside: the program must still attach to both
	start_tool "$TMPD/${X}tpmix" trace "t:syscalls:sys_enter_getppid (args->__syscall_nr == -1) \"never\"" "t:syscalls:sys_enter_openat (args->mode < 0x1ff && args->flags != 12345 && STRCMP(\"$f\", args->filename)) \"%s %d %d\", args->filename, args->flags & 3, args->mode"
	# STRCMP compares words: a name that differs in its last byte only does not match
	cat "${f%?}X" 2>/dev/null
	cat "$f" >/dev/null
	settle
	stop_tool
	same ${X}tpmix "$TMPD/${X}tpmix" "$f 0 0"
	# __data_loc strings (BCC cannot read them, bcc#929)
	cp "$TP" "$TMPD/trace-exec-me"
	start_tool "$TMPD/${X}tpexec" trace "t:sched:sched_process_exec (STRCMP(\"$TMPD/trace-exec-me\", args->filename)) \"%s %d\", args->filename, args->pid == \$tgid"
	"$TMPD/trace-exec-me" 0 >/dev/null
	settle
	stop_tool
	same ${X}tpexec "$TMPD/${X}tpexec" "$TMPD/trace-exec-me 1"
}

if r=$(requires uprobe); then
	uprobe_exprs
	# -M: exits by itself after M events; two probes in one trace
	prog_start umax "$TP" 5
	if BPFBOX_READY=1 start_tool "$TMPD/umax" trace -M 3 "p:$TP:trace_str \"s %d\", arg2" "p:$TP:trace_ts \"t\""; then
		kill -USR1 "$PROG_PID"
		wait "$PROG_PID"
		wait "$TOOL_PID"
		check umax-exit-0 [ $? -eq 0 ]
		same umax "$TMPD/umax" "s -1
t
s -2"
	else
		fail umax "did not start: $(cat "$TMPD/umax.err")"
	fi
	# -A: identical events counted, most frequent first, after -M events
	prog_start uagg "$TP" 5
	if BPFBOX_READY=1 start_tool "$TMPD/uagg" trace -A -M 5 "p:$TP:trace_str \"%d\", (long)arg2 % 2"; then
		kill -USR1 "$PROG_PID"
		wait "$PROG_PID"
		wait "$TOOL_PID"
		check uagg-exit-0 [ $? -eq 0 ]
		awk 'NR > 1 && NF { print ($1 == "-->COUNT") ? $0 : $NF }' "$TMPD/uagg" >"$TMPD/uagg.got"
		printf '%s\n' -1 "-->COUNT 3" 0 "-->COUNT 2" >"$TMPD/uagg.want"
		check uagg-blocks cmp -s "$TMPD/uagg.got" "$TMPD/uagg.want"
	else
		fail uagg "did not start: $(cat "$TMPD/uagg.err")"
	fi
	# -f and -n filter in user space; -C and -T add columns
	uprobe_case ufilter 3 -f "item-2" -n traceprog -C -T "p:$TP:trace_str \"%s\", arg1"
	check ufilter-one [ "$(msgs "$TMPD/ufilter" | awk '{ print $NF }')" = item-2 ]
	check ufilter-header has "$TMPD/ufilter" "TIME     CPU PID     TID     COMM            FUNC             -"
	uprobe_case unone 2 -b 8 -n no-such-comm "p:$TP:trace_str"
	check unone-empty [ "$(wc -l <"$TMPD/unone")" -eq 1 ]
	# -c: tasks of one cgroup v2 directory only
	cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -n "$cg2" ] && mkdir "$cg2/bpfbox-trace-$$" 2>/dev/null; then
		cgd="$cg2/bpfbox-trace-$$"
		if BPFBOX_READY=1 start_tool "$TMPD/ucg" trace -c "$cgd" "p:$TP:trace_str \"%d\", arg2"; then
			"$TP" 3 >/dev/null
			sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 2' sh "$cgd" "$TP" >/dev/null
			settle
			stop_tool
			same ucg "$TMPD/ucg" "-1
-2"
		else
			fail ucg "did not start: $(cat "$TMPD/ucg.err")"
		fi
		rmdir "$cgd"
	else
		skip ucg "no cgroup v2 hierarchy to make a directory in"
	fi
	# -s: a stripped binary's user frames take their symbols from a separate file with its
	# build-id (objcopy --only-keep-debug), also when the list names others first; without it
	# they are unknown. The return probe's
	# leaf is main. traceprog sleeps after its calls: alive until trace has symbolized.
	TPS=$PROGS/traceprog-stripped
	for c in nosym:"" sym:"-s $PROGS/traceprog.debug" symlist:"-s $PROGS/opener,$PROGS/traceprog.debug"; do
		n=usyms-${c%%:*}
		# shellcheck disable=SC2086 # the option and its value, split on purpose
		if BPFBOX_READY=1 start_tool "$TMPD/$n" trace -U -M 1 ${c#*:} "r:$TPS:trace_str \"%d\", retval"; then
			"$TPS" 1 -s 100000 >/dev/null &
			sp=$!
			wait "$TOOL_PID"
			check "$n-exit-0" [ $? -eq 0 ]
			kill "$sp"
			wait "$sp" 2>/dev/null
			leaf=$(sed -n 3p "$TMPD/$n")
			if [ "$n" = usyms-nosym ]; then
				check "$n-unknown" [ "$leaf" = "        [unknown] [traceprog-stripped]" ]
			else
				check "$n-main" matches "$leaf" '        main+0x[0-9a-f]* \[traceprog-stripped\]$'
			fi
		else
			fail "$n" "did not start: $(cat "$TMPD/$n.err")"
		fi
	done
	# -j: one object per event
	uprobe_case ujson 1 -j "p:$TP:trace_str \"%s\", arg1"
	check ujson-line has "$TMPD/ujson" "\"pid\":$PROG_PID,\"tid\":$PROG_PID,\"comm\":\"traceprog\",\"func\":\"trace_str\",\"msg\":\"item-1\"}"
	# -v: the plan with the bytecode beside its source
	uprobe_case uplan 1 -v "p:$TP:trace_str (arg2 != 5) \"%d\", arg2"
	check uplan-mech has "$TMPD/uplan.err" "1 of 1 targets attached with uprobe"
	check uplan-filter has "$TMPD/uplan.err" "  filter: arg2 != 5"
	check uplan-code has "$TMPD/uplan.err" "      1  fcmp    != 5"
	check uplan-value has "$TMPD/uplan.err" "  value 1 (%d):  arg2"
	check uplan-loop has "$TMPD/uplan.err" "trace: expressions stepped by "
else
	skip uprobes "$r"
fi

if r=$(requires tracepoint,syscall_tp); then
	tp_exprs
	# -K: the kernel stack under each event (tracepoints have one too), then a blank line
	start_tool "$TMPD/kstack" trace -K -M 1 't:syscalls:sys_enter_openat (STRCMP("'"$f"'", args->filename))'
	cat "$f" >/dev/null
	wait "$TOOL_PID"
	check kstack-exit-0 [ $? -eq 0 ]
	# frames, or BCC's failed stack id (6.1's tracepoints give -EFAULT; kprobes are tested
	# for frames below)
	if grep -q '^        [A-Za-z_][A-Za-z0-9_.]*+0x[0-9a-f]* \[kernel\]$' "$TMPD/kstack" ||
		grep -qx '        -[0-9][0-9]*' "$TMPD/kstack"; then
		pass kstack-frames
	else
		fail kstack-frames "no kernel frame in: $(head -c 600 "$TMPD/kstack" | tr '\n' '|')"
	fi
	check kstack-blank [ -z "$(tail -n 1 "$TMPD/kstack")" ]
	check_clean_exits trace 't:syscalls:sys_enter_getppid "%d", $tgid'
else
	skip tracepoints "$r"
fi

if r=$(requires kprobe); then
	# kernel functions: struct members through the kernel's BTF, checked against the file read
	f="$TMPD/trace-read-me"
	dd if=/dev/zero of="$f" bs=4096 count=1 2>/dev/null
	ino=$(stat -c %i "$f")
	start_tool "$TMPD/kread" trace 'p::vfs_read(struct file *file, char *buf, size_t count) (count == 3333) "%lu %d %s", file->f_inode->i_ino, count, file->f_path.dentry->d_name.name' \
		'r::vfs_read ((long)retval == 3333 && $task->tgid == $tgid) "ret %d", retval'
	dd if="$f" of=/dev/null bs=3333 count=1 2>/dev/null
	settle
	stop_tool
	same kread "$TMPD/kread" "$ino 3333 trace-read-me
ret 3333"
	# user memory in a kernel probe: a __user parameter, and argN@user
	start_tool "$TMPD/kuser" trace "p::do_sys_openat2(int dfd, const char __user *filename) (STRCMP(\"$f\", filename)) \"%s\", filename" \
		"p::do_sys_openat2 (STRCMP(\"$f\", arg2@user)) \"at %s\", arg2@user"
	cat "$f" >/dev/null
	settle
	stop_tool
	msgs "$TMPD/kuser" | sort >"$TMPD/kuser.s"
	check kuser-strings [ "$(cat "$TMPD/kuser.s")" = "$f
at $f" ]
	# -K on a kernel function: its callers, symbolized
	start_tool "$TMPD/kkstack" trace -K -M 1 'p::vfs_read (arg3 == 3333)'
	dd if="$f" of=/dev/null bs=3333 count=1 2>/dev/null
	wait "$TOOL_PID"
	check kkstack-exit-0 [ $? -eq 0 ]
	# ksys_read, or the syscall wrapper where it is inlined (arm64)
	check kkstack-caller grep -Eq '^        [a-z0-9_]*sys_read\+0x[0-9a-f]+ \[kernel\]$' "$TMPD/kkstack"
	# BCC's first example: sys_read's arguments, read through the syscall wrapper's pt_regs
	# where the kernel traces the wrapper (every line the same, at least one)
	start_tool "$TMPD/ksys" trace 'sys_read (arg3 == 3333) "read %d bytes", arg3'
	dd if="$f" of=/dev/null bs=3333 count=1 2>/dev/null
	settle
	stop_tool
	check ksys-some [ "$(msgs "$TMPD/ksys" | wc -l)" -ge 1 ]
	check ksys-all [ -z "$(msgs "$TMPD/ksys" | grep -vx 'read 3333 bytes')" ]
	# the guide's line: no comma between the format and its value
	start_tool "$TMPD/kguide" trace -M 1 'down_write "%llx" arg1'
	ls -R /proc/self >/dev/null 2>&1
	wait "$TOOL_PID"
	check kguide-exit-0 [ $? -eq 0 ]
	check kguide-hex [ -n "$(msgs "$TMPD/kguide" | grep -x '[0-9a-f][0-9a-f]*')" ]
else
	skip kernel-functions "$r"
fi

# the expression cases again, through the interpreter's bounded loop
export BPFBOX_XVM_LOOP=bounded
X=bounded-
if r=$(requires uprobe); then
	uprobe_exprs
	uprobe_case bounded-plan 1 -v "p:$TP:trace_str (arg2 != 5) \"%d\", arg2"
	check bounded-plan-loop has "$TMPD/bounded-plan.err" "trace: expressions stepped by the bounded loop (BPFBOX_XVM_LOOP=bounded)"
else
	skip bounded-uprobes "$r"
fi
if r=$(requires tracepoint,syscall_tp); then
	tp_exprs
else
	skip bounded-tracepoints "$r"
fi
unset BPFBOX_XVM_LOOP
X=

# bad probes and expressions: exit 2, one line naming the construct and its column
check_usage_errors trace \
	"-p 1 -L 1 do_sys_open:cannot be used together" \
	"-u do_sys_open:-u needs -t" \
	"-b 3 do_sys_open:-b needs a power of two" \
	"-A do_sys_open:-A needs -M" \
	"-c /nonexistent-cgroup do_sys_open:-c /nonexistent-cgroup: No such file or directory" \
	"-s /nonexistent-symfile do_sys_open:-s /nonexistent-symfile: No such file or directory" \
	"-s /dev/null do_sys_open:-s /dev/null: not a regular file"
echo "not an ELF file" >"$TMPD/notelf"
usage_case usage-error-s-dir "-s $TMPD: not a regular file" trace -s "$TMPD" do_sys_open
usage_case usage-error-s-notelf "-s $TMPD/notelf: not an ELF file" trace -s "$TMPD/notelf" do_sys_open
usage_case usage-error-s-empty "-s: empty file name in" trace -s "$PROGS/traceprog,,$PROGS/traceprog" do_sys_open
usage_case usage-error-s-last "-s: empty file name in" trace -s "$PROGS/traceprog," do_sys_open
bad() { usage_case "bad-$1" "$3" trace "$2"; }
bad type 'x:foo:bar' "column 1: probe type must be p, r, t or u, not 'x'"
bad syntax 't:sched:sched_switch (args->prev_pid == ) "x"' 'column 41: expression expected, found end of text'
bad member 't:sched:sched_switch (args->nope > 1)' "column 29: tracepoint has no field 'nope'"
bad struct-member 'p::vfs_read(struct file *file) "%d", file->f_nope' "column 44: struct file has no member 'f_nope'"
bad fmt-count 't:sched:sched_switch "%d %d", args->prev_pid' 'column 22: the format has 2 conversions but 1 value'
bad fmt-conv 't:sched:sched_switch "%5d", args->prev_pid' "column 23: unsupported conversion '%5'"
bad fmt-type 't:sched:sched_switch "%d", args->prev_comm' 'column 28: type mismatch: %d needs a number'
bad fmt-type-s 't:sched:sched_switch "%s", $pid' 'column 28: type mismatch: %s needs a string'
bad macro 'p::kmalloc (arg2 == GFP_KERNEL)' "column 21: 'GFP_KERNEL' looks like a C macro"
bad ternary 't:sched:sched_switch (args->prev_pid ? 1 : 0)' "column 38: the conditional operator '?:' is not supported"
bad retval 'p:c:read "%d", retval' "column 16: 'retval' needs a return probe"
bad arg-on-tp 't:sched:sched_switch "%d", arg1' "column 28: 'arg1' does not exist on tracepoints"
bad no-tp 't:nosuchcat:nosuchevent' 'no tracepoint nosuchcat:nosuchevent'
bad strcmp 't:sched:sched_switch (STRCMP(args->prev_comm, "x"))' "column 30: STRCMP's first argument must be a string literal"
bad unknown-type 't:sched:sched_switch "%d", (struct nosuch *)args->prev_pid' "column 29: type 'struct nosuch *' is not in the kernel's BTF"
