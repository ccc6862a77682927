#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# profile against processes whose files are hostile or change under it (issue 11 and issue 12
# item 1): ELF files rewritten while the report reads them, an ELF with 500k symbols sharing a
# 4 KB name, debug links to a FIFO directly and through a user's symlink and to a device (never
# opened), an executable deleted and replaced after exec, a memfd executable, an exec after
# the first sample, a pid reused (clone3 set_tid), and SIGHUP with --svg (report written, no
# temporary file left).
# Stacks are picked out of profile -j by the target's pid: other processes may run meanwhile.
# No case depends on timing: each target is a "sig" spinner (see hostileprog.c) started before
# profile and let go only once profile -v says it sampled it (its first-sample line), so a slow
# or busy machine (an emulated guest) only makes a case take longer.
. "$TESTLIB"
HP=$PROGS/hostileprog
PP=$PROGS/profprog

# prof_start NAME ARGS...: profile -j ARGS into $TMPD/NAME (SIGINT ends it: prof_stop)
prof_start() {
	_pn=$1; shift
	start_tool "$TMPD/$_pn" profile -j "$@" || fail "$_pn-started" "$(cat "$TMPD/$_pn.err")"
}
prof_stop() {
	settle
	stop_tool INT
}

# held NAME COMMAND...: a sig spinner, its output in $TMPD/NAME.hp; sets HELD once it waits
held() {
	_hn=$1; shift
	"$@" >"$TMPD/$_hn.hp" &
	HELD=$!
	wait_count "$TMPD/$_hn.hp" '^waiting' 1
}

