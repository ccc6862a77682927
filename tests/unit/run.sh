#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs cmocka unit test binaries, shows their output and sums it up as "unit: N passed, N failed".
# usage: run.sh TEST_BINARY...   (exit 1 when any test fails or a binary dies before reporting)
set -u
npass=0 nfail=0
tmp=$(mktemp "${TMPDIR:-/tmp}/bpfbox-unit.XXXXXX")
trap 'rm -f "$tmp"' EXIT
for t in "$@"; do
	# tests run from the repository root so fixtures are found as tests/data/...
	# a hung test must not hang `make test`: UNIT_TIMEOUT seconds per binary (default 120)
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 5 "${UNIT_TIMEOUT:-120}" "$t" >"$tmp" 2>&1
	else
		"$t" >"$tmp" 2>&1
	fi
	rc=$?
	cat "$tmp"
	[ "$rc" -eq 124 ] && echo "$(basename "$t"): timed out after ${UNIT_TIMEOUT:-120} s"
	# "[  PASSED  ] 3 test(s)." and "[  FAILED  ] 1 test(s), listed below:"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$tmp" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$tmp" | tail -n 1)
	p=${p:-0} f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$(basename "$t"): exited with status $rc before reporting a failure"
		f=1
	fi
	npass=$((npass + p)) nfail=$((nfail + f))
done
echo "unit: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
