#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shell completion: bash, fish and zsh complete applets, every option and option values as the
# binary reports them (`bpfbox --complete`), for `bpfbox APPLET` and for applet links.
. "$TESTLIB"

comp=$(cd "$(dirname "$TESTLIB")/.." && pwd)/completions
if [ ! -f "$comp/bpfbox.bash" ]; then
	skip completions "completions/ is not shipped here"
	exit 0
fi
bin=$TMPD/bin
mkdir -p "$bin"
ln -s "$BPFBOX" "$bin/bpfbox"
"$BPFBOX" --install -s "$bin" || fail install-links "bpfbox --install -s $bin"
PATH=$bin:$PATH
export PATH
applets=$("$BPFBOX" --complete | cut -f1)
# probe names for the applets that complete them through -l: a test program's functions
CP=$PROGS/countprog
TP_OK=
requires tracepoint >/dev/null && TP_OK=1
root_user=
grep -q '^root:' /etc/passwd 2>/dev/null && root_user=root

# options APPLET: the applet's option names, sorted, one per line
options() {
	"$BPFBOX" --complete "$1" | cut -f1,2 | tr '\t' '\n' | grep . | sort
}

# has WORD OUTPUT: OUTPUT has a line that is exactly WORD
has() {
	printf '%s\n' "$2" | grep -qxF -- "$1"
}

############################################################################ bash
if command -v bash >/dev/null 2>&1; then
	cat >"$TMPD/drive.bash" <<'EOF'
# drive.bash COMPLETION WORD...: completes the last WORD as bash would, prints COMPREPLY.
source "$1" || exit 1
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_bpfbox
[ ${#COMPREPLY[@]} -gt 0 ] && printf '%s\n' "${COMPREPLY[@]}"
exit 0
EOF
	cb() { bash "$TMPD/drive.bash" "$comp/bpfbox.bash" "$@"; }

	out=$(cb bpfbox '')
	miss=
	for a in $applets; do has "$a" "$out" || miss="$miss $a"; done
	if [ -n "$applets" ] && [ -z "$miss" ] && has --install "$out"; then
		pass bash-applet-names
	else
		fail bash-applet-names "missing:$miss in: $out"
	fi
	out=$(cb bpfbox exec)
	check bash-applet-prefix [ "$out" = execsnoop ]
	out=$(cb bpfbox execsnoop --max)
	check bash-long-option [ "$out" = --max-args ]
	out=$(cb execsnoop --max)
	check bash-link-long-option [ "$out" = --max-args ]

	# every option of every applet, both ways, nothing more
	for a in $applets; do
		want=$(options "$a")
		got=$(cb bpfbox "$a" - | sort)
		if [ -n "$want" ] && [ "$got" = "$want" ]; then
			pass "bash-options-$a"
		else
			fail "bash-options-$a" "want $(echo $want) got $(echo $got)"
		fi
		got=$(cb "$a" - | sort)
		check "bash-link-options-$a" [ "$got" = "$want" ]
	done

	if [ -n "$root_user" ]; then
		check bash-user-value has root "$(cb bpfbox execsnoop -u ro)"
		check bash-user-value-eq has root "$(cb bpfbox execsnoop --uid = ro)"
		check bash-user-value-cluster has root "$(cb execsnoop -xu ro)"
	else
		skip bash-user-value "no root entry in /etc/passwd"
	fi
	check bash-pid-value has 1 "$(cb bpfbox execsnoop -P 1)"
	check bash-no-value-for-regex [ -z "$(cb bpfbox execsnoop -n '')" ]
	mkdir "$TMPD/somedir"
	check bash-install-dir has "$TMPD/somedir" "$(cb bpfbox --install "$TMPD/somed")"

	# word lists, files and directories, for whichever options declare them
	: >"$TMPD/somefile"
	for a in $applets; do
		"$BPFBOX" --complete "$a" | while IFS= read -r line; do
			s=$(printf '%s' "$line" | cut -f1) l=$(printf '%s' "$line" | cut -f2)
			m=$(printf '%s' "$line" | cut -f3) c=$(printf '%s' "$line" | cut -f4)
			o=${l:-$s}
			[ -n "$m" ] && [ -n "$c" ] || continue
			case $c in
			file) got=$(cb bpfbox "$a" "$o" "$TMPD/somef")
			      check "bash-file-value-$a$o" has "$TMPD/somefile" "$got" ;;
			dir) got=$(cb bpfbox "$a" "$o" "$TMPD/somed")
			     check "bash-dir-value-$a$o" has "$TMPD/somedir" "$got" ;;
			pid|user|probe) ;;
			*) want=$(printf '%s\n' $c | sort)
			   got=$(cb bpfbox "$a" "$o" '' | sort)
			   check "bash-words-$a$o" [ "$got" = "$want" ] ;;
			esac
		done
	done

	# probe patterns through the applet's -l; bash hands the words split at ':' and
	# replaces what follows the last one
	for a in funccount stackcount; do
		check "bash-probe-$a" [ "$(cb bpfbox $a "$CP" : countlib_t)" = countlib_tick ]
		check "bash-link-probe-$a" [ "$(cb $a -p 1 "$CP" : countlib_t)" = countlib_tick ]
		check "bash-probe-all-$a" has count_worker "$(cb bpfbox $a "$CP" : '')"
		if [ -n "$TP_OK" ]; then
			check "bash-probe-tp-$a" [ "$(cb bpfbox $a t : syscalls : sys_enter_getpp)" = sys_enter_getppid ]
			check "bash-probe-tp-category-$a" has syscalls:sys_enter_getppid "$(cb $a t : syscal)"
		fi
	done
	check bash-probe-no-match [ -z "$(cb bpfbox funccount "$CP" : nosuch_)" ]
	check bash-probe-not-for-options [ -z "$(cb bpfbox execsnoop '')" ]

	out=$(bash -c ". '$comp/bpfbox.bash'; complete -p bpfbox execsnoop" 2>&1)
	case $out in
	*"-F _bpfbox bpfbox"*"-F _bpfbox execsnoop"*) pass bash-registers-links ;;
	*) fail bash-registers-links "$out" ;;
	esac
