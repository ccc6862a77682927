#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-config end to end: its verdicts agree with what this test can attach by other routes
# (tracefs kprobe/uprobe events, the kernel's own files), its outputs parse, exit codes hold.
. "$TESTLIB"
DATA=$(dirname "$TESTLIB")/data
cc() { "$BPFBOX" check-config "$@"; }
# whether securityfs was there before check-config first ran (it mounts it when missing)
sfs_before=$(awk '$3 == "securityfs"' /proc/mounts | wc -l)

# --- text and JSON reports
cc >"$TMPD/t" 2>"$TMPD/t.err"
check text-exit-0 [ $? -eq 0 ]
check text-no-stderr [ ! -s "$TMPD/t.err" ]
cc -j >"$TMPD/j" 2>"$TMPD/j.err"
check json-exit-0 [ $? -eq 0 ]
check text-header [ "$(head -n 1 "$TMPD/t" | grep -c '^KIND  *NAME  *STATUS  *DETAIL$')" -eq 1 ]
check text-kinds [ "$(sed 1d "$TMPD/t" | grep -Evc '^(kernel|config|feature|verdict) ')" -eq 0 ]
check same-rows [ "$(($(wc -l <"$TMPD/t") - 1))" -eq "$(wc -l <"$TMPD/j")" ]
if command -v python3 >/dev/null 2>&1; then
	check json-parses python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict) and list(o) == ["kind", "name", "status", "detail"], line
    assert o["kind"] in ("kernel", "config", "feature", "verdict"), line
    assert all(isinstance(v, str) for v in o.values()), line
' "$TMPD/j"
else
	re='^\{"kind":"(kernel|config|feature|verdict)","name":"[^"]*","status":"[^"]*","detail":".*"\}$'
	check json-parses [ "$(grep -Evc "$re" "$TMPD/j")" -eq 0 ]
fi

# status ID: a feature's status from the JSON report; reason ID: its detail
status() { sed -n "s/^{\"kind\":\"feature\",\"name\":\"$1\",\"status\":\"\([a-z]*\)\".*/\1/p" "$TMPD/j"; }
reason() { sed -n "s/^{\"kind\":\"feature\",\"name\":\"$1\",.*\"detail\":\"\(.*\)\"}$/\1/p" "$TMPD/j"; }
config() { sed -n "s/^{\"kind\":\"config\",\"name\":\"$1\",\"status\":\"\([^\"]*\)\".*/\1/p" "$TMPD/j"; }
reason_has() { reason "$1" | grep -q -- "$2"; }
verdict() { sed -n "s/^{\"kind\":\"verdict\",\"name\":\"$1\",\"status\":\"\([a-z]*\)\".*/\1/p" "$TMPD/j"; }

ids="tracepoint tp_btf raw_tp kprobe kprobe_multi fentry uprobe perf_event ringbuf btf cookie bpf_loop"
missing=
for id in $ids; do
	case $(status "$id") in works | missing | error) ;; *) missing="$missing $id" ;; esac
done
check feature-ids [ -z "$missing" ] || echo "  missing feature rows:$missing"
missing=
for c in BPF BPF_SYSCALL BPF_EVENTS BPF_JIT HAVE_EBPF_JIT DEBUG_INFO_BTF KPROBES KPROBE_EVENTS \
	UPROBES UPROBE_EVENTS FTRACE_SYSCALLS PERF_EVENTS FPROBE DYNAMIC_FTRACE_WITH_DIRECT_CALLS; do
	[ -n "$(config CONFIG_$c)" ] || missing="$missing $c"
done
check config-rows [ -z "$missing" ] || echo "  missing config rows:$missing"
missing=
# a verdict for every applet of the binary, and none for applets it does not have
for a in $("$BPFBOX" --complete | cut -f1 | grep -vx check-config); do
	case $(verdict $a) in works | fallback | limited | cannot) ;; *) missing="$missing $a" ;; esac
done
check verdict-rows [ -z "$missing" ] || echo "  missing verdicts:$missing"
check no-verdict-without-applet [ -z "$(verdict ksnoop)$(verdict nosuchapplet)" ]

