#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# trace and argdist figures (issue 10): in-kernel cost per event of a compare-and-filter trace
# and of an argdist histogram against a hand-written program for the same job (minxvm) and
# Debian's bpftrace, from the kernel's BPF run-time statistics; 100k events/s printed by trace
# with every event seen and no loss; start to first event of a trace with a struct-member
# filter against execsnoop's.
# usage: trace.sh BPFBOX   (helpers from `make bench` in $(dirname BPFBOX)/bench)
# Environment: ROUNDS cost rounds (default 5), CALLS close() calls per round (default 500000),
# RATE events/s (default 100000), SECONDS_LOAD seconds of it (default 3), RUNS startup runs
# per tracer (default 11), PARTS which parts to run (default "cost rate start").
set -eu
BPFBOX=$1
. "$(dirname "$0")/../lib.sh"
BIN=$(dirname "$BPFBOX")/bench
ROUNDS=${ROUNDS:-5}
CALLS=${CALLS:-500000}
RATE=${RATE:-100000}
SECONDS_LOAD=${SECONDS_LOAD:-3}
RUNS=${RUNS:-11}
PARTS=${PARTS:-cost rate start}
# part NAME: whether PARTS has NAME
part() { case " $PARTS " in *" $1 "*) return 0;; esac; return 1; }
for b in minxvm closeloop firstevent exectick; do
	[ -x "$BIN/$b" ] || { echo "trace: $BIN/$b missing (run make bench)"; exit 1; }
done
BPFBOX_READY=1
export BPFBOX_READY
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/bench-trace.XXXXXX")
TP=
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
trap '[ -z "$TP" ] || kill -INT "$TP" 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled="$stats_was"; rm -rf "$TMPD"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1

# median FILE: the middle value of one number per line
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# start READY-REGEX CMD...: CMD in the background (stdout, stderr to $TMPD/out, err), until a
# line of either matches READY-REGEX; sets TP
start() {
	_r=$1; shift
	rm -f "$TMPD/out" "$TMPD/err"
	"$@" >"$TMPD/out" 2>"$TMPD/err" &
	TP=$!
	_i=0
	until grep -q -- "$_r" "$TMPD/out" "$TMPD/err" 2>/dev/null; do
		kill -0 "$TP" 2>/dev/null && [ $_i -lt 600 ] || {
			echo "trace: $* did not start: $(head -n 3 "$TMPD/err")"
			exit 1
		}
		sleep 0.1
		_i=$((_i + 1))
	done
}

stop() {
	kill -INT "$TP"
	wait "$TP" || true
	TP=
}

# cost NAME READY-REGEX CMD...: CMD's BPF nanoseconds per sys_enter_close event over CALLS
# close() calls, appended to $TMPD/NAME
cost() {
	_name=$1; shift
	start "$@"
	sleep 0.5	# bpftrace says "Attaching" before it attaches
	_s0=$(prog_stats "$TP")
	"$BIN/closeloop" 1000000 "$CALLS" >/dev/null
	_s1=$(prog_stats "$TP")
	stop
	echo "$_s0 $_s1" | awk '{ if ($4 > $2) printf "%.1f\n", ($3 - $1) / ($4 - $2) }' >>"$TMPD/$_name"
	[ -s "$TMPD/$_name" ] || { echo "trace: $_name: no program run counted"; exit 1; }
}

