# plan.mk - from county submissions to the annual plan (SPEC §5).
#
# Each submission is validated on its own, so `make -j` runs counties in
# parallel and a changed file redoes only itself. For now the plan stops
# after validation: dedupe, classify-scope, allocate-funds and summarize are
# not built yet.

SUBMISSIONS ?= $(PROFILE_DIR)/submissions
SUBMITTED := $(sort $(wildcard $(SUBMISSIONS)/*.csv))
VALIDATED := $(patsubst $(SUBMISSIONS)/%.csv,$(OUT)/valid/%.csv,$(SUBMITTED))

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

plan: $(OUT)/valid.csv $(OUT)/rejects.csv $(OUT)/validate.log
	$(Q)awk '/ records: / { for (i = 1; i <= NF; i++) { \
	    if ($$(i+1) ~ /^records:/) n += $$i; \
	    if ($$(i+1) ~ /^valid,/) v += $$i; \
	    if ($$(i+1) ~ /^rejected/) r += $$i } } \
	  END { printf "plan: %d records in = %d valid + %d rejected\n", n, v, r; \
	    if (n != v + r) { print "plan: the balance does not hold" ; exit 1 } }' \
	  $(OUT)/validate.log >&2
	$(Q)echo "plan: wrote $(OUT)/valid.csv ($(words $(VALIDATED)) submissions)," \
	  "$(OUT)/rejects.csv and $(OUT)/validate.log" >&2
	$(Q)echo "plan: dedupe, classify-scope, allocate-funds and summarize are not" \
	  "built yet: the plan stops after validation" >&2
.PHONY: plan
