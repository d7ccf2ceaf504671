# plan.mk - from county submissions to the annual plan (SPEC §5).
#
#   submissions/*.csv ─ validate (one county at a time) ─ merge ─ dedupe
#     ─ classify-scope ─ allocate-funds ─ summarize ─▶ out/<profile>/
#
# Each submission is validated on its own, so `make -j` runs counties in
# parallel and a changed file redoes only itself. Every output is written
# under a temporary name and renamed, so an interrupted run leaves nothing
# that looks finished. A filter's exit status 1 (records rejected or
# flagged) is reported, not fatal, unless STRICT=1.

SUBMISSIONS ?= $(PROFILE_DIR)/submissions
SUBMITTED := $(sort $(wildcard $(SUBMISSIONS)/*.csv))
VALIDATED := $(patsubst $(SUBMISSIONS)/%.csv,$(OUT)/valid/%.csv,$(SUBMITTED))
HISTORY ?= $(wildcard $(PROFILE_DIR)/history.csv)
# Last year's evaluation feeds this year's performance factor: settings.csv
# names the profile it comes from (scores_from), or SCORES=FILE names it.
SCORES_FROM := $(shell sed -n 's/^scores_from,\([^,\r]*\).*/\1/p' \
	$(PROFILE_DIR)/settings.csv 2>/dev/null)
ifneq ($(SCORES_FROM),)
ifneq ($(SCORES_FROM),$(notdir $(PROFILE_DIR)))
SCORES ?= out/$(SCORES_FROM)/evaluation.csv
out/$(SCORES_FROM)/evaluation.csv: FORCE
	$(Q)$(MAKE) --no-print-directory evaluation PROFILE=$(SCORES_FROM)
endif
endif
FORCE:
.PHONY: FORCE

PLAN_OUTPUTS := $(addprefix $(OUT)/,plan.csv plan-table.csv plan.txt \
	allocation.csv rejects.csv duplicates.csv exceptions.csv)

# valid/X.csv is the stream of X's valid records, valid/X.rejects its
# problems and valid/X.log what validate said about it.
$(OUT)/valid/%.csv: $(SUBMISSIONS)/%.csv $(BIN)/xq-validate \
		$(PROFILE_DIR)/counties.csv | $(OUT)/valid
	$(Q)$(call tolerate,$(XQ)/xq-validate -p $(PROFILE_DIR) $(if $(YEAR),-y $(YEAR)) \
		-r $(@:.csv=.rejects) -o $@ $< 2> $(@:.csv=.log)) || \
		{ cat $(@:.csv=.log) >&2; exit 1; }

# Every county's records in one stream. xq-validate reads its own output
# unchanged and lines up the columns that only some counties sent (序号, 备注).
$(OUT)/valid.csv: $(VALIDATED)
	$(Q)[ -n "$^" ] || { echo "plan: no submissions in $(SUBMISSIONS)" >&2; exit 1; }
	$(Q)$(call tolerate,$(XQ)/xq-validate -q -p $(PROFILE_DIR) -o $@ $^)

$(OUT)/rejects.csv: $(VALIDATED)
	$(Q){ head -n 1 $(<:.csv=.rejects); \
	  for f in $(^:.csv=.rejects); do tail -n +2 "$$f"; done; } > $@.tmp
	$(Q)mv $@.tmp $@

$(OUT)/validate.log: $(VALIDATED)
	$(Q)cat $(^:.csv=.log) > $@.tmp && mv $@.tmp $@

$(OUT)/deduped.csv $(OUT)/duplicates.csv &: $(OUT)/valid.csv $(BIN)/xq-dedupe $(HISTORY)
	$(Q)$(call tolerate,$(XQ)/xq-dedupe -p $(PROFILE_DIR) $(if $(HISTORY),-H $(HISTORY)) \
		-d $(OUT)/duplicates.csv -o $(OUT)/deduped.csv $< 2> $(OUT)/dedupe.log) || \
		{ cat $(OUT)/dedupe.log >&2; exit 1; }

$(OUT)/scoped.csv $(OUT)/exceptions.csv &: $(OUT)/deduped.csv $(BIN)/xq-classify-scope
	$(Q)$(call tolerate,$(XQ)/xq-classify-scope -p $(PROFILE_DIR) \
		-x $(OUT)/exceptions.csv -o $(OUT)/scoped.csv $< 2> $(OUT)/classify.log) || \
		{ cat $(OUT)/classify.log >&2; exit 1; }

$(OUT)/plan.csv $(OUT)/allocation.csv &: $(OUT)/scoped.csv $(BIN)/xq-allocate-funds $(SCORES)
	$(Q)$(call tolerate,$(XQ)/xq-allocate-funds -p $(PROFILE_DIR) $(if $(BUDGET),-b $(BUDGET)) \
		$(if $(SCORES),-S $(SCORES)) -c $(OUT)/allocation.csv -o $(OUT)/plan.csv $< \
		2> $(OUT)/allocate.log) || { cat $(OUT)/allocate.log >&2; exit 1; }

$(OUT)/plan-table.csv: $(OUT)/plan.csv $(BIN)/xq-summarize
	$(Q)$(XQ)/xq-summarize -p $(PROFILE_DIR) -o $@ $<

$(OUT)/plan.txt: $(OUT)/plan.csv $(BIN)/xq-summarize
	$(Q)$(XQ)/xq-summarize -p $(PROFILE_DIR) -f table -o $@ $<

plan: $(PLAN_OUTPUTS) $(OUT)/validate.log
	$(Q)pipelines/audit plan $(OUT) $(XQ)
.PHONY: plan

audit: $(PLAN_OUTPUTS) $(OUT)/validate.log
	$(Q)pipelines/audit plan $(OUT) $(XQ) verbose
.PHONY: audit
