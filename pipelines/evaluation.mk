# evaluation.mk - from progress reports to the county evaluation (SPEC §5).
#
#   progress/*.csv ─ validate -s progress (each county on its own) ─ merge
#     ─ score-performance (joined to the profile's plan rows: scoped.csv of
#       plan.mk) ─ summarize ─▶ out/<profile>/evaluation.csv, evaluation.txt
#
# evaluation.csv is what xq-allocate-funds -S reads next year: a profile's
# settings.csv names the profile whose evaluation it uses (scores_from).

PROGRESS ?= $(PROFILE_DIR)/progress
REPORTED := $(sort $(wildcard $(PROGRESS)/*.csv))
PROGRESS_VALID := $(patsubst $(PROGRESS)/%.csv,$(OUT)/progress/%.csv,$(REPORTED))

$(OUT)/progress:
	@mkdir -p $@

# in parts, as plan.mk validates the submissions (common.mk)
REPORTS := $(basename $(notdir $(REPORTED)))
progress_in = $(PROGRESS)/$(1).csv
$(call validate_parts,$(OUT)/progress,$(REPORTS),progress_in,progress_in,\
	--exit-zero -s progress -p $(PROFILE_DIR) $(if $(YEAR),-y $(YEAR)))
PROGRESS_PARTS := $(call stamps,$(OUT)/progress,$(REPORTS))

$(OUT)/progress.csv: $(PROGRESS_PARTS)
	$(Q)$(if $(PROGRESS_VALID),$(XQ)/xq-validate -q --exit-zero -s progress \
		-p $(PROFILE_DIR) -o $@ $(PROGRESS_VALID),echo "evaluation: no progress" \
		"reports in $(PROGRESS)" >&2; exit 1)
$(call run_by_make,$(OUT)/progress.csv)

$(OUT)/progress-rejects.csv: $(PROGRESS_PARTS)
	$(Q)awk 'FNR > 1 || NR == 1' $(PROGRESS_VALID:.csv=.rejects) > $@.tmp && mv $@.tmp $@

$(OUT)/evaluation.csv $(OUT)/evaluation-total.csv &: $(OUT)/progress.csv \
		$(OUT)/scoped.csv $(BIN)/xq-score-performance $(PROFILE_FILES)
	$(Q)$(XQ)/xq-score-performance --exit-zero --log $(OUT)/score.log \
		-p $(PROFILE_DIR) -P $(OUT)/scoped.csv -t $(OUT)/evaluation-total.csv \
		-o $(OUT)/evaluation.csv $<
$(call run_by_make,$(OUT)/evaluation.csv $(OUT)/evaluation-total.csv)

$(OUT)/evaluation.txt: $(OUT)/evaluation.csv $(OUT)/evaluation-total.csv \
		$(BIN)/xq-summarize
	$(Q){ $(XQ)/xq-summarize --rows -f table $(OUT)/evaluation.csv; echo; \
	  $(XQ)/xq-summarize --rows -f table $(OUT)/evaluation-total.csv; } > $@.tmp
	$(Q)mv $@.tmp $@

# STRICT=1, as for the plan: a failure when validate rejected a progress
# record, once everything is written. Flagged rows are the rules at work.

evaluation: $(OUT)/evaluation.csv $(OUT)/evaluation.txt $(OUT)/progress-rejects.csv
	$(Q)cat $(OUT)/score.log >&2
	$(Q)echo "evaluation: wrote $(OUT)/evaluation.csv and $(OUT)/evaluation.txt" >&2
ifeq ($(STRICT),1)
	$(Q)n=$$($(call rejected_count,$(PROGRESS_VALID:.csv=.log))); \
	[ "$$n" -eq 0 ] || { echo "evaluation:" \
		"STRICT=1: $$n progress records rejected, listed in" \
		"$(OUT)/progress-rejects.csv" >&2; exit 1; }
endif
.PHONY: evaluation
