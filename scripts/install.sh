#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make install`: the binary, one symlink per applet, man pages and shell completions, where
# Debian and most distributions look for them:
#   PREFIX/sbin/bpfbox, PREFIX/sbin/APPLET -> bpfbox    (sbin: tracing needs root, as
#                                                      bpftool and bpfcc-tools do)
#   PREFIX/share/man/man8/*.8
#   PREFIX/share/bash-completion/completions/{bpfbox,APPLET}
#   PREFIX/share/zsh/site-functions/_bpfbox
#   PREFIX/share/fish/vendor_completions.d/{bpfbox,APPLET}.fish
# usage: install.sh BINARY DESTDIR PREFIX
set -eu
[ $# -eq 3 ] || { echo "usage: $0 BINARY DESTDIR PREFIX" >&2; exit 2; }
bin=$1 destdir=$2 prefix=$3
cd "$(dirname "$0")/.."
[ -f "$bin" ] || { echo "install: $bin not built" >&2; exit 1; }

# Applet names from main.c's table, the only list: this works for a cross-built binary too.
names=$(sed -n 's/^[[:space:]]*{ *"\([a-z0-9-]*\)", *[a-z0-9_]*_main,.*/\1/p' main.c)
[ -n "$names" ] || { echo "install: no applets found in main.c's table" >&2; exit 1; }
# When the binary runs here, its own list must agree, or this parse has drifted from main.c.
if listed=$("$bin" --list 2>/dev/null) && [ -n "$listed" ]; then
	listed=$(echo "$listed" | awk '{ print $1 }')
	if [ "$listed" != "$names" ]; then
		echo "install: main.c's table ($(echo $names)) differs from '$bin --list' ($(echo $listed))" >&2
		exit 1
	fi
fi

root=$destdir$prefix
sbin=$root/sbin
install -d "$sbin"
install -m 755 "$bin" "$sbin/bpfbox"
for n in $names; do
	ln -sfn bpfbox "$sbin/$n"	# relative: the tree works wherever DESTDIR puts it
done

set -- man/*.8
if [ -e "$1" ]; then
	install -d "$root/share/man/man8"
	install -m 644 "$@" "$root/share/man/man8/"
fi

# bash-completion loads completions/NAME on demand for command NAME: one link per applet.
for f in completions/bpfbox.bash completions/bpfbox; do
	[ -f "$f" ] || continue
	d=$root/share/bash-completion/completions
	install -d "$d"
	install -m 644 "$f" "$d/bpfbox"
	for n in $names; do ln -sfn bpfbox "$d/$n"; done
	break
done
# zsh: one file; its #compdef line names bpfbox and every applet.
for f in completions/_bpfbox completions/bpfbox.zsh; do
	[ -f "$f" ] || continue
	install -d "$root/share/zsh/site-functions"
	install -m 644 "$f" "$root/share/zsh/site-functions/_bpfbox"
	break
done
# fish, like bash, autoloads by command name.
if [ -f completions/bpfbox.fish ]; then
	d=$root/share/fish/vendor_completions.d
	install -d "$d"
	install -m 644 completions/bpfbox.fish "$d/bpfbox.fish"
	for n in $names; do ln -sfn bpfbox.fish "$d/$n.fish"; done
fi
echo "installed bpfbox and $(echo "$names" | wc -w) applet links in $sbin"
