# xlsx.mk - spreadsheets among the submissions (SPEC §2.1), included by plan.mk.
#
#   SUBMISSIONS/X.xlsx ─ ssconvert ─▶ OUT/xlsx/X.csv ─ validate ─▶ OUT/valid/X.csv
#
# gnumeric's ssconvert writes the first sheet of the workbook as CSV, which
# plan.mk validates as it does a submitted X.csv; the records' source is
# X.csv and their line the line in xlsx/X.csv (a cell with a line break takes
# two), which is kept for that. gnumeric is installed (or asked for) only when
# there is an .xlsx to convert.
#
# The export options, each for a reason:
#   -S …/%n.csv          one file per sheet, numbered from 0: the first sheet
#                        is 0.csv, whichever sheet was open when the file was
#                        saved (without -S ssconvert writes that one)
#   format=automatic     every number in full, whatever the cell shows: an
#                        18-digit code stays whole and 5060.04 stays 5060.04
#                        (format=preserve writes what the column's width lets
#                        the cell show: 4.223E+17, 5E+03); a date as
#                        yyyy/mm/dd (1989年3月5日 → 1989/03/05), which
#                        xq-validate reads; a percentage as its fraction
#                        (86% → 0.86); text as it is
#   locale=C             a decimal point whatever the machine's locale
#   charset=UTF-8 eol=unix separator=, quoting-mode=auto
#                        RFC 4180 CSV in UTF-8, quotes only where needed
XLSX_EXPORT := -T Gnumeric_stf:stf_assistant -O 'separator=, quoting-mode=auto \
	format=automatic charset=UTF-8 eol=unix locale=C'

$(OUT)/xlsx/%.csv: $(SUBMISSIONS)/%.xlsx $(OUT)/valid/%.src | $(OUT)/xlsx
	$(Q)pipelines/need-packages "converting .xlsx" gnumeric
	$(Q)rm -rf $@.tmp* && mkdir $@.tmp
	$(Q)ssconvert -S $(XLSX_EXPORT) $< $@.tmp/%n.csv > $@.tmp/log 2>&1 || \
		{ cat $@.tmp/log >&2; echo "plan: $<: ssconvert cannot convert it" >&2; exit 1; }
	$(Q)[ -f $@.tmp/0.csv ] || { echo "plan: $<: the first sheet is empty" >&2; exit 1; }
	$(Q)n=$$(ls $@.tmp | grep -c '\.csv$$'); [ "$$n" -eq 1 ] || \
		echo "plan: $(notdir $<): $$n sheets; the first is read" >&2
	$(Q)mv $@.tmp/0.csv $@ && rm -rf $@.tmp
