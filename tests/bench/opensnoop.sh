#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# opensnoop and biosnoop figures (issue 4), measured against the minimal libbpf openat tracer
# (tests/bench/minopen*) in the same run:
#   - per-open overhead on a tight open/close loop, as a ratio to the minimal tracer's (goal <= 1.5)
#   - events kept at 200k opens/s with output to a file (goal: none lost), and under heavier load
#     with a tiny ring buffer, every loss reported with its count (lines + reported = opens)
#   - kernel memory of each applet's maps (goal < 2 MB)
# usage: opensnoop.sh BPFBOX [BENCH_BIN_DIR]   (helpers from `make bench`: openloop, minopen)
# Environment: OPENSNOOP_BENCH_N opens per timed run (default 300000), ROUNDS (default 3).
set -u
BPFBOX=$1
# wait_ready: the end-to-end tests' wait for "Ready."
. "$(dirname "$0")/../lib.sh"
BIN=${2:-$(dirname "$1")/bench}
N=${OPENSNOOP_BENCH_N:-300000}
ROUNDS=${ROUNDS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-opensnoop.XXXXXX")
trap 'rm -rf "$T"' EXIT
F=$T/target
: >"$F"
for b in openloop minopen; do
	[ -x "$BIN/$b" ] || { echo "opensnoop: $BIN/$b missing (run make bench)"; exit 1; }
done

# start CMD...: runs a tracer with stdout to $T/out, waits for "Ready." on stderr; sets TP
start() {
	rm -f "$T/out" "$T/err"	# a stale "Ready." must not be taken for this run's
	BPFBOX_READY=1 "$@" >"$T/out" 2>"$T/err" &
	TP=$! TOOL_PID=$!
	wait_ready "$T/err" || { echo "opensnoop: $* did not start: $(head -n 2 "$T/err")"; exit 1; }
}
stop() { kill -INT $TP; wait $TP; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# --- per-open overhead: rounds of (no tracer, minimal tracer, bpfbox opensnoop). The cost of
# tracing one open is the CPU time it adds: in the opening process (syscall tracepoints and
# their BPF programs run there) plus the tracer's own (reading and printing), both measured
# with CPU clocks, so other load on the machine does not skew it the way wall time would.
: >"$T/base" && : >"$T/min" && : >"$T/box"
r=0
while [ $r -lt "$ROUNDS" ]; do
	"$BIN/openloop" "$F" "$N" >>"$T/base"
	start "$BIN/minopen"
	"$BIN/openloop" "$F" "$N" 0 $TP >>"$T/min"
	stop
	start "$BPFBOX" opensnoop
	"$BIN/openloop" "$F" "$N" 0 $TP >>"$T/box"
	stop
	r=$((r + 1))
done
col() { awk -v c="$1" '{ print $c }' "$2" | median; }
base=$(col 2 "$T/base") wbase=$(col 1 "$T/base")
awk -v b="$base" '{ print $2 - b + $3 }' "$T/min" | median >"$T/cmin"
awk -v b="$base" '{ print $2 - b + $3 }' "$T/box" | median >"$T/cbox"
awk -v b="$base" -v wb="$wbase" -v m="$(cat "$T/cmin")" -v x="$(cat "$T/cbox")" \
	-v wm="$(col 1 "$T/min")" -v wx="$(col 1 "$T/box")" 'BEGIN {
	printf "opensnoop cost per open: %.0f ns CPU, minimal libbpf tracer %.0f ns (open+close alone: %.0f ns)\n", x, m, b
	printf "opensnoop overhead ratio: %.2f (goal <= 1.50)\n", (m > 0 ? x / m : 0)
	printf "  wall clock per open (load-sensitive): untraced %.0f, minimal %.0f, opensnoop %.0f ns\n", wb, wm, wx }'

# --- 200k opens/s for 3 s, output to a file: count the target's lines
lost_of() { sed -n 's/.*lost \([0-9]*\) events (\([0-9]*\) in total).*/\2/p' "$1" | tail -n 1; }
rate_run() {	# rate_run RATE COUNT TRACER...
	_rate=$1 _n=$2; shift 2
	start "$@"
	_ns=$("$BIN/openloop" "$F" "$_n" "$_rate" | cut -d' ' -f1)
	sleep 0.2
	stop
	_got=$(grep -c -- "$F" "$T/out")
	_lost=$(lost_of "$T/err")
	echo "$_ns ${_got:-0} ${_lost:-0}"
}
set -- $(rate_run 200000 600000 "$BPFBOX" opensnoop)
awk -v ns="$1" -v got="$2" -v lost="$3" 'BEGIN {
	printf "opensnoop at %.0fk opens/s: %d of 600000 events, %d lost (goal: 0 lost)\n", 1e6 / ns, got, lost }'
set -- $(rate_run 200000 600000 "$BIN/minopen")
awk -v ns="$1" -v got="$2" 'BEGIN {
	printf "minimal tracer at %.0fk opens/s: %d of 600000 events (its losses are silent)\n", 1e6 / ns, got }'

# --- overload: a 1-page ring, unpaced; every event is either printed or counted as lost
set -- $(rate_run 0 300000 "$BPFBOX" opensnoop -b 1 -n openloop)
awk -v got="$2" -v lost="$3" 'BEGIN {
	printf "opensnoop overloaded (-b 1): %d printed + %d reported lost = %d of 300000 opens (%s)\n",
		got, lost, got + lost, got + lost == 300000 ? "all accounted" : "MISMATCH" }'

# --- kernel memory of the maps (memlock in the map fds' fdinfo)
maps_kb() {
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd")" = "anon_inode:bpf-map" ] || continue
		sed -n 's/^memlock:[[:space:]]*//p' "/proc/$1/fdinfo/${fd##*/}"
	done | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'
}
for applet in opensnoop biosnoop; do
	start "$BPFBOX" $applet
	kb=$(maps_kb $TP)
	stop
	echo "$applet map memory: $kb KiB on $(nproc) CPUs (goal < 2048 KiB)"
done
