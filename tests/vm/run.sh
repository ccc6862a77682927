#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel matrix: boots real Debian kernels under qemu (software emulation) with an
# initramfs holding busybox, the static bpfbox of the guest's arch, tests/progs and the
# end-to-end scripts, runs tests/run-e2e.sh inside and reports every case on the host.
# Run by `make vm` (part of `make test`); recipe in DESIGN.md §4.
#
# Environment:
#   VM_KERNELS  kernels to boot, SUITE-ARCH words (default: the matrix below); SUITE-ARCH+A+B
#               boots with A and B added to the kernel command line: kernel parameters
#               (lockdown=integrity), or for /init VM_ONLY=NAME[,NAME...] (run those
#               tests/run scripts only) and VM_SECURITYFS=0 (boot without securityfs mounted)
#   VM_SPLIT    tests/run names that a kernel's first boot runs; a second boot of the same
#               kernel runs the others, beside it (default: the symbolizer's suites, about
#               half of a guest's time; empty: one boot per kernel). A kernel word with
#               VM_ONLY is booted once. Results read "KERNEL: ..." whatever the boot.
#   VM_TESTS    tests/run names to run in the guests (default: all)
#   VM_JOBS     VMs booted at once (default 2)       VM_SMP      vCPUs per VM (default 2)
#   VM_TIMEOUT  seconds per boot (default 900: a whole arm64 guest takes about 470 s)
#   VM_TEST_TIMEOUT  seconds per test script in the guest (default 120)
#   VM_MODULES  modules loaded at boot, with their dependencies (default: loop brd null_blk)
#   VM_BUILD    where `make ARCH=... OUT=VM_BUILD/ARCH all progs` builds the guests' binaries
#               (default build, the Makefile's own OUT)
# Each VM emulates its vCPUs on one host thread (TCG thread=single): with one host thread per
# vCPU, two VMs overcommitted the 2 cores of the project machine, and a 5.10 guest twice in
# about eight runs died of a soft lockup (likely a starved vCPU); softlockup_panic ends such a
# boot at once, with its backtrace in the console log. So two boots run at a time, and each
# kernel boots twice: with whole kernels (7 min of scripts each) the fifth ran alone, one core
# idle, and the matrix took 22 min; split, 17.7 min.
# Results: "KERNEL: PASS|FAIL|SKIP ..." lines, then "vm: N passed, N failed, N skipped";
# console logs stay in build/vm/KERNEL.log (KERNEL@1.log and KERNEL@2.log when split).
set -eu
cd "$(dirname "$0")/../.."
. scripts/debian-apt.sh

# Issue 3's matrix: 6.1 both arches (arm64 without fentry), the oldest supported (5.10),
# and 6.12 arm64 (fentry through direct calls); sid amd64, the only Debian kernel with
# CONFIG_FPROBE (kprobe.multi). arm64 first: the slowest start first.
# Then lockdown, cheaply (check-config's script only): integrity with securityfs mounted,
# confidentiality with it unmounted (check-config must mount it or read the kernel config).
MATRIX="bookworm-arm64 trixie-arm64 bookworm-amd64 bullseye-amd64 sid-amd64
	bookworm-amd64+lockdown=integrity+VM_ONLY=check-config
	bookworm-amd64+lockdown=confidentiality+VM_ONLY=check-config+VM_SECURITYFS=0"
KERNELS=${VM_KERNELS:-$MATRIX}
# the symbolizer's suites: about half of a guest's 7 minutes (the other half: the rest)
SPLIT=${VM_SPLIT-ustack-hostile profile profile-hostile stackcount lifecycle}
JOBS=${VM_JOBS:-2}
TIMEOUT=${VM_TIMEOUT:-900}
MODULES=${VM_MODULES:-loop brd null_blk}
OUT=build/vm
KCACHE=build/vm-cache/kernels
MAKE=${MAKE:-make}

die() {
	echo "vm: $*" >&2
	echo "vm: 0 passed, 1 failed, 0 skipped"
	exit 1
}

# The matrix is part of the test run: skipping it must be an explicit, visible choice.
if [ -n "${VM_SKIP:-}" ]; then
	die "VM_SKIP is set, but the kernel matrix is part of 'make test'; use VM_KERNELS=... to boot fewer kernels"
fi

