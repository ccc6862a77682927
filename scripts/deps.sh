#!/bin/sh
# Installs everything bpfbox needs to build (both arches) and to run its tests, from Debian.
set -eu
export DEBIAN_FRONTEND=noninteractive
# the aarch64 build links Debian's arm64 static libraries (multiarch)
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	make gcc g++ binutils clang llvm bpftool libelf-dev zlib1g-dev pkg-config dpkg-dev \
	libcmocka-dev libiberty-dev systemtap-sdt-dev file kmod cpio xz-utils zstd \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
	libelf-dev:arm64 zlib1g-dev:arm64 libiberty-dev:arm64 systemtap-sdt-dev:arm64 \
	busybox-static qemu-system-x86 qemu-system-arm \
	bash zsh fish groff-base man-db \
	libpcre2-dev libpcre2-dev:arm64 \
	python3 strace >/dev/null
# libFuzzer and clang's sanitizer runtimes (make fuzz), for the clang just installed
clang_major=$(clang -dumpversion | cut -d. -f1)
apt-get install -y -qq --no-install-recommends "libclang-rt-$clang_major-dev" >/dev/null
apt-get install -y -qq --no-install-recommends bpftrace >/dev/null # make bench only: bpftrace beside the applets
