#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# profile end to end: known call chains of tests/progs/profprog in caller/callee order in the
# multi-line and folded forms, kernel frames under a system call loop, a C++ method demangled,
# the frames of a child that exited before the report, the -p/-L/-C/-U/-K filters, JSON, the SVG
# flame graph, a PIE with a shared library (host only), bad usage, and clean exits.
. "$TESTLIB"
PP=$PROGS/profprog
SECS=2

# in_order FILE NAME...: one stack block (blank-line separated) has these frames top to bottom,
# i.e. leaf first. A frame matches NAME when its symbol is NAME or ends in _NAME (so that
# sys_getpid matches __x64_sys_getpid and __arm64_sys_getpid).
in_order() {
	_f=$1; shift
	awk -v names="$*" '
		BEGIN { n = split(names, want, " "); k = 1 }
		/^$/ { if (k > n) found = 1; k = 1; next }
		k <= n && /\+0x[0-9a-f]+ \[/ {
			s = $0
			sub(/^ *(0x[0-9a-f]+ +)?/, "", s)
			sub(/\+0x[0-9a-f]+ \[.*$/, "", s)
			w = want[k]
			if (s == w || (length(s) > length(w) && substr(s, length(s) - length(w)) == "_" w))
				k++
		}
		END { if (k > n) found = 1; exit !found }' "$_f"
}

# kernel_above FILE NAME: a block has a kernel frame above the user frame NAME (the sample
# was taken inside a system call NAME made)
kernel_above() {
	awk -v a="$2" '
		/^$/ { k = 0; next }
		/ \[kernel\]$/ { k = 1 }
		k && index($0, " " a "+0x") { found = 1 }
		END { exit !found }' "$1"
}

# The syscall path by name: the handler (any arch), x86 entry, arm64 entry
SYSCALL_RE='(sys_getpid|do_syscall_64|el0[a-z0-9_]*|invoke_syscall)'

# blocks_without FILE A B: every block with a frame A lacks B (and some block has A)
blocks_without() {
	awk -v a="$2" -v b="$3" '
		/^$/ { if (ha) { seen = 1; if (hb) bad = 1 }; ha = hb = 0; next }
		index($0, " " a "+0x") { ha = 1 }
		index($0, b) { hb = 1 }
		END { if (ha) { seen = 1; if (hb) bad = 1 }; exit !(seen && !bad) }' "$1"
}

# run_case NAME PROG [-t] PROFILE-ARGS...: runs PROG for $SECS s while profile ARGS samples it.
# PROG waits until profile is attached; the words PID and TIDSYS in ARGS stand for its pid and
# its system-call thread. Without a duration in ARGS, profile is stopped with SIGINT after PROG
# ends. PROG's report (pid, tids, child) is in $TMPD/NAME.m; sets P_PID, P_CHILD, P_TIDSYS.
run_case() {
	_n=$1 _prog=$2
	shift 2
	rm -f "$TMPD/go"
	mkfifo "$TMPD/go"
	$RUNWRAP "$_prog" $SECS -w <"$TMPD/go" >"$TMPD/$_n.m" &
	_pp=$!
	exec 3>"$TMPD/go"
	wait_line "$TMPD/$_n.m" '^ready' 600
	P_PID=$(awk '$1 == "pid" { print $2 }' "$TMPD/$_n.m")
	P_TIDSYS=$(awk '$1 == "tid_sys" { print $2 }' "$TMPD/$_n.m")
	_a=
	_timed=0
	for _w in "$@"; do
		case $_w in
		PID) _w=$P_PID ;;
		TIDSYS) _w=$P_TIDSYS ;;
		[0-9]*) [ "$_a" != "${_a% -C}" ] || [ "$_a" != "${_a% -F}" ] || _timed=1 ;;
		esac
		_a="$_a $_w"
	done
	# shellcheck disable=SC2086 # no spaces in the arguments
	if ! start_tool "$TMPD/$_n" profile $_a; then
		fail "$_n" "did not start: $(head -n 3 "$TMPD/$_n.err")"
		exec 3>&-
		wait $_pp
		return 1
	fi
	PROGS_IDS=$(bpf_prog_ids "$TOOL_PID")
	echo go >&3
	exec 3>&-
	wait $_pp
	P_CHILD=$(awk '$1 == "child" { print $2 }' "$TMPD/$_n.m")
	if [ $_timed = 1 ]; then
		wait "$TOOL_PID"
		TOOL_RC=$?
	else
		stop_tool INT
	fi
	[ "$TOOL_RC" -eq 0 ] || fail "$_n-exit" "status $TOOL_RC: $(head -n 3 "$TMPD/$_n.err")"
	return 0
}

