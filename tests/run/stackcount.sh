#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# stackcount end to end: the known call chain of tests/progs/countprog (count_worker calls
# countlib_tick N times from two threads) counted exactly, leaf first, in the multi-line,
# folded and JSON forms; -P, -s, -v, -d, -U; a syscall tracepoint's user stack under -p;
# kernel stacks of kernel functions in the VMs, submit_bio's from O_DIRECT I/O; bad input;
# clean exits.
. "$TESTLIB"
CP=$PROGS/countprog
N=1001 G=123 R=77

# sc_case NAME PATTERN PROG-ARGS... -- STACKCOUNT-ARGS...: as funccount.sh's count_case,
# stopped with SIGINT (or $SC_SIG)
sc_case() {
	_n=$1 _pat=$2
	shift 2
	_pa=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do _pa="$_pa $1"; shift; done
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2086 # program and arguments
	prog_start "$_n" $_pa -x
	_fa=
	for _w in "$@"; do [ "$_w" = PID ] && _w=$PROG_PID; _fa="$_fa $_w"; done
	# shellcheck disable=SC2086 # options
	prog_tool "$_n" stackcount $_fa "$_pat" || return 1
	kill -USR1 "$PROG_PID"
	# the report is made while the program lives (-x): this checks symbols, not the race
	# of a process that exits before its first-sight record is read
	wait_line "$TMPD/$_n.m" '^done' 600
	settle
	stop_tool "${SC_SIG:-INT}"
	kill -USR2 "$PROG_PID"
	wait "$PROG_PID"
	check "$_n-exit-0" [ "$TOOL_RC" -eq 0 ]
}

# block FILE COUNT NAME...: some blank-line separated block has the frames NAME... in this
# order (leaf first, frames between them allowed), and all blocks add up to COUNT (a thread's
# outermost frames can differ from run to run, splitting one chain into several blocks, and
# the kernel may fail to walk a stack now and then: "[Missed Stack]"); "~X" stands for any
# name ending in X
block() {
	_f=$1 _c=$2; shift 2
	awk -v names="$*" -v c="$_c" '
		BEGIN { n = split(names, want, " "); k = 1 }
		/^$/ { k = 1; next }
		{ s = $NF; sub(/\+0x[0-9a-f]+$/, "", s) }
		k <= n && (s == want[k] || (want[k] ~ /^~/ && length(s) >= length(want[k]) - 1 &&
			substr(s, length(s) - length(want[k]) + 2) == substr(want[k], 2))) { k++; next }
		k > n && NF == 1 && $1 ~ /^[0-9]+$/ { found = 1 }
		NF == 1 && $1 ~ /^[0-9]+$/ { sum += $1; k = n + 2 }
		END { exit !(found && sum == c) }' "$_f"
}

# folded FILE COUNT SUFFIX: some folded line ends in SUFFIX, and all add up to COUNT
folded() {
	awk -v c="$2" -v t="$3" '{ n = $NF; l = $0; sub(/ [0-9]+$/, "", l); sum += n }
		length(l) >= length(t) && substr(l, length(l) - length(t) + 1) == t { found = 1 }
		END { exit !(found && sum == c) }' "$1"
}

# json_counts FILE COUNT TEXT: some object has TEXT, and all "count"s add up to COUNT
json_counts() {
	grep -qF -- "$3" "$1" && [ "$(sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }')" = "$2" ]
}

# svg_chain FILE COUNT CALLER CALLEE [COMM]: the flame graph's CALLEE frames that sit right on
# a CALLER frame, and the stacks the kernel could not walk (hits of the root, or of the process
# name COMM with -P, with no frame above them: "[Missed Stack]" in text), add up to COUNT
# (frames are written root first, depth first, each with its depth)
svg_chain() {
	awk -v c="$2" -v caller="$3" -v callee="$4" -v comm="${5:-}" '
		/^<g data-s=/ {
			d = $0; sub(/.*data-d="/, "", d); sub(/".*/, "", d)
			n = $0; sub(/.*data-n="/, "", n); sub(/".*/, "", n)
			t = $0; sub(/.*<title>/, "", t); sub(/ \([0-9]+ hits, [^)]*\)<\/title>.*/, "", t)
			at[d] = t
			k++; node[d] = k; hits[k] = n; top[k] = d == 0 || (d == 1 && t == comm)
			if (d > 0) kids[node[d - 1]] += n
			if (t == callee && d > 0 && at[d - 1] == caller) sum += n
		}
		END {
			for (i = 1; i <= k; i++) if (top[i]) missed += hits[i] - kids[i]
			exit !(sum > 0 && sum + missed == c)
		}' "$1"
}

