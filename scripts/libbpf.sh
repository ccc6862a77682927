#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds the static libbpf bpfbox links: Debian's source package of the version the Makefile
# pins, fetched from unstable through a private apt state (apt checks the signed index and the
# checksums; they are checked again here on every build), unpacked with Debian's patches and
# compiled for one arch. DESIGN.md §1 says why this version and not the release's own libbpf.
#
#   libbpf.sh VERSION ARCH CC DIR    e.g. 1.7.0-1 arm64 aarch64-linux-gnu-gcc build/libbpf/arm64
#
# Leaves DIR/include/bpf/*.h and DIR/lib/libbpf.a. The source package is cached outside the
# clone (like the VM kernels), so a fresh clone on the same machine fetches nothing.
set -eu
[ $# -eq 4 ] || { echo "usage: libbpf.sh VERSION ARCH CC DIR" >&2; exit 2; }
ver=$1 arch=$2 cc=$3 dir=$4
cd "$(dirname "$0")/.."
. scripts/debian-apt.sh

upstream=${ver%-*}
dsc=libbpf_$ver.dsc
cache=${DEBIAN_SRC_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/bpfbox/src}
fail() {
	echo "libbpf.sh: $*" >&2
	exit 1
}

# The files a .dsc names, as "SHA256 NAME" lines.
dsc_files() {
	awk '/^Checksums-Sha256:/ { on = 1; next } on && /^ / { print $1 "  " $3; next } { on = 0 }' "$1"
}

have_source() {
	[ -s "$cache/$dsc" ] || return 1
	(cd "$cache" && dsc_files "$dsc" | sha256sum --quiet -c -) >/dev/null 2>&1
}

if ! have_source; then
	mkdir -p "$cache"
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	trap 'rm -rf "$dl"' EXIT
	if ! debian_apt_init sid-src >"$dl/log" 2>&1 ||
		! (cd "$dl" && debian_apt sid-src apt-get source --download-only "libbpf=$ver") \
			>>"$dl/log" 2>&1; then
		fail "cannot fetch Debian's source package libbpf $ver from unstable: $(tail -n 1 "$dl/log")"
	fi
	[ -s "$dl/$dsc" ] || fail "apt-get source gave no $dsc"
	(cd "$dl" && dsc_files "$dsc" | sha256sum --quiet -c -) >/dev/null 2>&1 ||
		fail "checksums of libbpf $ver do not match its .dsc"
	for f in "$dsc" $(dsc_files "$dl/$dsc" | awk '{ print $2 }'); do
		mv "$dl/$f" "$cache/$f"
	done
	rm -rf "$dl"
	trap - EXIT
fi

# One unpacked tree per version, shared by both arches (objects go to DIR/obj).
src=build/libbpf/$ver/src
if [ ! -f "$src/.unpacked" ]; then
	rm -rf "$src" "$src.tmp"
	mkdir -p "${src%/*}"
	# The cache holds what apt verified; the .dsc signature is the index's, so skip gpgv here.
	dpkg-source --no-check -x "$cache/$dsc" "$src.tmp" >/dev/null ||
		fail "dpkg-source could not unpack $cache/$dsc"
	mv "$src.tmp" "$src"
	: >"$src/.unpacked"
fi
head -n 1 "$src/debian/changelog" | grep -qF "libbpf ($ver)" || fail "$src is not libbpf $ver"

abs=$(pwd)/$dir
rm -rf "$abs/obj" "$abs/root"
make -s -C "$src/src" BUILD_STATIC_ONLY=1 CC="$cc" OBJDIR="$abs/obj" DESTDIR="$abs/root" \
	PREFIX=/ LIBDIR=/lib INCLUDEDIR=/include UAPIDIR=/include install install_uapi_headers \
	>"$abs.log" 2>&1 || { tail -n 20 "$abs.log" >&2; fail "building libbpf $ver for $arch failed (log: $abs.log)"; }
rm -rf "$abs/include" "$abs/lib"
mv "$abs/root/include" "$abs/include"
mv "$abs/root/lib" "$abs/lib"
rm -rf "$abs/root" "$abs/obj"
echo "libbpf $ver ($arch): $dir/lib/libbpf.a"
