# plan.mk - from county submissions to the annual plan (SPEC §5).
#
#   submissions/X.csv ─────────────── validate X ─┐   (one county at a time)
#   submissions/Y.xlsx ─ ssconvert ── validate Y ─┴─ merge ─ dedupe
#     ─ classify-scope ─ allocate-funds ─ summarize ─▶ OUTDIR/<profile>/
#
#   make plan [PROFILE=jilin-2020 | PROFILE_DIR=DIR] [SUBMISSIONS=DIR]
#             [OUTDIR=out] [YEAR=…] [BUDGET=…] [HISTORY=FILE] [SCORES=FILE]
#             [STRICT=1]
#
# Each submission is validated on its own, so `make -j` runs counties in
# parallel and a changed file redoes only itself, then the merge and what
# follows it. Every output is written under a temporary name and renamed, so
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

# $(call refuse_unsafe,DIR...): stops make when a name of a DIR's *.csv and
# *.xlsx files (but Excel's lock files ~$X.xlsx) holds anything but letters,
# digits, . _ - + , @ and non-ASCII text (Chinese, full-width brackets):
# make splits a name at a space, and the shell would run $( ), ` and ; in
# one. The first such folder is named, and its names in double quotes.
# (One bash for all the folders, no fork per file.)
unsafe_names = $(strip $(shell shopt -s nullglob; LC_ALL=C; \
	for d in $(1); do u=; for f in "$$d"/*.csv "$$d"/*.xlsx; do n=$${f##*/}; \
		case $$n in ('~$$'*) continue ;; esac; \
		r=$${n//[A-Za-z0-9._+,@-]/}; r=$${r//[$$'\x80'-$$'\xff']/}; \
		[ -z "$$r" ] || { printf -v q '"%s" ' "$$n"; u+=$$q; }; done; \
		[ -z "$$u" ] || { printf '%s: file names with a space or a character the shell would act on cannot be read safely: %s' "$$d" "$$u"; break; }; \
	done))
refuse_unsafe = $(call refuse_names,$(call unsafe_names,$(1)))
refuse_names = $(if $(1),$(error $(1); rename them with letters, digits, \
	Chinese text and . _ - + , @ only))