else
	skip bash "no bash here (busybox guest)"
fi

############################################################################ fish
if command -v fish >/dev/null 2>&1; then
	cf() { fish -c "source '$comp/bpfbox.fish'; complete -C '$1'" 2>&1 | cut -f1; }

	out=$(cf 'bpfbox ')
	miss=
	for a in $applets; do has "$a" "$out" || miss="$miss $a"; done
	if [ -n "$applets" ] && [ -z "$miss" ]; then
		pass fish-applet-names
	else
		fail fish-applet-names "missing:$miss in: $out"
	fi
	check fish-long-option [ "$(cf 'bpfbox execsnoop --max')" = --max-args ]
	check fish-link-long-option [ "$(cf 'execsnoop --max')" = --max-args ]
	for a in $applets; do
		want=$(options "$a")
		got=$(cf "bpfbox $a -" | sort)
		check "fish-options-$a" [ "$got" = "$want" ]
	done
	for a in funccount stackcount; do
		check "fish-probe-$a" [ "$(cf "bpfbox $a $CP:countlib_t")" = "$CP:countlib_tick" ]
		check "fish-link-probe-$a" [ "$(cf "$a -p 1 $CP:countlib_t")" = "$CP:countlib_tick" ]
		if [ -n "$TP_OK" ]; then
			check "fish-probe-tp-category-$a" has t:syscalls:sys_enter_getppid "$(cf "$a t:syscal")"
		fi
	done
	if [ -n "$root_user" ]; then
		check fish-user-value has root "$(cf 'bpfbox execsnoop -u ro')"
		check fish-user-value-eq has --uid=root "$(cf 'execsnoop --uid=ro')"
	fi
else
	skip fish "fish is not installed (scripts/deps.sh installs it)"
fi

############################################################################ zsh
# zsh completes only inside its line editor: drive an interactive zsh through zsh/zpty.
if ! command -v zsh >/dev/null 2>&1; then
	skip zsh "zsh is not installed (scripts/deps.sh installs it)"
elif ! zsh -n "$comp/_bpfbox"; then
	fail zsh-syntax "zsh -n completions/_bpfbox"
elif ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	pass zsh-syntax
	skip zsh-complete "no zsh/zpty module to drive an interactive zsh"
else
	pass zsh-syntax
	mkdir -p "$TMPD/zfunc"
	cp "$comp/_bpfbox" "$TMPD/zfunc/"
	cat >"$TMPD/drive.zsh" <<'EOF'
# drive.zsh FPATH_DIR LINE...: types each LINE plus TAB into an interactive zsh, prints the
# edited line. Each read waits for a marker the shell prints once it has handled the keys
# before it (a widget on ^X prints the buffer), so a slow machine only makes it slower.
zmodload zsh/zpty
zpty z "TERM=dumb HOME=$1 zsh -f -i"
zpty -w z "PS1='%% '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; dumpbuf() { print -r -- \"<<\$BUFFER>>\" >/dev/tty; BUFFER=; }; zle -N dumpbuf; bindkey '^X' dumpbuf; print RE''ADY"
zpty -r z out '*READY*'
shift
for line in "$@"; do
	zpty -w -n z "$line"$'\t\x18'
	zpty -r z out '*<<*>>*'
	out=${out##*<<}
	print -r -- "${out%%>>*}"
done
zpty -d z
EOF
	out=$(timeout 60 zsh -f "$TMPD/drive.zsh" "$TMPD/zfunc" 'bpfbox execsnoop --max' \
		'execsnoop --u' 'bpfbox execsno' 'bpfbox execsnoop -u ro' \
		"bpfbox funccount $CP:countlib_t" "stackcount -P $CP:countlib_t" 2>&1)
	case $out in *"bpfbox execsnoop --max-args="*) pass zsh-long-option ;;
	*) fail zsh-long-option "$out" ;; esac
	case $out in *"execsnoop --uid="*) pass zsh-link-long-option ;;
	*) fail zsh-link-long-option "$out" ;; esac
	case $out in *"bpfbox execsnoop "*) pass zsh-applet-name ;;
	*) fail zsh-applet-name "$out" ;; esac
	case $out in *"bpfbox funccount $CP:countlib_tick "*) pass zsh-probe ;;
	*) fail zsh-probe "$out" ;; esac
	case $out in *"stackcount -P $CP:countlib_tick "*) pass zsh-link-probe ;;
	*) fail zsh-link-probe "$out" ;; esac
	if [ -n "$root_user" ]; then
		case $out in *"execsnoop -u root"*) pass zsh-user-value ;;
		*) fail zsh-user-value "$out" ;; esac
	fi
fi
exit 0
