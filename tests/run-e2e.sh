#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs every tests/run/*.sh against a bpfbox binary and prints "N passed, N failed, N skipped".
# usage: run-e2e.sh BPFBOX PROGS_DIR [TEST...]   (exit 1 on any failure)
set -u
here=$(cd "$(dirname "$0")" && pwd)
BPFBOX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PROGS=$(cd "$2" && pwd)
shift 2
export BPFBOX PROGS TESTLIB="$here/lib.sh" BPFBOX_READY=1
[ $# -gt 0 ] || set -- "$here"/run/*.sh
npass=0 nfail=0 nskip=0 failed=
tmo=${E2E_TIMEOUT:-300}	# seconds per script
for t in "$@"; do
	name=$(basename "$t" .sh)
	TMPD=$(mktemp -d "${TMPDIR:-/tmp}/bpfbox-$name.XXXXXX")
	export TMPD
	echo "== $name"
	t0=$(cut -d' ' -f1 /proc/uptime)
	# A hung script must not eat the rest of the run (or a VM's whole boot timeout).
	timeout -k 5 "$tmo" sh "$t" >"$TMPD/.results" 2>&1
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	case $rc in 124 | 137 | 143) echo "FAIL $name: still running after ${tmo}s, killed" >>"$TMPD/.results" ;; esac
	cat "$TMPD/.results"
	p=$(grep -c '^PASS ' "$TMPD/.results")
	f=$(grep -c '^FAIL ' "$TMPD/.results")
	s=$(grep -c '^SKIP ' "$TMPD/.results")
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: script exited with status $rc"
		f=1
	fi
	failed="$failed$(grep '^FAIL ' "$TMPD/.results")
"
	[ $rc -eq 0 ] || [ "$f" -ne 0 ] || failed="${failed}FAIL $name: script exited with status $rc
"
	npass=$((npass + p)) nfail=$((nfail + f)) nskip=$((nskip + s))
	# what balances the VM matrix's parts (tests/vm/run.sh) and what to trim first
	echo "-- $name: $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')s"
	[ "$f" -eq 0 ] && rm -rf "$TMPD"
done
# A long run's log is read from its tail: repeat what failed just above the totals.
[ $nfail -eq 0 ] || printf 'e2e: failed:\n%s' "$failed" | sed -n 's/^FAIL /  /p'
echo "e2e: $npass passed, $nfail failed, $nskip skipped"
[ $nfail -eq 0 ]
