#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# profile against processes whose files are hostile or change under it (issue 11 and issue 12
# item 1): ELF files rewritten while the report reads them, an ELF with 500k symbols sharing a
# 4 KB name, debug links to a FIFO directly and through a user's symlink and to a device (never
# opened), an executable deleted and replaced after exec, a memfd executable, an exec after
# the first sample, a pid reused (clone3 set_tid), and SIGHUP with --svg (report written, no
# temporary file left).
# Stacks are picked out of profile -j by the target's pid: other processes may run meanwhile.
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

# stack_of FILE PID TEXT: a JSON stack of PID has a frame with TEXT
stack_of() { grep "^{\"pid\":$2," "$1" | grep -qF -- "$3"; }

# only_o_path FILE: every opensnoop -j -e line in FILE has O_PATH (010000000) in its flags
only_o_path() {
	for _f in $(sed 's/.*"flags":\([0-9]*\).*/\1/' "$1"); do
		[ $((_f / 2097152 % 2)) -eq 1 ] || return 1
	done
}

# ---- exec after the first sample: the new image gets its own snapshot (issue 12 item 1)
prof_start exec -F 499 -U
"$HP" exec 2 "$PP" 0.7 >/dev/null &
x=$!
wait $x
prof_stop
check exec-exit-0 [ "$TOOL_RC" -eq 0 ]
check exec-before-resolved stack_of "$TMPD/exec" $x '"hostile_before_exec+0x'
check exec-after-resolved stack_of "$TMPD/exec" $x '"chain_leaf+0x'
check exec-after-caller stack_of "$TMPD/exec" $x '"chain_d+0x'

# ---- pid reuse: a second process under the same pid has its own symbols (clone3 set_tid)
prof_start reuse -F 499 -U
"$HP" reuse 0.7 "$PP" 0.7 >"$TMPD/reuse.m" 2>"$TMPD/reuse.m.err"
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
	"$TMPD/huge" spin 3 &
	h=$!
	sleep 0.3
	"$HP" maxrss "$BPFBOX" profile -j -U -F 199 2 >"$TMPD/huge.out" 2>"$TMPD/huge.err"
	rc=$?
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
	prof_start trunc -F 499 -U
	tp=
	for i in 1 2 3; do
		cp "$TMPD/trunc.orig" "$TMPD/trunc$i.elf.new" && mv "$TMPD/trunc$i.elf.new" "$TMPD/trunc$i.elf"
		"$TMPD/trunc$i.elf" spin 0.3 &
		tp="$tp $!"
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
prof_start dlink -F 499 -U
"$TMPD/dl1/prog" spin 0.5 &
a=$!
"$TMPD/dl2/prog" spin 0.5 &
b=$!
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
prof_start dldev -F 499 -U
prof=$TOOL_PID
if start_tool "$TMPD/dlos" opensnoop -j -e -p "$prof"; then
	os=$TOOL_PID
	"$TMPD/dl3/prog" spin 0.5
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
	TOOL_PID=$prof
	prof_stop
fi

# ---- the executable deleted and replaced after exec: still its own symbols
# a copy renamed into place: no writer may still hold it when it is run
cp "$HP" "$TMPD/gone.new" && mv "$TMPD/gone.new" "$TMPD/gone"
prof_start replaced -F 499 -U
"$TMPD/gone" spin 1 &
g=$!
sleep 0.4
rm -f "$TMPD/gone"
cp "$PP" "$TMPD/gone.new" && mv "$TMPD/gone.new" "$TMPD/gone"
wait $g
prof_stop
check replaced-resolved stack_of "$TMPD/replaced" $g '"hostile_spin+0x'

# ---- a memfd executable
prof_start memfd -F 499 -U
"$HP" memfd spin 0.7 &
m=$!
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