# --- --require: exit 0 silently for what works, 1 and one line naming the rest
bad=
for id in $ids; do
	cc --require "$id" >"$TMPD/r.out" 2>"$TMPD/r.err"
	rc=$?
	if [ "$(status "$id")" = works ]; then
		[ $rc -eq 0 ] && [ ! -s "$TMPD/r.err" ] || bad="$bad $id:$rc"
	else
		[ $rc -eq 1 ] && [ "$(wc -l <"$TMPD/r.err")" -eq 1 ] &&
			grep -q "^check-config: $id: not available: ." "$TMPD/r.err" || bad="$bad $id:$rc"
	fi
	[ -s "$TMPD/r.out" ] && bad="$bad $id:stdout"
done
check require-each [ -z "$bad" ] || echo "  disagreeing:$bad"
cc --require tracepoint,kprobe,fentry,uprobe >/dev/null 2>"$TMPD/r.err"
rc=$?
n=0
for id in tracepoint kprobe fentry uprobe; do [ "$(status $id)" = works ] || n=$((n + 1)); done
if [ $n -eq 0 ]; then check require-list [ $rc -eq 0 ]; else
	check require-list [ $rc -eq 1 ] && check require-list-lines [ "$(wc -l <"$TMPD/r.err")" -eq $n ]
fi
for a in execsnoop funccount; do
	cc --require $a >/dev/null 2>&1
	rc=$?
	if [ "$(verdict $a)" = cannot ]; then check require-$a [ $rc -eq 1 ]; else check require-$a [ $rc -eq 0 ]; fi
done

# --- usage errors: exit 2 with one line
usage() {
	_n=$1; shift
	cc "$@" >"$TMPD/u.out" 2>"$TMPD/u.err"
	_rc=$?
	if [ $_rc -eq 2 ] && [ "$(wc -l <"$TMPD/u.err")" -eq 1 ] && [ ! -s "$TMPD/u.out" ]; then
		pass "$_n"
	else
		fail "$_n" "rc $_rc, stderr: $(head -c 200 "$TMPD/u.err")"
	fi
}
usage unknown-feature --require nosuchfeature
check unknown-feature-lists grep -q "kprobe_multi" "$TMPD/u.err"
usage unknown-in-list --require kprobe,nosuchfeature
usage empty-require --require ,
usage bad-option --nosuchoption
usage extra-arg extra

# --- agreement with routes check-config does not use
# btf: the file itself
if [ -r /sys/kernel/btf/vmlinux ]; then want=works; else want=missing; fi
check btf-agrees [ "$(status btf)" = "$want" ]

TRACEFS=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -e "$d/events" ] && TRACEFS=$d && break
done
if [ -z "$TRACEFS" ]; then
	check tracefs-agrees [ "$(status tracefs)" != works ]
	skip tracefs-routes "no tracefs (check-config: $(reason tracefs))"
else
	check tracefs-agrees [ "$(status tracefs)" = works ]
	# tracepoints exist where check-config attaches or looks
	if [ -e "$TRACEFS/events/syscalls/sys_enter_execve" ]; then want=works; else want=missing; fi
	check syscall-tp-agrees [ "$(status syscall_tp)" = "$want" ]
	if [ -e "$TRACEFS/events/block/block_rq_issue" ]; then want=works; else want=missing; fi
	check block-tp-agrees [ "$(status block_tp)" = "$want" ]
	[ "$(status tracepoint)" != works ] || check tracepoint-exists [ -e "$TRACEFS/events/sched/sched_process_exec/id" ]

	# a group of this run's own: another run of this test may be adding its events meanwhile
	grp=bpfbox_test_$$
	# kprobes: a kprobe_events line registers and enables iff check-config says kprobes work
	ev=$TRACEFS/kprobe_events
	got=missing
	if [ -w "$ev" ] && echo "p:$grp/kp vfs_read" >>"$ev" 2>/dev/null; then
		echo "r:$grp/kr vfs_read" >>"$ev" 2>/dev/null &&
			echo 1 >"$TRACEFS/events/$grp/kp/enable" 2>/dev/null && got=works
		echo 0 >"$TRACEFS/events/$grp/kp/enable" 2>/dev/null
		echo "-:$grp/kp" >>"$ev" 2>/dev/null
		echo "-:$grp/kr" >>"$ev" 2>/dev/null
	fi
	check kprobe-agrees [ "$(status kprobe)" = "$got" ] ||
		echo "  tracefs says $got, check-config: $(status kprobe): $(reason kprobe)"
	[ ! -e "$ev" ] || check kprobe-events-clean [ "$(grep -c $grp "$ev")" -eq 0 ]

	# uprobes: the same target check-config used, through uprobe_events
	ev=$TRACEFS/uprobe_events
	target=$(reason uprobe | sed -n 's/.* attached to \(\/.*:0x[0-9a-f]*\)$/\1/p')
	[ -n "$target" ] || target=$BPFBOX:0x1000
	got=missing
	if [ -w "$ev" ] && echo "p:$grp/up $target" >>"$ev" 2>/dev/null; then
		echo 1 >"$TRACEFS/events/$grp/up/enable" 2>/dev/null && got=works
		echo 0 >"$TRACEFS/events/$grp/up/enable" 2>/dev/null
		echo "-:$grp/up" >>"$ev" 2>/dev/null
	fi
	check uprobe-agrees [ "$(status uprobe)" = "$got" ] ||
		echo "  tracefs says $got for $target, check-config: $(status uprobe): $(reason uprobe)"