# 1. In-kernel cost per event (also through the bounded loop of kernels without bpf_loop). Every close(2) of closeloop is a sys_enter_close event on an fd
# that is not open (1000000 and up): the filter drops each one (fd 77 never comes); the
# histogram counts each one. Rounds alternate the tracers, medians are reported.
if part cost; then
	has_bpftrace=
	command -v bpftrace >/dev/null 2>&1 && has_bpftrace=1
	: >"$TMPD/trace-filter" && : >"$TMPD/min-filter" && : >"$TMPD/bt-filter"
	: >"$TMPD/trace-filter-bounded"
	: >"$TMPD/argdist-hist" && : >"$TMPD/min-hist" && : >"$TMPD/bt-hist"
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		cost trace-filter '^Ready\.$' "$BPFBOX" trace 't:syscalls:sys_enter_close (args->fd == 77) "%d", args->fd'
		cost min-filter '^Ready\.$' "$BIN/minxvm" filter 77
		cost trace-filter-bounded '^Ready\.$' env BPFBOX_XVM_LOOP=bounded "$BPFBOX" trace 't:syscalls:sys_enter_close (args->fd == 77) "%d", args->fd'
		cost argdist-hist '^Ready\.$' "$BPFBOX" argdist -H 't:syscalls:sys_enter_close():int:args->fd'
		cost min-hist '^Ready\.$' "$BIN/minxvm" hist
		if [ -n "$has_bpftrace" ]; then
			cost bt-filter '^Attaching' bpftrace -e 'tracepoint:syscalls:sys_enter_close /args->fd == 77/ { printf("%d\n", args->fd); }'
			cost bt-hist '^Attaching' bpftrace -e 'tracepoint:syscalls:sys_enter_close { @fd = hist(args->fd); }'
		fi
		i=$((i + 1))
	done
	for job in filter hist; do
		if [ $job = filter ]; then
			ours=trace-filter what="trace compare-and-filter"
		else
			ours=argdist-hist what="argdist histogram"
		fi
		bt="not installed"
		[ -z "$has_bpftrace" ] || bt="$(median "$TMPD/bt-$job") ns"
		awk -v w="$what" -v o="$(median "$TMPD/$ours")" -v m="$(median "$TMPD/min-$job")" \
			-v b="$bt" -v n="$ROUNDS" 'BEGIN {
			printf "%s in-kernel cost per event, median of %d: bpfbox %.1f ns, hand-written %.1f ns, bpftrace %s\n",
				w, n, o, m, b
			printf "%s in-kernel cost, ratio to hand-written: %.2fx (target <= 1.5x): %s\n",
				w, o / m, o <= 1.5 * m ? "ok" : "over"
		}'
	done
	echo "trace compare-and-filter in-kernel cost per event through the bounded loop (kernels" \
		"without bpf_loop), median of $ROUNDS: $(median "$TMPD/trace-filter-bounded") ns (no target)"
	for f in trace-filter trace-filter-bounded min-filter bt-filter argdist-hist min-hist bt-hist; do
		[ -s "$TMPD/$f" ] || continue
		printf '  %s, all rounds (ns):' "$f"
		awk '{ printf " %s", $1 }' "$TMPD/$f"
		echo
	done
fi

# 2. RATE events per second printed by trace: each close of closeloop at that rate matches and
# prints its fd, to a file; every fd must come back once, and no loss be reported.
if part rate; then
	n=$((RATE * SECONDS_LOAD))
	base=2000000
	start '^Ready\.$' "$BPFBOX" trace "t:syscalls:sys_enter_close (args->fd >= $base && args->fd < $((base + n))) \"%d\", args->fd"
	"$BIN/closeloop" "$base" "$n" "$RATE" >"$TMPD/load"
	sleep 0.5
	stop
	achieved=$(awk '{ print $NF }' "$TMPD/load" | tr -d '/s')
	seen=$(awk -v lo="$base" -v hi="$((base + n))" 'NR > 1 && $NF >= lo && $NF < hi { print $NF }' "$TMPD/out" | sort -u | wc -l | tr -d ' ')
	reports=$(grep -c 'lost' "$TMPD/err" || true)
	lost=$(sed -n 's/.*(\([0-9]*\) in total).*/\1/p' "$TMPD/err" | tail -n 1)
	verdict=$(load_verdict "$seen" "$n" "$reports" "$achieved" "$RATE")
echo "trace at $RATE events/s for $SECONDS_LOAD s (achieved $achieved/s): expected $n," \
	"printed $seen, lost-event reports $reports (${lost:-0} events) (target: all printed," \
	"none lost): $verdict"
fi

# 3. Start to first event: trace with a struct-member filter (the exec'ing task's parent,
# through task_struct from the kernel's BTF) against execsnoop, both started while exectick
# is exec'd every millisecond, alternating; the first run of each is not counted.
part start || exit 0
first() {
	"$BIN/firstevent" "$BIN/exectick" "$@" 2>>"$TMPD/first.err" || {
		echo "trace: no first event from $*: $(tail -n 1 "$TMPD/first.err")" >&2
		exit 1
	}
}
: >"$TMPD/trace.us"
: >"$TMPD/execsnoop.us"
i=0
while [ $i -le "$RUNS" ]; do
	t=$(first "$BPFBOX" trace 't:sched:sched_process_exec ($task->real_parent->tgid > 0) "%s", args->filename')
	e=$(first "$BPFBOX" execsnoop)
	if [ $i -gt 0 ]; then
		echo "$t" >>"$TMPD/trace.us"
		echo "$e" >>"$TMPD/execsnoop.us"
	fi
	i=$((i + 1))
done
awk -v t="$(median "$TMPD/trace.us")" -v e="$(median "$TMPD/execsnoop.us")" -v n="$RUNS" \
	-v tb="$(sort -n "$TMPD/trace.us" | head -n 1)" \
	-v eb="$(sort -n "$TMPD/execsnoop.us" | head -n 1)" 'BEGIN {
	printf "trace (struct-member filter) start to first event, median of %d: execsnoop %.1f ms, trace %.1f ms\n",
		n, e / 1000, t / 1000
	printf "trace start to first event, ratio to execsnoop: %.2fx (target <= 1.3x): %s\n",
		t / e, t <= 1.3 * e ? "ok" : "over"
	printf "trace start to first event, best of %d: execsnoop %.1f ms, trace %.1f ms, ratio %.2fx\n",
		n, eb / 1000, tb / 1000, tb / eb
}'
