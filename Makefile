# SPDX-License-Identifier: GPL-2.0
# bpfbox: one static binary of BPF tracing tools.
#   make                 x86_64 static binary in build/x86/bpfbox
#   make ARCH=arm64      aarch64 static binary in build/arm64/bpfbox (cross)
#   make test            unit tests, end-to-end tests here, and the kernel matrix in qemu
#   make install PREFIX=/usr/local DESTDIR=...
VERSION := 0.1.0

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

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers -Wno-unused-parameter \
	-D_GNU_SOURCE -DBPFBOX_VERSION='"$(VERSION)"' -DBPFBOX_ARCH='"$(ARCH)"' \
	-iquote $(OUT) -iquote common -iquote bpf -MMD -MP
LIBDIR := /usr/lib/$(TRIPLET)
LDLIBS := $(LIBDIR)/libbpf.a $(LIBDIR)/libelf.a $(LIBDIR)/libz.a $(LIBDIR)/libiberty.a
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iembed/$(ARCH) -Ibpf -Wall \
	-Wno-unused-function -Wno-compare-distinct-pointer-types

BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
COMMON_SRCS := $(wildcard common/*.c)
CMD_SRCS := $(wildcard cmds/*.c)
COMMON_OBJS := $(patsubst %.c,$(OUT)/%.o,$(COMMON_SRCS))
CMD_OBJS := $(patsubst %.c,$(OUT)/%.o,$(CMD_SRCS))
OBJS := $(OUT)/main.o $(COMMON_OBJS) $(CMD_OBJS)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps clean test unit e2e vm bench install vmlinux progs

all: $(OUT)/bpfbox

deps:
	sh scripts/deps.sh

$(OUT)/bpfbox: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) -static $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(OUT)/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/%.bpf.o: bpf/%.bpf.c embed/$(ARCH)/vmlinux.h $(wildcard bpf/*.h)
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

# Unit tests: host arch only, cmocka, linked with the common objects.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
$(OUT)/tests/%: tests/unit/%.c $(filter-out $(OUT)/main.o,$(OBJS))
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(filter-out $(OUT)/main.o,$(OBJS)) -lcmocka $(LDLIBS)

unit: $(UNIT_BINS)
	sh tests/unit/run.sh $(UNIT_BINS)

e2e: $(OUT)/bpfbox $(PROGS)
	sh tests/run-e2e.sh $(OUT)/bpfbox $(OUT)/progs

vm: all
	sh tests/vm/run.sh

test: all unit e2e vm

bench: $(OUT)/bpfbox
	sh tests/bench/run.sh $(OUT)/bpfbox

vmlinux:
	sh scripts/gen-vmlinux.sh

install: $(OUT)/bpfbox
	sh scripts/install.sh $(OUT)/bpfbox "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -rf build

-include $(OBJS:.o=.d)
