#!/usr/bin/env bats
# bad-input.bats - a catalogue of hostile and broken input, for every filter
# and for the plan pipeline: broken quoting, ragged rows, NUL bytes, bytes
# that are not UTF-8 or GB18030, a 10 MB field, 100,000 columns, empty
# files, bad headers, numbers with separators, units and too many digits,
# negative values, impossible dates, formulas in cells meant for Excel, bad
# profiles, bad options, and file names made to run commands.
#
# Each case asserts the exit status of SPEC §6, the message on stderr (file,
# line, column and value where they apply), and where records flow, that
# every input record ends in exactly one of the stream, the rejects, the
# dropped duplicates and the exceptions. A crash (a signal, exit >= 128) or
# a sanitizer's report fails any case (xq below). Inputs are made here; the
# profile with formulas for names is in tests/fixtures/bad-input/hostile.

load helpers

# A sanitizer's report (make check SAN=1) ends a filter with status 86,
# which no filter uses, rather than 1, which is a filter's "flagged": so no
# report passes for a result, whether a filter runs under xq below, in a
# helper, or in make.
setup() {
	xq_setup
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86
}

VP=$FIX/validate/profile    # 220102 南关区, 220203 龙潭区, 220204 船营区
HP=$FIX/bad-input/hostile   # the same codes, named and placed by formulas
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd -P)

HEAD='行政区划代码,县(市、区),小区名称,地址,建成年份,楼栋数,户数,建筑面积(㎡),改造内容,总投资(万元),居民同意率'

