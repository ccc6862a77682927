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

# --- lost events: one line per report, in one format, the running totals adding up. A
# one-page ring and a burst of opens make losses likely, not certain: none is a SKIP.
if start_tool "$TMPD/lost" opensnoop -b 1 -n find; then
	find / -xdev -maxdepth 4 >/dev/null 2>&1
	find / -xdev -maxdepth 4 >/dev/null 2>&1
	settle
	stop_tool INT
	grep -v '^Ready\.$' "$TMPD/lost.err" >"$TMPD/lost.lines"
	if [ ! -s "$TMPD/lost.lines" ]; then
		skip lost-report-format "no event was lost this time (the reader kept up)"
	else
		check lost-report-format awk '!/^opensnoop: lost [0-9]+ events \([0-9]+ in total\): the ring buffer was full$/ { exit 1 }' "$TMPD/lost.lines"
		# each report's count is what its total added to the previous one
		check lost-report-totals awk '{ n = $3; t = substr($5, 2) + 0; if (t != prev + n) exit 1; prev = t }' "$TMPD/lost.lines"
	fi
else
	fail lost-report-format "did not start: $(head -n 1 "$TMPD/lost.err")"
fi
