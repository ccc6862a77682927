#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# execsnoop figures (issue 2): start to first event against a minimal libbpf tracer, events
# kept at 1000 execs/s, RSS after attach, kernel memory of the maps.
# usage: execsnoop.sh BPFBOX   (helpers from `make bench` in $(dirname BPFBOX)/bench)
# Environment: RUNS startup runs per tracer (default 11), RATE execs/s (default 1000),
# SECONDS_LOAD seconds of load (default 3).
set -eu
BPFBOX=$1
# wait_ready: the end-to-end tests' wait for "Ready."
. "$(dirname "$0")/../lib.sh"
BIN=$(dirname "$BPFBOX")/bench
RUNS=${RUNS:-11}
RATE=${RATE:-1000}
SECONDS_LOAD=${SECONDS_LOAD:-3}
for b in firstevent minexec execload exectick; do
	[ -x "$BIN/$b" ] || { echo "execsnoop: $BIN/$b missing (run make bench)"; exit 1; }
done
# applets print "Ready." on stderr once attached; the minimal tracer ignores it
BPFBOX_READY=1
export BPFBOX_READY
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/bench-execsnoop.XXXXXX")
TP=
trap '[ -z "$TP" ] || kill -INT "$TP" 2>/dev/null; rm -rf "$TMPD"' EXIT

# start ARGS...: bpfbox ARGS in the background, stdout to $TMPD/out; waits for "Ready.", sets TP
start() {
	rm -f "$TMPD/out" "$TMPD/err"
	"$BPFBOX" "$@" >"$TMPD/out" 2>"$TMPD/err" &
	TP=$! TOOL_PID=$!
	wait_ready "$TMPD/err" || {
		echo "execsnoop: bpfbox $* did not attach: $(head -n 1 "$TMPD/err")"
		exit 1
	}
}

stop() {
	kill -INT "$TP"
	wait "$TP" || true
	TP=
}

# status_kb PID FIELD: a /proc/PID/status figure in kB
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# median FILE: the middle value of one number per line
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# 1. Start to first event. Each tracer starts while exectick is exec'd every millisecond, and
# the time to the first line naming exectick is taken, alternating the two tracers so that a
# change in machine load hits both (run.sh mounts tracefs, which the minimal tracer needs).
# The first run of each warms the caches and is not counted.
first() {
	"$BIN/firstevent" "$BIN/exectick" "$@" 2>>"$TMPD/first.err" || {
		echo "execsnoop: no first event from $1: $(tail -n 1 "$TMPD/first.err")" >&2
		exit 1
	}
}
: >"$TMPD/bpfbox.us"
: >"$TMPD/minimal.us"
i=0
while [ $i -le "$RUNS" ]; do
	b=$(first "$BPFBOX" execsnoop)
	m=$(first "$BIN/minexec" exectick)
	if [ $i -gt 0 ]; then
		echo "$b" >>"$TMPD/bpfbox.us"
		echo "$m" >>"$TMPD/minimal.us"
	fi
	i=$((i + 1))
done
b=$(median "$TMPD/bpfbox.us")
m=$(median "$TMPD/minimal.us")
# bpfbox also says when it is attached ("Ready."): the rest is the wait for its first drain
awk '{ print $1 - $2 }' "$TMPD/bpfbox.us" >"$TMPD/deliver.us"
awk '{ print $2 }' "$TMPD/bpfbox.us" >"$TMPD/ready.us"
awk -v b="$b" -v m="$m" -v n="$RUNS" -v r="$(median "$TMPD/ready.us")" \
	-v d="$(median "$TMPD/deliver.us")" -v mb="$(sort -n "$TMPD/minimal.us" | head -n 1)" \
	-v bb="$(sort -n "$TMPD/bpfbox.us" | head -n 1)" 'BEGIN {
	printf "execsnoop start to first event, median of %d: minimal libbpf %.1f ms, bpfbox %.1f ms\n",
		n, m / 1000, b / 1000
	printf "execsnoop start to first event, ratio to minimal: %.2fx (target <= 1.3x): %s\n",
		b / m, b <= 1.3 * m ? "ok" : "over"
	printf "execsnoop start to first event, best of %d: minimal %.1f ms, bpfbox %.1f ms," \
		" ratio %.2fx (less sensitive to a busy machine)\n", n, mb / 1000, bb / 1000, bb / mb
	printf "execsnoop start to first event, bpfbox split: attached after %.1f ms," \
		" first line %.1f ms later (medians)\n", r / 1000, d / 1000
}'
printf 'execsnoop start to first event, all runs (ms): minimal'
awk '{ printf " %.1f", $1 / 1000 }' "$TMPD/minimal.us"
printf '; bpfbox'
awk '{ printf " %.1f", $1 / 1000 }' "$TMPD/bpfbox.us"
echo