# One clear message for a missing tool, naming the package that brings it.
for t in qemu-system-x86_64:qemu-system-x86 qemu-system-aarch64:qemu-system-arm cpio:cpio \
	dpkg-deb:dpkg file:file modinfo:kmod depmod:kmod timeout:coreutils xz:xz-utils \
	zstd:zstd apt-get:apt; do
	command -v "${t%%:*}" >/dev/null 2>&1 ||
		die "${t%%:*} not found (Debian package ${t#*:}); run 'make deps'"
done

rm -rf "$OUT" && mkdir -p "$OUT" "$KCACHE"

# kernel NAME: sets SUITE, DARCH (Debian arch), ARCH (bpfbox's) and META for SUITE-DARCH, and
# KARGS, the extra command line words of a SUITE-DARCH+A+B name.
# A boot of a split kernel is named NAME@1 or NAME@2: KARGS then says which scripts it runs.
kernel() {
	_word=${1%@*}
	_base=${_word%%+*} KARGS=
	[ "$_base" = "$_word" ] || KARGS=$(printf '%s' "${_word#*+}" | tr + ' ')
	case $1 in
	*@1) KARGS="$KARGS VM_ONLY=$(echo $PART1 | tr ' ' ,)" ;;
	*@2) KARGS="$KARGS VM_ONLY=$(echo $PART2 | tr ' ' ,)" ;;
	esac
	SUITE=${_base%-*} DARCH=${_base##*-}
	case $DARCH in
	amd64) ARCH=x86 META=linux-image-amd64 ;;
	arm64) ARCH=arm64 META=linux-image-arm64:arm64 ;;
	*) return 1 ;;
	esac
}

