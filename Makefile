# SPDX-License-Identifier: GPL-2.0
# bpfbox: one static binary of BPF tracing tools.
#   make                 x86_64 static binary in build/x86/bpfbox
#   make ARCH=arm64      aarch64 static binary in build/arm64/bpfbox (cross)
#   make test            unit tests, end-to-end tests here, and the kernel matrix in qemu
#   make fuzz            every tests/fuzz/fuzz_*.c for FUZZ_SECONDS each (default 600)
#   make sanitize        unit tests and one e2e pass of each applet under ASan+UBSan
#   make install PREFIX=/usr/local DESTDIR=...
VERSION := 0.1.0
# The libbpf bpfbox links and compiles its BPF side against: Debian's source package of this
# version, built by scripts/libbpf.sh (DESIGN.md §1). The one place it is named.
LIBBPF_VERSION := 1.7.0-1

ARCH ?= x86
override ARCH := $(patsubst x86_64,x86,$(patsubst amd64,x86,$(patsubst aarch64,arm64,$(ARCH))))
ifeq ($(ARCH),x86)
  CROSS :=
  TRIPLET := x86_64-linux-gnu
else ifeq ($(ARCH),arm64)
  CROSS := aarch64-linux-gnu-
  TRIPLET := aarch64-linux-gnu
else
  $(error ARCH must be x86 or arm64)
endif

OUT ?= build/$(ARCH)
CC := $(CROSS)gcc
STRIP := $(CROSS)strip
OBJCOPY := $(CROSS)objcopy
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
PREFIX ?= /usr/local

ifeq ($(V),1)
  Q :=
  msg :=
else
  Q := @
  msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Per arch, shared by every OUT: the VM and bench builds reuse it.
LIBBPF_DIR := build/libbpf/$(LIBBPF_VERSION)/$(ARCH)
LIBBPF_A := $(LIBBPF_DIR)/lib/libbpf.a

# What every compilation of the user side needs, whatever the compiler (the fuzz build too).
CPPFLAGS_ALL := -D_GNU_SOURCE -DBPFBOX_VERSION='"$(VERSION)"' -DBPFBOX_ARCH='"$(ARCH)"' \
	-DBPFBOX_LIBBPF='"$(LIBBPF_VERSION)"' -I$(LIBBPF_DIR)/include \
	-iquote $(OUT) -iquote common -iquote bpf -MMD -MP
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers -Wno-unused-parameter \
	$(CPPFLAGS_ALL)
# SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer, dynamically linked (build/asan).
STATIC := -static
ifeq ($(SAN),1)
  CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
  STATIC :=
endif
LIBDIR := /usr/lib/$(TRIPLET)
LDLIBS := $(LIBBPF_A) $(LIBDIR)/libelf.a $(LIBDIR)/libz.a $(LIBDIR)/libiberty.a
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iembed/$(ARCH) -I$(LIBBPF_DIR)/include \
	-Ibpf -Wall \
	-Wno-unused-function -Wno-compare-distinct-pointer-types
# libbpf's usdt.bpf.h includes <linux/errno.h>, which wants <asm/errno.h>: the build host's
# (errno numbers are the same on x86 and arm64)
BPF_CFLAGS += -idirafter /usr/include/$(shell uname -m)-linux-gnu

BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
COMMON_SRCS := $(wildcard common/*.c)
CMD_SRCS := $(wildcard cmds/*.c)
COMMON_OBJS := $(patsubst %.c,$(OUT)/%.o,$(COMMON_SRCS))
CMD_OBJS := $(patsubst %.c,$(OUT)/%.o,$(CMD_SRCS))
OBJS := $(OUT)/main.o $(COMMON_OBJS) $(CMD_OBJS)
# PCRE2 for common/regex.c (static; its JIT is left out there)
LDLIBS += $(LIBDIR)/libpcre2-8.a

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps clean test unit e2e vm bench install vmlinux progs cross fuzz fuzz-build \
	fuzz-smoke sanitize asan-unit asan-e2e

all: $(OUT)/bpfbox

deps:
	sh scripts/deps.sh

$(LIBBPF_A): scripts/libbpf.sh
	$(call msg,LIBBPF,$(LIBBPF_VERSION) $(ARCH))
	$(Q)sh scripts/libbpf.sh $(LIBBPF_VERSION) $(ARCH) $(CC) $(LIBBPF_DIR) >/dev/null

$(OUT)/bpfbox: $(OBJS) $(LIBBPF_A)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(STATIC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(OUT)/%.o: %.c | $(SKELS) $(LIBBPF_A)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/%.bpf.o: bpf/%.bpf.c embed/$(ARCH)/vmlinux.h $(wildcard bpf/*.h) $(LIBBPF_A)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp -o $@ && rm -f $@.tmp

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

# Programs the end-to-end tests run as targets, static so they also run in the VMs.
PROG_SRCS := $(wildcard tests/progs/*.c)
PROGS := $(patsubst tests/progs/%.c,$(OUT)/progs/%,$(PROG_SRCS))
$(OUT)/progs/%: tests/progs/%.c
	$(call msg,PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -Wall -static -pthread -o $@ $<
progs: $(PROGS)

# trace -s: traceprog stripped of every symbol but the probed functions', and its symbols in a
# separate file (the same build-id), as distributions ship them
$(OUT)/progs/traceprog-stripped: $(OUT)/progs/traceprog
	$(call msg,PROG,$@)
	$(Q)$(OBJCOPY) --strip-all --keep-symbol=trace_str --keep-symbol=trace_ts $< $@
$(OUT)/progs/traceprog.debug: $(OUT)/progs/traceprog
	$(call msg,PROG,$@)
	$(Q)$(OBJCOPY) --only-keep-debug $< $@
progs e2e: $(OUT)/progs/traceprog-stripped $(OUT)/progs/traceprog.debug

# profile's PIE + shared-library variant (dynamic: runs on the host, the guests skip it).
$(OUT)/progs/libproflib.so: tests/progs/lib/proflib.c
	$(call msg,PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -Wall -shared -fPIC -o $@ $<
$(OUT)/progs/profprog-dyn: tests/progs/profprog.c $(OUT)/progs/libproflib.so
	$(call msg,PROG,$@)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -Wall -DPROF_DYNLIB -fPIE -pie -pthread -o $@ $< \
		-L$(OUT)/progs -lproflib -Wl,-rpath,'$$ORIGIN'
# funccount's and stackcount's program with its own shared library (host only, like above).
$(OUT)/progs/libcountlib.so: tests/progs/lib/countlib.c
	$(call msg,PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -Wall -shared -fPIC -o $@ $<
$(OUT)/progs/countprog-dyn: tests/progs/countprog.c $(OUT)/progs/libcountlib.so
	$(call msg,PROG,$@)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -Wall -DCOUNT_DYNLIB -fPIE -pie -pthread -o $@ $< \
		-L$(OUT)/progs -lcountlib -Wl,-rpath,'$$ORIGIN'
# funccount's GNU IFUNC program as a PIE using the shared libc (host only, like above).
$(OUT)/progs/ifuncprog-dyn: tests/progs/ifuncprog.c
	$(call msg,PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -Wall -fPIE -pie -o $@ $<
progs e2e: $(OUT)/progs/profprog-dyn $(OUT)/progs/countprog-dyn $(OUT)/progs/ifuncprog-dyn

# Unit tests: host arch only, cmocka, linked with the common objects.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
$(OUT)/tests/%: tests/unit/%.c $(filter-out $(OUT)/main.o,$(OBJS))
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(filter-out $(OUT)/main.o,$(OBJS)) -lcmocka $(LDLIBS)

# Each fuzz target also runs as a unit test: its corpus and the crashes it found
# (tests/data/fuzz/NAME/) replayed through it, in this build (under SAN=1: ASan+UBSan).
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BINS := $(patsubst tests/fuzz/fuzz_%.c,$(OUT)/tests/replay_%,$(FUZZ_SRCS))
# FUZZ_WRAP_NAME: extra link flags of target NAME (fuzz_opts catches exit() and run_setup())
FUZZ_WRAP_opts := -Wl,--wrap=exit -Wl,--wrap=run_setup
$(OUT)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(filter-out $(OUT)/main.o,$(OBJS))
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -DFUZZ_NAME='"$*"' $(FUZZ_WRAP_$*) -o $@ $< tests/fuzz/replay.c \
		$(filter-out $(OUT)/main.o,$(OBJS)) -lcmocka $(LDLIBS)

unit: $(UNIT_BINS) $(REPLAY_BINS)
	sh tests/unit/run.sh $(UNIT_BINS) $(REPLAY_BINS)

# Symbolizer fixtures (test_syms): PIE, non-PIE, stripped, debug link, .debug/ dir, build-id
# tree, bad checksum, shared object, C++. Host compilers: the unit tests run here only.
FIXD := $(OUT)/tests/fixtures
FIX_CFLAGS := -O1 -g -fno-omit-frame-pointer -fno-inline-functions -Wall
FIXTURES := $(addprefix $(FIXD)/,libfix.so fix_pie fix_nopie fix_plain fix_stripped fix_dbg \
	fix_dbgdir fix_bid fix_badlink fix_nobid fix_nobid_bad fix_cxx fix_pie.bid)
$(OUT)/tests/test_syms: $(FIXTURES)
$(FIXD)/libfix.so: tests/data/syms/fixlib.c
	$(call msg,FIXTURE,$@)
	$(Q)mkdir -p $(@D)
	$(Q)gcc $(FIX_CFLAGS) -shared -fPIC -o $@ $<
$(FIXD)/fix_pie: tests/data/syms/fix_main.c $(FIXD)/libfix.so
	$(Q)gcc $(FIX_CFLAGS) -DWITH_LIB -fPIE -pie -o $@ $< -L$(FIXD) -lfix -Wl,-rpath,'$$ORIGIN'
$(FIXD)/fix_pie.bid: $(FIXD)/fix_pie
	$(Q)readelf -n $< | sed -n 's/.*Build ID: *//p' > $@
$(FIXD)/fix_nopie: tests/data/syms/fix_main.c
	$(Q)mkdir -p $(@D)
	$(Q)gcc $(FIX_CFLAGS) -fno-pie -no-pie -o $@ $<
$(FIXD)/fix_plain: tests/data/syms/fix_main.c
	$(Q)mkdir -p $(@D)
	$(Q)gcc $(FIX_CFLAGS) -fPIE -pie -o $@ $<
$(FIXD)/fix_stripped: $(FIXD)/fix_plain
	$(Q)strip -o $@ $<
$(FIXD)/fix_dbg: $(FIXD)/fix_plain
	$(Q)objcopy --only-keep-debug $< $@.debug
	$(Q)cd $(@D) && objcopy --strip-all --add-gnu-debuglink=fix_dbg.debug fix_plain fix_dbg
$(FIXD)/fix_dbgdir: $(FIXD)/fix_plain
	$(Q)mkdir -p $(@D)/.debug
	$(Q)objcopy --only-keep-debug $< $(@D)/.debug/fix_dbgdir.debug
	$(Q)cd $(@D) && objcopy --strip-all --add-gnu-debuglink=.debug/fix_dbgdir.debug fix_plain fix_dbgdir
$(FIXD)/fix_bid: $(FIXD)/fix_plain
	$(Q)id=$$(readelf -n $< | sed -n 's/.*Build ID: *//p'); d=$(@D)/root/usr/lib/debug/.build-id; \
		mkdir -p $$d/$$(echo $$id | cut -c1-2) && \
		objcopy --only-keep-debug $< $$d/$$(echo $$id | cut -c1-2)/$$(echo $$id | cut -c3-).debug
	$(Q)strip -o $@ $<
$(FIXD)/fix_badlink: $(FIXD)/fix_plain $(FIXD)/fix_nopie
	$(Q)objcopy --only-keep-debug $< $@.debug
	$(Q)cd $(@D) && objcopy --strip-all --add-gnu-debuglink=fix_badlink.debug fix_plain fix_badlink
	$(Q)objcopy --only-keep-debug $(FIXD)/fix_nopie $@.debug
$(FIXD)/fix_nobid: tests/data/syms/fix_main.c
	$(Q)mkdir -p $(@D)
	$(Q)gcc $(FIX_CFLAGS) -fPIE -pie -Wl,--build-id=none -o $@.full $<
	$(Q)objcopy --only-keep-debug $@.full $@.debug
	$(Q)cd $(@D) && objcopy --strip-all --add-gnu-debuglink=fix_nobid.debug fix_nobid.full fix_nobid
$(FIXD)/fix_nobid_bad: $(FIXD)/fix_nobid
	$(Q)cp $<.debug $@.debug
	$(Q)cd $(@D) && objcopy --strip-all --add-gnu-debuglink=fix_nobid_bad.debug fix_nobid.full fix_nobid_bad
	$(Q)printf 'x' >> $@.debug
$(FIXD)/fix_cxx: tests/data/syms/fix_cxx.cc
	$(Q)mkdir -p $(@D)
	$(Q)g++ $(FIX_CFLAGS) -Wno-pmf-conversions -o $@ $<

e2e: $(OUT)/bpfbox $(PROGS)
	sh tests/run-e2e.sh $(OUT)/bpfbox $(OUT)/progs

vm: all
	sh tests/vm/run.sh

# The aarch64 build comes first so that the host's install test also covers it.
cross:
	$(MAKE) ARCH=arm64 OUT=build/arm64 all progs

test: all cross unit e2e sanitize fuzz-smoke vm

# libFuzzer targets (Debian's clang): the common and applet objects rebuilt with coverage and
# sanitizers in build/fuzz, linked dynamically. Seeds in tests/fuzz/corpus/NAME/; what a run
# finds is kept in build/fuzz/corpus/NAME/ and crashes in build/fuzz/crashes/NAME/ (copy a
# crash into tests/data/fuzz/NAME/ once fixed: the unit tests replay it from then on).
FUZZ_OUT := build/fuzz
FUZZ_SECONDS ?= 600
FUZZ_CFLAGS := -g -O1 -std=gnu11 $(CPPFLAGS_ALL) \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS := $(patsubst %.c,$(FUZZ_OUT)/%.o,$(COMMON_SRCS) $(CMD_SRCS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_OUT)/%,$(FUZZ_SRCS))
$(FUZZ_OUT)/%.o: %.c | $(SKELS) $(LIBBPF_A)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@
$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_WRAP_$*) -o $@ $< $(FUZZ_OBJS) \
		$(LDLIBS)
