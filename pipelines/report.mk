# report.mk - one HTML page per profile, with charts (SPEC §5).
#
#   make report [PROFILE=jilin-2020]  ─▶ out/<profile>/report.html
#
# The page has what the profile's pipelines give: the plan (allocation,
# households and investment, category mix, the county table, the balance and
# the side files) when the profile has submissions and a budget, and the
# evaluation (scores and grades, points by indicator, the county table) when
# it has progress reports. Every chart is gnuplot's SVG, put inline: the page
# is one file, linking only to the side files next to it.

# (settings.csv is read only when the report is wanted: make plan runs
# this file too, and a process costs milliseconds.)
REPORT_BUDGET := $(if $(filter report %report.html,$(MAKECMDGOALS)),$(or $(BUDGET), \
	$(shell sed -n 's/^budget,\([^,\r]*\).*/\1/p' $(PROFILE_DIR)/settings.csv \
	2>/dev/null)))
REPORT_SECTIONS := $(if $(and $(SUBMITTED),$(REPORT_BUDGET)),plan) \
	$(if $(REPORTED),evaluation)
REPORT_INPUTS := $(if $(filter plan,$(REPORT_SECTIONS)),$(PLAN_OUTPUTS) \
	$(OUT)/balance.txt) $(if $(filter evaluation,$(REPORT_SECTIONS)), \
	$(OUT)/evaluation.csv $(OUT)/evaluation-total.csv $(OUT)/progress-rejects.csv)
REPORT_PROFILE := $(wildcard $(addprefix $(PROFILE_DIR)/,settings.csv rules.csv \
	grades.csv))

# The audit's lines (records in = out, money allocated = budget), for the page.
$(OUT)/balance.txt: $(PLAN_OUTPUTS) $(OUT)/validate.log
	$(Q)pipelines/audit plan $(OUT) $(XQ) 2> $@.tmp || { cat $@.tmp >&2; rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

$(OUT)/report.html: pipelines/report.sh $(REPORT_INPUTS) $(REPORT_PROFILE)
	$(Q)[ -n "$(strip $(REPORT_SECTIONS))" ] || { echo "report: $(PROFILE_DIR) has" \
		"neither submissions with a budget nor progress reports" >&2; exit 1; }
	$(Q)pipelines/need-packages "make report" gnuplot-nox
	$(Q)pipelines/report.sh -p $(PROFILE_DIR) $(REPORT_SECTIONS:%=-s %) $(OUT) > $@.tmp || \
		{ rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

report: $(OUT)/report.html
	$(Q)echo "report: wrote $<" >&2
.PHONY: report