# PART1: the scripts of SPLIT that the guests have; PART2: the other scripts they have.
PART1='' PART2=''
for t in ${VM_TESTS:-$(cd tests/run && for f in ./*.sh; do basename "$f" .sh; done)}; do
	# shellcheck disable=SC2086 # a list of names, one space apart
	case " $(printf '%s ' $SPLIT)" in
	*" $t "*) PART1="$PART1 $t" ;;
	*) PART2="$PART2 $t" ;;
	esac
done
[ -n "$PART1" ] && [ -n "$PART2" ] ||
	PART1='' PART2=''
[ -z "$PART1" ] || echo "vm: each kernel boots twice, beside itself: @1 runs$PART1; @2 runs$PART2"

arches=
for k in $KERNELS; do
	kernel "$k" || die "unknown kernel '$k' in VM_KERNELS (want SUITE-amd64 or SUITE-arm64)"
	case " $arches " in *" $ARCH "*) ;; *) arches="$arches $ARCH" ;; esac
done
[ "$(echo $KERNELS)" = "$(echo $MATRIX)" ] || echo "vm: VM_KERNELS selects: $KERNELS (the full matrix is: $(echo $MATRIX))"

# The guest's binaries: bpfbox and the test programs of its arch, static (checked with file).
BIN=${VM_BUILD:-build}
for a in $arches; do
	# OUT explicit: a parent `make OUT=...` passes its OUT down through MAKEFLAGS.
	if ! $MAKE -s ARCH="$a" OUT="$BIN/$a" all progs >"$OUT/make-$a.log" 2>&1; then
		tail -n 20 "$OUT/make-$a.log" >&2
		die "make ARCH=$a all progs failed (log: $OUT/make-$a.log)"
	fi
	case $a in x86) want=x86-64 ;; arm64) want="ARM aarch64" ;; esac
	desc=$(file -b "$BIN/$a/bpfbox" 2>&1)
	case $desc in
	*"$want"*"statically linked"*) echo "vm: $BIN/$a/bpfbox: $desc" | cut -c1-160 ;;
	*) die "$BIN/$a/bpfbox is not a static $want binary: $desc" ;;
	esac
done

# base_root ARCH: the part of the initramfs every kernel of ARCH shares.
base_root() {
	r=$OUT/root-$1
	mkdir -p "$r/bin" "$r/etc" "$r/bpfbox/tests"
	# a fresh clone has no apt state yet: this may be the first look at bookworm
	debian_apt_init bookworm || return 1
	deb=$(debian_fetch bookworm "busybox-static:$DARCH") || return 1
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./bin/busybox >"$r/bin/busybox"
	chmod 755 "$r/bin/busybox"
	cp "$BIN/$1/bpfbox" "$r/bpfbox/bpfbox"
	mkdir -p "$r/bpfbox/progs"
	[ ! -d "$BIN/$1/progs" ] || cp -r "$BIN/$1/progs/." "$r/bpfbox/progs/"
	cp tests/lib.sh tests/run-e2e.sh "$r/bpfbox/tests/"
	[ ! -d tests/data ] || cp -r tests/data "$r/bpfbox/tests/"	# fixtures, small
	mkdir -p "$r/bpfbox/tests/run"
	if [ -n "${VM_TESTS:-}" ]; then
		for t in $VM_TESTS; do cp "tests/run/$t.sh" "$r/bpfbox/tests/run/"; done
		# and what a kernel booted with VM_ONLY=NAME,... runs
		for k in $KERNELS; do
			for t in $(printf '%s\n' $k | tr + '\n' | sed -n 's/^VM_ONLY=//p' | tr , ' '); do
				cp "tests/run/$t.sh" "$r/bpfbox/tests/run/"
			done
		done
	else
		cp -r tests/run/. "$r/bpfbox/tests/run/"
	fi
	# Users and groups for the tests' -u/-U filters.
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	cp tests/vm/init "$r/init"
	chmod 755 "$r/init"
}

# prep_kernel NAME: resolves and fetches the kernel, unpacks its image and the wanted modules
# (decompressed, dependencies from modinfo, modules.dep made by depmod) and its config into
# $KDIR, cached per package file. Sets KDIR, KPKG and KVER.
prep_kernel() {
	name=$1
	kernel "$name"
	debian_apt_init "$SUITE" || return 1
	KPKG=$(debian_kernel_pkg "$SUITE" "$META") || return 1
	deb=$(debian_fetch "$SUITE" "$KPKG") || return 1
	KPKG="${KPKG%:*} $(dpkg-deb -f "$deb" Version)"
	KDIR=$KCACHE/$(basename "$deb" .deb)
	KVER=${KPKG#linux-image-}
	KVER=${KVER%% *}
	stamp="layout 2; modules $MODULES"	# what a cached unpack holds
	[ "$(cat "$KDIR/.done" 2>/dev/null)" = "$stamp" ] && return 0
	rm -rf "$KDIR" && mkdir -p "$KDIR/x"
	if dpkg-deb -c "$deb" | grep -q "/boot/vmlinuz-$KVER\$"; then
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$KDIR/x" --wildcards './boot/*-*' \
			'*/modules/*/kernel/*' '*/modules/*/modules.builtin*' '*/modules/*/modules.order'
	else
		# sid splits the kernel: an empty linux-image-VER that depends on linux-binary-VER
		# (usr/lib/modules/VER/vmlinuz), linux-modules-VER and linux-base-VER (the config)
		for part in base binary modules; do
			pdeb=$(debian_fetch "$SUITE" "linux-$part-$KVER") || return 1
			dpkg-deb --fsys-tarfile "$pdeb" | tar -x -C "$KDIR/x" --wildcards \
				'*/modules/*' './boot/*' 2>/dev/null || :
		done
		mkdir -p "$KDIR/x/boot"
		mv "$KDIR/x/usr/lib/modules/$KVER/vmlinuz" "$KDIR/x/boot/vmlinuz-$KVER" || return 1
		if [ ! -f "$KDIR/x/boot/config-$KVER" ]; then
			cfg=$(find "$KDIR/x" -name "config-$KVER" -o -path "*/modules/$KVER/config" |
				head -n 1)
			[ -n "$cfg" ] && mv "$cfg" "$KDIR/x/boot/config-$KVER" || return 1
		fi
	fi
	mv "$KDIR/x/boot/vmlinuz-$KVER" "$KDIR/vmlinuz"
	# /boot/config-VER as on an installed Debian system: check-config reads it.
	mkdir -p "$KDIR/root/boot"
	mv "$KDIR/x/boot/config-$KVER" "$KDIR/root/boot/"
	src=$(find "$KDIR/x" -type d -path "*/modules/$KVER" | head -n 1)
	dst=$KDIR/root/lib/modules/$KVER
	mkdir -p "$dst"
	cp "$src"/modules.builtin* "$src"/modules.order "$dst/" 2>/dev/null || :
	load=$KDIR/root/modules.load seen=$KDIR/seen
	: >"$load"
	: >"$seen"
	todo=$MODULES
	while [ -n "$todo" ]; do
		set -- $todo
		m=$1; shift; todo=$*
		grep -qx "$m" "$seen" && continue
		# Module names use '_' where some file names have '-'.
		f=$(find "$src/kernel" -name "$m.ko*" -o -name "$(echo "$m" | tr _ -).ko*" | head -n 1)
		if [ -z "$f" ]; then
			# Built in, or not in this kernel at all: the tests that need it will say so.
			grep -q "/$m.ko\$" "$src/modules.builtin" 2>/dev/null ||
				echo "vm: $name: module $m is not in $KPKG" >>"$KDIR/note"
			echo "$m" >>"$seen"
			continue
		fi
		rel=${f#"$src/"}
		rel=${rel%.xz}; rel=${rel%.zst}; rel=${rel%.gz}
		deps=$(modinfo -F depends "$f" | tr ',' ' ')
		pending=
		for d in $deps; do
			grep -qx "$d" "$seen" || pending="$pending $d"
		done
		if [ -n "$pending" ]; then	# dependencies first, then this one again
			todo="$pending $m $todo"
			continue
		fi
		mkdir -p "$dst/$(dirname "$rel")"
		case $f in
		*.xz) xz -dc "$f" ;; *.zst) zstd -dcq "$f" ;; *.gz) gzip -dc "$f" ;; *) cat "$f" ;;
		esac >"$dst/$rel"
		echo "$rel" >>"$load"
		echo "$m" >>"$seen"
	done
	depmod -b "$KDIR/root" "$KVER"
	rm -rf "$KDIR/x" "$seen"
	echo "$stamp" >"$KDIR/.done"
}

