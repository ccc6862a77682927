#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs libFuzzer targets one after another, each for SECONDS, from its seeds
# (tests/fuzz/corpus/NAME/) and what earlier runs found (build/fuzz/corpus/NAME/); crashes go
# to build/fuzz/crashes/NAME/. Prints one summary line per target; exit 1 on any crash.
# usage: run.sh SECONDS FUZZ_BINARY...
#        run.sh --runs N FUZZ_BINARY...   (make test: N inputs from a fixed seed, from the seeds
#                                          only, so that the same tree always runs the same inputs)
set -u
if [ "$1" = --runs ]; then
	limit="-runs=$2 -seed=1" what="$2 inputs" fresh=1
	shift 2
else
	limit="-max_total_time=$1" what="$1 s" fresh=
	shift
fi
out=build/fuzz
rc=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	mkdir -p "$out/corpus/$name" "$out/crashes/$name" tests/fuzz/corpus/"$name"
	log=$out/$name.log
	# libFuzzer adds what it finds to its first corpus: a throwaway one for --runs
	found=$out/corpus/$name
	[ -z "$fresh" ] || { rm -rf "$out/smoke/$name"; mkdir -p "$out/smoke/$name"; found=$out/smoke/$name; }
	# -close_fd_mask=3: what targets print (usage errors, help) is dropped; crash
	# reports go to stderr. Leak checks stay on: a leak is a finding too.
	# shellcheck disable=SC2086 # limit holds options
	"$bin" $limit -print_final_stats=1 -close_fd_mask=3 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$out/crashes/$name/" \
		"$found" tests/fuzz/corpus/"$name" >"$log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1)
	if [ $st -eq 0 ]; then
		echo "fuzz $name: ok, ${execs:-?} runs (${what}, ${rate:-?}/s), ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $(ls "$found" | wc -l)"
	else
		echo "fuzz $name: FAILED (status $st), see $log; inputs in $out/crashes/$name/:"
		grep -m 3 'ERROR\|SUMMARY\|runtime error' "$log" | sed 's/^/  /'
		ls "$out/crashes/$name" | sed 's/^/  /'
		rc=1
	fi
done
exit $rc
