#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install into a scratch DESTDIR: binary, applet symlinks, man pages, completions, and an
# applet run through its installed symlink. Needs the source tree and make (not in the VMs).
. "$TESTLIB"
src=$(cd "$(dirname "$TESTLIB")/.." && pwd)
if [ ! -f "$src/Makefile" ] || ! command -v make >/dev/null 2>&1; then
	skip install "no make in the guest"
	exit 0
fi
out=$(dirname "$BPFBOX")
D=$TMPD/dest
P=/usr/local
# -o: install exactly the binary under test, never rebuild it here.
minstall() { make -s -C "$src" install OUT="$out" -o "$out/bpfbox" PREFIX=$P "$@"; }

if minstall DESTDIR="$D" >"$TMPD/make.out" 2>&1; then
	pass install-make
else
	fail install-make "make install failed: $(tail -n 1 "$TMPD/make.out")"
	exit 0
fi
check install-binary cmp -s "$BPFBOX" "$D$P/sbin/bpfbox"

names=$("$BPFBOX" --list | awk '{ print $1 }')
bad=
for n in $names; do
	[ "$(readlink "$D$P/sbin/$n")" = bpfbox ] || bad="$bad $n"
done
if [ -n "$names" ] && [ -z "$bad" ]; then
	pass install-links
else
	fail install-links "no relative symlink to bpfbox for:${bad:- (no applets listed)}"
fi

# The applets through their installed names (dispatch on argv[0]).
for n in check-config execsnoop; do
	echo "$names" | grep -qx "$n" || { skip "install-run-$n" "$n is not an applet yet"; continue; }
	if "$D$P/sbin/$n" --help >"$TMPD/$n.help" 2>&1; then
		check "install-run-$n" grep -qi usage "$TMPD/$n.help"
	else
		fail "install-run-$n" "$D$P/sbin/$n --help exited $?"
	fi
done

set -- "$src"/man/*.8
if [ -e "$1" ]; then
	bad=
	for m in "$@"; do
		cmp -s "$m" "$D$P/share/man/man8/$(basename "$m")" || bad="$bad $(basename "$m")"
	done
	if [ -z "$bad" ]; then pass install-man; else fail install-man "missing:$bad"; fi
else
	skip install-man "no man pages in man/"
fi

c=$src/completions
if [ -f "$c/bpfbox.bash" ] || [ -f "$c/bpfbox" ]; then
	d=$D$P/share/bash-completion/completions
	bad=
	for n in bpfbox $names; do [ -f "$d/$n" ] || bad="$bad $n"; done
	if [ -z "$bad" ]; then pass install-bash-completion; else fail install-bash-completion "missing:$bad"; fi
else
	skip install-bash-completion "no completions/bpfbox.bash"
fi
if [ -f "$c/_bpfbox" ] || [ -f "$c/bpfbox.zsh" ]; then
	check install-zsh-completion test -f "$D$P/share/zsh/site-functions/_bpfbox"
else
	skip install-zsh-completion "no completions/_bpfbox"
fi
if [ -f "$c/bpfbox.fish" ]; then
	d=$D$P/share/fish/vendor_completions.d
	bad=
	for n in bpfbox $names; do [ -f "$d/$n.fish" ] || bad="$bad $n"; done
	if [ -z "$bad" ]; then pass install-fish-completion; else fail install-fish-completion "missing:$bad"; fi
else
	skip install-fish-completion "no completions/bpfbox.fish"
fi

# A second install over the first must succeed (links replaced, not failing on EEXIST).
again() { minstall DESTDIR="$D" >"$TMPD/make2.out" 2>&1; }
check install-again again

# The aarch64 binary installs too: its links come from main.c, it cannot run here.
a64=$src/build/arm64/bpfbox
if [ -f "$a64" ]; then
	if make -s -C "$src" install ARCH=arm64 -o build/arm64/bpfbox DESTDIR="$TMPD/d64" \
		PREFIX=$P >"$TMPD/make64.out" 2>&1; then
		bad=
		for n in $names; do [ -L "$TMPD/d64$P/sbin/$n" ] || bad="$bad $n"; done
		file -b "$TMPD/d64$P/sbin/bpfbox" | grep -q aarch64 || bad="$bad (not aarch64)"
		if [ -z "$bad" ]; then pass install-arm64; else fail install-arm64 "missing:$bad"; fi
	else
		fail install-arm64 "make install ARCH=arm64 failed: $(tail -n 1 "$TMPD/make64.out")"
	fi
else
	skip install-arm64 "no build/arm64/bpfbox (make ARCH=arm64)"
fi
