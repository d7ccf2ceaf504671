# common.mk - what every pipeline shares: the profile, the output folder,
# the count of rejected records and the validating of a folder of sheets.
# The filters run with --log (their messages to a file of their own) and
# --exit-zero (records rejected or flagged are results, not failures), so
# that make runs them itself, with no shell around each.

# make plan works on jilin-2020 and make evaluation on jilin-2019 unless told
ifeq ($(origin PROFILE),undefined)
ifneq ($(filter evaluation,$(MAKECMDGOALS)),)
PROFILE := jilin-2019
endif
endif
PROFILE ?= jilin-2020
PROFILE_DIR ?= samples/$(PROFILE)
override PROFILE_DIR := $(patsubst %/,%,$(PROFILE_DIR))
# Outputs go to OUTDIR/<profile>/ (OUT); a test or a cron job gives its own
# OUTDIR, and the scores_from evaluation that make plan runs goes there too.
OUTDIR ?= out
OUT ?= $(OUTDIR)/$(notdir $(PROFILE_DIR))
XQ := $(abspath $(BIN))

# The goals that only build, test or install: the pipelines' bookkeeping
# before the rules run (plan.mk) is skipped for them.
BUILD_GOALS := all clean check test-deps bench fuzz lint valgrind install uninstall
PIPELINE_RUN := $(filter-out $(BUILD_GOALS),$(MAKECMDGOALS))

# $(call run_by_make,TARGET...): make runs a recipe line of TARGETs itself,
# with no shell, when it has nothing for a shell to do (no pipe,
# redirection, double quote or variable), which it does only when SHELL is
# /bin/sh; a process costs milliseconds on some machines. The lines that
# need a shell get /bin/sh, without bash's -eu -o pipefail: keep them to a
# single command or an if with no pipe.
run_by_make = $(eval $(1): private SHELL := /bin/sh)$(eval $(1): private .SHELLFLAGS := -c)

# $(call rejected_count,LOG...): the records validate rejected, summed from
# the summary lines of its logs (as pipelines/audit reads them).
rejected_count = awk '/ records?: / { for (i = 2; i <= NF; i++) \
	if (index($$i, "rejected") == 1) n += $$(i - 1) } END { print n + 0 }' $(1)

# ---- validating a folder of sheets, in parts ----------------------------------
# xq-validate --each validates many sheets in one process, each as if it
# were run on it alone: a process costs milliseconds on some machines, and
# a province sends a hundred sheets. The sheets are dealt round-robin into
# as many parts as there are processors, for make -j to run side by side.
#
# Part K of the sheets validated into DIR is made by DIR.partK, a stamp
# that holds xq-validate's options and the names of its sheets. It
# validates again the sheets whose input is newer than the stamp ($?) and
# those with an output missing, and all of its sheets when xq-validate or a
# file of the profile is newer, or the stamp holds other options (YEAR=) or
# other sheets (a county added or gone). It is written under a temporary
# name as the recipe starts (not under make -n or -q), before xq-validate
# reads a sheet, and renamed once xq-validate has succeeded: its time is
# older than a sheet changed while it ran, and a run stopped half way, even
# by SIGKILL, leaves the stamp before it, older than what changed.

PART_IDS := $(wordlist 1,$(CPUS),1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 \
	20 21 22 23 24 25 26 27 28 29 30 31 32)
# $(call parts_of,NAMES): the parts that get at least one of NAMES
parts_of = $(wordlist 1,$(words $(1)),$(PART_IDS))
# $(call dealt,K,NAMES): the NAMES of part K
dealt = $(patsubst $(1)/%,%,$(filter $(1)/%,$(join $(addsuffix /,$(wordlist 1, \
	$(words $(2)),$(foreach n,$(2),$(PART_IDS)))),$(2))))
# $(call stamps,DIR,NAMES): the stamps of the parts of DIR
stamps = $(addprefix $(1).part,$(call parts_of,$(2)))
# $(call outputs_missing,DIR,NAMES): the NAMES without all three outputs
outputs_missing = $(strip $(foreach n,$(2),$(if $(word 3,$(wildcard $(1)/$(n).csv \
	$(1)/$(n).rejects $(1)/$(n).log)),,$(n))))
# $(call list_changed,STAMP,WORDS): not empty when STAMP holds other words
# (the sheets of its part and the options they were validated with)
list_changed = $(strip $(foreach l,$(file < $(1)),$(filter-out $(2),$(l))) \
	$(filter-out $(file < $(1)),$(2)))
dry_run = $(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring q,$(firstword -$(MAKEFLAGS)))
# The profile's files (counties.csv, settings.csv, rules.csv, ...): every
# step reads some of them, and one changed makes every step again.
PROFILE_FILES := $(wildcard $(PROFILE_DIR)/*.csv)
VALIDATE_DEPS := $(BIN)/xq-validate $(PROFILE_FILES)

# $(call validate_part,DIR,K,NAMES,PREREQUISITES,INPUT,OPTIONS): the rule of
# part K; PREREQUISITES and INPUT are the names of functions of a sheet's
# name (what it is made from, and the file xq-validate reads), OPTIONS are
# xq-validate's. Whether all must be done again and which outputs are
# missing is worked out when the makefile is read. The names and paths are
# in variables, not in the recipe's text, where a comma in one
# (2020,南关区.csv) would split a function's arguments. make runs the
# command itself, with no shell.
define validate_part
$(1).part$(2): $(foreach n,$(3),$(call $(4),$(n))) $(VALIDATE_DEPS) \
		$(if $(call list_changed,$(1).part$(2),$(6) $(3))$(call outputs_missing,$(1),$(3)),FORCE) | $(1)
	$$(if $$(dry_run),,$$(file >$$@.tmp,$$(part_stamp)))
	$$(Q)$(XQ)/xq-validate $(6) --each -o $(1)/%.csv -r $(1)/%.rejects --log $(1)/%.log \
		$$(foreach n,$$(if $$(part_all)$$(filter $$(VALIDATE_DEPS),$$?),$$(part_names), \
		$$(sort $$(filter $$(part_names),$$(basename $$(notdir $$?))) $$(part_missing))),$$(call $(5),$$(n)))
	$$(Q)mv $$@.tmp $$@
$(1).part$(2): private part_names := $(3)
$(1).part$(2): private part_stamp := $(6) $(3)
$(1).part$(2): private part_all := $(if $(call list_changed,$(1).part$(2),$(6) $(3)),all)
$(1).part$(2): private part_missing := $(call outputs_missing,$(1),$(3))
$$(call run_by_make,$(1).part$(2))
endef
# $(call validate_parts,DIR,NAMES,PREREQUISITES,INPUT,OPTIONS)
validate_parts = $(foreach k,$(call parts_of,$(2)),$(eval $(call validate_part,$(1),$(k),$(call dealt,$(k),$(2)),$(3),$(4),$(5))))

FORCE:
.PHONY: FORCE

$(OUT) $(OUT)/valid $(OUT)/xlsx:
	@mkdir -p $@
