#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Docs agree with the binary: for every applet, the options of `APPLET --help`, of
# `bpfbox --complete APPLET` and of the OPTIONS section of man/APPLET.8 are the same set, value
# names included; bpfbox(8) names every applet; every man page renders without groff warnings.
. "$TESTLIB"

man=$(cd "$(dirname "$TESTLIB")/.." && pwd)/man
if [ ! -d "$man" ]; then
	skip docs "man/ is not shipped here"
	exit 0
fi
applets=$("$BPFBOX" --complete | cut -f1)
[ -n "$applets" ] || fail applets "bpfbox --complete lists no applet"

# from_complete APPLET: "OPTION METAVAR" per option name, sorted
from_complete() {
	"$BPFBOX" --complete "$1" | awk -F '\t' '{
		if ($1 != "") print $1, $3
		if ($2 != "") print $2, $3 }' | sort
}

# from_help APPLET: the same, from the "options:" block of --help
from_help() {
	"$BPFBOX" "$1" --help | awk '
		/^options:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  -/ {
			sub(/^  /, ""); sub(/  .*/, "")	# the head: "-x, --long META" (then 2+ spaces)
			gsub(/, /, " "); n = split($0, w, / +/); meta = ""
			for (i = 1; i <= n; i++) if (w[i] !~ /^-/) meta = w[i]
			for (i = 1; i <= n; i++) if (w[i] ~ /^-/) print w[i], meta
		}' | sort
}

# from_man FILE: the same, from the tag lines (the line after .TP) of the OPTIONS section
from_man() {
	sed -n '/^\.SH "*OPTIONS"*/,/^\.SH/p' "$1" | awk '
		/^\.TP/ { tag = 1; next }
		tag {
			tag = 0; line = $0
			gsub(/\\-/, "-", line); gsub(/\\f[BIRP]/, "", line); gsub(/\\&/, "", line)
			gsub(/^\.[A-Z]+ /, "", line); gsub(/"/, " ", line)
			gsub(/, /, " ", line); n = split(line, w, / +/); meta = ""
			for (i = 1; i <= n; i++) if (w[i] != "" && w[i] !~ /^-/) meta = w[i]
			for (i = 1; i <= n; i++) if (w[i] ~ /^-/) print w[i], meta
		}' | sort
}

for a in $applets; do
	c=$(from_complete "$a")
	h=$(from_help "$a")
	if [ -n "$c" ] && [ "$c" = "$h" ]; then
		pass "help-vs-complete-$a"
	else
		fail "help-vs-complete-$a" "--help: $(echo $h) / --complete: $(echo $c)"
	fi
	if [ ! -f "$man/$a.8" ]; then
		fail "man-exists-$a" "no man/$a.8"
		continue
	fi
	m=$(from_man "$man/$a.8")
	if [ "$c" = "$m" ]; then
		pass "man-options-$a"
	else
		extra=$(printf '%s\n' "$m" | grep -vxF -e "$c")
		missing=$(printf '%s\n' "$c" | grep -vxF -e "$m")
		fail "man-options-$a" "man/$a.8 lacks [$(echo $missing)], has extra [$(echo $extra)]"
	fi
done

# bpfbox(8) lists every applet, in its APPLETS section
if [ -f "$man/bpfbox.8" ]; then
	listed=$(sed -n '/^\.SH "*APPLETS"*/,/^\.SH/p' "$man/bpfbox.8" | sed 's/\\-/-/g')
	miss=
	for a in $applets; do
		printf '%s\n' "$listed" | grep -qw -- "$a" || miss="$miss $a"
	done
	if [ -z "$miss" ]; then pass bpfbox8-lists-applets
	else fail bpfbox8-lists-applets "not in its APPLETS section:$miss"; fi
	miss=
	for o in --list --install --version --complete --help; do
		sed 's/\\-/-/g' "$man/bpfbox.8" | grep -q -- "^\.[BI]*R* *$o" || miss="$miss $o"
	done
	if [ -z "$miss" ]; then pass bpfbox8-options; else fail bpfbox8-options "no tag for$miss"; fi
else
	fail bpfbox8 "no man/bpfbox.8"
fi

# README's applet table names every applet, and no other
readme=$(dirname "$man")/README.md
if [ -f "$readme" ]; then
	t=$(sed -n '/^## Applets/,/^## /s/^| `\([a-z-]*\)` |.*/\1/p' "$readme" | sort)
	want=$(printf '%s\n' $applets | sort)
	if [ "$t" = "$want" ]; then pass readme-applets
	else fail readme-applets "README table: $(echo $t); bpfbox --complete: $(echo $want)"; fi
else
	skip readme-applets "README.md is not shipped here"
fi

# every page has the sections DESIGN.md asks for, and renders cleanly
for f in "$man"/*.8; do
	n=$(basename "$f" .8)
	miss=
	case $n in
	bpfbox) want="NAME SYNOPSIS DESCRIPTION OPTIONS APPLETS EXIT REQUIREMENTS OVERHEAD ENVIRONMENT" ;;
	*) want="NAME SYNOPSIS DESCRIPTION REQUIREMENTS OPTIONS EXAMPLES OVERHEAD" ;;
	esac
	for s in $want; do grep -q "^\.SH \"*$s" "$f" || miss="$miss $s"; done
	if [ -z "$miss" ]; then pass "man-sections-$n"; else fail "man-sections-$n" "lacks$miss"; fi
	if command -v groff >/dev/null 2>&1; then
		w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$f" 2>&1)
		if [ -z "$w" ]; then pass "man-renders-$n"; else fail "man-renders-$n" "$w"; fi
	else
		skip "man-renders-$n" "no groff here"
	fi
done
exit 0