# wait_count FILE REGEX N: until N lines of FILE match REGEX (a hang guard: 60 s)
wait_count() {
	_i=0
	while [ $_i -lt 600 ]; do
		# no file yet (a background job's shell opens it) counts as no line
		_n=$(grep -c -- "$2" "$1" 2>/dev/null)
		[ "${_n:-0}" -ge "$3" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
}

# images ERRFILE PID: how many images (start time, exec) of PID profile -v has sampled
images() { sed -n "s/.*pid $2, start \([0-9]*\), exec \([0-9]*\): first sample.*/\1 \2/p" "$1" |
	sort -u | wc -l; }

# run_seen ERRFILE PID N: lets the held spinner PID spin until profile has sampled N images of
# PID, then tells it to stop (it still spins 0.5 s of CPU: samples to show)
run_seen() {
	kill -USR1 "$2"
	_i=0
	while [ "$(images "$1" "$2")" -lt "$3" ] && [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -USR1 "$2"
}

# stack_of FILE PID TEXT: a JSON stack of PID has a frame with TEXT
stack_of() { grep "^{\"pid\":$2," "$1" | grep -qF -- "$3"; }

# only_o_path FILE: every opensnoop -j -e line in FILE has O_PATH (010000000) in its flags
only_o_path() {
	for _f in $(sed 's/.*"flags":\([0-9]*\).*/\1/' "$1"); do
		[ $((_f / 2097152 % 2)) -eq 1 ] || return 1
	done
}

# ---- exec after the first sample: the new image gets its own snapshot (issue 12 item 1)
held exec "$HP" exec sig "$HP" spin sig
x=$HELD
prof_start exec -v -F 499 -U
run_seen "$TMPD/exec.err" $x 1
wait_count "$TMPD/exec.hp" '^waiting' 2
run_seen "$TMPD/exec.err" $x 2
wait $x
prof_stop
check exec-exit-0 [ "$TOOL_RC" -eq 0 ]
check exec-before-resolved stack_of "$TMPD/exec" $x '"hostile_before_exec+0x'
check exec-after-resolved stack_of "$TMPD/exec" $x '"hostile_spin+0x'

# ---- pid reuse: a second process under the same pid has its own symbols (clone3 set_tid)
# The second process (profprog, 120 s at most) is ended once profile has seen its own image
# (a first-sample line of that pid with another exec count than the first life's) and its
# main thread has spun 0.2 s of CPU in its call chain since printing "child": about 100
# samples at 499 Hz, not a matter of wall time (a first sample alone can come from startup).
# ticks TID: clock ticks thread TID has run (utime + stime; comm "profprog" has no space)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/task/$1/stat" 2>/dev/null || echo 0; }
# chain_run PID: the second life printed "child" and its main thread has spun 20 ticks since
chain_run() {
	grep -q '^child ' "$TMPD/reuse.m" || return 1
	[ -n "$t0" ] || t0=$(ticks "$1")
	[ "$(ticks "$1")" -ge $((t0 + 20)) ]
}
t0=""
"$HP" reuse sig "$PP" 120 >"$TMPD/reuse.m" 2>"$TMPD/reuse.m.err" &
r=$!
wait_count "$TMPD/reuse.m" '^waiting' 1
prof_start reuse -v -F 499 -U
p=$(awk '$1 == "waiting" { print $2 }' "$TMPD/reuse.m")
# exec counts ERRFILE PID: how many exec counts of PID profile -v has sampled
execs() { sed -n "s/.*pid $2, start [0-9]*, exec \([0-9]*\): first sample.*/\1/p" "$1" |
	sort -u | wc -l; }
if [ -n "$p" ]; then
	run_seen "$TMPD/reuse.err" "$p" 1
	# until the second process was seen, or hostileprog ended (no clone3 set_tid here)
	_i=0
	while kill -0 $r 2>/dev/null && [ $_i -lt 600 ] &&
		! { grep -q "^reused $p\$" "$TMPD/reuse.m" && [ "$(execs "$TMPD/reuse.err" "$p")" -ge 2 ] &&
		chain_run "$p"; }; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! grep -q "^reused $p\$" "$TMPD/reuse.m" || kill "$p" 2>/dev/null
fi
wait $r
rc=$?
prof_stop
if [ $rc -eq 3 ]; then
	skip reuse "clone3 with set_tid unavailable: $(cat "$TMPD/reuse.m.err")"
else
	p=$(awk '$1 == "reused" { print $2 }' "$TMPD/reuse.m")
	check reuse-ran [ $rc -eq 0 ] && [ -n "$p" ]
	check reuse-first-resolved stack_of "$TMPD/reuse" "$p" '"hostile_first_life+0x'
	check reuse-second-resolved stack_of "$TMPD/reuse" "$p" '"chain_leaf+0x'
	# the second process's stacks never borrow the first one's names
	check reuse-no-mixup sh -c "! grep '^{\"pid\":$p,\"comm\":\"profprog\"' '$TMPD/reuse' |
		grep -q hostile_"
fi

# ---- 500k symbols sharing one 4 KB name: bounded memory (was 2 GB)
if "$PROGS/mkelf" huge "$HP" "$TMPD/huge" 500000 4096; then
	# spinning from before profile starts to after it ends
	held huge "$TMPD/huge" spin sig
	h=$HELD
	kill -USR1 $h
	"$HP" maxrss "$BPFBOX" profile -j -U -F 199 2 >"$TMPD/huge.out" 2>"$TMPD/huge.err"
	rc=$?
	kill -USR1 $h
	wait $h
	kb=$(sed -n 's/^maxrss //p' "$TMPD/huge.err")
	check huge-exit-0 [ $rc -eq 0 ]
	check huge-sampled grep -q "^{\"pid\":$h," "$TMPD/huge.out"
	check huge-memory-bounded [ "${kb:-999999999}" -lt 150000 ]
else
	fail huge-made "mkelf failed"
fi

# ---- files truncated by their owner while the report reads them: no SIGBUS, a report
# (three of them: each reader starts on a whole file now and then, and is cut short later)
if "$PROGS/mkelf" huge "$HP" "$TMPD/trunc.orig" 1000000 16; then
	tp=
	for i in 1 2 3; do
		cp "$TMPD/trunc.orig" "$TMPD/trunc$i.elf.new" && mv "$TMPD/trunc$i.elf.new" "$TMPD/trunc$i.elf"
		held trunc$i "$TMPD/trunc$i.elf" spin sig
		tp="$tp $HELD"
	done
	prof_start trunc -v -F 499 -U
	for t in $tp; do
		run_seen "$TMPD/trunc.err" "$t" 1
	done
	# shellcheck disable=SC2086 # a list of pids
	wait $tp
	rm -f "$TMPD/trunc.stop"
	# each file rewritten from scratch (truncated, then refilled) over and over
	(while [ ! -e "$TMPD/trunc.stop" ]; do
		for i in 1 2 3; do
			cat "$TMPD/trunc.orig" >"$TMPD/trunc$i.elf"
		done
		sleep 0.1
	done) &
	loop=$!
	sleep 0.2
	prof_stop
	touch "$TMPD/trunc.stop"
	wait $loop
	check trunc-exit-0 [ "$TOOL_RC" -eq 0 ]
	check trunc-reported grep -q "^{\"pid\":${tp##* }," "$TMPD/trunc"
else
	fail trunc-made "mkelf failed"
fi

# ---- debug links to a FIFO, directly and through a user's symlink: never opened. A writer
# blocks in open() until a reader opens the FIFO, so an open shows as the writer's mark.
dlink_make || fail dlink-made "mkelf or mkfifo failed"
dlink_arm
held dl1 "$TMPD/dl1/prog" spin sig
a=$HELD
held dl2 "$TMPD/dl2/prog" spin sig
b=$HELD
prof_start dlink -v -F 499 -U
run_seen "$TMPD/dlink.err" $a 1
run_seen "$TMPD/dlink.err" $b 1
wait $a $b
prof_stop
check dlink-exit-0 [ "$TOOL_RC" -eq 0 ]
check dlink-sampled grep -q "^{\"pid\":$a," "$TMPD/dlink"
dlink_check dlink
dlink_release

# ---- a debug link to a device: looked at (O_PATH), never opened, as opensnoop sees it

mkdir -p "$TMPD/dl3"
"$PROGS/mkelf" link "$HP" "$TMPD/dl3/prog" dev
mknod "$TMPD/dl3/dev" c 1 3
held dl3 "$TMPD/dl3/prog" spin sig
d=$HELD
prof_start dldev -v -F 499 -U
prof=$TOOL_PID
if start_tool "$TMPD/dlos" opensnoop -j -e -p "$prof"; then
	os=$TOOL_PID
	run_seen "$TMPD/dldev.err" $d 1
	wait $d
	TOOL_PID=$prof
	prof_stop
	check dldev-exit-0 [ "$TOOL_RC" -eq 0 ]
	TOOL_PID=$os
	stop_tool INT
	grep '"path":"[^"]*/dl3/dev"' "$TMPD/dlos" >"$TMPD/dlos.dev"
	check dldev-looked-at [ -s "$TMPD/dlos.dev" ]
	check dldev-not-opened only_o_path "$TMPD/dlos.dev"
else
	fail dldev-opensnoop "$(cat "$TMPD/dlos.err")"
	kill -USR1 $d
	kill -USR1 $d
	wait $d
	TOOL_PID=$prof
	prof_stop
fi

# ---- the executable deleted and replaced after exec: still its own symbols
# a copy renamed into place: no writer may still hold it when it is run
cp "$HP" "$TMPD/gone.new" && mv "$TMPD/gone.new" "$TMPD/gone"
held replaced "$TMPD/gone" spin sig
g=$HELD
prof_start replaced -v -F 499 -U
run_seen "$TMPD/replaced.err" $g 1
rm -f "$TMPD/gone"
cp "$PP" "$TMPD/gone.new" && mv "$TMPD/gone.new" "$TMPD/gone"
wait $g
prof_stop
check replaced-resolved stack_of "$TMPD/replaced" $g '"hostile_spin+0x'

# ---- a memfd executable
# held once it runs from the memfd: only that image runs under profile
held memfd "$HP" memfd spin sig
m=$HELD
prof_start memfd -v -F 499 -U
run_seen "$TMPD/memfd.err" $m 1
wait $m
prof_stop
check memfd-resolved stack_of "$TMPD/memfd" $m '"hostile_spin+0x'

# ---- SIGHUP ends the run like SIGINT: the report and the flame graph are written whole
start_tool "$TMPD/hup" profile -F 99 --svg "$TMPD/hup.svg" || fail hup-started "$(cat "$TMPD/hup.err")"
"$HP" spin 0.3
stop_tool HUP
check hup-exit-0 [ "$TOOL_RC" -eq 0 ]
check hup-svg-written grep -q '</svg>' "$TMPD/hup.svg"
check hup-no-temporary-left [ -z "$(ls "$TMPD" | grep '^hup\.svg\.')" ]
