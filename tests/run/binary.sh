#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The binary is one static executable for the machine it runs on, needing no shared library.
. "$TESTLIB"

if command -v file >/dev/null 2>&1; then
	desc=$(file -L "$BPFBOX")
	case $desc in *"statically linked"*) pass static-file ;; *) fail static-file "$desc" ;; esac
	case "$(uname -m):$desc" in
	x86_64:*x86-64*|aarch64:*aarch64*) pass arch-matches-machine ;;
	*) fail arch-matches-machine "$(uname -m): $desc" ;;
	esac
else
	skip static-file "no 'file' command here (busybox guest)"
fi
if command -v ldd >/dev/null 2>&1; then
	out=$(ldd "$BPFBOX" 2>&1)
	case $out in *"not a dynamic executable"*|*"statically linked"*) pass no-shared-libs ;;
	*) fail no-shared-libs "$out" ;; esac
else
	skip no-shared-libs "no ldd here (busybox guest)"
fi
# nothing but the kernel's own files is read at run time: no glibc NSS module is dlopen'ed
# (getpwnam() and friends would pull that machinery into a static binary)
if grep -q 'libnss_' "$BPFBOX"; then
	fail no-nss "the binary carries glibc's NSS loader"
else
	pass no-nss
fi
exit 0
