#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# profile figures (issue 5):
#   - user-space CPU of profile at 99 Hz on all CPUs while collecting (goal < 1% of one CPU),
#     with every CPU busy and new processes appearing all the time;
#   - its RSS while collecting (goal < 8 MB), and the peak including the report;
#   - symbolizing a report of 10k unique stacks from 20 processes, exited before the report
#     (goal < 1 s, each ELF file read once): tests/bench/symbench.
# usage: profile.sh BPFBOX [BENCH_BIN_DIR]   Environment: PROFILE_BENCH_SECS (default 10).
set -u
BPFBOX=$1
# wait_ready: the end-to-end tests' wait for "Ready."
. "$(dirname "$0")/../lib.sh"
BIN=${2:-$(dirname "$1")/bench}
SECS=${PROFILE_BENCH_SECS:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-profile.XXXXXX")
LOAD=
cleanup() {
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$LOAD" ] || kill $LOAD 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "ok" : "over" }'; }
ticks=$(getconf CLK_TCK)

# load: one spinning process per CPU, and a shell starting short-lived processes
ncpu=$(grep -c '^processor' /proc/cpuinfo)
i=0
while [ $i -lt "$ncpu" ]; do
	sh -c 'while :; do :; done' &
	LOAD="$LOAD $!"
	i=$((i + 1))
done
sh -c 'while :; do /bin/true; sleep 0.05; done' &
LOAD="$LOAD $!"

BPFBOX_READY=1 "$BPFBOX" profile -F 99 >"$T/out" 2>"$T/err" &
P=$! TOOL_PID=$!
wait_ready "$T/err" || { echo "profile: did not start: $(head -n 2 "$T/err")"; exit 1; }
# CPU from /proc/PID/stat fields 14 (utime) and 15 (stime), after the start-up
stat_ticks() { awk '{ sub(/.*\) /, ""); print $12, $13 }' "/proc/$P/stat"; }
set -- $(stat_ticks)
u0=$1 s0=$2
t0=$(date +%s.%N)
sleep "$SECS"
set -- $(stat_ticks)
u1=$1 s1=$2
t1=$(date +%s.%N)
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$P/status")
kill -INT $P
# the report runs now: watch its peak
while kill -0 $P 2>/dev/null; do
	h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$P/status" 2>/dev/null)
	[ -n "$h" ] && hwm=$h
	sleep 0.02
done
wait $P
# shellcheck disable=SC2086
kill $LOAD 2>/dev/null
LOAD=

user_pct=$(awk -v a="$u0" -v b="$u1" -v t0="$t0" -v t1="$t1" -v hz="$ticks" \
	'BEGIN { printf "%.2f", 100 * (b - a) / hz / (t1 - t0) }')
sys_pct=$(awk -v a="$s0" -v b="$s1" -v t0="$t0" -v t1="$t1" -v hz="$ticks" \
	'BEGIN { printf "%.2f", 100 * (b - a) / hz / (t1 - t0) }')
stacks=$(grep -c '^    -  ' "$T/out")
echo "profile user CPU at 99 Hz on $ncpu CPUs, all busy: $user_pct% of one CPU (target < 1%):" \
	"$(verdict "$user_pct" 1)"
echo "profile system CPU (the drain loop's syscalls, not the sampling): $sys_pct%"
echo "profile RSS while collecting: $((rss / 1024)).$(((rss % 1024) * 10 / 1024)) MB (target < 8 MB):" \
	"$(verdict "$rss" 8192)"
echo "profile peak RSS with the report ($stacks stacks): $((${hwm:-0} / 1024)) MB"

[ -x "$BIN/symbench" ] || { echo "profile: $BIN/symbench missing (run make bench)"; exit 1; }
"$BIN/symbench" 10000 20 >"$T/sym" || { echo "profile: symbench failed"; exit 1; }
cat "$T/sym"
ms=$(awk '/^symbolize:/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "ms") { print $i; exit } }' "$T/sym")
echo "symbolize 10k stacks from 20 processes: $ms ms (target < 1000 ms): $(verdict "$ms" 1000)"
awk '/^files:/ { ok = ($6 <= $3) } END { print "ELF files read at most once each:", ok ? "ok" : "over" }' "$T/sym"