# --- default multi-line output, all threads, stopped with SIGINT
if run_case text "$PP" -F 99; then
	t=$TMPD/text
	check text-banner [ "$(head -n 1 "$t")" = "Sampling at 99 Hertz of all threads by user + kernel stack... Hit Ctrl-C to end." ]
	check text-chain-order in_order "$t" chain_leaf chain_d chain_c chain_b chain_a main
	check text-comm-line has "$t" "$(printf '    %-16s %s (%d)' - profprog "$P_PID")"
	check text-syscall-kernel-frames kernel_above "$t" sys_loop
	check text-syscall-named grep -Eq "^    [^ ]*$SYSCALL_RE\+0x[0-9a-f]+ \[kernel\]\$" "$t"
	check text-cxx-demangled in_order "$t" "profcxx::Widget::spin(int)" thread_cxx
	check text-exited-child in_order "$t" child_leaf child_work main
	check text-exited-child-comm has "$t" "$(printf '    %-16s %s (%d)' - profchild "$P_CHILD")"
	check text-no-unresolved-own-frames blocks_without "$t" chain_leaf "[unknown] [profprog]"
	check text-ascending awk '/^        [0-9]+$/ { if ($1 < last) exit 1; last = $1 }' "$t"
	check text-counts-end-blocks awk '/^    -  / { getline c; if (c !~ /^        [0-9]+$/) exit 1 }' "$t"
	check text-bpf-released bpf_progs_gone $PROGS_IDS
fi

# --- folded, delimited, annotated, with a flame graph
if run_case folded "$PP" -F 99 -f -d -a --svg "$TMPD/fg.svg"; then
	f=$TMPD/folded
	check folded-no-banner lacks "$f" "Sampling at"
	check folded-chain grep -q '^profprog;.*;main;chain_a;chain_b;chain_c;chain_d;chain_leaf [0-9][0-9]*$' "$f"
	check folded-syscall-delimited-annotated grep -Eq '^profprog;.*;thread_syscalls;sys_loop;-;[^ ]*_\[k\]( |;)' "$f"
	check folded-cxx grep -q ';thread_cxx;profcxx::Widget::spin(int) [0-9]' "$f"
	check folded-child grep -q '^profchild;.*;main;child_work;child_leaf [0-9]' "$f"
	check folded-lines-only [ "$(grep -cv '^[^ ].* [0-9][0-9]*$' "$f")" -eq 0 ]
	s=$TMPD/fg.svg
	check svg-written [ -s "$s" ]
	check svg-ends [ "$(tail -n 1 "$s")" = "</svg>" ]
	check svg-has-chain has "$s" ">chain_leaf ("
	check svg-has-cxx has "$s" "profcxx::Widget::spin(int)"
	check svg-has-kernel grep -Eq ">$SYSCALL_RE \(" "$s"
	check svg-has-script has "$s" "<script><![CDATA["
	if command -v python3 >/dev/null 2>&1; then
		check svg-parses-as-xml python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
titles = [t.text for t in r.iter("{http://www.w3.org/2000/svg}title")]
assert any(t.startswith("chain_leaf (") for t in titles), "no chain_leaf frame"
assert any(t.startswith("profchild (") for t in titles), "no profchild frame"
' "$s"
	else
		skip svg-parses-as-xml "no python3 here to parse XML"
	fi
	check svg-no-temporary-left sh -c '! ls "$1".* >/dev/null 2>&1' - "$s"
fi
# a directory that does not exist fails at once, before sampling, and leaves nothing
"$BPFBOX" profile --svg "$TMPD/no/such/dir/x.svg" 1 >"$TMPD/svgbad.out" 2>"$TMPD/svgbad.err"
check svg-bad-path-fails [ $? -eq 1 ]
check svg-bad-path-says-why grep -q "cannot write $TMPD/no/such/dir/x.svg" "$TMPD/svgbad.err"
check svg-bad-path-no-sampling lacks "$TMPD/svgbad.out" Sampling

