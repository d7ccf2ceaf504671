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
BUILD_GOALS := all clean check test-deps bench install uninstall
PIPELINE_RUN := $(filter-out $(BUILD_GOALS),$(MAKECMDGOALS))

# $(call tolerate,COMMAND): run COMMAND, accept exit status 1 unless STRICT=1
# (evaluation.mk; plan.mk reads STRICT once the plan is written).
tolerate = { $(1); } || { s=$$?; [ $$s -eq 1 ] && [ "$(STRICT)" != 1 ]; }

# $(call finished,COMMAND,LOG): run COMMAND with its messages to LOG, written
# under a temporary name and renamed; exit status 1 is accepted, and on any
# other the messages are shown and the step fails.
finished = { $(1); } 2> $(2).tmp || [ $$? -eq 1 ] || { cat $(2).tmp >&2; exit 1; }; \
	mv $(2).tmp $(2)

$(OUT) $(OUT)/valid $(OUT)/xlsx:
	@mkdir -p $@
