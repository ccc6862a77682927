#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The shared lifecycle: after SIGINT none of the applet's own probes remain (its BPF programs,
# links and perf events, found by their ids before the signal); hostile --btf files are
# refused at the command line with one line and status 2 (never a crash, a spin or a
# misleading "verifier rejected").
. "$TESTLIB"

# link_ids PID: the ids of the BPF links PID holds.
link_ids() {
	for _f in /proc/"$1"/fd/*; do
		[ "$(readlink "$_f" 2>/dev/null)" = anon_inode:bpf_link ] || continue
		sed -n 's/^link_id:[[:space:]]*//p' "/proc/$1/fdinfo/${_f##*/}" 2>/dev/null
	done
}
# perf_events PID: how many perf events PID holds.
perf_events() {
	ls -l /proc/"$1"/fd/ 2>/dev/null | grep -c 'anon_inode:\[perf_event\]'
}

# --- detach: every probe of the applet's own process is gone after SIGINT
for app in execsnoop opensnoop biosnoop "profile -F 49"; do
	name=$(echo "$app" | cut -d' ' -f1)
	# shellcheck disable=SC2086 # applet and its arguments
	if ! start_tool "$TMPD/$name" $app; then
		fail "$name-detach" "did not start: $(head -n 1 "$TMPD/$name.err")"
		continue
	fi
	progs=$(bpf_prog_ids "$TOOL_PID")
	links=$(link_ids "$TOOL_PID")
	perfs=$(perf_events "$TOOL_PID")
	# what it keeps while it runs: the kernel's BTF (3.5-5.6 MB, read into the heap where the
	# kernel cannot map it, before 6.16) is freed once loaded; 1.7-2.9 MB here and in the
	# guests, where opensnoop kept 9-13 MB for its whole run before (malloc threshold: main.c)
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$TOOL_PID/status")
	if [ "${rss:-99999}" -lt 6144 ]; then
		pass "$name-rss-once-attached"
	else
		fail "$name-rss-once-attached" "VmRSS ${rss:-unreadable} kB once attached (want under 6 MB)"
	fi
	# profile samples on perf events (one per CPU), the others attach raw tracepoint links
	if [ "$name" = profile ]; then
		check "$name-had-perf-events" [ "$perfs" -gt 0 ]
	else
		check "$name-had-links" [ -n "$links" ]
	fi
	stop_tool INT
	check "$name-exit-0" [ "$TOOL_RC" -eq 0 ]
	# shellcheck disable=SC2086 # lists of ids
	check "$name-no-program-left" bpf_progs_gone $progs
	# shellcheck disable=SC2086
	check "$name-no-link-left" bpf_gone link $links
done

# --- --btf FILE: crafted files are refused before libbpf sees them
# raw BTF: header (magic, version 1, 24-byte header, 12 bytes of types at 0, 1 byte of
# strings at 12), one typedef [1] (name 0, kind 8), its target, then the empty string table
btf_typedef() {
	printf '\237\353\001\000\030\000\000\000\000\000\000\000\014\000\000\000\014\000\000\000'
	printf '\001\000\000\000\000\000\000\000\000\000\000\010'
	printf "$1"
	printf '\000'
}
btf_typedef '\377\377\377\000' >"$TMPD/far.btf"	# type 0xffffff
btf_typedef '\001\000\000\000' >"$TMPD/self.btf"	# type 1: itself
if [ -r /sys/kernel/btf/vmlinux ]; then
	head -c 100000 /sys/kernel/btf/vmlinux >"$TMPD/cut.btf"
else
	btf_typedef '\000\000\000\000' | head -c 30 >"$TMPD/cut.btf"
fi
btf_typedef '\000\000\000\000' >"$TMPD/notkernel.btf"	# valid, but no kernel types
for f in far:"past the last type" self:"refers back to itself" cut:truncated \
	notkernel:"not a kernel's BTF"; do
	file=${f%%:*} why=${f#*:}
	for app in execsnoop opensnoop biosnoop; do
		timeout 20 "$BPFBOX" $app --btf "$TMPD/$file.btf" >"$TMPD/btf.out" 2>"$TMPD/btf.err"
		rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <"$TMPD/btf.err")" -eq 1 ] && [ ! -s "$TMPD/btf.out" ] &&
			has "$TMPD/btf.err" "$why"; then
			pass "btf-$file-$app"
		else
			fail "btf-$file-$app" "rc=$rc, stderr: $(head -n 2 "$TMPD/btf.err")"
		fi
	done
