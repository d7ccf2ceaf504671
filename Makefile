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
# Counties are validated in parallel unless told otherwise (make -j1). A
# make run by this one shares its jobs instead.
# (The processors are counted in /proc/cpuinfo by make itself, where there
# is one: starting nproc costs more than the rest of reading this file.)
CPUS := $(words $(filter processor,$(if $(wildcard /proc/cpuinfo),$(file < /proc/cpuinfo))))
ifeq ($(CPUS),0)
CPUS := $(shell nproc 2>/dev/null || echo 1)
endif
ifeq ($(filter -j% j%,$(MAKEFLAGS))$(filter-out 0,$(MAKELEVEL)),)
MAKEFLAGS += -j$(CPUS)
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
XQ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -pthread -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Ifilters/lib
LDLIBS := -lcsv -lpcre2-8 -lutf8proc -lgmp -pthread

ifeq ($(SAN),1)
BUILD := build/san
BIN := build/san/bin
CFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SAN),afl)
# The filters as AFL++ runs them (make fuzz): edge coverage, no sanitizer,
# for speed; every input the fuzzer keeps is run again under SAN=1.
BUILD := build/afl
BIN := build/afl/bin
CC := afl-clang-fast
CFLAGS := -O2 -g
BUILD_PACKAGES += afl++
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

# make fuzz: each filter under AFL++ (tests/fuzz/targets, tests/fuzz/run.sh)
# then the reader under libFuzzer (its fast paths against libcsv, and the
# exact decimals), FUZZ_SECONDS each; findings stay in build/fuzz/.
# CI runs it for a few seconds a target.
FUZZ_PACKAGES := clang libclang-rt-14-dev afl++
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
	$(Q)$(MAKE) --no-print-directory SAN=afl all
	$(Q)$(MAKE) --no-print-directory SAN=1 all
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS)
	$(Q)mkdir -p build/fuzz/corpus-reader
	$(Q)cd build/fuzz && ./fuzz_reader -max_total_time=$(FUZZ_SECONDS) \
		-timeout=10 -max_len=4096 -print_final_stats=1 corpus-reader \
		../../tests/fuzz/corpus/reader 2>&1 | \
		grep -E '^(stat::number_of_executed_units|stat::peak_rss|#[0-9]+[[:space:]]+DONE|==[0-9]+==|SUMMARY)' || true
	$(Q)! ls build/fuzz/crash-* build/fuzz/leak-* build/fuzz/timeout-* \
		build/fuzz/oom-* 2>/dev/null
.PHONY: fuzz

# make lint: cppcheck and clang-tidy (.clang-tidy) over every C file; any
# finding fails. cppcheck's variableScope is left out: the declarations at
# the top of a block are this code's style.
LINT_PACKAGES := cppcheck clang-tidy
LINT_SRC := $(wildcard filters/*.c filters/lib/*.c tests/*.c tests/bench/*.c \
	tests/fuzz/*.c)
lint: | $(BUILD)/deps.ok
	$(Q)pipelines/need-packages "make lint" $(LINT_PACKAGES)
	$(Q)cppcheck --quiet --error-exitcode=1 --inline-suppr --std=c11 \
		--enable=warning,style,performance,portability \
		--suppress=variableScope --suppress=missingIncludeSystem \
		-D_POSIX_C_SOURCE=200809L -Ifilters/lib $(LINT_SRC)
	$(Q)printf '%s\n' $(LINT_SRC) | xargs -P "$$(nproc)" -n 1 sh -c \
		'clang-tidy --quiet "$$0" -- -std=c11 -D_POSIX_C_SOURCE=200809L \
		-Ifilters/lib 2>/dev/null'
	@echo "lint: cppcheck and clang-tidy found nothing in $(words $(LINT_SRC)) files"
.PHONY: lint

# make valgrind: the sample provinces' plans (jilin-2020, which makes
# jilin-2019's evaluation for its scores, and xianning-2024) with every
# filter under memcheck; an error or a leak of any kind fails the step that
# ran it. Outputs go to build/valgrind/out.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible
valgrind: all
	$(Q)pipelines/need-packages "make valgrind" valgrind
	$(Q)rm -rf build/valgrind && mkdir -p build/valgrind/bin
	$(Q)for t in $(TOOLS); do \
		printf '#!/bin/sh\nexec %s "%s" "$$@"\n' "$(VALGRIND)" \
			"$(abspath $(BIN))/xq-$$t" > build/valgrind/bin/xq-$$t; \
		chmod +x build/valgrind/bin/xq-$$t; done
	$(Q)for p in jilin-2020 xianning-2024; do \
		$(MAKE) --no-print-directory plan PROFILE=$$p OUTDIR=build/valgrind/out \
			XQ="$(abspath build/valgrind/bin)" || exit 1; done
	@echo "valgrind: memcheck found no error and no leak in the sample plans"
.PHONY: valgrind

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