fuzz-build: $(FUZZ_BINS)
fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)
# make test: each target on FUZZ_SMOKE_RUNS inputs from a fixed seed and its seeds only: a
# fixed amount of work, where a time limit made the run depend on the machine's speed
fuzz-smoke: fuzz-build
	sh tests/fuzz/run.sh --runs $(or $(FUZZ_SMOKE_RUNS),50000) $(FUZZ_BINS)

# Sanitizers: unit tests and one short e2e pass of each applet with an ASan+UBSan bpfbox.
ASAN_OUT := build/asan
asan-unit:
	$(MAKE) SAN=1 OUT=$(ASAN_OUT) unit
asan-e2e:
	$(MAKE) SAN=1 OUT=$(ASAN_OUT) $(ASAN_OUT)/bpfbox
	$(MAKE) progs
	sh tests/asan-e2e.sh $(ASAN_OUT)/bpfbox $(OUT)/progs
sanitize: asan-unit asan-e2e

# Benchmark helpers (host arch only), static; NAME.bpf.c beside one becomes its skeleton.
BENCH_BPF := $(wildcard tests/bench/*.bpf.c)
BENCH_SKELS := $(patsubst tests/bench/%.bpf.c,$(OUT)/bench/%.skel.h,$(BENCH_BPF))
BENCH_BINS := $(patsubst tests/bench/%.c,$(OUT)/bench/%,$(filter-out %.bpf.c,$(wildcard tests/bench/*.c)))
$(OUT)/bench/%.bpf.o: tests/bench/%.bpf.c embed/$(ARCH)/vmlinux.h $(LIBBPF_A)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp -o $@ && rm -f $@.tmp
$(OUT)/bench/%.skel.h: $(OUT)/bench/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@
$(OUT)/bench/%: tests/bench/%.c $(BENCH_SKELS) $(LIBBPF_A)
	$(call msg,PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -I$(LIBBPF_DIR)/include \
		-iquote $(OUT)/bench -iquote tests/bench \
		-static -o $@ $< $(LDLIBS)

# The symbolizer benchmark runs profile's report code: it links the common objects.
$(OUT)/bench/symbench: tests/bench/symbench.c $(COMMON_OBJS)
	$(call msg,PROG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $< $(COMMON_OBJS) $(LDLIBS)

bench: $(OUT)/bpfbox $(BENCH_BINS)
	sh tests/bench/run.sh $(OUT)/bpfbox

vmlinux:
	sh scripts/gen-vmlinux.sh

install: $(OUT)/bpfbox
	sh scripts/install.sh $(OUT)/bpfbox "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
