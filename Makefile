# xiaoqu - the urban old-community renovation plan, as small C filters.
#
#   make              build the filters into bin/
#   make plan         build, then run the sample province to its annual plan
#   make check        the whole test suite (make check SAN=1: with sanitizers)
#   make bench        throughput and memory beside wc -l and Miller
#   make install      PREFIX=/usr/local DESTDIR=
#
# Missing Debian packages are installed when run as root; otherwise the exact
# apt-get line is printed.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
# Counties are validated in parallel unless told otherwise (make -j1).
ifeq ($(filter -j% j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif
.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man

TOOLS := $(patsubst filters/%.c,%,$(wildcard filters/*.c))
LIBOBJ := $(patsubst filters/lib/%.c,%,$(wildcard filters/lib/*.c))
LIBHDR := $(wildcard filters/lib/*.h)
MAN := $(wildcard man/*.1 man/*.5 man/*.7)

BUILD_PACKAGES := gcc make libc6-dev libcsv-dev libpcre2-dev libutf8proc-dev \
	libgmp-dev
TEST_PACKAGES := bats bats-assert bats-support mandoc python3 miller \
	chromium fonts-wqy-zenhei gnumeric

CC ?= cc
CFLAGS ?= -O2 -g
XQ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Ifilters/lib
LDLIBS := -lcsv -lpcre2-8 -lutf8proc -lgmp

ifeq ($(SAN),1)
BUILD := build/san
BIN := build/san/bin
CFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
else
BUILD := build/release
BIN := bin
endif

PROGS := $(TOOLS:%=$(BIN)/xq-%)
LIBOBJS := $(LIBOBJ:%=$(BUILD)/lib/%.o)

ifneq ($(V),1)
Q := @
endif

all: $(PROGS)
.PHONY: all

$(BUILD)/deps.ok:
	$(Q)pipelines/need-packages "building xiaoqu" $(BUILD_PACKAGES)
	$(Q)mkdir -p $(@D) && touch $@

$(BUILD)/lib/%.o: filters/lib/%.c $(LIBHDR) | $(BUILD)/deps.ok
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(XQ_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: filters/%.c $(LIBHDR) | $(BUILD)/deps.ok
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(XQ_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libxq.a: $(LIBOBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/xq-%: $(BUILD)/%.o $(BUILD)/libxq.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- tests ---------------------------------------------------------------

$(BUILD)/test-reader: tests/test_reader.c $(BUILD)/libxq.a
	@echo "  LD      $@"
	$(Q)$(CC) $(XQ_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

test-deps: | $(BUILD)/deps.ok
	$(Q)pipelines/need-packages "make check" $(TEST_PACKAGES)
.PHONY: test-deps

check: test-deps all $(BUILD)/test-reader
	$(Q)$(BUILD)/test-reader
	$(Q)mandoc -T lint -W warning $(MAN)
	$(Q)XQ_BIN="$(abspath $(BIN))" tests/run-bats $(wildcard tests/*.bats)
.PHONY: check

bench: all
	$(Q)tests/bench/run.sh $(ROWS)
.PHONY: bench

# libFuzzer (clang): the reader, fast paths against libcsv, and the exact
# decimals, for FUZZ_SECONDS; findings are written to build/fuzz/.
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -std=c11 -D_POSIX_C_SOURCE=200809L -Ifilters/lib

build/fuzz/fuzz_reader: tests/fuzz/fuzz_reader.c $(LIBOBJ:%=filters/lib/%.c) \
		$(LIBHDR) | $(BUILD)/deps.ok
	$(Q)pipelines/need-packages "make fuzz" $(FUZZ_PACKAGES)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $< $(LIBOBJ:%=filters/lib/%.c) $(LDLIBS)

fuzz: build/fuzz/fuzz_reader
	$(Q)mkdir -p build/fuzz/corpus-reader
	$(Q)cd build/fuzz && ./fuzz_reader -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 -print_final_stats=1 corpus-reader \
		../../tests/fuzz/corpus/reader
.PHONY: fuzz

# ---- install -------------------------------------------------------------

install: all
	install -d "$(DESTDIR)$(BINDIR)"
	install -m 755 $(PROGS) "$(DESTDIR)$(BINDIR)"
	for m in $(MAN); do \
		install -d "$(DESTDIR)$(MANDIR)/man$${m##*.}" && \
		install -m 644 "$$m" "$(DESTDIR)$(MANDIR)/man$${m##*.}"; done
	install -d "$(DESTDIR)$(PREFIX)/share/xiaoqu"
	install -m 644 samples/jiangxi-grades.csv "$(DESTDIR)$(PREFIX)/share/xiaoqu"
.PHONY: install

uninstall:
	for t in $(TOOLS); do rm -f "$(DESTDIR)$(BINDIR)/xq-$$t"; done
	for m in $(MAN); do \
		rm -f "$(DESTDIR)$(MANDIR)/man$${m##*.}/$$(basename $$m)"; done
	rm -f "$(DESTDIR)$(PREFIX)/share/xiaoqu/jiangxi-grades.csv"
.PHONY: uninstall

clean:
	rm -rf bin build out
.PHONY: clean

include pipelines/common.mk
include pipelines/plan.mk
include pipelines/evaluation.mk
include pipelines/report.mk
