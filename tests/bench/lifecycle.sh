#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Start, memory, exit and loss figures (issue 8), as ratios to the minimal libbpf tracers
# built in the same run (tests/bench/minexec*, minopen*: one program, one ring buffer):
#   - start to first event, peak RSS (VmHWM) and SIGINT to exit for execsnoop and opensnoop;
#     biosnoop's peak RSS and SIGINT to exit (measured once attached: no I/O needed)
#   - events lost by execsnoop -x and by the minimal exec tracer under failed execs at
#     25k, 50k, 100k and 200k per second (tests/bench/execfail)
# usage: lifecycle.sh BPFBOX   (helpers from `make bench` in $(dirname BPFBOX)/bench)
# Environment: RUNS interleaved runs per tracer (default 9), LOAD_S seconds per rate (3),
#   RATES (default "25000 50000 100000 200000").
set -u
BPFBOX=$1
. "$(dirname "$0")/../lib.sh"
BIN=$(dirname "$BPFBOX")/bench
RUNS=${RUNS:-9}
LOAD_S=${LOAD_S:-3}
RATES=${RATES:-25000 50000 100000 200000}
for b in firstevent minexec minopen exectick opentick execfail; do
	[ -x "$BIN/$b" ] || { echo "lifecycle: $BIN/$b missing (run make bench)"; exit 1; }
done
BPFBOX_READY=1
export BPFBOX_READY
# the minimal tracers attach syscalls:* events, which libbpf finds in tracefs; bpfbox's
# applets use raw tracepoints and no longer mount it
if [ ! -e /sys/kernel/tracing/events ] && [ ! -e /sys/kernel/debug/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing ||
		{ echo "lifecycle: cannot mount tracefs for the minimal tracers"; exit 1; }
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-lifecycle.XXXXXX")
TP=
trap '[ -z "$TP" ] || kill -INT "$TP" 2>/dev/null; rm -rf "$T"' EXIT

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run NAME TRIGGER CMD...: one firstevent run appended to $T/NAME ("first ready hwm exit")
run() {
	_n=$1 _t=$2; shift 2
	"$BIN/firstevent" -t 20000 "$BIN/$_t" "$@" >>"$T/$_n" 2>>"$T/$_n.err" ||
		echo "lifecycle: no first event from $*: $(tail -n 1 "$T/$_n.err")" >&2
}
: >"$T/execsnoop" && : >"$T/minexec" && : >"$T/opensnoop" && : >"$T/minopen"
i=0
while [ $i -lt "$RUNS" ]; do
	run execsnoop exectick "$BPFBOX" execsnoop
	run minexec exectick "$BIN/minexec" -never-
	run opensnoop opentick "$BPFBOX" opensnoop
	run minopen opentick "$BIN/minopen"
	i=$((i + 1))
done
col() { awk -v c="$2" '$c >= 0 { print $c }' "$T/$1" >"$T/col"; median "$T/col"; }
for pair in execsnoop:minexec opensnoop:minopen; do
	a=${pair%%:*} m=${pair#*:}
	awk -v a="$a" -v m="$m" -v n="$RUNS" -v fa="$(col "$a" 1)" -v fm="$(col "$m" 1)" \
		-v ra="$(col "$a" 3)" -v rm="$(col "$m" 3)" -v xa="$(col "$a" 4)" \
		-v xm="$(col "$m" 4)" 'BEGIN {
		printf "%s start to first event: %.1f ms, %s %.1f ms: %.2fx (target <= 1.15x): %s\n",
			a, fa / 1000, m, fm / 1000, fa / fm, fa <= 1.15 * fm ? "ok" : "over"
		printf "%s peak RSS: %.1f MB, %s %.1f MB (target <= 3 MB): %s\n",
			a, ra / 1024, m, rm / 1024, ra <= 3072 ? "ok" : "over"
		printf "%s SIGINT to exit: %.1f ms, %s %.1f ms: %.2fx (target <= 1.5x): %s\n",
			a, xa / 1000, m, xm / 1000, xa / xm, xa <= 1.5 * xm ? "ok" : "over"
		printf "  (medians of %d interleaved runs)\n", n }'
done

# biosnoop: peak RSS once attached and SIGINT to exit, beside the minimal open tracer's exit
: >"$T/bio.rss" && : >"$T/bio.exit"
i=0
while [ $i -lt "$RUNS" ]; do
	# the last run's "Ready." must not be taken for this one's (SIGINT sent before the
	# handler is set is ignored by a background job, and the wait below never ends)
	rm -f "$T/bio.err"
	"$BPFBOX" biosnoop >/dev/null 2>"$T/bio.err" &
	TP=$! TOOL_PID=$!
	if ! wait_ready "$T/bio.err"; then
		echo "lifecycle: biosnoop did not start: $(head -n 1 "$T/bio.err")"
		TP=
		break
	fi
	awk '$1 == "VmHWM:" { print $2 }' "/proc/$TP/status" >>"$T/bio.rss"
	s=$(date +%s%N)
	kill -INT "$TP"
	wait "$TP"
	echo $((($(date +%s%N) - s) / 1000)) >>"$T/bio.exit"
	TP=
	i=$((i + 1))
done
if [ -s "$T/bio.exit" ]; then
	awk -v r="$(median "$T/bio.rss")" -v x="$(median "$T/bio.exit")" \
		-v xm="$(col minopen 4)" 'BEGIN {
		printf "biosnoop peak RSS: %.1f MB (target <= 3 MB): %s\n", r / 1024,
			r <= 3072 ? "ok" : "over"
		printf "biosnoop SIGINT to exit: %.1f ms, minopen %.1f ms: %.2fx (target <= 1.5x): %s\n",
			x / 1000, xm / 1000, x / xm, x <= 1.5 * xm ? "ok" : "over" }'