# svg_roots FILE: the names of the frames right above the flame graph's root, one per line
svg_roots() { sed -n 's/^<g data-s="[0-9]*" data-n="[0-9]*" data-d="1"><title>\(.*\) ([0-9]* hits, .*/\1/p' "$1"; }

# no_unknown_root FILE: the graph has roots, none of them "[unknown]"
no_unknown_root() { [ -n "$(svg_roots "$1")" ] && ! svg_roots "$1" | grep -qFx '[unknown]'; }

# no_temp FILE: nothing but FILE itself is left of it (the temporary FILE.XXXXXX)
no_temp() { ! ls "$1".* >/dev/null 2>&1; }

# shown NAME FILE COMMAND...: check, and on failure show FILE (what stackcount printed)
shown() {
	_n=$1 _f=$2
	shift 2
	if "$@"; then pass "$_n"; else fail "$_n" "$*"; sed 's/^/    | /' "$_f"; fi
}

if r=$(requires uprobe); then
	sc_case chain "$CP:countlib_tick" "$CP" $N 0 0 0
	shown chain-callee-then-caller "$TMPD/chain" block "$TMPD/chain" $N countlib_tick count_worker
	check chain-banner has "$TMPD/chain" "Tracing 1 functions for \"$CP:countlib_tick\"... Hit Ctrl-C to end."
	check chain-detaching [ "$(tail -n 1 "$TMPD/chain")" = "Detaching..." ]
	check chain-no-module lacks "$TMPD/chain" "[countprog]"
	sc_case perpid "$CP:countlib_tick" "$CP" $N 0 0 0 -- -P -s
	check perpid-comm-line grep -qx "    countprog \[$PROG_PID\]" "$TMPD/perpid"
	shown perpid-offsets "$TMPD/perpid" grep -q '^  count_worker+0x[0-9a-f]*$' "$TMPD/perpid"
	sc_case addr "$CP:countlib_tick" "$CP" $N 0 0 0 -- -U -v
	check addr-prefix grep -q '^  [0-9a-f][0-9a-f]* *countlib_tick$' "$TMPD/addr"
	sc_case folded "$CP:countlib_tick" "$CP" $N 0 0 0 -- -f
	shown folded-line "$TMPD/folded" folded "$TMPD/folded" $N ";count_worker;countlib_tick"
	check folded-no-banner lacks "$TMPD/folded" "Tracing"
	sc_case json "$CP:countlib_tick" "$CP" $N 0 0 0 -- -j
	shown json-stack "$TMPD/json" json_counts "$TMPD/json" $N "\"kernel_stack\":[],\"user_stack\":[\"countlib_tick\",\"count_worker\""
	# --svg: the same chain in the flame graph, with the text output as without it; each
	# way of ending a run (Ctrl-C, SIGTERM, a closed terminal) writes it whole
	sc_case svg "$CP:countlib_tick" "$CP" $N 0 0 0 -- --svg "$TMPD/sc.svg"
	shown svg-text-chain "$TMPD/svg" block "$TMPD/svg" $N countlib_tick count_worker
	shown svg-caller-callee "$TMPD/sc.svg" svg_chain "$TMPD/sc.svg" $N count_worker countlib_tick
	check svg-ends [ "$(tail -n 1 "$TMPD/sc.svg")" = "</svg>" ]
	check svg-title has "$TMPD/sc.svg" ">Stack counts</text>"
	# without -P no process name: the roots are the threads' outermost frames
	check svg-no-comm-root no_unknown_root "$TMPD/sc.svg"
	check svg-no-temporary no_temp "$TMPD/sc.svg"
	for sig in TERM HUP; do
		SC_SIG=$sig sc_case "svg$sig" "$CP:countlib_tick" "$CP" $N 0 0 0 -- -P -f --svg "$TMPD/$sig.svg"
		SC_SIG=
		shown "svg$sig-caller-callee" "$TMPD/$sig.svg" svg_chain "$TMPD/$sig.svg" $N count_worker countlib_tick countprog
		check "svg$sig-comm-root" [ "$(svg_roots "$TMPD/$sig.svg")" = countprog ]
		check "svg$sig-folded-too" folded "$TMPD/svg$sig" $N ";count_worker;countlib_tick"
		check "svg$sig-no-temporary" no_temp "$TMPD/$sig.svg"
	done
	# a directory that does not exist fails at once, before tracing, and leaves nothing
	"$BPFBOX" stackcount --svg "$TMPD/no/such/x.svg" "$CP:countlib_tick" >"$TMPD/svgbad" 2>"$TMPD/svgbad.err"
	check svg-bad-path-fails [ $? -eq 1 ]
	check svg-bad-path-says-why has "$TMPD/svgbad.err" "cannot write $TMPD/no/such/x.svg"
	check svg-bad-path-no-tracing lacks "$TMPD/svgbad" Tracing
