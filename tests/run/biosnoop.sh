#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# biosnoop end to end: O_DIRECT requests of known sizes at known offsets on a device of our own
# (a loop device, else null_blk), checked for DISK, T, SECTOR, BYTES, the submitting PID/COMM
# and a latency, in text and JSON; -Q, -P, -d; bad input; clean exits.
. "$TESTLIB"
IO=$PROGS/bioio

# --- a device (see block_device in tests/lib.sh)
if ! block_device; then
	skip biosnoop-device "$BLOCK_WHY"
	exit 0
fi
trap block_device_release EXIT
DISK=${DEV##*/}
echo "# device: $DEV$([ -n "$LOOP" ] && echo " (loop on $TMPD/disk.img)")"

# run_io NAME BIOSNOOP-ARGS...: bioio on DEV under biosnoop ARGS; output in $TMPD/NAME, bioio's
# own report in $TMPD/NAME.m; sets IOPID
run_io() {
	_n=$1; shift
	rm -f "$TMPD/fifo"
	mkfifo "$TMPD/fifo"
	"$IO" "$DEV" <"$TMPD/fifo" >"$TMPD/$_n.m" 2>"$TMPD/$_n.merr" &
	IOPID=$!
	start_tool "$TMPD/$_n" biosnoop "$@" || fail "$_n" "did not start: $(head -n 3 "$TMPD/$_n.err")"
	echo go >"$TMPD/fifo"
	wait $IOPID || fail "$_n-io" "bioio failed: $(cat "$TMPD/$_n.merr")"
	settle
	stop_tool INT
	[ "$TOOL_RC" -eq 0 ] || fail "$_n-exit" "status $TOOL_RC: $(head -n 3 "$TMPD/$_n.err")"
}
# cols PID T SECTOR BYTES: COMM through BYTES of a default text line
cols() { printf '%-14s %-7s %-9s %-1s %-10s %-7s' bioio "$1" "$DISK" "$2" "$3" "$4"; }

# --- text, -d our disk
run_io text -d "$DISK"
check text-header [ "$(head -n 1 "$TMPD/text")" = "TIME(s)     COMM           PID     DISK      T SECTOR     BYTES   LAT(ms)" ]
check bioio-did-its-io [ "$(wc -l <"$TMPD/text.m")" -eq 4 ]
check text-write-4k has "$TMPD/text" "$(cols $IOPID W 2048 4096)"
check text-read-8k has "$TMPD/text" "$(cols $IOPID R 4096 8192)"
check text-write-16k has "$TMPD/text" "$(cols $IOPID W 6144 16384)"
check text-read-4k has "$TMPD/text" "$(cols $IOPID R 6176 4096)"
l=$(grep -F -- "$(cols $IOPID W 6144 16384)" "$TMPD/text")
set -- $l
check text-time matches "$1" '[0-9]*\.[0-9]\{6\}$'
check text-latency matches "${8:-}" '[0-9]*\.[0-9]\{3\}$'
check text-one-line-per-request [ "$(grep -c "^[0-9.]* *bioio " "$TMPD/text")" -eq 4 ]
check text-only-our-disk [ "$(awk 'NR > 1 && $4 != "'"$DISK"'"' "$TMPD/text" | wc -l)" -eq 0 ]

# --- JSON, all disks, -Q and -P
run_io json -j -Q -P
j=$TMPD/json
jl() { grep -F "\"comm\":\"bioio\",\"pid\":$IOPID,\"disk\":\"$DISK\",\"type\":\"$1\",\"pattern\":\"$2\",\"sector\":$3,\"bytes\":$4,\"queue_ms\":" "$j"; }
for io in "W ? 2048 4096" "R R 4096 8192" "W R 6144 16384" "R S 6176 4096"; do
	# shellcheck disable=SC2086 # four words
	l=$(jl $io)
	n=$(echo "$io" | tr ' ?' '_q')
	check "json-$n" [ -n "$l" ]
	q=${l#*\"queue_ms\":} q=${q%%,*}
	lat=${l#*\"lat_ms\":} lat=${lat%\}}
	check "json-$n-queue" matches "$q" '[0-9]*\.[0-9]\{3\}$'
	check "json-$n-latency" matches "$lat" '[0-9]*\.[0-9]\{3\}$'
done

# --- -Q header, and -d another disk keeps ours out
run_io que -Q -d "$DISK" --verbose
echo "# $(grep -m 1 'submitter from' "$TMPD/que.err")"
check que-header [ "$(head -n 1 "$TMPD/que")" = "TIME(s)     COMM           PID     DISK      T SECTOR     BYTES   QUE(ms) LAT(ms)" ]
check que-line has "$TMPD/que" "$(cols $IOPID W 2048 4096)"
other=
for b in /sys/class/block/*; do
	n=${b##*/}
	[ "$n" != "$DISK" ] && [ ! -e "$b/partition" ] && [ -e "$b/dev" ] && { other=$n; break; }
done
if [ -n "$other" ]; then
	run_io other -d "$other"
	check disk-filter-excludes lacks "$TMPD/other" "bioio"
else
	skip disk-filter-excludes "no second disk in /sys/class/block"
fi

# --- bad input: exit 2 with one line
check_usage_errors biosnoop "-d nosuchdisk0:nosuchdisk0" "-d ../x:-d" "-x:-x" "extra:extra"

# --- clean exits leave no BPF program behind (the tool's own, by id: other tools may come and go)
check_clean_exits biosnoop
check_closed_pipe '"$IO" "$DEV" </dev/null' biosnoop -d "$DISK"
