#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# execsnoop end to end: exact arguments, outcome, columns, filters and clean exits.
. "$TESTLIB"
X=$PROGS/execer
tok=tok$$

# line_with FILE STRING: the one output line containing STRING (fixed string)
line_with() { grep -F -- "$2" "$1" | head -n 1; }
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
matches() { expr "$1" : "$2" >/dev/null; }
# the exec of X with these first arguments (not the exec of the launcher itself)
inner() { line_with "$1" "\"args\":[\"$X\",\"noop\",\"$2"; }
settle() { sleep 0.3; }

base=$(bpf_objects)

# --- JSON, every exec scenario in one run
start_tool "$TMPD/j" execsnoop -j -x || { fail json "execsnoop did not start: $(cat "$TMPD/j.err")"; exit 0; }
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

# --- text columns: -T -t -U -q --max-args 3
start_tool "$TMPD/t" execsnoop -T -t -U -q --max-args 3 || fail text "did not start"
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
ln -s "$X" "$TMPD/otherexe"
start_tool "$TMPD/f1" execsnoop -j -u 0 || fail filter-uid "did not start"
"$X" exec "$X" noop "$tok-root" & wait $!
"$X" asuser "$X" noop "$tok-nobody" & wait $!
settle; stop_tool
check filter-uid-keeps has "$TMPD/f1" "\"args\":[\"$X\",\"noop\",\"$tok-root"
check filter-uid-drops lacks "$TMPD/f1" "\"args\":[\"$X\",\"noop\",\"$tok-nobody"

start_tool "$TMPD/f2" execsnoop -j -n '^oth' || fail filter-name "did not start"
"$X" exec "$TMPD/otherexe" noop "$tok-other" & wait $!
"$X" exec "$X" noop "$tok-execer" & wait $!
settle; stop_tool
check filter-name-keeps has "$TMPD/f2" "\"args\":[\"$TMPD/otherexe\",\"noop\",\"$tok-other"
check filter-name-drops lacks "$TMPD/f2" "\"args\":[\"$X\",\"noop\",\"$tok-execer"

start_tool "$TMPD/f3" execsnoop -j -l "$tok-l[0-9]" || fail filter-line "did not start"
"$X" exec "$X" noop "$tok-l1" & wait $!
"$X" exec "$X" noop "$tok-lx" & wait $!
settle; stop_tool
check filter-line-keeps has "$TMPD/f3" "\"args\":[\"$X\",\"noop\",\"$tok-l1"
check filter-line-drops lacks "$TMPD/f3" "\"args\":[\"$X\",\"noop\",\"$tok-lx"

start_tool "$TMPD/f4" execsnoop -j -P $$ || fail filter-ppid "did not start"
"$X" exec "$X" noop "$tok-child" & wait $!
"$X" child "$X" noop "$tok-grandchild" & wait $!
settle; stop_tool
check filter-ppid-keeps has "$TMPD/f4" "\"args\":[\"$X\",\"noop\",\"$tok-child"
check filter-ppid-drops lacks "$TMPD/f4" "\"args\":[\"$X\",\"noop\",\"$tok-grandchild"

# --- a closed pipe ends the tool cleanly
( "$BPFBOX" execsnoop 2>/dev/null; echo $? >"$TMPD/pipe.rc" ) | head -n 1 >/dev/null &
i=0
while [ ! -s "$TMPD/pipe.rc" ] && [ $i -lt 100 ]; do
	"$X" noop x; sleep 0.1; i=$((i + 1))
done
check closed-pipe-exit-0 [ "$(cat "$TMPD/pipe.rc" 2>/dev/null)" = 0 ]

sleep 0.2
check nothing-left-attached [ "$(bpf_objects)" -le "$base" ]

# --- usage errors: exit 2 and one line
for bad in "--max-args 0" "--max-args x" "-u no_such_user_$tok" "-n (" "--bogus" "-P -1" "extra"; do
	"$BPFBOX" execsnoop $bad >/dev/null 2>"$TMPD/bad.err"
	rc=$?
	n=$(wc -l <"$TMPD/bad.err")
	if [ $rc -eq 2 ] && [ "$n" -eq 1 ]; then pass "usage-error $bad"
	else fail "usage-error $bad" "rc=$rc lines=$n: $(cat "$TMPD/bad.err")"; fi
done

# --- the multicall front
ln -s "$BPFBOX" "$TMPD/execsnoop"
check symlink-help sh -c '"$1" --help | grep -q "^usage: execsnoop"' - "$TMPD/execsnoop"
check list-has-execsnoop sh -c '"$1" --list | grep -q "^execsnoop "' - "$BPFBOX"
"$BPFBOX" nosuchapplet >/dev/null 2>&1
check unknown-applet-exit-2 [ $? -eq 2 ]
check version sh -c '"$1" --version | grep -q "^bpfbox .*libbpf"' - "$BPFBOX"
exit 0
