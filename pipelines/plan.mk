# plan.mk - from county submissions to the annual plan (SPEC §5).
#
#   submissions/X.csv ─────────────── validate X ─┐   (each county on its own)
#   submissions/Y.xlsx ─ ssconvert ── validate Y ─┴─ merge ─ dedupe
#     ─ classify-scope ─ allocate-funds ─ summarize ─▶ OUTDIR/<profile>/
#
#   make plan [PROFILE=jilin-2020 | PROFILE_DIR=DIR] [SUBMISSIONS=DIR]
#             [OUTDIR=out] [YEAR=…] [BUDGET=…] [HISTORY=FILE] [SCORES=FILE]
#             [STRICT=1]
#
# Each submission is validated on its own, the counties in one part per
# processor (one process each), so `make -j` runs them in parallel and a
# changed file redoes only itself, then the merge and what follows it. Every output is written under a temporary name and renamed, so
# an interrupted run leaves nothing that looks finished; the temporary file
# of a filter killed half way is removed when its output is made again.
#
# SUBMISSIONS=DIR reads another folder, such as an inbox the counties drop
# their sheets into (by copying to another name and renaming: a file is read
# as it is when the run finds it). Its *.csv files are read as they are, its
# *.xlsx files converted first (xlsx.mk); anything else is named on stderr and
# left alone, and X.csv beside X.xlsx is an error. A sheet taken away is
# taken out of the plan, and one replaced by another file, even an older one,
# is read again.
#
# Exit status: 0 when every output is written and the balance holds (the line
# "N records in = …" on stderr, pipelines/audit). A record rejected by
# validate, a duplicate dropped by dedupe and an exception of classify-scope
# are results, listed in rejects.csv, duplicates.csv and exceptions.csv and
# counted on the balance line. With STRICT=1 the run fails (make exits 2)
# when any record was rejected: that is a sheet with errors, for a county to
# correct and send again. The check comes after every output is written, so
# rejects.csv is whole, and it is made on every run, so a run that changed
# nothing fails again as long as the rejected records are there. Duplicates
# and exceptions do not fail it: they are the profile's rules at work (a
# community renovated in an earlier year, built after 2000, short of a gate),
# and xianning-2024, a clean province, has 5 exceptions. Validate's warnings
# do not fail it either.
#
# A cron job that plans the inbox every ten minutes, never two runs at once
# (flock waits up to 9 minutes for the last run, then gives up and says so),
# silent when the run succeeds; when it fails, cron mails what it printed:
#
#   */10 * * * * cd /srv/xiaoqu && flock -w 540 /run/lock/xiaoqu.lock sh -c 'log=$(make -s plan PROFILE_DIR=/srv/xiaoqu/jilin-2021 SUBMISSIONS=/srv/inbox STRICT=1 2>&1) || { echo "$log"; exit 1; }' || echo "xiaoqu: make plan failed, or the last run held the lock 9 minutes (exit $?)"

SUBMISSIONS ?= $(PROFILE_DIR)/submissions