# --- -p, as JSON lines
if run_case json "$PP" -F 99 -j -p PID; then
	j=$TMPD/json
	check json-lines-only [ "$(grep -cv '^{.*}$' "$j")" -eq 0 ]
	check json-only-pid [ "$(grep -cv "^{\"pid\":$P_PID,\"comm\":\"profprog\",\"count\":[0-9]*,\"kernel_stack\":\[.*\],\"user_stack\":\[.*\]}$" "$j")" -eq 0 ]
	check json-chain grep -q '"user_stack":\["chain_leaf+0x[0-9a-f]* \[profprog\]","chain_d+0x' "$j"
	check json-no-child lacks "$j" profchild
fi

# --- -L: the system-call thread only
if run_case tid "$PP" -F 99 -L TIDSYS; then
	t=$TMPD/tid
	check tid-banner has "$t" "of TID [$P_TIDSYS] by"
	check tid-has-thread has "$t" " sys_loop+0x"
	check tid-no-main lacks "$t" " chain_leaf+0x"
	check tid-no-cxx lacks "$t" "Widget"
fi

# --- -U with addresses; -K with a duration
if run_case user "$PP" -F 99 -U -A; then
	t=$TMPD/user
	check user-banner has "$t" "by user stack..."
	check user-no-kernel lacks "$t" "[kernel]"
	check user-address grep -q '^    0x[0-9a-f]\{16\} chain_leaf+0x[0-9a-f]* \[profprog\]$' "$t"
fi
if run_case kernel "$PP" -F 99 -K 3; then
	t=$TMPD/kernel
	check kernel-banner has "$t" "by kernel stack for 3 secs."
	check kernel-has-syscall grep -Eq "^    [^ ]*$SYSCALL_RE\+0x" "$t"
	check kernel-no-user lacks "$t" "chain_leaf"
fi

# --- -C: the program pinned to one CPU is seen there and not on another
if [ "$(grep -c '^processor' /proc/cpuinfo)" -lt 2 ]; then
	skip cpu-filter "one CPU only"
elif ! command -v taskset >/dev/null 2>&1; then
	skip cpu-filter "no taskset here"
else
	RUNWRAP="taskset -c 1"
	if run_case cpu1 "$PP" -F 99 -C 1; then
		check cpu-banner has "$TMPD/cpu1" "by user + kernel stack on CPU#1..."
		check cpu-seen has "$TMPD/cpu1" " profprog ($P_PID)"
	fi
	# (other profprog instances, e.g. of a concurrent test run, may show up: not this one)
	if run_case cpu0 "$PP" -F 99 -C 0; then
		check cpu-other-unseen lacks "$TMPD/cpu0" " profprog ($P_PID)"
	fi
	RUNWRAP=
fi

# --- a PIE with a shared library (dynamic: the guests have no loader)
if ! "$PROGS/profprog-dyn" 0 </dev/null >/dev/null 2>&1; then
	skip pie-shared-library "profprog-dyn cannot run here (dynamic, no loader or libc)"
elif run_case dyn "$PROGS/profprog-dyn" -F 99; then
	t=$TMPD/dyn
	check dyn-library-frame in_order "$t" proflib_spin chain_leaf chain_d
	check dyn-library-module has "$t" " [libproflib.so]"
	check dyn-pie-module grep -q '^    chain_leaf+0x[0-9a-f]* \[profprog-dyn\]$' "$t"
fi

# --- -v is --verbose (as in libbpf-tools): -vv shows libbpf's messages
"$BPFBOX" profile -vv -F 49 1 >/dev/null 2>"$TMPD/v.err"
check short-v-verbose has "$TMPD/v.err" "libbpf: "

# --- bad usage exits 2 with one line
for args in "-p 1 -L 2" "-U -K" "-F 9 -c 100" "-F 0" "0" "abc" "-C x"; do
	# shellcheck disable=SC2086
	"$BPFBOX" profile $args >"$TMPD/bad.out" 2>"$TMPD/bad.err"
	rc=$?
	check "usage-$(echo "$args" | tr ' ' '_')" [ "$rc:$(wc -l <"$TMPD/bad.err")" = 2:1 ]
done
