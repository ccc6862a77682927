#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# execsnoop end to end: exact arguments, outcome, columns, filters and clean exits.
. "$TESTLIB"
X=$PROGS/execer
tok=tok$$

# line_with FILE STRING: the one output line containing STRING (fixed string)
line_with() { grep -F -- "$2" "$1" | head -n 1; }
# the exec of X with these first arguments (not the exec of the launcher itself)
inner() { line_with "$1" "\"args\":[\"$X\",\"noop\",\"$2"; }

# --- JSON, every exec scenario in one run
# Every run but the unfiltered ones filters on -P $$ (the launchers are this shell's children),
# so that other processes' execs never reach the ring: a machine busy with exec storms of its
# own (benchmarks, other test runs) cannot make this test lose its events.
start_tool "$TMPD/j" execsnoop -j -x -P $$ || { fail json "execsnoop did not start: $(cat "$TMPD/j.err")"; exit 0; }
"$X" exec "$X" noop "$tok-plain" "two words" & p_plain=$!
wait $p_plain
"$X" at "$X" noop "$tok-at" & p_at=$!
wait $p_at
"$X" fail /nonexistent/$tok-fail "$tok-fail" & p_fail=$!
wait $p_fail
"$X" thread "$X" noop "$tok-thread" & p_thread=$!
wait $p_thread
"$X" mt "$X" noop "$tok-mt" & p_mt=$!
wait $p_mt
long=$(printf '%0300d' 7)
"$X" exec "$X" noop "$long" "$tok-long" &
wait $!
"$X" exec "$X" noop 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 "$tok-many" &
wait $!
"$X" noargv "$X" "$tok-env1" "$tok-env2" & p_noargv=$!
wait $p_noargv
settle
stop_tool INT
check json-exit-0 [ "$TOOL_RC" -eq 0 ]

l=$(inner "$TMPD/j" "$tok-plain")
check json-plain-args [ -n "$l" ] && case $l in
*"\"args\":[\"$X\",\"noop\",\"$tok-plain\",\"two words\"]"*) pass json-plain-argv ;;
*) fail json-plain-argv "$l" ;; esac
case $l in *"\"comm\":\"execer\",\"pid\":$p_plain,\"ppid\":$$,\"ret\":0,"*) pass json-plain-fields ;;
*) fail json-plain-fields "$l" ;; esac

l=$(line_with "$TMPD/j" "\"args\":[\"execer\",\"noop\",\"$tok-at")
case $l in *"\"pid\":$p_at,"*"\"ret\":0,"*) pass execveat ;; *) fail execveat "got: $l" ;; esac

l=$(line_with "$TMPD/j" "\"args\":[\"/nonexistent/$tok-fail")
case $l in *"\"pid\":$p_fail,"*"\"ret\":-2,\"args\":[\"/nonexistent/$tok-fail\",\"$tok-fail\"]"*) pass json-failed-exec ;;
*) fail json-failed-exec "got: $l" ;; esac

l=$(inner "$TMPD/j" "$tok-thread")
case $l in *"\"pid\":$p_thread,"*"\"ret\":0,\"args\":[\"$X\",\"noop\",\"$tok-thread\"]"*) pass exec-from-thread ;;
*) fail exec-from-thread "got: $l" ;; esac

l=$(inner "$TMPD/j" "$tok-mt")
case $l in *"\"pid\":$p_mt,"*"\"ret\":0,\"args\":[\"$X\",\"noop\",\"$tok-mt\"]"*) pass exec-multithreaded ;;
*) fail exec-multithreaded "got: $l" ;; esac

l=$(inner "$TMPD/j" "00000")
cut=$(printf '%0255d' 0)
case $l in *"\"$cut...\",\"$tok-long\"]"*) pass long-arg-marked-cut ;;
*) fail long-arg-marked-cut "got: $l" ;; esac

l=$(inner "$TMPD/j" "1\",\"2\"")
case $l in *'"17","18","..."]'*) pass max-args-default-20 ;;
*) fail max-args-default-20 "got: $l" ;; esac

# an empty argv shows as no arguments, and nothing from past its end (the environment)
l=$(grep -F "\"pid\":$p_noargv," "$TMPD/j" | grep -F '"ret":0,' | grep -vF '"noargv"')
case $l in *'"comm":"execer"'*'"args":[]}') pass empty-argv-json ;; *) fail empty-argv-json "got: $l" ;; esac
check empty-argv-no-overread [ "$(grep -cF "$tok-env" "$TMPD/j")" -eq 1 ]	# the launcher's own

# --- --max-args 128 (the highest) still marks what it leaves out
start_tool "$TMPD/m128" execsnoop -j --max-args 128 -P $$ || fail max-args-128 "did not start"
# shellcheck disable=SC2046 # 130 arguments
"$X" exec "$X" noop $(seq 1 130) "$tok-max" &
wait $!
settle; stop_tool
l=$(inner "$TMPD/m128" "1\",\"2\"")
case $l in *'"125","126","..."]'*) pass max-args-128-marked ;; *) fail max-args-128-marked "got: $l" ;; esac