# boot NAME: builds NAME's initramfs, runs qemu under a timeout; the console goes to the log.
boot() {
	name=$1
	kernel "$name"
	{
		(cd "$OUT/root-$ARCH" && find . | cpio -o -H newc -R 0:0 --quiet)
		(cd "$KDIR/root" && find . | cpio -o -H newc -R 0:0 --quiet)
	} >"$OUT/$name.cpio"
	# Unknown name=value words of the command line reach /init as environment variables.
	append="loglevel=1 panic=-1 softlockup_panic=1 mitigations=off E2E_TIMEOUT=${VM_TEST_TIMEOUT:-120} $KARGS"
	case $DARCH in
	amd64) set -- qemu-system-x86_64 -cpu max -append "console=ttyS0 $append" ;;
	arm64) set -- qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on \
		-append "console=ttyAMA0 $append" ;;
	esac
	start=$(date +%s)
	rc=0
	timeout -k 5 "$TIMEOUT" "$@" -accel tcg,thread=single -m 1024 -smp "${VM_SMP:-2}" \
		-kernel "$KDIR/vmlinuz" \
		-initrd "$OUT/$name.cpio" -display none -monitor none -serial stdio -no-reboot \
		</dev/null >"$OUT/$name.log" 2>&1 || rc=$?
	echo "$rc $(( $(date +%s) - start ))" >"$OUT/$name.rc"
}