# row [COLUMN=VALUE...]: a valid submission row with some cells changed.
row() {
	local -A v=([county_code]=220102 [county]=南关区 [community]=机械厂家属院
		[address]=建设街2702号 [build_year]=1988 [buildings]=7 [households]=219
		[area_m2]=13216 [items]=屋面防水 [investment]=1085.87 [consent_pct]=89%)
	local kv
	for kv; do v[${kv%%=*}]=${kv#*=}; done
	((${#v[@]} == 11)) || { echo "row: unknown column in $*" >&2; return 1; }
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "${v[county_code]}" "${v[county]}" \
		"${v[community]}" "${v[address]}" "${v[build_year]}" "${v[buildings]}" \
		"${v[households]}" "${v[area_m2]}" "${v[items]}" "${v[investment]}" \
		"${v[consent_pct]}"
}

PHEAD='行政区划代码,县(市、区),小区名称,计划年度,进展状态,前期工作完成日期,开工日期,完工日期,完成投资,下达补助资金,已支出补助资金,居民满意度,建立长效管理机制,按时报送'

# prow [COLUMN=VALUE...]: a valid progress-report row with some cells changed.
prow() {
	local -A v=([county_code]=220102 [county]=南关区 [community]=机械厂家属院
		[plan_year]=2019 [status]=完工 [prelim_done]=2019/3/27
		[start_date]=2019/5/1 [completion_date]=2019/9/15
		[investment_done]=1025.17 [fund_allocated]=605.68 [fund_spent]=385.04
		[satisfaction_pct]=92% [long_term_mgmt]=是 [reported_on_time]=是)
	local kv
	for kv; do v[${kv%%=*}]=${kv#*=}; done
	((${#v[@]} == 14)) || { echo "prow: unknown column in $*" >&2; return 1; }
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "${v[county_code]}" \
		"${v[county]}" "${v[community]}" "${v[plan_year]}" "${v[status]}" \
		"${v[prelim_done]}" "${v[start_date]}" "${v[completion_date]}" \
		"${v[investment_done]}" "${v[fund_allocated]}" "${v[fund_spent]}" \
		"${v[satisfaction_pct]}" "${v[long_term_mgmt]}" "${v[reported_on_time]}"
}

# submission [ROW...]: in.csv, the header and ROWs.
submission() {
	printf '%s\n' "$HEAD" "$@" > in.csv
}

# xq COMMAND...: run, stdout and stderr apart; a crash or a sanitizer's
# report fails the test whatever the exit status.
xq() {
	run --separate-stderr "$@"
	((status < 128 && status != 86)) || fail "$1 crashed (status $status): $stderr"
	case $stderr in
	*Sanitizer* | *'runtime error:'*) fail "$1: sanitizer report: $stderr" ;;
	esac
}

# validate ARG...: xq-validate with the validate tests' profile, plan year
# 2020, the stream to out.csv and the rejects to rejects.csv.
validate() {
	xq xq-validate -p "$VP" -y 2020 -r rejects.csv -o out.csv "$@"
}

# assert_no_output FILE...: none of FILEs, nor a temporary file of them, is
# there: a run that stopped leaves nothing that looks finished.
assert_no_output() {
	local f
	for f; do
		[[ ! -e $f ]] || fail "$f was written"
		compgen -G "$f.tmp*" > /dev/null && fail "$f.tmp* was left"
	done
	return 0
}

# records FILE...: the records of one-record-per-line files with provenance,
# once each: a rejects file lists a record once per problem; a duplicates
# file lists the records dropped (they leave the stream) and those flagged
# (they stay in it), of which only the dropped count.
records() {
	local f
	for f; do
		if head -n 1 "$f" | grep -q ',action,'; then
			paste <(provenance "$f") <(csv_column action "$f") |
				awk -F'\t' '$3 == "dropped" { print $1 "\t" $2 }'
		else
			provenance "$f" | sort -u
		fi
	done
}

# assert_balance N FILE...: N input records end each in exactly one of FILEs
# (the stream and the side files).
assert_balance() {
	local n=$1 all twice
	shift
	all=$(records "$@" | sort)
	twice=$(uniq -d <<< "$all")
	[[ -z $twice ]] || fail "records in two places: $twice"
	assert_equal "$(grep -c . <<< "$all")" "$n"
}

# stream_of ROW...: a plan stream (out.csv of xq-validate) of the given
# submission rows, for the filters after validate.
stream_of() {
	submission "$@"
	xq-validate -q -p "$VP" -y 2020 in.csv > stream.csv || [[ $? -eq 1 ]]
}

# ---- xq-validate: quoting ----------------------------------------------------

@test "validate: a quote still open at the end of the file is exit 3, naming the line, with no output left" {
	submission "$(row)" "$(row community='"未闭合')" "$(row)"
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:3: a quoted field that starts here is never closed'
	assert_no_output out.csv rejects.csv
}

@test "validate: a stray quote in an unquoted cell is E002 for its record alone; the next line is read" {
	submission "$(row)" "$(row community='a"b')" "$(row community=c)"
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:3:(record): malformed quoting (a stray or unclosed ") at line 3, byte 19 (E002)'
	assert_equal "$(csv_column community out.csv | tr '\n' ' ')" '机械厂家属院 c '
	assert_balance 3 out.csv rejects.csv
}

@test "validate: text after a closing quote is E002" {
	submission "$(row)" "$(row community='"机械厂"家属院')"
	validate in.csv
	assert_failure 1
	assert_stderr_line --partial 'xq-validate: in.csv:3:(record): malformed quoting'
	assert_equal "$(csv_column code rejects.csv)" E002
	assert_balance 2 out.csv rejects.csv
}

@test "validate: a quote opened by mistake swallows lines up to the next quote as one record, which is E002 at its first line" {
	# RFC 4180 makes lines 3 to 5 one record; CSV-aware counting agrees:
	# a header and 3 records
	submission "$(row)" "$(row community='"半开')" "$(row community=被吞)" \
		"$(row community='收"尾')" "$(row community=后)"
	validate in.csv
	assert_failure 1
	assert_equal "$(csv_records in.csv)" 4
	assert_stderr_line 'xq-validate: in.csv:3:(record): malformed quoting (a stray or unclosed ") at line 5, byte 22 (E002)'
	assert_equal "$(csv_column line out.csv | tr '\n' ' ')" '2 6 '
	assert_balance 3 out.csv rejects.csv
}

@test "validate: cells with line breaks and a broken record among them: counted as a CSV reader counts, all accounted for" {
	{
		echo "$HEAD"
		row items='"屋面防水
外墙保温"'
		row households=-1 items='"楼道
照明
绿化"'
		row community='"a"b'
		row community=末行 items='"一
二"'
	} > in.csv
	validate in.csv
	assert_failure 1
	assert_equal "$(csv_records in.csv)" 5
	assert_stderr_line --partial 'xq-validate: 1 file, 4 records: 2 valid, 2 rejected'
	assert_equal "$(csv_column line out.csv | tr '\n' ' ')" '2 8 '
	assert_equal "$(csv_column items out.csv | head -n 1)" '屋面防水\n外墙保温'
	assert_equal "$(records rejects.csv)" $'in.csv\t4\nin.csv\t7'
	assert_balance 4 out.csv rejects.csv
}

# ---- ragged rows ---------------------------------------------------------------

@test "validate: a row with too few cells is rejected for each required column it lacks, by name" {
	submission "$(row)" '220102,南关区,短行' "$(row community=后)"
	validate in.csv
	assert_failure 1
	local c
	for c in build_year buildings households area_m2 items investment; do
		assert_stderr_line "xq-validate: in.csv:3:$c: \"\" is empty, but the column is required (E101)"
	done
	assert_equal "$(csv_column code rejects.csv | sort -u)" E101
	assert_balance 3 out.csv rejects.csv
}

@test "validate: a row with too many cells is E003, naming the first surplus value and both counts" {
	submission "$(row),,备注多余,x" "$(row community=后)"
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:2:(record): "备注多余" the row has 14 fields, the header 11 (E003)'
	assert_equal "$(tail -n 1 rejects.csv)" 'in.csv,2,(record),备注多余,E003,"the row has 14 fields, the header 11"'
	assert_balance 2 out.csv rejects.csv
}

@test "validate: surplus cells that are all empty (a spreadsheet's trailing commas) are no problem" {
	submission "$(row),,,,"
	validate in.csv
	assert_success
	assert_equal "$(csv_column households out.csv)" 219
}

# ---- NUL bytes --------------------------------------------------------------------

@test "validate: a NUL byte in an unquoted cell is E001 with its line and byte; the other rows pass" {
	{ echo "$HEAD"; row; printf '220102,南关区,机械\0厂,建设街,1988,7,219,13216,屋面防水,1085.87,89%%\n'; row; } > in.csv
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:3:(record): NUL byte at line 3, byte 24 (E001)'
	assert_equal "$(tail -n 1 rejects.csv)" 'in.csv,3,(record),,E001,"NUL byte at line 3, byte 24"'
	assert_balance 3 out.csv rejects.csv
}

@test "validate: a NUL byte inside a quoted cell, and in a multi-line one, is E001 at the line it is on" {
	{
		echo "$HEAD"
		printf '220102,南关区,"机械\0厂",建设街,1988,7,219,13216,屋面防水,1085.87,89%%\n'
		printf '220102,南关区,ab,建设街,1988,7,219,13216,"屋面\n防\0水",1085.87,89%%\n'
		row
	} > in.csv
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:2:(record): NUL byte at line 2, byte 25 (E001)'
	assert_stderr_line 'xq-validate: in.csv:3:(record): NUL byte at line 4, byte 4 (E001)'
	assert_balance 3 out.csv rejects.csv
}

@test "validate: a NUL byte in the header row is a warning (W309); the header is read with a space for it" {
	{ printf '%s\0%s\n' '行政区划代码,县(市、区),小' '区名称,地址,建成年份,楼栋数,户数,建筑面积(㎡),改造内容,总投资(万元),居民同意率'; row; } > in.csv
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:1:(header): NUL byte at byte 38 (W309)'
	assert_equal "$(csv_column community out.csv)" 机械厂家属院
}

@test "validate: a file of NUL bytes has no header: exit 3" {
	head -c 4096 /dev/zero > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: no header row: the file has only blank lines'
	assert_no_output out.csv rejects.csv
}

# ---- bytes that are not UTF-8 or GB18030 ------------------------------------------------

@test "validate: a byte that is no UTF-8 is E001 with its line and byte, and the record is rejected" {
	{ echo "$HEAD"; row; printf '220102,南关区,机械\377\376厂,建设街,1988,7,219,13216,屋面防水,1085.87,89%%\n'; } > in.csv
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:3:(record): invalid UTF-8 byte sequence at line 3, byte 24 (E001)'
	assert_balance 2 out.csv rejects.csv
}

@test "validate: overlong forms, surrogates, a cut character and a 5-byte form are each E001" {
	# the cut character ends the consent cell, which is then no percentage
	{
		echo "$HEAD"
		printf '220102,南关区,a\300\257,x,1988,7,219,13216,屋面防水,1085.87,89%%\n'
		printf '220102,南关区,b\355\240\200,x,1988,7,219,13216,屋面防水,1085.87,89%%\n'
		printf '220102,南关区,c,x,1988,7,219,13216,屋面防水,1085.87,89%%\344\270\n'
		printf '220102,南关区,d\370\210\200\200\200,x,1988,7,219,13216,屋面防水,1085.87,89%%\n'
		printf '220102,南关区,e\340\200\200,x,1988,7,219,13216,屋面防水,1085.87,89%%\n'
		row
	} > in.csv
	validate in.csv
	assert_failure 1
	assert_equal "$(csv_column line rejects.csv | tr '\n' ' ')" '2 3 4 4 5 6 '
	assert_equal "$(csv_column code rejects.csv | tr '\n' ' ')" 'E001 E001 E001 E109 E001 E001 '
	assert_stderr_line 'xq-validate: in.csv:3:(record): invalid UTF-8 byte sequence at line 3, byte 19 (E001)'
	assert_stderr_line 'xq-validate: in.csv:4:(record): invalid UTF-8 byte sequence at line 4, byte 63 (E001)'
	assert_balance 6 out.csv rejects.csv
}

@test "validate: a GB18030 file is detected, and a sequence invalid in GB18030 is E001 for its row only" {
	{
		printf '%s\n' "$HEAD" "$(row)" "$(row community=二)" | gb18030
		printf '220102,\304\317\271\330\307\370,\201\060xx,x,1988,7,219,13216,\316\335,1085.87,89%%\n'
	} > in.csv
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv: read as GB18030'
	assert_stderr_line 'xq-validate: in.csv:4:(record): invalid GB18030 byte sequence at line 4, byte 15 (E001)'
	assert_equal "$(csv_column community out.csv | tr '\n' ' ')" '机械厂家属院 二 '
	assert_balance 3 out.csv rejects.csv
}

@test "validate: a GB18030 file forced to be read as UTF-8 (and the reverse) has no header it can find: exit 3" {
	printf '%s\n' "$HEAD" "$(row)" | gb18030 > gb.csv
	validate -e utf-8 gb.csv
	assert_failure 3
	assert_stderr 'xq-validate: gb.csv: no header row in the first 30 rows (expected names like 行政区划代码, 小区名称, 户数)'
	printf '%s\n' "$HEAD" "$(row)" > u8.csv
	validate -e gb18030 u8.csv
	assert_failure 3
	assert_stderr 'xq-validate: u8.csv: no header row in the first 30 rows read as GB18030 (expected names like 行政区划代码, 小区名称, 户数)'
	assert_no_output out.csv rejects.csv
}

# ---- size -----------------------------------------------------------------------

@test "validate: a 10 MB field is past the 1 MiB cap: exit 3 naming the line, nothing written" {
	{
		echo "$HEAD"
		row
		printf '220102,南关区,大字段,x,1988,7,219,13216,'
		head -c 10485760 /dev/zero | tr '\0' a
		printf ',1085.87,89%%\n'
	} > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:3: a field longer than 1048576 bytes (is a closing quote missing?)'
	assert_no_output out.csv rejects.csv
}

@test "validate: a 10 MB field after 3000 good rows (past what is read ahead): exit 3 naming its line, nothing written" {
	{
		echo "$HEAD"
		for _ in $(seq 3000); do row; done
		printf '220102,南关区,大字段,x,1988,7,219,13216,'
		head -c 10485760 /dev/zero | tr '\0' a
		printf ',1085.87,89%%\n'
		row
	} > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:3002: a field longer than 1048576 bytes (is a closing quote missing?)'
	assert_no_output out.csv rejects.csv
}

@test "validate: a quoted 10 MB field passes whole with --max-field 16 MiB" {
	{
		echo "$HEAD"
		printf '220102,南关区,大字段,x,1988,7,219,13216,"'
		head -c 10485760 /dev/zero | tr '\0' 'a'
		printf '",1085.87,89%%\n'
		row
	} > in.csv
	validate --max-field 16777216 in.csv
	assert_success
	# (awk, not csv_column: that goes a character at a time)
	assert_equal "$(awk -F, 'NR == 1 { print $13 } NR == 2 { print length($13) }' out.csv)" \
		$'items\n10485760'
	assert_balance 2 out.csv rejects.csv
}

@test "validate: 10 MB of broken bytes after a UTF-8 header make the guess GB18030, and the message says so" {
	{ echo "$HEAD"; head -c 10485760 /dev/zero | tr '\0' '\346'; echo; } > in.csv
	validate --max-field 16777216 in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: no header row in the first 30 rows read as GB18030 (expected names like 行政区划代码, 小区名称, 户数)'
	# read as UTF-8, each bad byte becomes U+FFFD: 30 MB
	validate -e utf-8 --max-field 33554432 in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:2:(record): invalid UTF-8 byte sequence at line 2, byte 1 (E001)'
}

@test "validate: 100,000 columns: the first 256 unknown ones are kept, the others dropped with a short note" {
	python3 -c '
import sys
head, row = sys.argv[1].split(","), sys.argv[2].split(",")
extra = 100000 - len(head)
print(",".join(head + ["c%d" % i for i in range(extra)]))
print(",".join(row + ["v%d" % i for i in range(extra)]))
print(",".join(row + [""] * extra))' "$HEAD" "$(row)" > in.csv
	validate in.csv
	assert_success
	assert_stderr_line 'xq-validate: in.csv: keeping the first 256 columns the table does not know; dropping 99733 more: c256, c257, c258, c259, c260, c261, c262, c263, c264, c265 and 99723 more'
	((${#stderr} < 1000)) || fail "a note of ${#stderr} bytes"
	run head -n 1 out.csv
	assert_output --regexp ',plan_year,c0,c1,.*,c255$'
	assert_equal "$(csv_column c255 out.csv | tr '\n' ' ')" 'v255  '
	assert_balance 2 out.csv rejects.csv
}

@test "validate: a row of 100,000 cells under an 11-column header is E003" {
	{ echo "$HEAD"; printf '%s' "$(row)"; head -c 99989 /dev/zero | tr '\0' '\n' | sed 's/^/,x/' | tr -d '\n'; echo; } > in.csv
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:2:(record): "x" the row has 100000 fields, the header 11 (E003)'
	assert_balance 1 out.csv rejects.csv
}

# ---- empty files ---------------------------------------------------------------------

@test "validate: an empty file is exit 3, named; on standard input too" {
	: > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: empty file'
	assert_no_output out.csv rejects.csv
	xq xq-validate -p "$VP" < in.csv
	assert_failure 3
	assert_stderr 'xq-validate: -: empty file'
}

@test "validate: a file that is only a byte order mark is an empty file" {
	printf '\357\273\277' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: empty file'
}

@test "validate: a file of blank lines (LF, CR LF, spaces, commas) has no header: exit 3" {
	printf '\n\r\n   \n,,,\n\t\n\n' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: no header row: the file has only blank lines'
	assert_no_output out.csv rejects.csv
}

@test "validate: blank rows above the header are counted once, from a named file as from standard input" {
	{ printf ',,,\n   \n\n'; echo "$HEAD"; row; } > in.csv
	validate in.csv
	assert_success
	assert_stderr 'xq-validate: 1 file, 1 record: 1 valid, 0 rejected (0 problems); 0 totals rows and 3 blank rows dropped; 0 warnings'
	xq xq-validate -p "$VP" -y 2020 < in.csv
	assert_success
	assert_stderr 'xq-validate: 1 file, 1 record: 1 valid, 0 rejected (0 problems); 0 totals rows and 3 blank rows dropped; 0 warnings'
}

@test "validate: a header and nothing else is a valid empty submission (exit 0), with or without BOM and CRLF" {
	printf '%s\n' "$HEAD" > in.csv
	validate in.csv
	assert_success
	assert_equal "$(wc -l < out.csv)" 1
	assert_equal "$(cat rejects.csv)" 'source,line,column,value,code,message'
	assert_stderr 'xq-validate: 1 file, 0 records: 0 valid, 0 rejected (0 problems); 0 totals rows and 0 blank rows dropped; 0 warnings'
	printf '\357\273\277%s\r\n\r\n' "$HEAD" > in.csv
	validate in.csv
	assert_success
	assert_equal "$(wc -l < out.csv)" 1
	assert_stderr_line 'xq-validate: in.csv: read as UTF-8 with BOM, CRLF'
}

@test "a header-only submission goes through every filter: an empty plan, the whole budget unallocated" {
	printf '%s\n' "$HEAD" > in.csv
	xq-validate -q -p "$VP" -y 2020 in.csv > v.csv
	xq xq-dedupe -p "$VP" -d dups.csv v.csv
	assert_success
	echo "$output" > d.csv
	xq xq-classify-scope -p "$VP" -x exc.csv d.csv
	assert_success
	echo "$output" > s.csv
	xq xq-allocate-funds -p "$VP" -b 100 -c alloc.csv s.csv
	assert_failure 1
	assert_stderr_line --partial 'the whole budget 100.00万元 is unallocated'
	echo "$output" > plan.csv
	xq xq-summarize -p "$VP" plan.csv
	assert_success
	assert_line -n 1 '合计,,,0,0,0,0.00,0.00,0.00'
	assert_equal "$(wc -l < plan.csv) $(wc -l < dups.csv) $(wc -l < exc.csv)" '1 1 1'
}

# ---- headers ----------------------------------------------------------------------

@test "validate: the same header name twice is exit 3 naming both columns" {
	printf '%s\n' '行政区划代码,小区名称,小区名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'220102,a,b,1988,7,219,13216,屋面防水,1085.87' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:1: columns 2 and 3 are both community ("小区名称", "小区名称")'
	assert_no_output out.csv rejects.csv
}

@test "validate: two variants of one column (行政区划代码, 区划代码) are exit 3 too" {
	printf '%s\n' '行政区划代码,小区名称,区划代码,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'220102,a,220102,1988,7,219,13216,屋面防水,1085.87' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:1: columns 1 and 3 are both county_code ("行政区划代码", "区划代码")'
}

@test "validate: an unknown column named twice is kept once, and the note says so once" {
	printf '%s\n' '行政区划代码,小区名称,备注,备注,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'220102,a,第一,第二,1988,7,219,13216,屋面防水,1085.87' > in.csv
	validate in.csv
	assert_success
	assert_equal "$(grep -c 'dropping columns' <<< "$stderr")" 1
	assert_stderr_line 'xq-validate: in.csv: dropping columns with no name, a repeated name or not in the first header: 备注'
	assert_equal "$(csv_column 备注 out.csv)" 第一
}

@test "validate: a missing required column is exit 3, naming it and the closest header" {
	printf '%s\n' '行政区划代码,小区名,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'220102,a,1988,7,219,13216,屋面防水,1085.87' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:1: no column for community (小区名称); the closest header is "小区名"'
}

@test "validate: 40 title rows before the header: no header in the first 30 rows, exit 3" {
	{ for i in $(seq 40); do echo "标题$i,,,"; done; echo "$HEAD"; row; } > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: no header row in the first 30 rows (expected names like 行政区划代码, 小区名称, 户数)'
}

# ---- numbers ----------------------------------------------------------------------

@test "validate: thousands separators are read where they group by three; '1 234' and '1,23' are rejected" {
	submission "$(row households='"1,234"' area_m2='"13,216.5"' investment='"1,085.87"')" \
		"$(row households='1 234')" "$(row households='"1,23"')" \
		"$(row area_m2='"1,2345"')"
	validate in.csv
	assert_failure 1
	assert_equal "$(csv_column households out.csv)" 1234
	assert_equal "$(csv_column area_m2 out.csv)" 13216.50
	assert_equal "$(csv_column investment out.csv)" 1085.87
	assert_stderr_line 'xq-validate: in.csv:3:households: "1 234" is not a whole number (E103)'
	assert_stderr_line 'xq-validate: in.csv:4:households: "1,23" is not a whole number (E103)'
	assert_stderr_line 'xq-validate: in.csv:5:area_m2: "1,2345" is not a number (E102)'
	assert_balance 4 out.csv rejects.csv
}

@test "validate: a count unit is stripped ('12户'); other units and 万 inside a number are rejected" {
	submission "$(row households=12户 area_m2=1200)" "$(row households=3.5万)" \
		"$(row investment=3.5万)" "$(row investment=1085.87万元)" \
		"$(row area_m2=13216㎡)" "$(row investment=¥100)" "$(row households=２１９)"
	validate in.csv
	assert_failure 1
	assert_equal "$(csv_column households out.csv | tr '\n' ' ')" '12 219 '
	assert_stderr_line 'xq-validate: in.csv:3:households: "3.5万" is not a whole number (E103)'
	assert_stderr_line 'xq-validate: in.csv:4:investment: "3.5万" is not a number (E102)'
	assert_stderr_line 'xq-validate: in.csv:5:investment: "1085.87万元" is not a number (E102)'
	assert_stderr_line 'xq-validate: in.csv:6:area_m2: "13216㎡" is not a number (E102)'
	assert_stderr_line 'xq-validate: in.csv:7:investment: "¥100" is not a number (E102)'
	assert_balance 7 out.csv rejects.csv
}

@test "validate: 99999999999999999999 is out of range for a count, too large for money and area, E104 with the value" {
	local big=99999999999999999999
	submission "$(row households=$big)" "$(row buildings=$big)" "$(row area_m2=$big)" \
		"$(row investment=$big)" "$(row consent_pct=$big%)" "$(row investment=-$big)" \
		"$(row build_year=$big)"
	validate in.csv
	assert_failure 1
	assert_equal "$(tail -n +2 rejects.csv)" "in.csv,2,households,$big,E104,is out of range (1..20000)
in.csv,3,buildings,$big,E104,is out of range (1..500)
in.csv,4,area_m2,$big,E104,is too large
in.csv,5,investment,$big,E104,is too large
in.csv,6,consent_pct,$big%,E104,is out of range (0..100)
in.csv,7,investment,-$big,E104,is out of range (0..)
in.csv,8,build_year,$big,E106,\"is not a year (1995, 1995年, 1995-06, 95年)\""
	assert_stderr_line "xq-validate: in.csv:4:area_m2: \"$big\" is too large (E104)"
	assert_balance 7 out.csv rejects.csv
}

@test "validate: the largest investment that fits is rounded to the cent without wrapping round to a negative" {
	submission "$(row investment=9223372036854.775807)"
	validate in.csv
	assert_failure 1   # W305, W306: far too much money
	assert_equal "$(csv_column investment out.csv)" 9223372036854.78
	assert_stderr_line 'xq-validate: in.csv:2:investment: 9223372036854.78万元 for 219 households is outside 0.30..15.00 万元 per household (W306)'
}

@test "validate: a huge area is warned of without overflow, and a 合计 row past 64 bits is not checked" {
	submission "$(row area_m2=62233720368547758)" "$(row area_m2=62233720368547758)" \
		'合计,,,,,14,438,124467440737095516,,2171.74,'
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv:2:investment: 1085.87万元 over 62233720368547758.00 ㎡ is outside 50..1500 元 per ㎡ (W305)'
	refute_stderr --partial W302
	assert_stderr_line --partial '2 valid, 0 rejected (0 problems); 1 totals row'
}

@test "validate: a fraction with 70 decimals is read exactly: 0.00万元 is valid, 219.000…1 households is not whole" {
	local zeros
	printf -v zeros '%070d' 0
	submission "$(row investment=0.${zeros}1)" "$(row households=219.${zeros}1)" \
		"$(row households=219.${zeros})"
	validate in.csv
	assert_failure 1
	assert_equal "$(csv_column investment out.csv | tr '\n' ' ')" '0.00 1085.87 '
	assert_equal "$(csv_column code rejects.csv)" E103
	assert_balance 3 out.csv rejects.csv
}

@test "validate: negative counts and amounts are E104 with the range; in the rejects they stay numbers" {
	printf '%s\n' "$HEAD,中央补助,加装电梯数" "$(row households=-219),," \
		"$(row buildings=-1),," "$(row investment=-5),," "$(row),-1.5," \
		"$(row),,-2" "$(row consent_pct=-5%),," > in.csv
	validate in.csv
	assert_failure 1
	assert_equal "$(tail -n +2 rejects.csv)" 'in.csv,2,households,-219,E104,is out of range (1..20000)
in.csv,3,buildings,-1,E104,is out of range (1..500)
in.csv,4,investment,-5,E104,is out of range (0..)
in.csv,5,fund_central,-1.5,E104,is out of range (0..)
in.csv,6,elevators,-2,E104,is out of range (0..10000)
in.csv,7,consent_pct,-5%,E104,is out of range (0..100)'
	assert_balance 6 out.csv rejects.csv
}

# ---- dates (the progress report) ------------------------------------------------------

@test "validate -s progress: 30 February, month 13, month 0, day 31 of September are E107; 29 February 2020 is a date" {
	printf '%s\n' "$PHEAD" "$(prow prelim_done=2020-02-30)" \
		"$(prow start_date=2021-13-01 completion_date=2021-12-01)" \
		"$(prow start_date=2019-00-10)" "$(prow completion_date=2019年2月29日)" \
		"$(prow completion_date=20190931)" "$(prow start_date=9999-12-31)" \
		"$(prow prelim_done=2020-02-29)" > in.csv
	validate -s progress in.csv
	assert_failure 1
	assert_equal "$(csv_column line rejects.csv | tr '\n' ' ')" '2 3 4 5 6 7 '
	assert_equal "$(csv_column code rejects.csv | sort -u)" E107
	assert_stderr_line 'xq-validate: in.csv:2:prelim_done: "2020-02-30" is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331) (E107)'
	assert_stderr_line 'xq-validate: in.csv:3:start_date: "2021-13-01" is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331) (E107)'
	assert_equal "$(csv_column prelim_done out.csv)" 2020-02-29
	assert_balance 7 out.csv rejects.csv
}

@test "validate -s progress: completion before start (E203) and a status the dates contradict (E204)" {
	printf '%s\n' "$PHEAD" "$(prow completion_date=2019/4/1)" \
		"$(prow status=在建)" "$(prow status=未开工 completion_date=)" > in.csv
	validate -s progress in.csv
	assert_failure 1
	assert_equal "$(tail -n +2 rejects.csv)" 'in.csv,2,completion_date,2019-04-01,E203,is before the start date 2019-05-01
in.csv,3,status,under_construction,E204,"has a completion date, but the project is not completed"
in.csv,4,status,not_started,E204,"has a start date, but the project has not started"'
	assert_balance 3 out.csv rejects.csv
}

# ---- formulas in cells meant for Excel: the rejects -----------------------------------

@test "validate: rejected values that a spreadsheet would run get a leading apostrophe in rejects.csv; numbers stay numbers" {
	{
		echo '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资'
		local v
		for v in '"=HYPERLINK(""http://x"",""y"")"' "+cmd|' /C calc'!A0" '-2+3' \
			'@SUM(A1)' '＝1+1' '＋1' '－1' '＠A1' '"	=1"' '"=1
"' '-35.6' '+5' '"-1,234.5"'; do
			printf '%s,社区,1988,7,219,13216,屋面防水,100\n' "$v"
		done
	} > in.csv
	validate in.csv
	assert_failure 1
	run csv_column value rejects.csv
	assert_output "'=HYPERLINK(\"http://x\",\"y\")
'+cmd|' /C calc'!A0
'-2+3
'@SUM(A1)
'＝1+1
'＋1
'－1
'＠A1
'	=1
'=1\\n
-35.6
+5
-1,234.5"
	# the raw line of the first: quoted, the quote doubled, the apostrophe in
	assert_equal "$(sed -n 2p rejects.csv)" "in.csv,2,county_code,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",E113,is not a 6-digit county code"
	assert_balance 13 out.csv rejects.csv
}

@test "validate: a cell starting with a line feed or a carriage return travels as \\n or \\r and cannot start a formula in rejects.csv" {
	{ echo "$HEAD"; row county_code='"
=1+1"'; printf '"\r=1+1",南关区,x,y,1988,7,219,13216,屋面防水,1085.87,89%%\n'; } > in.csv
	validate --excel in.csv
	assert_failure 1
	# a BOM, CRLF, and each cell as text that begins with a backslash
	assert_equal "$(head -c 3 rejects.csv | od -An -tx1 | tr -d ' ')" efbbbf
	assert_equal "$(sed -n 2p rejects.csv)" $'in.csv,2,county_code,\\n=1+1,E113,is not a 6-digit county code\r'
	assert_equal "$(sed -n 3p rejects.csv)" $'in.csv,4,county_code,\\r=1+1,E113,is not a 6-digit county code\r'
	assert_balance 2 out.csv rejects.csv
}

@test "validate: formulas in valid records pass through the stream byte for byte (it is not for Excel)" {
	submission "$(row community='"=HYPERLINK(""http://x"")"' address="+cmd|' /C calc'!A0" items=-2+3)"
	validate in.csv
	assert_success
	assert_equal "$(csv_column community out.csv)" '=HYPERLINK("http://x")'
	assert_equal "$(csv_column address out.csv)" "+cmd|' /C calc'!A0"
	assert_equal "$(csv_column items out.csv)" '-2+3'
}

# ---- xq-dedupe --------------------------------------------------------------------

@test "dedupe: a raw county sheet instead of the stream is exit 3, naming the column it lacks" {
	submission "$(row)"
	xq xq-dedupe -p "$VP" in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: in.csv: no column "county_code" in the header (the input must be the stream xq-validate writes)'
	: > empty.csv
	xq xq-dedupe -p "$VP" empty.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: empty.csv: empty input, a header line was expected'
}

@test "dedupe: bad options and inputs: -k sideways (2), a missing or empty history (3), a directory (3)" {
	stream_of "$(row)"
	xq xq-dedupe -p "$VP" -k sideways stream.csv
	assert_failure 2
	assert_stderr 'xq-dedupe: -k: "sideways" is not first or last'
	xq xq-dedupe -p "$VP" -H nosuch.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: nosuch.csv: No such file or directory'
	: > history.csv
	xq xq-dedupe -p "$VP" -H history.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: history.csv: empty file, a header row was expected'
	printf 'county_code,community\n220102,"未闭合\n' > history.csv
	xq xq-dedupe -p "$VP" -H history.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: history.csv:2: a quoted field that starts here is never closed'
	mkdir adir
	xq xq-dedupe -p "$VP" adir
	assert_failure 3
	assert_stderr 'xq-dedupe: adir: Is a directory'
	xq xq-dedupe -p "$VP" -H adir stream.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: adir: Is a directory'
}

@test "dedupe: formulas in the names of dropped records are guarded in duplicates.csv; every record is kept or dropped once" {
	stream_of "$(row community='"=HYPERLINK(""http://x"")"' address="+cmd|' /C calc'!A0")" \
		"$(row community='"=HYPERLINK(""http://x"")"' address="+cmd|' /C calc'!A0")" \
		"$(row community='"=HYPERLINK(""http://x"")"' address="+cmd|' /C calc'!A0" households=220)" \
		"$(row community=＠SUM\(A1\) address=-2+3)" "$(row community=＠SUM\(A1\) address=-2+3)"
	xq xq-dedupe -p "$VP" -d dups.csv -o out.csv stream.csv
	assert_failure 1
	assert_equal "$(csv_column community dups.csv | tr '\n' ' ')" "'=HYPERLINK(\"http://x\") '=HYPERLINK(\"http://x\") '＠SUM(A1) "
	assert_equal "$(csv_column address dups.csv | tr '\n' ' ')" "'+cmd|' /C calc'!A0 '+cmd|' /C calc'!A0 '-2+3 "
	assert_stderr_line --partial 'conflict: kept first (households 220 vs kept 219)'
	assert_balance 5 out.csv dups.csv
}

@test "dedupe then classify-scope: a stream line with a surplus field passes dedupe and goes to the exceptions with the reason" {
	stream_of "$(row)" "$(row community=二)"
	sed -i '3s/$/,多余/' stream.csv
	xq xq-dedupe -p "$VP" -d dups.csv -o d.csv stream.csv
	assert_success
	xq xq-classify-scope -p "$VP" -x exc.csv -o s.csv d.csv
	assert_failure 1
	assert_stderr_line 'xq-classify-scope: d.csv:3: 32 fields, the header has 31'
	assert_equal "$(csv_column reasons exc.csv)" 'input: 32 fields, the header has 31'
	# the exceptions file keeps its header's shape: 37 fields a line
	run awk '{ gsub(/"[^"]*"/, "x"); print split($0, f, ",") }' exc.csv
	assert_output $'37\n37'
	assert_equal "$(csv_column scope exc.csv)" in
	assert_balance 2 s.csv dups.csv exc.csv
}

# ---- xq-classify-scope ---------------------------------------------------------------

@test "classify-scope: a raw sheet or an empty input is exit 3; so is a directory" {
	submission "$(row)"
	xq xq-classify-scope -p "$VP" in.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: in.csv: no column "build_year" (is this the stream of xq-validate?)'
	: > empty.csv
	xq xq-classify-scope -p "$VP" empty.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: empty.csv: empty input, a header line was expected'
	mkdir adir
	xq xq-classify-scope -p "$VP" adir
	assert_failure 3
	assert_stderr 'xq-classify-scope: adir: Is a directory'
}

@test "classify-scope: a rules.csv pattern PCRE2 cannot compile is exit 3 with the file, line and offset" {
	mkdir p && cp "$VP/counties.csv" p/
	printf 'category,tag,pattern\nbasic,roof,屋面(\n' > p/rules.csv
	stream_of "$(row)"
	xq xq-classify-scope -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/rules.csv:2: pattern "屋面(" at offset 7: missing closing parenthesis'
	printf 'category,tag,pattern\nbasic,roof,(?<=a+)b\n' > p/rules.csv
	xq xq-classify-scope -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/rules.csv:2: pattern "(?<=a+)b" at offset 0: lookbehind assertion is not fixed length'
}

@test "classify-scope: bad settings values are exit 3, naming the key and the value" {
	mkdir p && cp "$VP/counties.csv" p/
	stream_of "$(row)"
	printf 'key,value\nbuild_year_cutoff,abc\n' > p/settings.csv
	xq xq-classify-scope -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/settings.csv: build_year_cutoff: "abc" is not a year from 1949 to 2100'
	printf 'key,value\nconsent_min,150%%\n' > p/settings.csv
	xq xq-classify-scope -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/settings.csv: consent_min: "150%" is not a fraction (2/3), a percentage (66.67) or none'
	printf 'key,value\nextended_cutoff,1990\n' > p/settings.csv
	xq xq-classify-scope -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/settings.csv: extended_cutoff 1990 is not after build_year_cutoff 2000'
}

# ---- xq-allocate-funds ----------------------------------------------------------------

@test "allocate-funds: -b -5, -b abc, -b 0, -b 1.234 and -m 2030 are usage errors (exit 2) that say what is wrong" {
	stream_of "$(row)"
	local b want
	for b in -5 abc 0 1.234 99999999999999999999; do
		xq xq-allocate-funds -p "$VP" -b "$b" stream.csv
		assert_failure 2
	done
	assert_stderr 'xq-allocate-funds: -b: "99999999999999999999" is not an amount of 万元'
	xq xq-allocate-funds -p "$VP" -b -5 stream.csv
	assert_stderr 'xq-allocate-funds: -b: "-5" is not a positive amount of 万元'
	xq xq-allocate-funds -p "$VP" -b 1.234 stream.csv
	assert_stderr 'xq-allocate-funds: -b: "1.234" has more than 2 decimals (amounts are whole 0.01万元)'
	xq xq-allocate-funds -p "$VP" -b 100 -m 2030 stream.csv
	assert_failure 2
	assert_stderr 'xq-allocate-funds: -m: "2030" is not a scheme (2019, 2020 or 2024)'
	xq xq-allocate-funds -p "$VP" -b 100 --explain 999999 stream.csv
	assert_failure 2
	assert_stderr "xq-allocate-funds: --explain: county 999999 is not in the registry $VP/counties.csv"
}

@test "allocate-funds: a budget in settings.csv that is no amount is exit 3" {
	mkdir p && cp "$VP/counties.csv" p/
	printf 'key,value\nbudget,十万\n' > p/settings.csv
	stream_of "$(row)"
	xq xq-allocate-funds -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: budget in settings.csv: "十万" is not an amount of 万元'
	printf 'key,value\nbudget,-5\n' > p/settings.csv
	xq xq-allocate-funds -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: budget in settings.csv: "-5" is not a positive amount of 万元'
}

@test "allocate-funds: a raw sheet, a ragged stream line, and counts that are no counts are exit 3 with the record's provenance" {
	submission "$(row)"
	xq xq-allocate-funds -p "$VP" -b 100 in.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: in.csv: no column "county_code" (the plan stream of xq-validate has it)'
	stream_of "$(row)" "$(row community=二)"
	sed '3s/$/,多余/' stream.csv > long.csv
	xq xq-allocate-funds -p "$VP" -b 100 long.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: long.csv:3 (in.csv:3): 32 fields, but the header has 31'
	local v
	for v in abc -219 99999999999999999999; do
		sed "3s/,219,/,$v,/" stream.csv > bad.csv
		xq xq-allocate-funds -p "$VP" -b 100 bad.csv
		assert_failure 3
		assert_stderr "xq-allocate-funds: bad.csv:3 (in.csv:3):households: \"$v\" is not a whole number >= 0"
	done
}

@test "allocate-funds: bad scores, weights and fiscal coefficients are exit 3, naming file, line and value" {
	stream_of "$(row)"
	printf 'county_code,performance\n220102,abc\n' > scores.csv
	xq xq-allocate-funds -p "$VP" -b 100 -S scores.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: scores.csv:2: performance "abc" of 220102 is not a number >= 0'
	printf 'factor,weight\narea,0.5\nhouseholds,0.6\n' > w.csv
	xq xq-allocate-funds -p "$VP" -b 100 -w w.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: w.csv: the weights add up to 1.1, not 1'
	printf 'factor,weight\narea,-0.5\nhouseholds,1.5\n' > w.csv
	xq xq-allocate-funds -p "$VP" -b 100 -w w.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: w.csv:2: weight "-0.5" of area is not a decimal >= 0'
	mkdir p
	printf 'county_code,county,city,fiscal_coef\n220102,南关区,长春市,abc\n' > p/counties.csv
	xq xq-allocate-funds -p p -b 100 stream.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: p/counties.csv: fiscal_coef "abc" of 220102 南关区 is not a decimal >= 0'
}

@test "allocate-funds: a missing input and a directory are exit 3, for the stream and for -S" {
	xq xq-allocate-funds -p "$VP" -b 100 nosuch.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: nosuch.csv: No such file or directory'
	mkdir adir
	xq xq-allocate-funds -p "$VP" -b 100 adir
	assert_failure 3
	assert_stderr 'xq-allocate-funds: adir: Is a directory'
	stream_of "$(row)"
	xq xq-allocate-funds -p "$VP" -b 100 -S adir stream.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: adir: Is a directory'
}

@test "allocate-funds: county names that are formulas are guarded in the county table; the figures stay numbers" {
	submission "$(row)" "$(row county_code=220203 community=二)" "$(row county_code=220204 community=三)"
	sed -i 's/^\([0-9]*\),[^,]*,/\1,,/' in.csv   # no county cell: the registry's
	xq-validate -q -p "$HP" in.csv > stream.csv
	xq xq-allocate-funds -p "$HP" -c alloc.csv -o plan.csv stream.csv
	assert_success
	assert_equal "$(csv_column county alloc.csv | tr '\n' '|')" "'=HYPERLINK(\"http://x\",\"y\")|'-2+3|'	tab|"
	assert_equal "$(cut -d, -f1 alloc.csv | tail -n +2 | tr '\n' ' ')" '220102 220203 220204 '
	assert_equal "$(csv_column amount alloc.csv | tr '\n' ' ')" '307.69 384.62 307.69 '
	# the stream is no Excel file: its cells are as they were
	assert_equal "$(csv_column county plan.csv | head -n 1)" '=HYPERLINK("http://x","y")'
	assert_balance 3 plan.csv
}

# ---- xq-score-performance -------------------------------------------------------------

@test "score-performance: a plan or a progress report that is not the stream is exit 3; -P missing is exit 2" {
	stream_of "$(row)"
	printf '%s\n' "$PHEAD" "$(prow)" > p.csv
	xq xq-score-performance -p "$VP" -P stream.csv p.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: p.csv: no column "county_code" in the header (the input must be the stream xq-validate writes)'
	xq xq-score-performance -p "$VP" -P p.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: p.csv: no column "county_code" in the header (the input must be the stream xq-validate writes)'
	xq xq-score-performance -p "$VP" -P stream.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: stream.csv: no column "status" in the header (the input must be the stream xq-validate writes)'
	xq xq-score-performance -p "$VP" p.csv
	assert_failure 2
	assert_stderr_line 'xq-score-performance: -P PLAN is required'
}

@test "score-performance: a missing or directory plan, an empty plan, are exit 3" {
	xq xq-score-performance -p "$VP" -P nosuch.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: nosuch.csv: No such file or directory'
	mkdir adir
	xq xq-score-performance -p "$VP" -P adir
	assert_failure 3
	assert_stderr 'xq-score-performance: adir: Is a directory'
	: > empty.csv
	xq xq-score-performance -p "$VP" -P empty.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: empty.csv: empty plan, a header line was expected'
}

@test "score-performance: ragged lines in the plan and the progress stream are excluded with the reason, not read askew" {
	stream_of "$(row)" "$(row community=二)" "$(row county_code=220203 community=三)"
	sed -i '4s/,[^,]*$//' stream.csv    # the last plan row loses a field
	printf '%s\n' "$PHEAD" "$(prow)" "$(prow community=二)" > p.csv
	xq-validate -q -s progress -p "$VP" p.csv > progress.csv
	sed -i '3s/$/,多余/' progress.csv
	xq xq-score-performance -p "$VP" -P stream.csv -x exc.csv -o eval.csv progress.csv
	assert_failure 1
	assert_stderr_line 'xq-score-performance: in.csv:4: 220203 三: 30 fields, but the header has 31: the row is not scored; excluded'
	assert_stderr_line 'xq-score-performance: p.csv:3: 220102 二: 17 fields, but the header has 16: the row is not scored; excluded'
	# progress rows: one joined, one excluded
	assert_stderr_line --partial '2 progress rows: 1 joined, 1 excluded, 0 flagged'
	assert_equal "$(csv_column action exc.csv | tr '\n' ' ')" 'excluded excluded '
}

@test "score-performance: impossible dates and negative money in a hand-made progress stream are excluded, named" {
	stream_of "$(row)" "$(row community=二)"
	printf '%s\n' "$PHEAD" "$(prow)" "$(prow community=二)" > p.csv
	xq-validate -q -s progress -p "$VP" p.csv > progress.csv
	sed -i -e '2s/,2019-05-01,/,2019-02-30,/' -e '3s/,605.68,/,-605.68,/' progress.csv
	xq xq-score-performance -p "$VP" -P stream.csv -x exc.csv progress.csv
	assert_failure 1
	assert_stderr_line 'xq-score-performance: p.csv:2: 220102 机械厂家属院: start_date: "2019-02-30" is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331); excluded'
	assert_stderr_line 'xq-score-performance: p.csv:3: 220102 二: fund_allocated: "-605.68" is not an amount in 万元 >= 0; excluded'
	assert_equal "$(csv_column line exc.csv | tr '\n' ' ')" '2 3 '
}

@test "score-performance: formulas in county and community names are guarded in the evaluation and its exceptions; rates stay numbers" {
	submission "$(row community='"=HYPERLINK(""http://x"")"')" "$(row county_code=220203 community=-2+3)"
	sed -i 's/^\([0-9]*\),[^,]*,/\1,,/' in.csv
	xq-validate -q -p "$HP" in.csv > stream.csv
	printf '%s\n' "$PHEAD" "$(prow county= community='"=HYPERLINK(""http://x"")"')" \
		"$(prow county= county_code=220203 community=@不在计划)" > p.csv
	xq-validate -q -s progress -p "$HP" p.csv > progress.csv || [[ $? -eq 1 ]]
	xq xq-score-performance -p "$HP" -P stream.csv -x exc.csv -t total.csv -o eval.csv progress.csv
	assert_failure 1
	assert_equal "$(csv_column county eval.csv | tr '\n' '|')" "'=HYPERLINK(\"http://x\",\"y\")|'-2+3|"
	assert_equal "$(csv_column completion_rate eval.csv | tr '\n' ' ')" '100.00 0.00 '
	assert_equal "$(csv_column community exc.csv)" "'@不在计划"
	run grep -c "^220102,\"'=HYPERLINK" eval.csv
	assert_output 1
}

@test "score-performance: bad grades, indicators and deadline settings are exit 3, naming file, line and value" {
	stream_of "$(row)"
	printf '%s\n' "$PHEAD" "$(prow)" > p.csv
	xq-validate -q -s progress -p "$VP" p.csv > progress.csv
	printf 'grade,min_score\n优,90\n良,abc\n' > g.csv
	xq xq-score-performance -p "$VP" -P stream.csv -g g.csv progress.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: g.csv:3: min_score "abc" of 良 is not a number with at most 2 decimals'
	printf 'indicator,weight\nstart,50\ncompletion,60\n' > i.csv
	xq xq-score-performance -p "$VP" -P stream.csv -i i.csv progress.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: i.csv: the weights add up to 110, not 100'
	printf 'indicator,weight\nstart,99999999999999999999\n' > i.csv
	xq xq-score-performance -p "$VP" -P stream.csv -i i.csv progress.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: i.csv:2: weight "99999999999999999999" of start is not a decimal'
	mkdir p && cp "$VP/counties.csv" p/
	printf 'key,value\nprelim_deadline,02-30\n' > p/settings.csv
	xq xq-score-performance -p p -P stream.csv progress.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: p/settings.csv: prelim_deadline "02-30" is not a date (03-31, 3月31日, 2020-03-31, 2020年3月31日)'
}

# ---- xq-summarize -----------------------------------------------------------------------

@test "summarize: a raw sheet or an empty input is exit 3; bad -f, --lang and -g are exit 2, an unknown -g column 3" {
	submission "$(row)"
	xq xq-summarize -p "$VP" in.csv
	assert_failure 3
	assert_stderr 'xq-summarize: in.csv:1: no column "county_code" (the plan table is by county)'
	: > empty.csv
	xq xq-summarize empty.csv
	assert_failure 3
	assert_stderr 'xq-summarize: empty.csv: empty input, a header line was expected'
	stream_of "$(row)"
	xq xq-summarize -f xlsx stream.csv
	assert_failure 2
	assert_stderr 'xq-summarize: -f: "xlsx" is not csv, table or md'
	xq xq-summarize --lang fr stream.csv
	assert_failure 2
	assert_stderr 'xq-summarize: --lang: "fr" is not zh or en'
	xq xq-summarize -g , stream.csv
	assert_failure 2
	assert_stderr 'xq-summarize: -g: "," has an empty column name'
	xq xq-summarize -g communty stream.csv
	assert_failure 3
	assert_stderr 'xq-summarize: stream.csv:1: no column "communty" (named by -g); did you mean "community"?'
	mkdir adir
	xq xq-summarize adir
	assert_failure 3
	assert_stderr 'xq-summarize: adir: Is a directory'
}

@test "summarize: a stream line with too few or too many fields is exit 3, not a row read under the wrong columns" {
	stream_of "$(row)" "$(row community=二)"
	sed '3s/,[^,]*,[^,]*$//' stream.csv > short.csv
	xq xq-summarize -p "$VP" short.csv
	assert_failure 3
	assert_stderr 'xq-summarize: short.csv:3: 29 fields, but the header has 31'
	sed '3s/$/,多余/' stream.csv > long.csv
	xq xq-summarize -p "$VP" -g community long.csv
	assert_failure 3
	assert_stderr 'xq-summarize: long.csv:3: 32 fields, but the header has 31'
	xq xq-summarize --rows long.csv
	assert_failure 3
	assert_stderr 'xq-summarize: long.csv:3: 32 fields, but the header has 31'
}

@test "summarize: counts that are no numbers, and sums past 64 bits, are exit 3 with the provenance" {
	stream_of "$(row)" "$(row community=二)"
	sed '3s/,219,/,二百,/' stream.csv > bad.csv
	xq xq-summarize -p "$VP" bad.csv
	assert_failure 3
	assert_stderr 'xq-summarize: bad.csv:3:households: "二百" is not a number (in.csv:3)'
	sed 's/,219,/,9223372036854775807,/' stream.csv > big.csv
	xq xq-summarize -p "$VP" big.csv
	assert_failure 3
	assert_stderr 'xq-summarize: the sum of households is out of range'
}

@test "summarize: registry names and -g values that are formulas are guarded in the plan table; negative sums stay numbers" {
	submission "$(row community='"=HYPERLINK(""http://x"")"')" "$(row county_code=220203 community=-2+3)" \
		"$(row county_code=220204 community=＠SUM\(A1\))"
	sed -i 's/^\([0-9]*\),[^,]*,/\1,,/' in.csv
	xq-validate -q -p "$HP" in.csv > stream.csv
	xq xq-summarize -p "$HP" -o table.csv stream.csv
	assert_success
	run cut -d, -f1 table.csv
	assert_output "市
\"'@SUM(A1)\"
\"'@SUM(A1)\"
\"'＝1+1\"
\"'＝1+1\"
\"'+cmd|' /C calc'!A0\"
\"'+cmd|' /C calc'!A0\"
合计"
	assert_equal "$(sed -n 2p table.csv)" "\"'@SUM(A1)\",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",220102,1,7,219,1.32,1085.87"
	# a hand-made stream with a negative area: a number, not text
	sed '2s/,13216.00,/,-13216.00,/' stream.csv > neg.csv
	xq xq-summarize -p "$HP" --lang en -g community -o g.csv neg.csv
	assert_success
	assert_equal "$(cat g.csv)" "community,communities,buildings,households,area_wan_m2,investment
\"'-2+3\",1,7,219,1.32,1085.87
\"'=HYPERLINK(\"\"http://x\"\")\",1,7,219,-1.32,1085.87
\"'＠SUM(A1)\",1,7,219,1.32,1085.87
total,3,21,657,1.32,3257.61"
}

# ---- profiles ---------------------------------------------------------------------------

@test "every filter: a profile without counties.csv is exit 3, naming the file" {
	mkdir p
	stream_of "$(row)"
	local f
	for f in xq-validate xq-dedupe xq-classify-scope xq-allocate-funds xq-summarize; do
		xq "$f" -p p stream.csv
		assert_failure 3
		assert_stderr "$f: p/counties.csv: No such file or directory (a profile needs its county registry)"
	done
	xq xq-score-performance -p p -P stream.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: p/counties.csv: No such file or directory (a profile needs its county registry)'
	# a file where the folder should be
	xq xq-validate -p stream.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-validate: stream.csv/counties.csv: Not a directory (a profile needs its county registry)'
}

@test "every filter: a county registry with a 5-digit code, no code column, or a code twice is exit 3" {
	mkdir p
	stream_of "$(row)"
	local f
	printf 'county_code,county\n22010,南关区\n' > p/counties.csv
	for f in xq-validate xq-dedupe xq-classify-scope xq-allocate-funds xq-summarize; do
		xq "$f" -p p stream.csv
		assert_failure 3
		assert_stderr "$f: p/counties.csv:2:county_code: \"22010\" is not a 6-digit code"
	done
	printf 'code,name\n220102,南关区\n' > p/counties.csv
	xq xq-validate -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-validate: p/counties.csv: no column "county_code"'
	printf 'county_code,county\n220102,南关区\n220102,南关\n' > p/counties.csv
	xq xq-summarize -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-summarize: p/counties.csv: county_code 220102 is listed twice'
	printf 'county_code,county\n220102,"南关区\n' > p/counties.csv
	xq xq-dedupe -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: p/counties.csv:2: a quoted field that starts here is never closed'
}

@test "validate and score-performance: a plan_year in settings.csv that is no year is exit 3" {
	mkdir p && cp "$VP/counties.csv" p/
	printf 'key,value\nplan_year,20x0\n' > p/settings.csv
	stream_of "$(row)"
	xq xq-validate -p p stream.csv
	assert_failure 3
	assert_stderr 'xq-validate: p/settings.csv: plan_year "20x0" is not a year from 1949 to 2100'
	xq xq-score-performance -p p -P stream.csv stream.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: p/settings.csv: plan_year "20x0" is not a year from 1949 to 2100'
}

# ---- bad options and inputs of validate ---------------------------------------------------

@test "validate: bad option values are exit 2; a missing file, a directory and a missing column table are exit 3" {
	submission "$(row)"
	xq xq-validate -p "$VP" -e latin1 in.csv
	assert_failure 2
	assert_stderr 'xq-validate: -e: "latin1" is not auto, utf-8 or gb18030'
	xq xq-validate -p "$VP" -y 1800 in.csv
	assert_failure 2
	assert_stderr 'xq-validate: -y: "1800" is not a whole number from 1949 to 2100'
	xq xq-validate -p "$VP" --max-field 5 in.csv
	assert_failure 2
	assert_stderr 'xq-validate: --max-field: "5" is not a whole number from 1024 to 1073741824'
	xq xq-validate -p "$VP" nosuch.csv
	assert_failure 3
	assert_stderr 'xq-validate: nosuch.csv: No such file or directory'
	mkdir adir
	xq xq-validate -p "$VP" adir
	assert_failure 3
	assert_stderr 'xq-validate: adir: Is a directory'
	xq xq-validate -p "$VP" -s adir in.csv
	assert_failure 3
	assert_stderr 'xq-validate: adir: Is a directory'
	xq xq-validate -p "$VP" -o adir in.csv
	assert_failure 4
	assert_stderr 'xq-validate: adir: Is a directory'
}

# ---- the plan pipeline: file names and cells that would run commands -------------------
# make runs in the repository on a small profile of the test's own, with
# OUTDIR here. The names and cells below would, if a shell ever ran them,
# create files in $XQ_PWN, which must stay empty.

# xq_make ARG...: make in the repository with the filters under test.
xq_make() {
	local bin san=()
	bin=$(cd "$XQ_BIN" && pwd -P)
	[[ $bin != "$ROOT/build/san/bin" ]] || san=(SAN=1)
	make -C "$ROOT" --no-print-directory "${san[@]}" XQ="$bin" "$@"
}

# plan_setup: profile/ (the validate tests' registry, a budget and a plan
# year), inbox/ with one good sheet, and an empty pwn/ exported as XQ_PWN.
plan_setup() {
	mkdir profile inbox pwn
	cp "$VP/counties.csv" profile/
	printf 'key,value\nplan_year,2020\nbudget,1000\n' > profile/settings.csv
	printf '%s\n' "$HEAD" "$(row)" "$(row county_code=220203 community=二)" > inbox/南关区.csv
	export XQ_PWN=$PWD/pwn
}

# plan ARG...: make plan of profile/ on inbox/, the outputs under ./out.
plan() {
	run --separate-stderr xq_make plan PROFILE_DIR="$PWD/profile" \
		SUBMISSIONS="$PWD/inbox" OUTDIR="$PWD/out" "$@"
}

# assert_nothing_ran: no command hidden in a name or a cell was run.
assert_nothing_ran() {
	run ls -A "$XQ_PWN"
	assert_output ''
}

@test "make plan: sheet names that the shell would run are refused before any rule runs, named, and nothing is written" {
	plan_setup
	cp inbox/南关区.csv 'inbox/$(cd $XQ_PWN;touch 1).csv'
	cp inbox/南关区.csv 'inbox/`cd $XQ_PWN;touch 2`.csv'
	cp inbox/南关区.csv 'inbox/a;cd $XQ_PWN;touch 3;.csv'
	cp inbox/南关区.csv 'inbox/龙潭 区.csv'
	cp inbox/南关区.csv "inbox/it's.xlsx"
	cp inbox/南关区.csv 'inbox/*.csv'
	plan
	assert_failure 2
	assert_stderr_line --partial "$PWD/inbox: file names with a space or a character the shell would act on cannot be read safely: \"\$(cd \$XQ_PWN;touch 1).csv\" \"*.csv\" \"\`cd \$XQ_PWN;touch 2\`.csv\" \"a;cd \$XQ_PWN;touch 3;.csv\" \"龙潭 区.csv\" \"it's.xlsx\"; rename them"
	assert_nothing_ran
	[[ ! -e out ]] || fail "out/ was made: $(find out)"
	[[ ! -e $ROOT/1 && ! -e $ROOT/2 && ! -e $ROOT/3 ]] || fail "a file was made in the repository"
}

@test "make plan: names with full-width brackets, commas, dots, dashes and @ are read, and the balance holds" {
	plan_setup
	local n
	for n in '南关区（修订）' '2020,南关区' 'a..b' '-x' 'x@y+z'; do
		printf '%s\n' "$HEAD" "$(row community="小区${#n}${n//[^a-z]/}")" > "inbox/$n.csv"
	done
	plan
	assert_success
	assert_stderr_line 'plan: 7 records in = 7 in the plan + 0 rejected + 0 duplicates + 0 exceptions'
	assert_equal "$(csv_column source out/profile/plan.csv | LC_ALL=C sort)" \
		"$(printf '%s\n' -x.csv 2020,南关区.csv a..b.csv x@y+z.csv 南关区.csv 南关区.csv \
		南关区（修订）.csv)"
	assert_nothing_ran
}

@test "make plan: other files with shell characters in their names are named as they are and left alone" {
	plan_setup
	: > "inbox/x'\$(cd \$XQ_PWN;touch 4)'.docx"
	: > 'inbox/说明 (1).docx'
	: > 'inbox/~$南关区.xlsx'
	plan
	assert_success
	assert_stderr_line "plan: left alone in $PWD/inbox (only *.csv and *.xlsx are read): x'\$(cd \$XQ_PWN;touch 4)'.docx ~\$南关区.xlsx 说明 (1).docx"
	assert_stderr_line 'plan: 2 records in = 2 in the plan + 0 rejected + 0 duplicates + 0 exceptions'
	assert_nothing_ran
}

@test "make plan: commands, paths and formulas in the registry and the cells are data: the plan is made, guarded, and nothing runs" {
	plan_setup
	cat > profile/counties.csv <<-'CSV'
	county_code,county,city,fiscal_coef
	220102,$(cd $XQ_PWN;touch 5),=1+1,0.8
	220203,../../etc/passwd,`cd $XQ_PWN;touch 6`,1.0
	CSV
	printf '%s\n' '行政区划代码,小区名称,地址,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'220102,"=HYPERLINK(""http://x"")",../../../x,1988,7,219,13216,屋面防水,1085.87' \
		'220203,$(cd $XQ_PWN;touch 7),`cd $XQ_PWN;touch 8`;,1988,7,219,13216,屋面防水,1085.87' \
		'220203,/etc/passwd,"a;b|c>d",1988,7,219,13216,屋面防水,1085.87' > inbox/南关区.csv
	plan
	assert_success
	assert_stderr_line 'plan: 3 records in = 3 in the plan + 0 rejected + 0 duplicates + 0 exceptions'
	assert_nothing_ran
	run cut -d, -f1-3 out/profile/plan-table.csv
	assert_output "市,县(市、区),行政区划代码
\"'=1+1\",\$(cd \$XQ_PWN;touch 5),220102
\"'=1+1\",全市小计,
\`cd \$XQ_PWN;touch 6\`,../../etc/passwd,220203
\`cd \$XQ_PWN;touch 6\`,全市小计,
合计,,"
	assert_equal "$(csv_column community out/profile/plan.csv | tr '\n' '|')" '=HYPERLINK("http://x")|$(cd $XQ_PWN;touch 7)|/etc/passwd|'
	# what it wrote is under OUTDIR, named for the profile and the sheet only
	assert_equal "$(ls -A | grep -v '^separate-stderr-')" "$(printf '%s\n' inbox out profile pwn)"
	run find out -mindepth 1 ! -regex 'out/profile\(\|/[^/]*\|/valid/南关区\.[a-z]*\)'
	assert_output ''
	[[ -s out/profile/valid/南关区.csv && -s out/profile/plan-table.csv ]]
}

@test "make plan: an empty sheet in the inbox stops the run, naming the sheet" {
	plan_setup
	: > inbox/龙潭区.csv
	plan
	assert_failure 2
	assert_stderr_line 'xq-validate: 龙潭区.csv: empty file'
	[[ ! -e out/profile/plan.csv ]] || fail "a plan was written"
}

@test "make plan: sheets with a header and no rows give no plan rows, and the run says so, not that the balance is broken" {
	plan_setup
	printf '%s\n' "$HEAD" > inbox/南关区.csv
	plan
	assert_failure 2
	assert_stderr_line "plan: no record of $PWD/inbox reached the plan, so the budget cannot be allocated (see rejects.csv, duplicates.csv and exceptions.csv in $PWD/out/profile)"
	refute_stderr --partial 'does not hold'
}

@test "make evaluation: a progress report whose name the shell would run is refused before any rule runs" {
	plan_setup
	mkdir profile/submissions profile/progress
	mv inbox/南关区.csv profile/submissions/
	printf '%s\n' "$PHEAD" "$(prow)" > 'profile/progress/$(cd $XQ_PWN;touch 9).csv'
	run --separate-stderr xq_make evaluation PROFILE_DIR="$PWD/profile" OUTDIR="$PWD/out"
	assert_failure 2
	assert_stderr_line --partial "$PWD/profile/progress: file names with a space or a character the shell would act on cannot be read safely: \"\$(cd \$XQ_PWN;touch 9).csv\""
	assert_nothing_ran
	[[ ! -e out ]] || fail "out/ was made"
}

# ---- pipes -------------------------------------------------------------------

# piped FILTER ARGS...: runs the filter into `head -n 1` on a province's
# worth of records (more than a pipe holds), once as a shell leaves SIGPIPE
# and once with it ignored (as some job runners do); prints the filter's two
# exit statuses and keeps its messages in err.1 and err.2.
piped() {
	bash -c 'set +o pipefail; "$@" 2> err.1 | head -n 1 > /dev/null
		echo "${PIPESTATUS[0]}"' _ "$@"
	bash -c 'trap "" PIPE; "$@" 2> err.2 | head -n 1 > /dev/null
		echo "${PIPESTATUS[0]}"' _ "$@"
}

@test "every filter piped into head -n 1 stops quietly: SIGPIPE, or exit 4 without a word when it is ignored" {
	local S=$ROOT/samples/jilin-2020 f
	xq-validate -q -p "$S" "$S"/submissions/*.csv > v.csv || [ $? -eq 1 ]
	xq-dedupe -q v.csv > d.csv || [ $? -eq 1 ]
	xq-classify-scope -q -p "$S" d.csv > s.csv || [ $? -eq 1 ]
	# bigger streams: the province eight times over, before and after
	# classify-scope (a pipe holds 64 KiB)
	for f in d s; do
		{ head -n 1 $f.csv; for _ in 1 2 3 4 5 6 7 8; do tail -n +2 $f.csv; done; } > big-$f.csv
		assert [ "$(wc -c < big-$f.csv)" -gt 1000000 ]
	done
	for cmd in "xq-validate -q -p $S $S/submissions/*.csv" "xq-validate -q big-d.csv" \
		"xq-dedupe -q big-d.csv" "xq-classify-scope -q -p $S big-d.csv" \
		"xq-allocate-funds -q -p $S -b 150000 big-s.csv" \
		"xq-summarize -g county,community -f table big-s.csv"; do
		# shellcheck disable=SC2086
		run piped $cmd
		[[ $output == "$(printf '141\n4')" ]] ||
			fail "$cmd: exit $output, not 141 and 4: $(cat err.1 err.2)"
		[[ ! -s err.1 && ! -s err.2 ]] || fail "$cmd said: $(cat err.1 err.2)"
	done
}
