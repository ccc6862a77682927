#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# User stacks of stackcount -U and trace -U / %U against processes that have exited and whose
# files are hostile (issue 11, issue 10): symbols come from the snapshot of the process image
# taken while it lived, after it exited; truncated, corrupted and huge ELF files and debug links
# to FIFOs give [unknown], never a crash, a hang or an open; files replaced after exec, memfd
# executables and files of another mount namespace resolve to the process's own file.
# Every step waits on the program (hostileprog gate) or on the tool's output: no timed races.
# The tool is stopped (SIGSTOP) while the program makes its calls and exits, so that trace prints
# only after the process is gone and the hostile change to its file precedes the symbols' read.
. "$TESTLIB"
HP=$PROGS/hostileprog
PP=$PROGS/profprog
TP=t:syscalls:sys_enter_getppid
GATE_END=

# gate_step: lets the gate program make its next call; the first one is waited for ("marked")
gate_step() {
	kill -USR1 "$PROG_PID"
	wait_line "$PROG_OUT" '^marked' 600
}

# ucase TOOL NAME BEFORE AFTER CMD...: runs the gate program CMD... under TOOL (stackcount -U or
# trace -U, on the getppid(2) that hostile_leaf makes, -p the program), output in
# $TMPD/TOOL-NAME. BEFORE runs once the tool is attached, AFTER once the program has exited
# (shell commands; ':' for none); with GATE_END set, once the program printed that line
# instead (it is then ended after the tool). Returns 1 (after a FAIL) when either did not start.
ucase() {
	_t=$1 _c=$1-$2 _before=$3 _after=$4
	shift 4
	prog_start "$_c" "$@"
	PROG_OUT=$TMPD/$_c.m
	if [ -z "$PROG_PID" ]; then
		fail "$_c-started" "the program did not start: $(cat "$PROG_OUT")"
		return 1
	fi
	if [ "$_t" = stackcount ]; then
		prog_tool "$_c" stackcount -U -p "$PROG_PID" "$TP" || return 1
	else
		prog_tool "$_c" trace -U -p "$PROG_PID" "$TP" || return 1
	fi
	eval "$_before"
	kill -STOP "$TOOL_PID"
	gate_step
	gate_step
	if [ -n "$GATE_END" ]; then wait_line "$PROG_OUT" "^$GATE_END" 600; else wait "$PROG_PID"; fi
	eval "$_after"
	kill -CONT "$TOOL_PID"
	# trace prints the event once it runs again; stackcount counted it in the kernel
	[ "$_t" = stackcount ] || wait_line "$TMPD/$_c" "^$PROG_PID .*sys_enter_getppid" 600
	stop_tool INT
	kill -USR1 "$PROG_PID" 2>/dev/null
	wait "$PROG_PID"
	check "$_c-exit-0" [ "$TOOL_RC" -eq 0 ]
	if [ "$_t" = stackcount ]; then
		check "$_c-counted" grep -q '^    1$' "$TMPD/$_c"
	else
		check "$_c-printed" grep -q "^$PROG_PID .*sys_enter_getppid" "$TMPD/$_c"
	fi
}

# resolved NAME: the user stack was symbolized from the program's own file (the other program,
# profprog, has no hostile_ names). At the syscall the walk starts in libc's syscall(), which
# keeps no frame: hostile_leaf's return address is not on the chain, its caller's is.
resolved() {
	check "$1-resolved" has "$TMPD/$1" hostile_gate
	check "$1-caller" has "$TMPD/$1" main
}
# unresolved NAME: the file gave no symbols (its frames [unknown]), and no wrong ones
unresolved() {
	check "$1-no-symbols" lacks "$TMPD/$1" hostile_
	check "$1-unknown" has "$TMPD/$1" '[unknown]'
}

if r=$(requires tracepoint,syscall_tp); then

# ---- trace %U and -U of processes that exited before their event was printed. The first
# event of a process announces its image, so its mappings are read while it lives: %U of the
# second, printed after the exit, still resolves.
prog_start exited "$HP" gate
if prog_tool exited trace "p:$HP:hostile_mark" "p:$HP:hostile_leaf \"%U\", arg1"; then
	gate_step
	wait_line "$TMPD/exited" "^$PROG_PID .*hostile_mark" 600
	check exited-first-printed grep -q "^$PROG_PID .*hostile_mark" "$TMPD/exited"
	kill -STOP "$TOOL_PID"
	kill -USR1 "$PROG_PID"
	wait "$PROG_PID"
	kill -CONT "$TOOL_PID"
	wait_line "$TMPD/exited" "^$PROG_PID .*hostile_leaf" 600
	stop_tool INT
	check exited-exit-0 [ "$TOOL_RC" -eq 0 ]
	check exited-symbol grep -q "^$PROG_PID .*hostile_leaf *hostile_spin+0x0 \[hostileprog\]$" "$TMPD/exited"
