#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One end-to-end pass of each applet with an ASan+UBSan build of bpfbox: the applets' own test
# scripts (and the hostile-input one) run against it, and any sanitizer report fails the run,
# even where a script would not notice (reports go to files, one per process).
# usage: asan-e2e.sh ASAN_BPFBOX PROGS_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$1 progs=$2
logs=$(mktemp -d "${TMPDIR:-/tmp}/bpfbox-asan.XXXXXX")
# leaks at exit count: an applet frees what it made. abort_on_error keeps exit codes honest.
ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=1"
UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS UBSAN_OPTIONS
set --
for a in $("$bin" --list | awk '{ print $1 }'); do
	if [ -f "$here/run/$a.sh" ]; then set -- "$@" "$here/run/$a.sh"; else echo "SKIP asan-$a: no tests/run/$a.sh"; fi
done
E2E_TIMEOUT=${ASAN_E2E_TIMEOUT:-300} sh "$here/run-e2e.sh" "$bin" "$progs" "$@" "$here/run/hostile.sh"
rc=$?
if ls "$logs"/* >/dev/null 2>&1; then
	echo "FAIL sanitizer reports:"
	for f in "$logs"/*; do echo "== $f"; head -n 30 "$f"; done
	rc=1
else
	echo "sanitizers: no reports"
fi
rm -rf "$logs"
exit $rc