done

# the kernel's own BTF given as a file works
if [ -r /sys/kernel/btf/vmlinux ]; then
	cp /sys/kernel/btf/vmlinux "$TMPD/vmlinux.btf"
	if start_tool "$TMPD/ok" execsnoop --btf "$TMPD/vmlinux.btf"; then
		"$PROGS/execer" >/dev/null 2>&1
		settle
		stop_tool INT
		check btf-valid-file-traces has "$TMPD/ok" execer
	else
		fail btf-valid-file-traces "did not start: $(head -n 1 "$TMPD/ok.err")"
	fi
else
	skip btf-valid-file-traces "no /sys/kernel/btf/vmlinux to copy"
fi

# --- the kernel's BTF is read once, by kbtf (kernel struct offsets come from it: common/kfield.c);
# a CO-RE relocation in a program would make libbpf read it a second time. strace counts opens.
# btf_opens OUT FILE APPLET ARGS...: runs the applet under strace until attached, then SIGINT;
# writes how many times it opened FILE to OUT.n (sets TOOL_RC).
btf_opens() {
	_out=$1 _file=$2; shift 2
	rm -f "$_out.err" "$_out.pid"
	# the shell writes its pid, which the applet keeps (exec): the signal goes to it, not strace
	strace -f -qq -e trace=openat -o "$_out.st" \
		sh -c 'echo $$ >"$0"; exec "$@"' "$_out.pid" "$BPFBOX" "$@" >"$_out" 2>"$_out.err" &
	TOOL_PID=$!
	if wait_ready "$_out.err"; then
		kill -INT "$(cat "$_out.pid")"
	else
		kill -INT "$TOOL_PID"
	fi
	wait "$TOOL_PID"
	TOOL_RC=$?
	grep -cF "\"$_file\"" "$_out.st" >"$_out.n"
}
if ! command -v strace >/dev/null 2>&1; then
	skip btf-read-once "no strace here (scripts/deps.sh installs it on a build host; not in the VM guests)"