fi
# -p: the process's mappings are taken at start, before it runs the probed code
for t in trace stackcount; do
	ucase $t exited-p : : "$HP" gate && resolved $t-exited-p
done

# ---- an exec: each image resolves in its own mappings. The first image (hostileprog) makes
# its call, then execs a copy without symbols, which makes another from main and waits: the
# first stack has names, the second none (not the first image's names at the same addresses).
"$PROGS/mkelf" corrupt "$HP" "$TMPD/nosyms" || fail exec-made "mkelf failed"
for t in trace stackcount; do
	GATE_END=left
	if ucase $t exec : : "$HP" gate "$TMPD/nosyms" leaf; then
		check $t-exec-first-image has "$TMPD/$t-exec" hostile_gate
		check $t-exec-second-image-own-file [ "$(awk '$1 == "main" || $1 ~ /^main\+0x/' "$TMPD/$t-exec" | wc -l)" -eq 1 ]
	fi
	GATE_END=
done

# ---- hostile files, each under both tools
"$PROGS/mkelf" huge "$HP" "$TMPD/huge" 500000 4096 || fail huge-made "mkelf failed"
"$PROGS/mkelf" corrupt "$HP" "$TMPD/corrupt" || fail corrupt-made "mkelf failed"
cp "$HP" "$TMPD/trunc.orig"
dlink_make || fail dlink-made "mkelf or mkfifo failed"
# mount namespaces: the program's file is on a tmpfs of its own namespace; the host has
# another program under the same name
ns=
if command -v unshare >/dev/null 2>&1 && unshare -m sh -c "mount -t tmpfs none '$TMPD'" 2>/dev/null; then
	ns=1
	mkdir -p "$TMPD/nsdir"
	cp "$PP" "$TMPD/nsdir/prog"
else
	skip mntns "unshare -m or mounting a tmpfs in the new namespace does not work here"
fi

for t in stackcount trace; do
	# symbols of a 500k-symbol table: given up on, bounded
	ucase $t huge : : "$TMPD/huge" gate && unresolved $t-huge
	ucase $t corrupt : : "$TMPD/corrupt" gate && unresolved $t-corrupt
	# truncated by its owner after the exit, before the tool reads it (held open since)
	cp "$TMPD/trunc.orig" "$TMPD/trunc.new" && mv "$TMPD/trunc.new" "$TMPD/trunc"
	ucase $t trunc : "head -c 3000 '$TMPD/trunc.orig' >'$TMPD/trunc'" "$TMPD/trunc" gate &&
		unresolved $t-trunc
	# debug links to a FIFO, directly and through a symlink: never opened
	dlink_arm
	ucase $t dlink-fifo : : "$TMPD/dl1/prog" gate && unresolved $t-dlink-fifo
	ucase $t dlink-symlink : : "$TMPD/dl2/prog" gate && unresolved $t-dlink-symlink
	dlink_check $t-dlink
	dlink_release
	# deleted and replaced by another program after exec: still its own symbols
	cp "$HP" "$TMPD/gone.new" && mv "$TMPD/gone.new" "$TMPD/gone"
	ucase $t replaced "rm -f '$TMPD/gone'; cp '$PP' '$TMPD/gone'" : "$TMPD/gone" gate &&
		resolved $t-replaced
	ucase $t memfd : : "$HP" memfd gate && resolved $t-memfd
	if [ -n "$ns" ]; then
		# shellcheck disable=SC2016 # expanded by the inner shell
		# the host sees the other program under that name meanwhile
		ucase $t mntns "check $t-mntns-host-other-file cmp -s '$TMPD/nsdir/prog' '$PP'" : \
			unshare -m sh -c 'mount -t tmpfs none "$1" && cp "$2" "$1/prog" &&
			exec "$1/prog" gate' sh "$TMPD/nsdir" "$HP" && resolved $t-mntns
	fi
done

else
	skip ustack-hostile "$r"
fi
