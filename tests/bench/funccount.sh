#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# funccount and stackcount figures (issue 9):
#   1. all of libc's functions (about 3500): start to attached, then Ctrl-C to exit (which
#      prints the report), with uprobe.multi and with single uprobes forced, and Debian's
#      bpftrace on the same functions. By default on a copy of libc that no process maps: the
#      same symbols and the same attach work, without slowing every process of a shared
#      machine; BENCH_LIVE_LIBC=1 uses libc itself ('c:*');
#   2. funccount's cost per call of a uprobe and of a tracepoint against a minimal
#      hand-written counter (mincount): the calling thread's CPU time per call of a loop (less
#      the untraced loop's) and in-kernel BPF time per event (kernel.bpf_stats_enabled), the
#      medians of REPS interleaved measurements of each; and the BPF time per event with the
#      tracepoint hit from two CPUs at once (per-CPU counters against mincount's shared slot);
#   3. stackcount on a function called 100k times a second through 16 stacks: every call
#      counted or reported lost, and the report's symbolization time.
# usage: funccount.sh BPFBOX   Environment: CALLS of getppid (default 2000000) and UCALLS of
# the uprobed function (default 200000: a trap costs microseconds) per measurement, REPS
# (default 5), BT_TIMEOUT seconds (default 60) for bpftrace to attach (0: skip it), MECHS
# (default "uprobe-multi uprobe"), SC_SECS (default 3), PARTS (default 123: which of the three
# to run).
set -u
BPFBOX=$1
# prog_stats
. "$(dirname "$0")/../lib.sh"
BIN=$(dirname "$BPFBOX")/bench
CALLS=${CALLS:-2000000}
UCALLS=${UCALLS:-200000}
REPS=${REPS:-5}
BT_TIMEOUT=${BT_TIMEOUT:-60}
SC_SECS=${SC_SECS:-3}
PARTS=${PARTS:-123}
MECHS=${MECHS:-uprobe-multi uprobe}
for b in mincount callloop; do
	[ -x "$BIN/$b" ] || { echo "funccount: $BIN/$b missing (run make bench)"; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-funccount.XXXXXX")
TP=
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
trap '[ -z "$TP" ] || kill -INT "$TP" 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled="$stats_was"; rm -rf "$T"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1
export BPFBOX_READY=1
part() { case $PARTS in *"$1"*) return 0 ;; esac; return 1; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# start LIMIT REGEX CMD...: CMD in the background (output in $T/out, $T/err) until a line of
# either matches REGEX (0), it exits or LIMIT seconds pass (1); sets TP and UP (ms to ready)
start() {
	_lim=$1 _re=$2; shift 2
	rm -f "$T/out" "$T/err"
	_t0=$(ms)
	"$@" >"$T/out" 2>"$T/err" &
	TP=$!
	until grep -q -- "$_re" "$T/out" "$T/err" 2>/dev/null; do
		if ! kill -0 "$TP" 2>/dev/null || [ $(($(ms) - _t0)) -gt $((_lim * 1000)) ]; then
			UP=$(($(ms) - _t0))
			return 1
		fi
		sleep 0.01
	done
	UP=$(($(ms) - _t0))
}

# stop: SIGINT, wait; sets DOWN (ms to exit)
stop() {
	_t0=$(ms)
	kill -INT "$TP" 2>/dev/null
	wait "$TP"
	DOWN=$(($(ms) - _t0))
	TP=
}

# ---- 1. all of libc
if part 1; then
if [ "${BENCH_LIVE_LIBC:-}" = 1 ]; then
	pat='c:*' bt='uprobe:libc:*' where="libc"
else
	cp /lib/*-linux-gnu*/libc.so.6 "$T/libc-copy.so" 2>/dev/null || cp "$(ldd /bin/sh | awk '/libc\.so/ { print $3 }')" "$T/libc-copy.so"
	pat="$T/libc-copy.so:*" bt="uprobe:$T/libc-copy.so:*" where="a copy of libc no process maps"
fi
for mech in $MECHS; do
	if start 300 '^Ready\.$' "$BPFBOX" funccount --max-probes 100000 --mechanism $mech -D "$pat"; then
		n=$(sed -n 's/^funccount: \([0-9]*\) of .*/\1/p' "$T/err")
		stop
		echo "funccount all of libc ($n functions, $where), $mech: attached in $UP ms," \
			"Ctrl-C to exit (report included) $DOWN ms, total $((UP + DOWN)) ms" \
			"(target < 2000 ms with uprobe.multi): $( [ $mech = uprobe ] || { [ $((UP + DOWN)) -lt 2000 ] && echo ok || echo over; })"
	else
		echo "funccount all of libc, $mech: not attached after $UP ms: $(head -n 2 "$T/err")"
		stop
	fi
done
if [ "$BT_TIMEOUT" = 0 ]; then
	:
elif command -v bpftrace >/dev/null 2>&1; then
	# bpftrace attaches everything before BEGIN runs
	if start "$BT_TIMEOUT" '^Ready\.$' env BPFTRACE_MAX_PROBES=100000 BPFTRACE_MAX_BPF_PROGS=100000 \
		bpftrace -e "BEGIN { printf(\"Ready.\\n\") } $bt { @[probe] = count() }"; then
		stop
		echo "bpftrace $(bpftrace --version | awk '{ print $2 }') all of libc ($where):" \
			"attached in $UP ms, Ctrl-C to exit $DOWN ms, total $((UP + DOWN)) ms"
	else
		why=$(grep -m 1 '^ERROR: Error attaching' "$T/err" || true)
		stop
		echo "bpftrace all of libc ($where): not attached after $UP ms ($(head -n 1 "$T/out"))${why:+: $why}"
	fi
else
	echo "bpftrace all of libc: not installed (scripts/deps.sh installs it)"
fi
fi

# ---- 2. cost per call: a uprobe on callloop's bench_target, the getppid tracepoint
# cost KIND N NAME CMD...: CPU ns/call of `callloop KIND N` under CMD ("-": none) appended to
# $T/KIND-NAME, and the BPF ns per event to $T/KIND-NAME.bpf
cost() {
	_k=$1 _c=$2 _n=$3; shift 3
	if [ "$1" = - ]; then
		"$BIN/callloop" "$_k" "$_c" | awk '{ print $2 }' >>"$T/$_k-$_n"
		return
	fi
	start 60 '^Ready\.$' "$@" || { echo "funccount: $* did not start: $(head -n 2 "$T/err")"; exit 1; }
	_s0=$(prog_stats "$TP")
	"$BIN/callloop" "$_k" "$_c" | awk '{ print $2 }' >>"$T/$_k-$_n"
	_s1=$(prog_stats "$TP")
	stop
	echo "$_s0 $_s1" | awk '{ if ($4 > $2) printf "%.1f\n", ($3 - $1) / ($4 - $2) }' >>"$T/$_k-$_n.bpf"
}
# median FILE: of the numbers in FILE, one a line
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
CL=$BIN/callloop
if part 2; then
for r in $(seq "$REPS"); do
	cost call "$UCALLS" none -
	cost call "$UCALLS" min "$BIN/mincount" uprobe "$CL" bench_target
	cost call "$UCALLS" fc "$BPFBOX" funccount "$CL:bench_target"
	cost getppid "$CALLS" none -
	cost getppid "$CALLS" min "$BIN/mincount" tp
	cost getppid "$CALLS" fc "$BPFBOX" funccount t:syscalls:sys_enter_getppid
done
# the same tracepoint hit from two CPUs at once: funccount's per-CPU counters against
# mincount's one shared slot (BPF ns per event only)
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	for r in $(seq "$REPS"); do
		for n in min fc; do
			[ $n = min ] && set -- "$BIN/mincount" tp || set -- "$BPFBOX" funccount t:syscalls:sys_enter_getppid
			start 60 '^Ready\.$' "$@" || { echo "funccount: $* did not start: $(head -n 2 "$T/err")"; exit 1; }
			_s0=$(prog_stats "$TP")
			taskset -c 0 "$CL" getppid "$CALLS" >/dev/null & _a=$!
			taskset -c 1 "$CL" getppid "$CALLS" >/dev/null & _b=$!
			wait $_a $_b
			_s1=$(prog_stats "$TP")
			stop
			echo "$_s0 $_s1" | awk '{ if ($4 > $2) printf "%.1f\n", ($3 - $1) / ($4 - $2) }' >>"$T/two-$n.bpf"
		done
	done
	echo "funccount in-kernel BPF time per event (median of $REPS), tracepoint hit from 2 CPUs at once:" \
		"$(median "$T/two-fc.bpf") ns (hand-written, one shared slot: $(median "$T/two-min.bpf") ns)"
else
	echo "funccount from 2 CPUs at once: needs 2 CPUs and taskset"
fi
for k in call getppid; do
	[ $k = call ] && what=uprobe || what=tracepoint
	awk -v w="$what" -v r="$REPS" -v z="$(median "$T/$k-none")" -v m="$(median "$T/$k-min")" \
		-v f="$(median "$T/$k-fc")" -v mb="$(median "$T/$k-min.bpf")" \
		-v fb="$(median "$T/$k-fc.bpf")" 'BEGIN {
		printf "funccount per call (CPU time, median of %d), %s: %.1f ns (untraced %.1f, hand-written %.1f): overhead ratio %.2fx (target <= 1.1x): %s\n",
			r, w, f, z, m, (f - z) / (m - z), (f - z) <= 1.1 * (m - z) ? "ok" : "over"
		printf "funccount in-kernel BPF time per event (median of %d), %s: %.1f ns (hand-written %.1f ns): %.2fx\n",
			r, w, fb, mb, fb / mb
	}'
done
fi

# ---- 3. stackcount at 100k calls/s through 16 stacks: all counted or reported, then with
# storage for 8 stacks only: what is lost is said
part 3 && for size in 16384 8; do
	start 60 '^Ready\.$' "$BPFBOX" stackcount --verbose --stack-storage-size $size "$CL:bench_target" ||
		{ echo "stackcount did not start: $(head -n 2 "$T/err")"; exit 1; }
	calls=$("$CL" rate 100000 "$SC_SECS" | awk '{ print $2 }')
	sleep 0.3
	stop
	counted=$(awk '/^    [0-9]+$/ { s += $1 } END { print s + 0 }' "$T/out")
	sym=$(sed -n 's/.*hits symbolized and printed in \([0-9.]*\) ms.*/\1/p' "$T/err" | tail -n 1)
	warn=$(grep '^WARNING' "$T/err" | tr '\n' ' ')
	echo "stackcount at 100k calls/s for $SC_SECS s, --stack-storage-size $size: $calls calls," \
		"$counted counted in $(grep -c '^    [0-9]*$' "$T/out") stacks, report symbolized in $sym ms${warn:+; $warn}"
done
