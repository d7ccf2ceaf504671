# common.mk - what every pipeline shares: the profile, the output folder and
# how a filter's exit status is read (1 means "finished, some records were
# rejected or flagged").

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

# $(call rejected_count,LOG...): the records validate rejected, summed from
# the summary lines of its logs (as pipelines/audit reads them).
rejected_count = awk '/ records?: / { for (i = 2; i <= NF; i++) \
	if (index($$i, "rejected") == 1) n += $$(i - 1) } END { print n + 0 }' $(1)

# $(call finished,COMMAND,LOG): run COMMAND with its messages to LOG,
# written under a temporary name and renamed; exit status 1 is accepted, and
# on any other the messages are shown and the step fails. (The temporary
# files of a run killed half way are removed when the next run starts, by
# plan.mk's bookkeeping.)
finished = { $(1); } 2> $(2).tmp || [ $$? -eq 1 ] || { cat $(2).tmp >&2; exit 1; }; \
	mv $(2).tmp $(2)

$(OUT) $(OUT)/valid $(OUT)/xlsx:
	@mkdir -p $@