# Excel's lock files (~$X.xlsx, while X.xlsx is open) are no submissions.
CSV_IN := $(sort $(filter-out $(SUBMISSIONS)/~%,$(wildcard $(SUBMISSIONS)/*.csv)))
XLSX_IN := $(sort $(filter-out $(SUBMISSIONS)/~%,$(wildcard $(SUBMISSIONS)/*.xlsx)))
# The other files are named on stderr and left alone: by the shell (a name
# with a space is one name), through the environment (a name is never code).
IGNORED := $(shell shopt -s nullglob; LC_ALL=C; for f in $(SUBMISSIONS)/*; do \
	n=$${f##*/}; case $$n in ('~$$'*) ;; (*.csv | *.xlsx) continue ;; esac; \
	printf '%s ' "$$n"; done)
SUBMITTED := $(strip $(CSV_IN) $(XLSX_IN))
# A submission is named by its file's name less .csv or .xlsx.
NAMES_CSV := $(basename $(notdir $(CSV_IN)))
NAMES_XLSX := $(basename $(notdir $(XLSX_IN)))
DOUBLED := $(filter $(NAMES_CSV),$(NAMES_XLSX))
NAMES := $(sort $(NAMES_CSV) $(NAMES_XLSX))
VALIDATED := $(NAMES:%=$(OUT)/valid/%.csv)

HISTORY ?= $(wildcard $(PROFILE_DIR)/history.csv)
# Last year's evaluation feeds this year's performance factor: settings.csv
# names the profile it comes from (scores_from), which is looked for beside
# this one; or SCORES=FILE names the scores file, and no evaluation is run.
# The evaluation is made by a make of its own, with that profile's folders,
# not this run's SUBMISSIONS, YEAR, STRICT or HISTORY, when one of its files
# or folders (a file added or taken away) or filters is newer than it.
SCORES_FROM := $(shell sed -n 's/^scores_from,\([^,\r]*\).*/\1/p' \
	$(PROFILE_DIR)/settings.csv 2>/dev/null)
ifneq ($(SCORES_FROM),)
ifneq ($(SCORES_FROM),$(notdir $(PROFILE_DIR)))
SCORES_DIR := $(dir $(PROFILE_DIR))$(SCORES_FROM)
SCORES ?= $(OUTDIR)/$(SCORES_FROM)/evaluation.csv
$(OUTDIR)/$(SCORES_FROM)/evaluation.csv: $(wildcard $(SCORES_DIR) $(SCORES_DIR)/* \
		$(SCORES_DIR)/*/*) $(addprefix $(BIN)/xq-,validate dedupe \
		classify-scope score-performance)
	$(Q)[ -d $(SCORES_DIR) ] || { echo "plan: $(PROFILE_DIR)/settings.csv takes" \
		"its scores from $(SCORES_FROM), but there is no $(SCORES_DIR)" >&2; exit 1; }
	$(Q)$(MAKE) -s --no-print-directory $@ PROFILE=$(SCORES_FROM) \
		PROFILE_DIR=$(SCORES_DIR) OUT=$(@D) SUBMISSIONS=$(SCORES_DIR)/submissions \
		PROGRESS=$(SCORES_DIR)/progress HISTORY=$(wildcard $(SCORES_DIR)/history.csv) \
		YEAR= STRICT=
endif
endif

PLAN_OUTPUTS := $(addprefix $(OUT)/,plan.csv plan-table.csv plan.txt \
	allocation.csv rejects.csv duplicates.csv exceptions.csv)

# ---- bookkeeping, before any rule runs ---------------------------------------
# valid/X.src holds the path, size and time of the file X is read from. It
# is rewritten only when one of them changes, and valid/X.csv depends on it,
# so X is read again when its file is replaced by another that make's times
# alone would miss: an .xlsx for a .csv, another SUBMISSIONS folder, an older
# copy unzipped over it. The files of a submission no longer there are
# removed, and submissions.list, which names them all, tells the merge that
# one went. The temporary files a killed run left behind are removed.
# (One bash, one stat, one rm: some milliseconds.)
ifneq ($(PIPELINE_RUN),)
# the submissions, and the progress reports of make evaluation (evaluation.mk)
$(call refuse_unsafe,$(SUBMISSIONS) $(or $(PROGRESS),$(PROFILE_DIR)/progress))
ifneq ($(DOUBLED),)
$(error plan: $(SUBMISSIONS) has both .csv and .xlsx for $(DOUBLED): take away \
	the one that is not the submission)
endif
$(shell set -eu; dir=$(OUT)/valid; mkdir -p "$$dir" $(OUT)/xlsx; \
	rm -f "$$dir"/*.tmp* $(OUT)/*.tmp* $(OUT)/progress/*.tmp*; \
	for f in "$$dir"/*.src $(OUT)/xlsx/*.csv; do \
		[ -e "$$f" ] || continue; n=$${f##*/}; n=$${n%.*}; \
		case " $(NAMES) " in (*" $$n "*) ;; \
		(*) rm -f "$$dir/$$n".csv "$$dir/$$n".rejects "$$dir/$$n".log \
			"$$dir/$$n".src $(OUT)/xlsx/"$$n".csv ;; esac; \
	done; \
	$(if $(SUBMITTED),stat -L -c '%n %s %Y' $(SUBMITTED) | \
	while read -r path rest; do \
		n=$${path##*/}; n=$${n%.*}; old=; \
		[ ! -e "$$dir/$$n.src" ] || read -r old < "$$dir/$$n.src" || :; \
		[ "$$old" = "$$path $$rest" ] || echo "$$path $$rest" > "$$dir/$$n.src"; \
	done;) \
	old=; [ ! -e $(OUT)/submissions.list ] || read -r old < $(OUT)/submissions.list || :; \
	[ "$$old" = "$(SUBMITTED)" ] || echo "$(SUBMITTED)" > $(OUT)/submissions.list)
endif
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
	$(XQ)/xq-validate --exit-zero -p $(PROFILE_DIR) $(if $(YEAR),-y $(YEAR)))
VALID_PARTS := $(call stamps,$(OUT)/valid,$(NAMES))

