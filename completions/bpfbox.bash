# SPDX-License-Identifier: GPL-2.0
# bash completion for bpfbox and its applet links; every option comes from the binary itself
# (`bpfbox --complete [APPLET]`, or `APPLET --bpfbox-complete` through a link), so it cannot drift;
# probe patterns come from the applet's own `-l`.

# _bpfbox_lines CMD...: the option lines "-s<TAB>--long<TAB>METAVAR<TAB>COMPLETE<TAB>HELP".
_bpfbox_lines()
{
	"$@" 2>/dev/null
}

# _bpfbox_field LINE N: the Nth tab separated field (empty fields kept, unlike `read`).
_bpfbox_field()
{
	local rest=$1 i
	for ((i = 1; i < $2; i++)); do
		[[ $rest == *$'\t'* ]] || { rest=; break; }
		rest=${rest#*$'\t'}
	done
	printf '%s' "${rest%%$'\t'*}"
}

# _bpfbox_values HINT CUR: values for an option's argument ("file", "dir", "pid", "user" or a
# space separated word list).
_bpfbox_values()
{
	local IFS=$'\n'
	case $1 in
	file) COMPREPLY=($(compgen -f -- "$2")); compopt -o filenames 2>/dev/null ;;
	dir) COMPREPLY=($(compgen -d -- "$2")); compopt -o filenames 2>/dev/null ;;
	pid) COMPREPLY=($(compgen -W "$(cd /proc 2>/dev/null && printf '%s\n' [0-9]*)" -- "$2")) ;;
	user) COMPREPLY=($(compgen -u -- "$2")) ;;
	'') COMPREPLY=() ;;
	*) IFS=$' \t\n'; COMPREPLY=($(compgen -W "$1" -- "$2")) ;;
	esac
}

# _bpfbox_probes CUR RUN...: the probes whose names start with the word being typed, as
# `RUN -l 'WORD*'` lists them (RUN: the applet, through a link or as "bpfbox APPLET").
_bpfbox_probes()
{
	local word=$1 i=$COMP_CWORD pat pre= p IFS=$'\n'
	shift
	# bash splits "c:str" into "c" ":" "str" (':' is in COMP_WORDBREAKS): the whole word back,
	# and candidates made of what follows its last ':', the part that bash replaces
	if [[ $COMP_WORDBREAKS == *:* ]]; then
		while ((i > 1)) && [[ ${COMP_WORDS[i]} == : || ${COMP_WORDS[i - 1]} == : ]]; do
			((i--))
			word=${COMP_WORDS[i]}$word
		done
		[[ $word == *:* ]] && pre=${word%"${word##*:}"}
	fi
	# "t:sch": the categories that start so, each with its events
	if [[ $word == t:* && $word != t:*:* ]]; then pat="$word*:*"; else pat="$word*"; fi
	for p in $("$@" -l -- "$pat" 2>/dev/null); do
		[[ $p == "$word"* ]] && COMPREPLY+=("${p#"$pre"}")
	done
}

# _bpfbox_applet CUR PREV RUN...: completes one applet's command line (RUN: the applet, through
# a link or as "bpfbox APPLET").
_bpfbox_applet()
{
	local cur=$1 prev=$2 line s l m opt= lines
	shift 2
	lines=$(_bpfbox_lines "$@" --bpfbox-complete)

	# the option whose value is being typed: "--uid VAL", "--uid=VAL" (split at '='), "-u VAL"
	if [[ $prev == --* || $prev == -? ]]; then
		opt=$prev
	elif [[ $prev == -[!-]* ]]; then
		opt=-${prev: -1}	# last letter of a cluster such as -xu
	fi
	if [[ -n $opt ]]; then
		while IFS= read -r line; do
			s=$(_bpfbox_field "$line" 1) l=$(_bpfbox_field "$line" 2)
			m=$(_bpfbox_field "$line" 3)
			if [[ -n $m && ($opt == "$s" || $opt == "$l") ]]; then
				_bpfbox_values "$(_bpfbox_field "$line" 4)" "$cur"
				return
			fi
		done <<<"$lines"
	fi
	if [[ $cur == -* ]]; then
		local words=()
		while IFS= read -r line; do
			s=$(_bpfbox_field "$line" 1) l=$(_bpfbox_field "$line" 2)
			[[ -n $s ]] && words+=("$s")
			[[ -n $l ]] && words+=("$l")
		done <<<"$lines"
		COMPREPLY=($(compgen -W "${words[*]}" -- "$cur"))
		return
	fi
	# the positional arguments, where the applet says how
	while IFS= read -r line; do
		s=$(_bpfbox_field "$line" 1) l=$(_bpfbox_field "$line" 2)
		if [[ -z $s && -z $l && $(_bpfbox_field "$line" 4) == probe ]]; then
			_bpfbox_probes "$cur" "$@"
			return
		fi
	done <<<"$lines"
}

_bpfbox()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd=${COMP_WORDS[0]}
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# "--uid=ro" arrives as "--uid" "=" "ro" when '=' is in COMP_WORDBREAKS
	if [[ $cur == = ]]; then
		cur= prev=${COMP_WORDS[COMP_CWORD - 1]}
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*} cur=${cur#*=}
	fi
	COMPREPLY=()

	if [[ ${cmd##*/} != bpfbox ]]; then
		# an applet link: the link itself answers for its applet
		_bpfbox_applet "$cur" "$prev" "$cmd"
		return
	fi
	if ((COMP_CWORD == 1)); then
		local IFS=$'\n' names
		names=$("$cmd" --complete 2>/dev/null | cut -f1)
		COMPREPLY=($(compgen -W "$names"$'\n--list\n--install\n--version\n--help\n--complete' \
			-- "$cur"))
		return
	fi
	case ${COMP_WORDS[1]} in
	--install)
		if ((COMP_CWORD == 2)) && [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-s" -- "$cur"))
		else
			_bpfbox_values dir "$cur"
		fi
		;;
	--complete)
		((COMP_CWORD == 2)) &&
			COMPREPLY=($(compgen -W "$("$cmd" --complete 2>/dev/null | cut -f1)" -- "$cur"))
		;;
	-*) ;;
	*) _bpfbox_applet "$cur" "$prev" "$cmd" "${COMP_WORDS[1]}" ;;
	esac
}

# bpfbox itself, and each applet name if a bpfbox is on $PATH to ask.
complete -F _bpfbox bpfbox
_bpfbox_names=$(command -v bpfbox >/dev/null 2>&1 && bpfbox --complete 2>/dev/null | cut -f1)
[[ -n $_bpfbox_names ]] && complete -F _bpfbox $_bpfbox_names
unset _bpfbox_names