fi

# Losses under failed execs: every exec has its own number; count the numbers that came back.
lost_run() {	# lost_run RATE CMD...: prints "achieved seen reported-lost"
	_r=$1; shift
	_tag=fx$$r$_r
	rm -f "$T/l.out" "$T/l.err"
	"$@" >"$T/l.out" 2>"$T/l.err" &
	TP=$! TOOL_PID=$!
	# the minimal tracer says nothing when attached: its first line (one exec) shows it
	if [ "$1" = "$BPFBOX" ]; then
		wait_ready "$T/l.err" || { echo "0 0 0"; return; }
	else
		_w=0
		while [ ! -s "$T/l.out" ] && [ $_w -lt 200 ]; do
			"$BIN/exectick"; sleep 0.05; _w=$((_w + 1))
		done
	fi
	"$BIN/execfail" -r "$_r" -d "$LOAD_S" "$_tag" >"$T/l.load"
	sleep 0.5
	# TERM: a background job of a script ignores SIGINT unless it sets a handler (minexec)
	kill -TERM "$TP"
	{ wait "$TP"; } 2>/dev/null
	TP=
	_seen=$(grep -o "$_tag-[0-9]*" "$T/l.out" | sort -u | wc -l | tr -d ' ')
	_lost=$(sed -n 's/.*(\([0-9]*\) in total).*/\1/p' "$T/l.err" | tail -n 1)
	echo "$(awk '{ print $6 }' "$T/l.load") $_seen ${_lost:-0}"
}
for r in $RATES; do
	n=$((r * LOAD_S))
	set -- $(lost_run "$r" "$BPFBOX" execsnoop -x)
	b_ach=$1 b_seen=$2 b_lost=$3
	set -- $(lost_run "$r" "$BIN/minexec" -never-)
	awk -v r="$r" -v n="$n" -v ba="$b_ach" -v bs="$b_seen" -v bl="$b_lost" -v ma="$1" \
		-v ms="$2" 'BEGIN {
		printf "execsnoop -x at %dk failed execs/s (achieved %.0fk): %.3f%% lost (%d of %d;" \
			" %d reported lost), minexec (achieved %.0fk): %.3f%% lost%s\n",
			r / 1000, ba / 1000, 100 * (n - bs) / n, n - bs, n, bl, ma / 1000,
			100 * (n - ms) / n, r == 100000 ? (n - bs <= n / 1000 ? \
			" (target < 0.1% at 100k): ok" : " (target < 0.1% at 100k): over") : "" }'
done