include pipelines/xlsx.mk

# ---- the province --------------------------------------------------------------
# Every county's records in one stream. xq-validate reads its own output
# unchanged and lines up the columns that only some counties sent (序号, 备注).
$(OUT)/valid.csv: $(VALID_PARTS) $(OUT)/submissions.list
	$(Q)[ -n "$(VALIDATED)" ] || { echo "plan: no submissions (*.csv, *.xlsx)" \
		"in $(SUBMISSIONS)" >&2; exit 1; }
	$(Q)$(XQ)/xq-validate -q --exit-zero --log $(OUT)/merge.log -p $(PROFILE_DIR) \
		-o $@ $(VALIDATED)

# The counties' rejects under one header, and their logs one after the other.
$(OUT)/rejects.csv $(OUT)/validate.log &: $(VALID_PARTS) $(OUT)/submissions.list
	$(Q)awk 'FNR > 1 || NR == 1' $(VALIDATED:.csv=.rejects) > $(OUT)/rejects.csv.tmp && \
	cat $(VALIDATED:.csv=.log) > $(OUT)/validate.log.tmp && \
	mv $(OUT)/rejects.csv.tmp $(OUT)/rejects.csv && \
	mv $(OUT)/validate.log.tmp $(OUT)/validate.log

$(OUT)/deduped.csv $(OUT)/duplicates.csv &: $(OUT)/valid.csv $(BIN)/xq-dedupe $(HISTORY)
	$(Q)$(call finished,$(XQ)/xq-dedupe -p $(PROFILE_DIR) $(if $(HISTORY),-H $(HISTORY)) \
		-d $(OUT)/duplicates.csv -o $(OUT)/deduped.csv $<,$(OUT)/dedupe.log)

$(OUT)/scoped.csv $(OUT)/exceptions.csv &: $(OUT)/deduped.csv $(BIN)/xq-classify-scope
	$(Q)$(call finished,$(XQ)/xq-classify-scope -p $(PROFILE_DIR) \
		-x $(OUT)/exceptions.csv -o $(OUT)/scoped.csv $<,$(OUT)/classify.log)

$(OUT)/plan.csv $(OUT)/allocation.csv &: $(OUT)/scoped.csv $(BIN)/xq-allocate-funds $(SCORES)
	$(Q)$(call finished,$(XQ)/xq-allocate-funds -p $(PROFILE_DIR) $(if $(BUDGET),-b $(BUDGET)) \
		$(if $(SCORES),-S $(SCORES)) -c $(OUT)/allocation.csv -o $(OUT)/plan.csv $<, \
		$(OUT)/allocate.log)

$(OUT)/plan-table.csv: $(OUT)/plan.csv $(BIN)/xq-summarize
	$(Q)$(XQ)/xq-summarize -p $(PROFILE_DIR) -o $@ $<

$(OUT)/plan.txt: $(OUT)/plan.csv $(BIN)/xq-summarize
	$(Q)$(XQ)/xq-summarize -p $(PROFILE_DIR) -f table -o $@ $<

# The balance (pipelines/audit), then STRICT: the records validate rejected.

plan: export XQ_IGNORED = $(strip $(IGNORED))
# The audit run by make itself, no shell around it.
plan: private SHELL := /bin/sh
plan: private .SHELLFLAGS := -c
plan: $(PLAN_OUTPUTS) $(OUT)/validate.log
	$(Q)$(if $(IGNORED),echo "plan: left alone in $(SUBMISSIONS) (only *.csv and" \
		"*.xlsx are read): $$XQ_IGNORED" >&2)
	$(Q)pipelines/audit plan $(OUT) $(XQ) "" $(SUBMISSIONS)
ifeq ($(STRICT),1)
	$(Q)n=$$($(call rejected_count,$(VALIDATED:.csv=.log))); \
	[ "$$n" -eq 0 ] || { echo "plan: STRICT=1:" \
		"$$n records rejected, listed in $(OUT)/rejects.csv" >&2; exit 1; }
endif
.PHONY: plan

audit: $(PLAN_OUTPUTS) $(OUT)/validate.log
	$(Q)pipelines/audit plan $(OUT) $(XQ) verbose
.PHONY: audit
