#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The multicall front: dispatch by name or link, --list, --version, --install, bad applets.
. "$TESTLIB"

ln -s "$BPFBOX" "$TMPD/execsnoop"
check symlink-help sh -c '"$1" --help | grep -q "^usage: execsnoop"' - "$TMPD/execsnoop"
check list-has-execsnoop sh -c '"$1" --list | grep -q "^execsnoop "' - "$BPFBOX"
"$BPFBOX" nosuchapplet >/dev/null 2>"$TMPD/unknown.err"
check unknown-applet-exit-2 [ $? -eq 2 ]
check unknown-applet-names-it grep -q "unknown applet 'nosuchapplet'" "$TMPD/unknown.err"
check unknown-applet-lists grep -q "^  execsnoop  *Trace new processes" "$TMPD/unknown.err"
"$BPFBOX" >"$TMPD/bare.out"
check bare-lists-applets grep -q "^  opensnoop  *[A-Z]" "$TMPD/bare.out"
# every applet of --list runs through its own link
"$BPFBOX" --list | while read -r name summary; do
	[ -n "$summary" ] || echo "FAIL list-summary-$name: no summary"
	ln -sf "$BPFBOX" "$TMPD/$name"
	if "$TMPD/$name" --help | grep -q "^usage: $name "; then
		echo "PASS link-dispatch-$name"
	else
		echo "FAIL link-dispatch-$name: '$name --help' through a link"
	fi
done
mkdir "$TMPD/links"
check install-symlinks "$BPFBOX" --install -s "$TMPD/links"
check install-symlink-is-link sh -c '[ -L "$1" ] && [ -L "$2" ]' - "$TMPD/links/execsnoop" \
	"$TMPD/links/check-config"
check install-symlink-runs sh -c '"$1" --help | grep -q "^usage: check-config"' - "$TMPD/links/check-config"
mkdir "$TMPD/hard"
if "$BPFBOX" --install "$TMPD/hard" 2>"$TMPD/hard.err"; then
	check install-hardlink-runs sh -c '"$1" --help | grep -q "^usage: execsnoop"' - "$TMPD/hard/execsnoop"
elif grep -q "cross-device" "$TMPD/hard.err"; then
	skip install-hardlink "the binary and $TMPD are on different file systems"
else
	fail install-hardlink "$(cat "$TMPD/hard.err")"
fi
"$BPFBOX" --install >/dev/null 2>&1
check install-usage-exit-2 [ $? -eq 2 ]
# The linked libbpf is the Debian source package the build pinned (same major.minor).
check version sh -c '"$1" --version | grep -Eq "^bpfbox .*\(libbpf ([0-9]+\.[0-9]+), Debian source \1\.[0-9]+-[0-9]+, "' - "$BPFBOX"
exit 0