# report NAME: prints the guest's results prefixed by NAME; adds to the totals file.
report() {
	kernel "$1"
	log=$OUT/$1.log
	rc=? secs=?
	[ ! -f "$OUT/$1.rc" ] || read -r rc secs <"$OUT/$1.rc"
	tr -d '\r' <"$log" | sed -n '/^@@bpfbox-vm@@ begin/,/^@@bpfbox-vm@@ end/p' >"$OUT/$1.out"
	up0=$(sed -n 's/^@@bpfbox-vm@@ begin .* uptime=\([0-9.]*\).*/\1/p' "$OUT/$1.out")
	up1=$(sed -n 's/^@@bpfbox-vm@@ end .* uptime=\([0-9.]*\).*/\1/p' "$OUT/$1.out")
	grep -E '^(PASS|FAIL|SKIP) ' "$OUT/$1.out" | sed "s/^/$_word: /" || :
	grep '^FAIL ' "$OUT/$1.out" | sed "s/^/$_word: /" >"$OUT/$1.fails" || :
	p=$(grep -c '^PASS ' "$OUT/$1.out" || :)
	f=$(grep -c '^FAIL ' "$OUT/$1.out" || :)
	s=$(grep -c '^SKIP ' "$OUT/$1.out" || :)
	# The guest's own totals must match what came through the console (the boot check aside).
	g=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$OUT/$1.out")
	h=$(grep -E '^(PASS|FAIL|SKIP) ' "$OUT/$1.out" | grep -v ' vm-bpfbox-runs' |
		awk '{ n[$1]++ } END { print n["PASS"] + 0, n["FAIL"] + 0, n["SKIP"] + 0 }')
	if [ -n "$up1" ] && [ "$g" != "$h" ]; then
		echo "$_word: FAIL console: the guest counted ${g:-nothing} (pass fail skip), the console shows $h" |
			tee -a "$OUT/$1.fails"
		f=$((f + 1))
	fi
	if [ -z "$up1" ]; then
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			why="no result within ${TIMEOUT}s (timeout)"
		else
			why="guest stopped before its results (qemu status $rc; kernel panic?)"
		fi
		echo "$_word: FAIL boot: $KPKG${KARGS:+ ($(echo $KARGS))}: $why; console log $log, last lines:" | tee -a "$OUT/$1.fails"
		tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    /'
		f=$((f + 1))
	fi
	if [ -n "$up1" ]; then
		echo "vm: $1 ($KPKG): boot ${up0}s, suite $(echo "$up0 $up1" |
			awk '{ printf "%.1f", $2 - $1 }')s (guest clock), ${secs}s wall"
	else
		echo "vm: $1 ($KPKG): no result, ${secs}s wall"
	fi
	echo "$p $f $s" >>"$OUT/totals"
}

: >"$OUT/totals"
rm -f "$OUT"/*.fails
for a in $arches; do
	for k in $KERNELS; do
		kernel "$k"
		[ "$ARCH" = "$a" ] || continue
		base_root "$a" || die "cannot build the $a initramfs (busybox-static:$DARCH)"
		break
	done
done

# Fetch and unpack first (sequential, apt shares state), then boot JOBS at a time.
ready=
for k in $KERNELS; do
	if prep_kernel "$k" 2>"$OUT/$k.prep"; then
		cat "$OUT/$k.prep" "$KDIR/note" 2>/dev/null || :
		echo "$KDIR" >"$OUT/$k.kdir"
		echo "$KPKG" >"$OUT/$k.pkg"
		if [ -n "$PART1" ] && ! printf '%s\n' $k | tr + '\n' | grep -q '^VM_ONLY='; then
			ready="$ready $k@1 $k@2"
		else
			ready="$ready $k"
		fi
	else
		echo "$k: FAIL fetch: no kernel from $SUITE's $META:" | tee "$OUT/$k.fails"
		sed 's/^/    /' "$OUT/$k.prep"
		echo "0 1 0" >>"$OUT/totals"
	fi
done

running= queue=$ready
while [ -n "$queue" ] || [ -n "$running" ]; do
	# Reap finished VMs and report them as they end.
	still=
	for e in $running; do
		if kill -0 "${e%%=*}" 2>/dev/null; then
			still="$still $e"
		else
			wait "${e%%=*}" || :
			k=${e#*=}
			KPKG=$(cat "$OUT/${k%@*}.pkg")
			report "$k"
		fi
	done
	running=$still
	set -- $running
	if [ -n "$queue" ] && [ $# -lt "$JOBS" ]; then
		set -- $queue
		k=$1; shift; queue=$*
		KDIR=$(cat "$OUT/${k%@*}.kdir")
		boot "$k" &
		running="$running $!=$k"
		continue
	fi
	sleep 1
done

read_totals() { awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }' "$OUT/totals"; }
set -- $(read_totals)
# CI shows only the tail: repeat what failed just above the totals.
if [ "$2" -ne 0 ]; then
	echo "vm: failed:"
	for k in $KERNELS; do
		for b in "$k" "$k@1" "$k@2"; do
			[ ! -f "$OUT/$b.fails" ] || sed 's/^/    /' "$OUT/$b.fails"
		done
	done
fi
echo "vm: $1 passed, $2 failed, $3 skipped"
[ "$2" -eq 0 ]