# --- text columns: -T -t -U -q --max-args 3
start_tool "$TMPD/t" execsnoop -T -t -U -q --max-args 3 -P $$ || fail text "did not start"
"$X" exec "$X" noop "$tok-text" 'say "hi"' more &
p=$!
wait $p
settle
stop_tool TERM
check sigterm-exit-0 [ "$TOOL_RC" -eq 0 ]
hdr=$(head -n 1 "$TMPD/t")
check text-header [ "$hdr" = "TIME     TIME(s)  UID    COMM             PID     PPID    RET ARGS" ]
l=$(grep "^[0-9:]* *[0-9.]* *0 *execer .*\"noop\" \"$tok-text" "$TMPD/t")
set -- $l
check text-hhmmss matches "$1" '[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$'
check text-seconds matches "$2" '[0-9]*\.[0-9][0-9][0-9]$'
check text-uid [ "$3" = 0 ]
check text-comm-pid-ppid-ret [ "$4 $5 $6 $7" = "execer $p $$ 0" ]
exp="\"$X\" \"noop\" \"$tok-text\" \"...\""
case $l in *"$exp") pass text-quoted-max-args ;; *) fail text-quoted-max-args "want ...$exp, got: $l" ;; esac

# --- filters, each with a matching and a non-matching exec in the same run
# filter_case NAME KEEP DROP OPTION...: execsnoop -j OPTION... while keep_exec and drop_exec
# (set by the caller) run; the output must hold KEEP and not DROP
filter_case() {
	fc_name=$1 fc_keep=$2 fc_drop=$3
	shift 3
	start_tool "$TMPD/$fc_name" execsnoop -j "$@" || { fail "$fc_name" "did not start"; return; }
	keep_exec; wait $!
	drop_exec; wait $!
	settle; stop_tool
	check "$fc_name-keeps" has "$TMPD/$fc_name" "$fc_keep"
	check "$fc_name-drops" lacks "$TMPD/$fc_name" "$fc_drop"
}
args_of() { echo "\"args\":[\"$1\",\"noop\",\"$tok-$2"; }

keep_exec() { "$X" exec "$X" noop "$tok-root" & }
drop_exec() { "$X" asuser "$X" noop "$tok-nobody" & }
filter_case filter-uid "$(args_of "$X" root)" "$(args_of "$X" nobody)" -u 0 -P $$

ln -s "$X" "$TMPD/otherexe"
keep_exec() { "$X" exec "$TMPD/otherexe" noop "$tok-other" & }
drop_exec() { "$X" exec "$X" noop "$tok-execer" & }
filter_case filter-name "$(args_of "$TMPD/otherexe" other)" "$(args_of "$X" execer)" -n '^oth' -P $$

keep_exec() { "$X" exec "$X" noop "$tok-l1" & }
drop_exec() { "$X" exec "$X" noop "$tok-lx" & }
filter_case filter-line "$(args_of "$X" l1)" "$(args_of "$X" lx)" -l "$tok-l[0-9]" -P $$

# Python regex syntax, as BCC users write it: \d \w \b, (?i), non-greedy
keep_exec() { "$X" exec "$X" noop "$tok-r42x" & }
drop_exec() { "$X" exec "$X" noop "$tok-rdx" & }
filter_case regex-line-digits "$(args_of "$X" r42x)" "$(args_of "$X" rdx)" -l "$tok-r\d+?x\b" -P $$
keep_exec() { "$X" exec "$TMPD/otherexe" noop "$tok-ci" & }
drop_exec() { "$X" exec "$X" noop "$tok-ci2" & }
filter_case regex-name-flags "$(args_of "$TMPD/otherexe" ci)" "$(args_of "$X" ci2)" -n '(?i)^OTHER\w*$' -P $$

keep_exec() { "$X" exec "$X" noop "$tok-child" & }
drop_exec() { "$X" child "$X" noop "$tok-grandchild" & }
filter_case filter-ppid "$(args_of "$X" child)" "$(args_of "$X" grandchild)" -P $$

# --- --btf FILE: struct offsets from a BTF file (here the kernel's own, copied elsewhere)
cp /sys/kernel/btf/vmlinux "$TMPD/vmlinux.btf"
start_tool "$TMPD/btf" execsnoop -j -P $$ --btf "$TMPD/vmlinux.btf" || fail btf-file "did not start"
"$X" exec "$X" noop "$tok-btf" & wait $!
settle; stop_tool
check btf-file has "$TMPD/btf" "$(args_of "$X" btf)"
rm -f "$TMPD/vmlinux.btf"

# --- -v is --verbose (as in libbpf-tools): -vv shows libbpf's messages
start_tool "$TMPD/v" execsnoop -vv && stop_tool
check short-v-verbose has "$TMPD/v.err" "libbpf: "

# --- clean exits: signals and a closed pipe leave none of its BPF programs behind
check_clean_exits execsnoop
check_closed_pipe '"$X" noop x' execsnoop

# --- usage errors: exit 2 and one line naming the problem
check_usage_errors execsnoop "--max-args 0:--max-args" "--max-args x:--max-args" \
	"-u no_such_user_$tok:-u" "-n (:regex" "--bogus:--bogus" "-P -1:-P" "extra:extra" \
	"--btf /nonexistent:--btf" "--btf /etc/hostname:--btf"

exit 0