# 2 and 3. RSS once attached, and the kernel memory of the maps this process holds (the
# memlock of each map fd in /proc/PID/fdinfo, names from bpftool when it is there).
start execsnoop
rss=$(status_kb "$TP" VmRSS)
hwm=$(status_kb "$TP" VmHWM)
awk -v r="$rss" -v h="$hwm" 'BEGIN {
	printf "execsnoop RSS after attach: VmRSS %d kB, VmHWM %d kB (target VmRSS < 4 MB): %s\n",
		r, h, r < 4096 ? "ok" : "over"
}'
total=0
nmaps=0
: >"$TMPD/maps"
for fd in /proc/"$TP"/fd/*; do
	[ "$(readlink "$fd" 2>/dev/null)" = anon_inode:bpf-map ] || continue
	info=/proc/$TP/fdinfo/${fd##*/}
	mem=$(awk '$1 == "memlock:" { print $2 }' "$info")
	id=$(awk '$1 == "map_id:" { print $2 }' "$info")
	name="id $id"
	if command -v bpftool >/dev/null 2>&1; then
		name=$(bpftool map show id "$id" 2>/dev/null |
			awk 'NR == 1 { print $4 " (" $2 ")" }')
	fi
	echo "$mem $name" >>"$TMPD/maps"
	total=$((total + mem))
	nmaps=$((nmaps + 1))
done
echo "execsnoop kernel memory of maps: $total bytes in $nmaps maps" \
	"(no fixed target; libbpf-tools execsnoop preallocates 78 MB)"
sort -rn "$TMPD/maps" | awk '{ m = $1; $1 = ""; printf "  %-32s %9d bytes\n", substr($0, 2), m }'
stop

# 4. No event lost at RATE execs/s: execload runs exectick with a numbered argument per exec,
# execsnoop -j writes to a file; every number must come back, and no loss be reported.
tag=bench$$
start execsnoop -j
"$BIN/execload" -r "$RATE" -d "$SECONDS_LOAD" "$BIN/exectick" "$tag" >"$TMPD/load" || {
	echo "execsnoop: execload failed: $(cat "$TMPD/load")"
	exit 1
}
sleep 0.2
rss=$(status_kb "$TP" VmRSS)
hwm=$(status_kb "$TP" VmHWM)
stop
expected=$(awk '{ print $2 }' "$TMPD/load")
achieved=$(awk '{ print $8 }' "$TMPD/load")
seen=$(grep -o "\"$tag-[0-9]*\"" "$TMPD/out" | sort -u | wc -l | tr -d ' ')
reports=$(grep -c 'lost' "$TMPD/err" || true)
lost=$(sed -n 's/.*(\([0-9]*\) in total).*/\1/p' "$TMPD/err" | tail -n 1)
verdict=$(load_verdict "$seen" "$expected" "$reports" "$achieved" "$RATE")
echo "execsnoop at $RATE execs/s for $SECONDS_LOAD s (achieved $achieved/s):" \
	"expected $expected, seen $seen, lost-event reports $reports (${lost:-0} events)" \
	"(target: all seen, none lost): $verdict"
echo "execsnoop RSS after the load: VmRSS $rss kB, VmHWM $hwm kB (no target)"