# Excel's lock files (~$X.xlsx, while X.xlsx is open) are no submissions.
CSV_IN := $(sort $(filter-out $(SUBMISSIONS)/~%,$(wildcard $(SUBMISSIONS)/*.csv)))
XLSX_IN := $(sort $(filter-out $(SUBMISSIONS)/~%,$(wildcard $(SUBMISSIONS)/*.xlsx)))
SUBMITTED := $(strip $(CSV_IN) $(XLSX_IN))
# A submission is named by its file's name less .csv or .xlsx.
NAMES_CSV := $(basename $(notdir $(CSV_IN)))
NAMES_XLSX := $(basename $(notdir $(XLSX_IN)))
DOUBLED := $(filter $(NAMES_CSV),$(NAMES_XLSX))
NAMES := $(sort $(NAMES_CSV) $(NAMES_XLSX))
VALIDATED := $(NAMES:%=$(OUT)/valid/%.csv)

HISTORY ?= $(wildcard $(PROFILE_DIR)/history.csv)
# Last year's evaluation feeds this year's performance factor: settings.csv
# names the profile it comes from (scores_from, read by pipelines/bookkeeping
# below), which is looked for beside this one; or SCORES=FILE names the
# scores file, and no evaluation is run.
# The evaluation is made by a make of its own, with that profile's folders,
# not this run's SUBMISSIONS, YEAR, STRICT or HISTORY, when one of its files
# or folders (a file added or taken away) or filters is newer than it.

# ---- bookkeeping, before any rule runs ---------------------------------------
# pipelines/bookkeeping, one bash run by make itself, checks the file names
# of the submissions and progress reports (make stops on one the shell
# would act on), names the files left alone, keeps valid/X.src and
# submissions.list, removes what a killed run left behind and prints
# settings.csv's scores_from.
ifneq ($(PIPELINE_RUN),)
ifneq ($(DOUBLED),)
$(error plan: $(SUBMISSIONS) has both .csv and .xlsx for $(DOUBLED): take away \
	the one that is not the submission)
endif
# (SHELL is /bin/sh while it runs, for make to start bash itself: see
# run_by_make in common.mk)
saved_shell := $(SHELL) $(.SHELLFLAGS)
SHELL := /bin/sh
.SHELLFLAGS := -c
BOOKKEEPING := $(shell bash pipelines/bookkeeping $(if $(filter evaluation,\
	$(PIPELINE_RUN)),evaluation,plan) $(OUT) $(SUBMISSIONS) \
	$(or $(PROGRESS),$(PROFILE_DIR)/progress) $(PROFILE_DIR)/settings.csv)
SHELL := $(firstword $(saved_shell))
.SHELLFLAGS := $(wordlist 2,$(words $(saved_shell)),$(saved_shell))
ifneq ($(filter /unsafe,$(BOOKKEEPING)),)
$(error stopped: the file names above cannot be read safely)
endif
SCORES_FROM := $(firstword $(BOOKKEEPING))
endif
ifneq ($(SCORES_FROM),)
ifneq ($(SCORES_FROM),$(notdir $(PROFILE_DIR)))
SCORES_DIR := $(dir $(PROFILE_DIR))$(SCORES_FROM)
SCORES ?= $(OUTDIR)/$(SCORES_FROM)/evaluation.csv
$(OUTDIR)/$(SCORES_FROM)/evaluation.csv: $(wildcard $(SCORES_DIR) $(SCORES_DIR)/* \
		$(SCORES_DIR)/*/*) $(addprefix $(BIN)/xq-,validate dedupe \
		classify-scope score-performance)
ifeq ($(wildcard $(SCORES_DIR)),)
	$(Q)echo "plan: $(PROFILE_DIR)/settings.csv takes its scores from" \
		"$(SCORES_FROM), but there is no $(SCORES_DIR)" >&2; exit 1
else
	$(Q)$(MAKE) -s --no-print-directory $@ PROFILE=$(SCORES_FROM) \
		PROFILE_DIR=$(SCORES_DIR) OUT=$(@D) SUBMISSIONS=$(SCORES_DIR)/submissions \
		PROGRESS=$(SCORES_DIR)/progress HISTORY=$(wildcard $(SCORES_DIR)/history.csv) \
		YEAR= STRICT=
endif
$(call run_by_make,$(OUTDIR)/$(SCORES_FROM)/evaluation.csv)
endif
endif

PLAN_OUTPUTS := $(addprefix $(OUT)/,plan.csv plan-table.csv plan.txt \
	allocation.csv rejects.csv duplicates.csv exceptions.csv)

$(OUT)/valid/%.src: ;
$(OUT)/submissions.list: ;

# ---- validate, each submission on its own --------------------------------------
# valid/X.csv is the stream of X's valid records, valid/X.rejects its
# problems and valid/X.log what validate said about it. Records from X.xlsx
# carry source X.csv and the line in xlsx/X.csv, kept for that.
# The submissions are validated in parts, one xq-validate --each a part
# (common.mk), with no shell around it: each writes a county's messages to
# its log, and records it rejected are a result here, not a failure
# (--exit-zero; STRICT=1 reads the logs).
submission_in = $(if $(filter $(1),$(NAMES_XLSX)),$(OUT)/xlsx,$(SUBMISSIONS))/$(1).csv
submission_from = $(call submission_in,$(1)) $(OUT)/valid/$(1).src
$(call validate_parts,$(OUT)/valid,$(NAMES),submission_from,submission_in,\
	--exit-zero -p $(PROFILE_DIR) $(if $(YEAR),-y $(YEAR)))
VALID_PARTS := $(call stamps,$(OUT)/valid,$(NAMES))

include pipelines/xlsx.mk

# ---- the province --------------------------------------------------------------
# Every county's records in one stream. xq-validate reads its own output
# unchanged and lines up the columns that only some counties sent (序号, 备注).
$(OUT)/valid.csv: $(VALID_PARTS) $(OUT)/submissions.list
	$(Q)$(if $(VALIDATED),$(XQ)/xq-validate -q --exit-zero --log $(OUT)/merge.log \
		-p $(PROFILE_DIR) -o $@ $(VALIDATED),echo "plan: no submissions" \
		"(*.csv, *.xlsx) in $(SUBMISSIONS)" >&2; exit 1)
$(call run_by_make,$(OUT)/valid.csv)

# The counties' rejects under one header, and their logs one after the other.
$(OUT)/rejects.csv $(OUT)/validate.log &: $(VALID_PARTS) $(OUT)/submissions.list
	$(Q)awk 'FNR > 1 || NR == 1' $(VALIDATED:.csv=.rejects) > $(OUT)/rejects.csv.tmp && \
	cat $(VALIDATED:.csv=.log) > $(OUT)/validate.log.tmp && \
	mv $(OUT)/rejects.csv.tmp $(OUT)/rejects.csv && \
	mv $(OUT)/validate.log.tmp $(OUT)/validate.log

# The filters below write their messages to their logs themselves (--log),
# and records they drop, flag or send to exceptions are results here, not
# failures (--exit-zero): make runs each with no shell around it.
$(OUT)/deduped.csv $(OUT)/duplicates.csv &: $(OUT)/valid.csv $(BIN)/xq-dedupe $(HISTORY) \
		$(PROFILE_FILES)
	$(Q)$(XQ)/xq-dedupe --exit-zero --log $(OUT)/dedupe.log -p $(PROFILE_DIR) \
		$(if $(HISTORY),-H $(HISTORY)) -d $(OUT)/duplicates.csv -o $(OUT)/deduped.csv $<

$(OUT)/scoped.csv $(OUT)/exceptions.csv &: $(OUT)/deduped.csv $(BIN)/xq-classify-scope \
		$(PROFILE_FILES)
	$(Q)$(XQ)/xq-classify-scope --exit-zero --log $(OUT)/classify.log -p $(PROFILE_DIR) \
		-x $(OUT)/exceptions.csv -o $(OUT)/scoped.csv $<

$(OUT)/plan.csv $(OUT)/allocation.csv &: $(OUT)/scoped.csv $(BIN)/xq-allocate-funds $(SCORES) \
		$(PROFILE_FILES)
	$(Q)$(XQ)/xq-allocate-funds --exit-zero --log $(OUT)/allocate.log -p $(PROFILE_DIR) \
		$(if $(BUDGET),-b $(BUDGET)) $(if $(SCORES),-S $(SCORES)) \
		-c $(OUT)/allocation.csv -o $(OUT)/plan.csv $<

$(OUT)/plan-table.csv: $(OUT)/plan.csv $(BIN)/xq-summarize $(PROFILE_FILES)
	$(Q)$(XQ)/xq-summarize -p $(PROFILE_DIR) -o $@ $<

$(OUT)/plan.txt: $(OUT)/plan.csv $(BIN)/xq-summarize $(PROFILE_FILES)
	$(Q)$(XQ)/xq-summarize -p $(PROFILE_DIR) -f table -o $@ $<

$(call run_by_make,$(addprefix $(OUT)/,deduped.csv duplicates.csv scoped.csv \
	exceptions.csv plan.csv allocation.csv plan-table.csv plan.txt))

# The balance (pipelines/audit), then STRICT: the records validate rejected.

# The audit run by make itself, no shell around it.
$(call run_by_make,plan)
plan: $(PLAN_OUTPUTS) $(OUT)/validate.log
	$(Q)pipelines/audit plan $(OUT) $(XQ) brief $(SUBMISSIONS)
ifeq ($(STRICT),1)
	$(Q)n=$$($(call rejected_count,$(VALIDATED:.csv=.log))); \
	[ "$$n" -eq 0 ] || { echo "plan: STRICT=1:" \
		"$$n records rejected, listed in $(OUT)/rejects.csv" >&2; exit 1; }
endif
.PHONY: plan

audit: $(PLAN_OUTPUTS) $(OUT)/validate.log
	$(Q)pipelines/audit plan $(OUT) $(XQ) verbose
.PHONY: audit