fi

# what the config rules out must not work (the converse need not hold: see fentry)
for pair in KPROBES:kprobe UPROBES:uprobe FPROBE:kprobe_multi DEBUG_INFO_BTF:btf \
	PERF_EVENTS:perf_event; do
	c=${pair%%:*} f=${pair#*:}
	[ "$(config CONFIG_$c)" = n ] || continue
	check "config-$f-off" [ "$(status $f)" != works ]
done

# execsnoop attaches tracepoints by itself: its fate and the verdict agree
if "$BPFBOX" --list 2>/dev/null | grep -q '^ *execsnoop '; then
	if start_tool "$TMPD/e" execsnoop; then started=1; stop_tool INT; else started=0; fi
	kill "$TOOL_PID" 2>/dev/null
	if [ $started -eq 1 ]; then
		check execsnoop-verdict [ "$(verdict execsnoop)" != cannot ]
		check tracepoint-works-for-execsnoop [ "$(status tracepoint)" = works ]
	else
		check execsnoop-verdict [ "$(verdict execsnoop)" = cannot ]
	fi
else
	skip execsnoop-verdict "no execsnoop applet"
fi

# fentry has no tracefs route: the kernels of DESIGN §4 say what to expect
kernel="$(uname -m) $(uname -r)"
case $kernel in
"x86_64 6.18."* | "aarch64 6.1."*) want=missing ;;
"x86_64 6.1."* | "x86_64 5.10."* | "aarch64 6.12."* | "x86_64 7."*) want=works ;;
*) want= ;;
esac
if [ -z "$want" ]; then
	skip fentry-agrees "no known fentry behaviour for $kernel"
else
	check fentry-agrees [ "$(status fentry)" = "$want" ] ||
		echo "  $kernel: want $want, check-config: $(reason fentry)"
	[ $want = works ] || check fentry-reason reason_has fentry 'fails with'

fi
case $kernel in
"x86_64 6.18."*) check fentry-eperm-here reason_has fentry 'load fails with EPERM' ;;
esac

# lockdown: the level the kernel is in (and was booted with, where lockdown= asked for one);
# only confidentiality stops a tracer, integrity blocks other things, which it names
[ "$sfs_before" -gt 0 ] || check securityfs-mounted-by-check-config grep -q ' securityfs ' /proc/mounts
booted=$(sed -n 's/.*lockdown=\([a-z]*\).*/\1/p' /proc/cmdline)
if [ -r /sys/kernel/security/lockdown ]; then
	now=$(sed 's/.*\[\([a-z]*\)\].*/\1/' /sys/kernel/security/lockdown)
	[ -z "$booted" ] || check lockdown-as-booted [ "$now" = "$booted" ]
	case $now in
	none | integrity) check "lockdown-$now-works" [ "$(status lockdown)" = works ] ;;
	*) check "lockdown-$now-missing" [ "$(status lockdown)" = missing ]
	   check lockdown-blocks-kprobes [ "$(status kprobe)" != works ] ;;
	esac
	check lockdown-names-level reason_has lockdown "^$now"
	[ "$now" != integrity ] || check lockdown-integrity-says-what reason_has lockdown bpf_probe_write_user
elif [ -n "$booted" ]; then
	fail lockdown-as-booted "booted with lockdown=$booted, no /sys/kernel/security/lockdown"
else
	check lockdown-inactive reason_has lockdown "not active"
fi