else
	skip chain "$r"
fi

if r=$(requires tracepoint,syscall_tp); then
	sc_case tp 't:syscalls:sys_enter_getppid' "$CP" 0 0 $G 0 -- -p PID -U
	# the leaf is libc's syscall() (frameless: its caller, main, is not on the frame chain)
	check tp-user-stack block "$TMPD/tp" $G syscall
	check_clean_exits stackcount 't:syscalls:sys_enter_getppid'
else
	skip tp "$r"
fi

# kernel stacks of a kernel function (VMs): vfs_read under the read system call (at a
# function's entry its direct caller is not yet on the frame chain: arm64 shows
# __arm64_sys_read next, x86 ksys_read)
for mech in kprobe kprobe-multi fentry; do
	feat=$(echo $mech | tr - _)
	if ! r=$(requires $feat); then
		skip "kstack-$mech" "$r"
		continue
	fi
	sc_case "kstack-$mech" vfs_read "$CP" 0 0 0 $R -- -p PID -K --mechanism $mech
	shown "kstack-$mech-chain" "$TMPD/kstack-$mech" block "$TMPD/kstack-$mech" $R vfs_read '~sys_read'
done

# submit_bio's kernel stacks from O_DIRECT I/O on a device of our own (tests/progs/bioio: two
# writes with pwrite, two reads with pread, one request each), under -p so that the loop
# device's own I/O to its file does not count
if ! r=$(requires kprobe); then
	skip submit_bio "$r"
elif ! block_device; then
	skip submit_bio "$BLOCK_WHY"
else
	rm -f "$TMPD/fifo"
	mkfifo "$TMPD/fifo"
	"$PROGS/bioio" "$DEV" <"$TMPD/fifo" >"$TMPD/bio.m" 2>&1 &
	IOPID=$!
	if start_tool "$TMPD/bio" stackcount -K -p $IOPID submit_bio; then
		echo go >"$TMPD/fifo"
		wait $IOPID
		settle
		stop_tool
		shown submit_bio-writes "$TMPD/bio" block "$TMPD/bio" 4 submit_bio '~sys_pwrite64'
		shown submit_bio-reads "$TMPD/bio" block "$TMPD/bio" 4 submit_bio '~sys_pread64'
	else
		fail submit_bio "did not start: $(cat "$TMPD/bio.err")"
		echo go >"$TMPD/fifo"
		wait $IOPID
	fi
	block_device_release
fi

# bad input: one line on stderr, nothing on stdout, exit 2 each
bad() { _bn=$1 _bw=$2; shift 2; usage_case "bad-$_bn" "$_bw" stackcount "$@"; }
bad k-and-u "-K and -U are mutually exclusive" -K -U "$CP:countlib_tick"
bad svg-dir "--svg '$TMPD/': expected a file name, not a directory" --svg "$TMPD/" "$CP:countlib_tick"
bad no-match "No functions matched by pattern $CP:nosuch_xyz" "$CP:nosuch_xyz"
bad four-parts "too many ':'-separated components" a:b:c:d
bad regex "invalid regular expression" -r "$CP:(unclosed"
bad library "unable to find library nosuchlib_xyz" nosuchlib_xyz:malloc
bad pid "no process with pid 999999999" -p 999999999 "$CP:countlib_tick"
bad limit "maximum of 1 probes allowed, attempted 2" --max-probes 1 "$CP:countlib_*"
