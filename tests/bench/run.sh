#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: the binary size figures, then every tests/bench/*.sh with the binary's path.
# usage: run.sh BPFBOX   (helpers built by `make bench` live in $(dirname BPFBOX)/bench)
# Figures are printed one per line as "NAME: VALUE (target T): ok|over"; nothing here fails
# on a missed figure, only on a benchmark that could not run.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BPFBOX" >&2; exit 2; }
BPFBOX=$1
HERE=$(dirname "$0")
[ -x "$BPFBOX" ] || { echo "bench: $BPFBOX is not an executable" >&2; exit 2; }

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/bpfbox-bench.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT

# size: the stripped static binary (a copy: the build keeps its symbols)
cp "$BPFBOX" "$TMPD/bpfbox"
${STRIP:-strip} "$TMPD/bpfbox"
size=$(wc -c <"$TMPD/bpfbox" | tr -d ' ')
applets=$("$BPFBOX" --list 2>/dev/null | grep -c . || true)
verdict() { [ "$1" -lt "$2" ] && echo ok || echo over; }
echo "size: $size bytes stripped (target < 2 MB): $(verdict "$size" 2097152)"
echo "size: $size bytes stripped, $applets applets (target < 3 MB with nine applets):" \
	"$(verdict "$size" 3145728)"

# the minimal tracers attach syscalls:* events, which libbpf finds in tracefs; bpfbox's
# applets use raw tracepoints and do not mount it for them
if [ ! -e /sys/kernel/tracing/events ] && [ ! -e /sys/kernel/debug/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing ||
		{ echo "bench: cannot mount tracefs for the minimal tracers"; exit 1; }
fi

status=0
for s in "$HERE"/*.sh; do
	[ "$(basename "$s")" = run.sh ] && continue
	echo
	echo "== $(basename "$s" .sh)"
	sh "$s" "$BPFBOX" || { echo "bench: $(basename "$s") failed (status $?)"; status=1; }
done
exit $status