# helper and map floors (Debian kernels carry no backports of these)
rel=$(uname -r)
maj=${rel%%.*} min=${rel#*.}
min=${min%%[!0-9]*}
ver=$((maj * 1000 + min))
floor() { if [ $ver -ge $2 ]; then check "$1-by-version" [ "$(status $1)" = works ]; else check "$1-by-version" [ "$(status $1)" = missing ]; fi; }
floor ringbuf 5008
# (the cookie probe opens no perf event: tracefs or not, e.g. under lockdown confidentiality)
floor cookie 5015
floor bpf_loop 5017

if [ "$(id -u)" -eq 0 ]; then check privileges-root [ "$(status privileges)" = works ]; fi

# --- --config FILE: the table reads a given config (plain and gzip)
if [ -r "$DATA/kconfig-sample.config" ]; then
	cc -j --config "$DATA/kconfig-sample.config" >"$TMPD/c" 2>&1
	check config-file-exit-0 [ $? -eq 0 ]
	check config-file-fprobe grep -q '"name":"CONFIG_FPROBE","status":"n"' "$TMPD/c"
	check config-file-kprobes grep -q '"name":"CONFIG_KPROBES","status":"y"' "$TMPD/c"
	check config-file-absent grep -q '"name":"CONFIG_FTRACE_SYSCALLS","status":"-"' "$TMPD/c"
	check config-file-source grep -q "config: $DATA/kconfig-sample.config" "$TMPD/c"
	if command -v gzip >/dev/null 2>&1; then
		gzip -c "$DATA/kconfig-sample.config" >"$TMPD/config.gz"
		cc -j --config "$TMPD/config.gz" >"$TMPD/cz" 2>&1
		check config-gzip grep -q '"name":"CONFIG_FPROBE","status":"n"' "$TMPD/cz"
	fi
	# a -c FILE that is no config: status 1, one line naming the problem, no table
	head -c 17000000 /dev/zero | tr '\0' '#' >"$TMPD/big.config"
	printf 'garbage\n\377\001\n' >"$TMPD/garbage.config"
	for bad in "/nonexistent/config:No such file or directory" "/tmp:Is a directory" \
		"$TMPD/garbage.config:no CONFIG_ lines" "$TMPD/big.config:larger than 16 MiB"; do
		cc --config "${bad%%:*}" >"$TMPD/cn" 2>"$TMPD/cn.err"
		_rc=$?
		if [ $_rc -eq 1 ] && [ ! -s "$TMPD/cn" ] && [ "$(wc -l <"$TMPD/cn.err")" -eq 1 ] &&
			has "$TMPD/cn.err" "check-config: --config ${bad%%:*}: ${bad#*:}"; then
			pass "config-bad-file-${bad#*:}"
		else
			fail "config-bad-file-${bad#*:}" "rc=$_rc $(cat "$TMPD/cn.err")"
		fi
	done
	rm -f "$TMPD/big.config"
else
	skip config-file "no $DATA/kconfig-sample.config"
fi

# --- --btf FILE: the btf probe reads the given file (here a copy of the kernel's own)
if [ -r /sys/kernel/btf/vmlinux ]; then
	cp /sys/kernel/btf/vmlinux "$TMPD/vmlinux.btf"
	cc -j --btf "$TMPD/vmlinux.btf" >"$TMPD/b" 2>&1
	check btf-file-exit-0 [ $? -eq 0 ]
	check btf-file-used grep -q "\"name\":\"btf\",\"status\":\"works\",\"detail\":\"$TMPD/vmlinux.btf (--btf)" "$TMPD/b"
	rm -f "$TMPD/vmlinux.btf"
else
	skip btf-file "no /sys/kernel/btf/vmlinux to copy"
fi
cc --btf /etc/hostname >/dev/null 2>"$TMPD/be"
check btf-not-btf-exit-2 [ $? -eq 2 ]
check btf-not-btf-one-line [ "$(wc -l <"$TMPD/be")" -eq 1 ]

# --- probes leave nothing behind. Its programs and perf events go with its file descriptors;
# what could outlive it are tracefs probe events (libbpf's legacy ones are named after the
# pid). Only this run's own are looked for: other tools may be running meanwhile.
cc >/dev/null 2>&1 &
ccpid=$!
wait $ccpid
left=
for f in kprobe_events uprobe_events; do
	[ -n "$TRACEFS" ] && [ -r "$TRACEFS/$f" ] && grep -q "_${ccpid}_" "$TRACEFS/$f" && left="$left $f"
done
check no-probe-events-left [ -z "$left" ]
