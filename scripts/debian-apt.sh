# SPDX-License-Identifier: GPL-2.0
# Private apt state per Debian suite, so kernels of other releases (bullseye, trixie) and arches
# can be resolved and downloaded without touching the machine's own apt configuration.
# Sourced (POSIX sh) by scripts/gen-vmlinux.sh and tests/vm/run.sh; see DESIGN.md §4.
#
#   debian_apt_init STATE            write the source list of STATE (a suite, or SUITE-src for
#                                    its source packages), `apt-get update` if stale
#   debian_apt STATE TOOL ARGS...    run apt-get/apt-cache on that private state
#   debian_kernel_pkg SUITE META     the versioned kernel package META (linux-image-amd64,
#                                    linux-image-arm64:arm64) depends on now
#   debian_fetch SUITE PKG           download PKG's .deb once, print its path

# Where the states and the .debs live: the build directory, plus a cache outside the clone so
# repeated runs on one machine (or after `make clean`) never fetch a kernel twice.
DEBIAN_APT_DIR=${DEBIAN_APT_DIR:-build/vm-cache/apt}
DEBIAN_DEB_DIR=${DEBIAN_DEB_DIR:-build/vm-cache/debs}
DEBIAN_DEB_CACHE=${DEBIAN_DEB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/bpfbox/debs}
# Absolute, since apt resolves relative Dir:: options under /etc/apt and downloads run
# in a directory of their own.
case $DEBIAN_APT_DIR in /*) ;; *) DEBIAN_APT_DIR=$PWD/$DEBIAN_APT_DIR ;; esac
case $DEBIAN_DEB_DIR in /*) ;; *) DEBIAN_DEB_DIR=$PWD/$DEBIAN_DEB_DIR ;; esac

# The machine's own source list: the registry host is read from here, never written in the repo.
DEBIAN_SOURCES=${DEBIAN_SOURCES:-/etc/apt/sources.list.d/debian.sources}

debian_apt() {
	_st=$DEBIAN_APT_DIR/$1 _tool=$2
	shift 2
	# The main list must be a real file (an empty one); root downloads need no _apt sandbox.
	"$_tool" -q -o Dir::Etc::SourceList="$_st/none.list" -o Dir::Etc::SourceParts="$_st/parts" \
		-o Dir::State::Lists="$_st/lists" -o Dir::Cache="$_st/cache" \
		-o Dir::State::Status=/dev/null -o APT::Sandbox::User=root \
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 "$@"
}

debian_apt_init() {
	_st=$DEBIAN_APT_DIR/$1
	case $1 in
	*-src) _suite=${1%-src} _types=deb-src ;;
	*) _suite=$1 _types=deb ;;
	esac
	if [ ! -r "$DEBIAN_SOURCES" ]; then
		echo "debian-apt: no $DEBIAN_SOURCES: a Debian deb822 source is needed to reach suite $_suite" >&2
		return 1
	fi
	mkdir -p "$_st/parts" "$_st/lists/partial" "$_st/cache/archives/partial"
	: >"$_st/none.list"
	# First stanza only (the main archive), its Suites: and Types: lines replaced. The
	# .sources name tells apt the format is deb822.
	awk -v suite="$_suite" -v types="$_types" '
		/^[ \t]*$/ { if (seen) exit; next }
		{ seen = 1 }
		/^Suites:/ { print "Suites: " suite; next }
		/^Types:/ { print "Types: " types; next }
		{ print }' "$DEBIAN_SOURCES" >"$_st/parts/debian.sources.tmp"
	mv "$_st/parts/debian.sources.tmp" "$_st/parts/debian.sources"
	# Lists younger than an hour are fresh enough. A failed update with older lists only
	# warns, so a run with cached kernels survives a registry hiccup.
	[ -n "$(find "$_st/lists" -maxdepth 1 \( -name '*_Packages*' -o -name '*_Sources*' \) -mmin -60 | head -n 1)" ] && return 0
	if ! debian_apt "$1" apt-get update >"$_st/update.log" 2>&1; then
		if ls "$_st/lists/"*_Packages* "$_st/lists/"*_Sources* >/dev/null 2>&1; then
			echo "debian-apt: apt-get update of $1 failed, using older lists ($_st/update.log)" >&2
			return 0
		fi
		echo "debian-apt: apt-get update of $1 failed, see $_st/update.log:" >&2
		tail -n 3 "$_st/update.log" >&2
		return 1
	fi
	touch "$_st/lists/"*_Packages* "$_st/lists/"*_Sources* 2>/dev/null || :
}

debian_kernel_pkg() {
	_p=$(debian_apt "$1" apt-cache depends "$2" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$_p" ]; then
		echo "debian-apt: $2 in $1 depends on no linux-image-VERSION package (gone from the suite?)" >&2
		return 1
	fi
	echo "$_p"
}

debian_fetch() {
	_pkg=$2
	_dest=$DEBIAN_DEB_DIR
	mkdir -p "$_dest"
	# The pool file name from the index, so a cached .deb is reused without asking the registry.
	_fn=$(debian_apt "$1" apt-cache show --no-all-versions "$_pkg" 2>/dev/null |
		awk '/^Filename:/ { n = split($2, a, "/"); print a[n]; exit }')
	if [ -z "$_fn" ]; then
		echo "debian-apt: package $_pkg is not in $1's index (removed from the suite?)" >&2
		return 1
	fi
	if [ ! -s "$_dest/$_fn" ] && [ -s "$DEBIAN_DEB_CACHE/$_fn" ]; then
		ln -f "$DEBIAN_DEB_CACHE/$_fn" "$_dest/$_fn" 2>/dev/null ||
			cp "$DEBIAN_DEB_CACHE/$_fn" "$_dest/$_fn"
	fi
	if [ ! -s "$_dest/$_fn" ]; then
		# apt-get download escapes the epoch in its file name: download apart, then rename.
		_dl=$(mktemp -d "$_dest/.dl.XXXXXX")
		if ! (cd "$_dl" && debian_apt "$1" apt-get download "$_pkg") >"$_dl.log" 2>&1; then
			echo "debian-apt: apt-get download $_pkg from $1 failed:" >&2
			tail -n 3 "$_dl.log" >&2
			rm -rf "$_dl" "$_dl.log"
			return 1
		fi
		mv "$_dl/"*.deb "$_dest/$_fn"
		rm -rf "$_dl" "$_dl.log"
		if mkdir -p "$DEBIAN_DEB_CACHE" 2>/dev/null &&
			! ln -f "$_dest/$_fn" "$DEBIAN_DEB_CACHE/$_fn" 2>/dev/null; then
			cp "$_dest/$_fn" "$DEBIAN_DEB_CACHE/$_fn.tmp" &&
				mv "$DEBIAN_DEB_CACHE/$_fn.tmp" "$DEBIAN_DEB_CACHE/$_fn" || :
		fi
	fi
	echo "$_dest/$_fn"
}
