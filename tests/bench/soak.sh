#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Soak (issue 11): each streaming applet under the heaviest load this machine makes, for
# SOAK_SECONDS each (default 600), output counted through a pipe. Figures per applet:
#   - RSS: first and last sample after warm-up, and the least-squares slope (goal: flat)
#   - accounting: events of the load printed + events reported lost, against events made
#     (other processes' events may be counted as lost too: the ring is shared, so >= is the goal)
#   - a clean exit: status 0 on SIGINT, none of its BPF programs left
# usage: soak.sh BPFBOX [BENCH_BIN_DIR]   (helpers from `make bench`: openloop, execload)
set -u
BPFBOX=$1
. "$(dirname "$0")/../lib.sh"
BIN=${2:-$(dirname "$1")/bench}
SECS=${SOAK_SECONDS:-600}
WARM=$((SECS / 5))	# the first fifth is warm-up: buffers and caches fill
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-soak.XXXXXX")
LOOP=
trap '[ -n "$LOOP" ] && losetup -d "$LOOP"; rm -rf "$T"' EXIT
for b in openloop execload; do
	[ -x "$BIN/$b" ] || { echo "soak: $BIN/$b missing (run make bench)"; exit 1; }
done

# soak NAME REGEX LOAD-FUNCTION APPLET ARGS...: runs the applet with stdout counted (lines
# matching REGEX) while LOAD-FUNCTION makes load for SECS seconds and prints how many events it made.
soak() {
	_name=$1 _tag=$2 _load=$3; shift 3
	rm -f "$T/fifo" "$T/err" "$T/rss" "$T/count" "$T/stop"
	mkfifo "$T/fifo"
	grep -c -- "$_tag" <"$T/fifo" >"$T/count" &
	_counter=$!
	BPFBOX_READY=1 "$BPFBOX" "$@" >"$T/fifo" 2>"$T/err" &
	TOOL_PID=$!
	if ! wait_ready "$T/err"; then
		echo "soak: $_name did not start: $(head -n 2 "$T/err")"
		return 1
	fi
	_ids=$(bpf_prog_ids "$TOOL_PID")
	# RSS every 2 s while the load runs, in the background, as "SECONDS KIB"
	(
		_s=0
		while [ ! -e "$T/stop" ]; do
			sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\).*/$_s \1/p" "/proc/$TOOL_PID/status" 2>/dev/null
			sleep 2
			_s=$((_s + 2))
		done
	) >"$T/rss" &
	_sampler=$!
	_made=$($_load)
	: >"$T/stop"
	sleep 0.5
	kill -INT "$TOOL_PID"
	wait "$TOOL_PID"
	_rc=$?
	wait "$_counter" "$_sampler" 2>/dev/null
	_lost=$(sed -n 's/.*lost [0-9]* events (\([0-9]*\) in total).*/\1/p' "$T/err" | tail -n 1)
	_printed=$(cat "$T/count")
	# shellcheck disable=SC2086 # a list of ids
	bpf_progs_gone $_ids && _left=none || _left=SOME
	awk -v n="$_name" -v w="$WARM" -v made="$_made" -v printed="${_printed:-0}" \
		-v lost="${_lost:-0}" -v rc="$_rc" -v left="$_left" -v secs="$SECS" '
		$1 >= w { k++; x[k] = $1; y[k] = $2 }
		END {
			if (k < 2) { printf "%s soak: too few RSS samples\n", n; exit 0 }
			for (i = 1; i <= k; i++) { sx += x[i]; sy += y[i] }
			mx = sx / k; my = sy / k
			for (i = 1; i <= k; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ^ 2 }
			slope = sxx ? sxy / sxx * 60 : 0
			printf "%s soak %d s: RSS %d -> %d KiB after %d s warm-up, slope %.1f KiB/min (goal: flat, |slope| < 16)\n",
				n, secs, y[1], y[k], w, slope
			printf "%s soak: %d events made, %d printed + %d reported lost = %d (%s)\n", n, made,
				printed, lost, printed + lost,
				((printed <= made && printed + lost >= made) ? "all accounted" : "MISMATCH")
			printf "%s soak: exit status %d on SIGINT, BPF programs left: %s (%s)\n", n, rc, left,
				((rc == 0 && left == "none") ? "clean" : "NOT CLEAN")
		}' "$T/rss"
}

# loads: each runs for SECS and prints the number of events it made
open_load() {
	: >"$T/target"
	_end=$(($(date +%s) + SECS)) _n=0
	while [ "$(date +%s)" -lt $_end ]; do
		"$BIN/openloop" "$T/target" 200000 >/dev/null
		_n=$((_n + 200000))
	done
	echo $_n
}
exec_load() {
	# execload makes RATE x SECONDS execs however long they take: 1 s chunks asking for more
	# than the machine can spawn run flat out, and the loop ends on time
	_end=$(($(date +%s) + SECS)) _n=0 _i=0
	while [ "$(date +%s)" -lt $_end ]; do
		_c=$("$BIN/execload" -r 2000 -d 1 /bin/true "soak$_i" | sed -n 's/^execs \([0-9]*\).*/\1/p')
		_n=$((_n + ${_c:-0})) _i=$((_i + 1))
	done
	echo $_n
}
bio_load() {
	_end=$(($(date +%s) + SECS)) _n=0
	while [ "$(date +%s)" -lt $_end ]; do
		dd if=/dev/zero of="$LOOP" bs=4096 count=1000 oflag=direct 2>/dev/null
		_n=$((_n + 1000))
	done
	echo $_n
}

soak opensnoop "$T/target" open_load opensnoop -n openloop
soak execsnoop ' soak[0-9]*-[0-9]*$' exec_load execsnoop
if command -v losetup >/dev/null 2>&1 && dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null &&
	LOOP=$(losetup -f --show "$T/disk" 2>/dev/null) && [ -n "$LOOP" ]; then
	soak biosnoop "${LOOP#/dev/}" bio_load biosnoop
else
	echo "biosnoop soak: SKIP (no loop device)"
fi