elif [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip btf-read-once "no /sys/kernel/btf/vmlinux"
else
	# tracepoint probes of funccount and argdist need no kernel struct: no BTF at all
	for c in 1:execsnoop 1:biosnoop "1:profile -F 49" "1:stackcount t:sched:sched_process_exec" \
		"1:trace t:sched:sched_process_exec" "0:funccount t:sched:sched_process_exec" \
		"0:argdist -C t:sched:sched_process_exec():int:args->pid"; do
		max=${c%%:*} app=${c#*:}
		name=$(echo "$app" | cut -d' ' -f1)
		# shellcheck disable=SC2086 # applet and its arguments
		btf_opens "$TMPD/once" /sys/kernel/btf/vmlinux $app
		n=$(cat "$TMPD/once.n")
		if [ "$TOOL_RC" -eq 0 ] && [ "$n" -le "$max" ]; then
			pass "$name-btf-read-once"
		else
			fail "$name-btf-read-once" "rc=$TOOL_RC, $n opens (at most $max), stderr: $(head -n 1 "$TMPD/once.err")"
		fi
	done
	# opensnoop's typed (tp_btf) exit program makes libbpf read the kernel BTF for its type;
	# with --btf it loads the raw one, and the file is opened twice: checked, then read by kbtf
	cp /sys/kernel/btf/vmlinux "$TMPD/copy.btf"
	btf_opens "$TMPD/once" "$TMPD/copy.btf" opensnoop --btf "$TMPD/copy.btf"
	n=$(cat "$TMPD/once.n")
	if [ "$TOOL_RC" -eq 0 ] && [ "$n" -le 2 ]; then
		pass opensnoop-btf-read-once
	else
		fail opensnoop-btf-read-once "rc=$TOOL_RC, $n opens (at most 2), stderr: $(head -n 1 "$TMPD/once.err")"
	fi
fi

# a BTF whose task_struct has no members: kfield refuses it with one line naming the member
# (raw BTF: one struct task_struct of 8 bytes, no members)
printf '\237\353\001\000\030\000\000\000\000\000\000\000\014\000\000\000\014\000\000\000' >"$TMPD/bare.btf"
printf '\015\000\000\000\001\000\000\000\000\000\000\004\010\000\000\000\000task_struct\000' >>"$TMPD/bare.btf"
for app in execsnoop opensnoop "profile -F 49"; do
	name=$(echo "$app" | cut -d' ' -f1)
	# shellcheck disable=SC2086 # applet and its arguments
	timeout 20 "$BPFBOX" $app --btf "$TMPD/bare.btf" >"$TMPD/bare.out" 2>"$TMPD/bare.err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$TMPD/bare.err")" -eq 1 ] && [ ! -s "$TMPD/bare.out" ] &&
		grep -q "has no member [a-z_.]* of [0-9]* bytes in struct task_struct" "$TMPD/bare.err"; then
		pass "btf-missing-member-$name"
	else
		fail "btf-missing-member-$name" "rc=$rc, stderr: $(head -n 2 "$TMPD/bare.err")"
	fi
done

# biosnoop's disk is request.rq_disk up to 5.16, request_queue.disk after: one of the two must
# be there. The kernel's own BTF with both names changed must be refused with one line naming
# both, not read as device 0.
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip btf-missing-disk-pair "no /sys/kernel/btf/vmlinux to copy"
elif ! "$PROGS/btfrename" /sys/kernel/btf/vmlinux "$TMPD/nodisk.btf" disk dXsk rq_disk rq_dXsk; then
	fail btf-missing-disk-pair "btfrename failed"
else
	timeout 20 "$BPFBOX" biosnoop --btf "$TMPD/nodisk.btf" >"$TMPD/nodisk.out" 2>"$TMPD/nodisk.err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$TMPD/nodisk.err")" -eq 1 ] && [ ! -s "$TMPD/nodisk.out" ] &&
		grep -q "has no member disk in struct request_queue (nor rq_disk in struct request)" \
			"$TMPD/nodisk.err"; then
		pass btf-missing-disk-pair
	else
		fail btf-missing-disk-pair "rc=$rc, stderr: $(head -n 2 "$TMPD/nodisk.err")"
	fi
fi

# --- lost events: one line per report, in one format, the running totals adding up. The
# reader is stopped while 400 opens (one cat of /dev/null 400 times) go into a one-page ring,
# which holds about 40: some must be lost; the last report comes when it drains at SIGINT.
if start_tool "$TMPD/lost" opensnoop -b 1 -n cat; then
	kill -STOP "$TOOL_PID"
	# stopped once its state says so (the signal takes effect when it next runs)
	i=0
	while [ $i -lt 100 ] && [ "$(awk '{ print $3 }' "/proc/$TOOL_PID/stat")" != T ]; do
		sleep 0.05
		i=$((i + 1))
	done
	(
		set --
		i=0
		while [ $i -lt 400 ]; do
			set -- "$@" /dev/null
			i=$((i + 1))
		done
		exec cat "$@"
	) >/dev/null
	kill -CONT "$TOOL_PID"
	stop_tool INT
	grep -v '^Ready\.$' "$TMPD/lost.err" >"$TMPD/lost.lines"
	if [ ! -s "$TMPD/lost.lines" ]; then
		fail lost-report-format "no loss reported: $(wc -l <"$TMPD/lost") lines printed"
	else
		check lost-report-format awk '!/^opensnoop: lost [0-9]+ events \([0-9]+ in total\): the ring buffer was full$/ { exit 1 }' "$TMPD/lost.lines"
		# each report's count is what its total added to the previous one
		check lost-report-totals awk '{ n = $3; t = substr($5, 2) + 0; if (t != prev + n) exit 1; prev = t }' "$TMPD/lost.lines"
	fi
else
	fail lost-report-format "did not start: $(head -n 1 "$TMPD/lost.err")"
fi
