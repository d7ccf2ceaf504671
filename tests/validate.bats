#!/usr/bin/env bats
# validate.bats - xq-validate: checks, normalisation, encodings, exit codes.
#
# Most inputs are made in the test from one valid row (row, prow) with a
# cell changed, so each test shows the cell it is about. Bigger inputs are
# readable UTF-8 files in tests/fixtures/validate/; their GB18030, CRLF and
# BOM variants are made here (helpers.bash).

load helpers

V=$FIX/validate

# The submission header of most tests, and a valid row under it.
HEAD='行政区划代码,县(市、区),小区名称,地址,建成年份,楼栋数,户数,建筑面积(㎡),改造内容,总投资(万元),居民同意率'

# row [COLUMN=VALUE...]: the valid row with some cells changed. (Builtins
# only: bats traces every command, and rows are made by the hundred.)
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

# The progress-report header (SPEC §3.2), and a valid row under it.
PHEAD='行政区划代码,县(市、区),小区名称,计划年度,进展状态,前期工作完成日期,开工日期,完工日期,完成投资,下达补助资金,已支出补助资金,居民满意度,建立长效管理机制,按时报送'

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

# submission [ROW...]: in.csv, the header (and $EXTRA header cells) and ROWs.
submission() {
	printf '%s\n' "$HEAD${EXTRA:+,$EXTRA}" "$@" > in.csv
}

progress() {
	printf '%s\n' "$PHEAD" "$@" > in.csv
}

# validate ARGS...: runs xq-validate with the test profile, plan year 2020
# and rejects.csv, keeping stdout and stderr apart.
validate() {
	run --separate-stderr xq-validate -p "$V/profile" -y 2020 -r rejects.csv "$@"
}

REJECTS_HEAD='source,line,column,value,code,message'

# assert_rejects [ROW...]: rejects.csv holds exactly these rows.
assert_rejects() {
	local want
	printf -v want '%s\n' "$REJECTS_HEAD" "$@"
	assert_equal "$(< rejects.csv)" "${want%$'\n'}"
}

# assert_records N: the stream on stdout has a header and N records.
assert_records() {
	assert_equal "${#lines[@]}" "$(($1 + 1))"
	assert_equal "${lines[0]%%,county_code,*}" source,line
}

# column NAME: the values of a stream column of $output, one per line.
column() {
	csv_column "$1" <<<"$output"
}

# ---- the stream ------------------------------------------------------------

@test "a valid UTF-8 file gives the canonical stream, exit 0, an empty rejects file and a summary" {
	validate "$V/good.csv"
	assert_success
	assert_equal "$output" "$(< "$V/good.out")"
	assert_rejects
	assert_stderr 'xq-validate: 1 file, 2 records: 2 valid, 0 rejected (0 problems); 0 totals rows and 0 blank rows dropped; 0 warnings'
}

@test "county and city come from the registry when the file has none, the plan year from -y" {
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'220203,化肥厂宿舍,1985,4,120,8400.5,外墙保温,520' > in.csv
	run --separate-stderr xq-validate -p "$V/profile" -y 2021 in.csv
	assert_success
	assert_line --index 1 'in.csv,2,220203,龙潭区,吉林市,,化肥厂宿舍,,1985,4,120,8400.50,外墙保温,520.00,,,,,,,,,,,,,,,,,2021'
}

@test "columns the schema does not know are kept, in input order, after the schema columns" {
	# SPEC §2.2: each filter keeps the columns it does not know, in order,
	# and passes their values through byte for byte
	EXTRA='备注,联系人' submission "$(row), 第一批 ,张三"
	validate in.csv
	assert_success
	assert_line --index 0 --regexp ',plan_year,备注,联系人$'
	assert_line --index 1 --regexp ',2020, 第一批 ,张三$'
}

@test "stdin is read when no file is named, with source -; several files give one header" {
	submission "$(row)"
	run --separate-stderr bash -c 'xq-validate -p "$1" -y 2020 < in.csv' _ "$V/profile"
	assert_success
	assert_line --index 1 --regexp '^-,2,220102,'
	validate in.csv "$V/good.csv"
	assert_success
	assert_records 3
	assert_equal "$(column source | tr '\n' ' ')" 'in.csv good.csv good.csv '
	assert_stderr --partial '2 files, 3 records: 3 valid'
}

# ---- every rejection code: one row, one code, one message -------------------

@test "E101: an empty required cell is rejected" {
	submission "$(row community=)"
	validate in.csv
	assert_failure 1
	assert_records 0
	assert_rejects 'in.csv,2,community,,E101,"is empty, but the column is required"'
	assert_stderr_line 'xq-validate: in.csv:2:community: "" is empty, but the column is required (E101)'
}

@test "E102: an area that is not a number is rejected" {
	submission "$(row area_m2=未测绘)"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,area_m2,未测绘,E102,is not a number'
	assert_stderr_line 'xq-validate: in.csv:2:area_m2: "未测绘" is not a number (E102)'
}

@test "E103: households in Chinese numerals and half a building are not whole numbers" {
	submission "$(row households=一百二十)" "$(row buildings=3.5)"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,households,一百二十,E103,is not a whole number' \
		'in.csv,3,buildings,3.5,E103,is not a whole number'
	assert_stderr_line 'xq-validate: in.csv:2:households: "一百二十" is not a whole number (E103)'
}

@test "E104: values out of range are rejected, and the message gives the range" {
	submission "$(row buildings=800)" "$(row consent_pct=120%)" \
		"$(row investment=-35.6)" "$(row build_year=1890)"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,buildings,800,E104,is out of range (1..500)' \
		'in.csv,3,consent_pct,120%,E104,is out of range (0..100)' \
		'in.csv,4,investment,-35.6,E104,is out of range (0..)' \
		'in.csv,5,build_year,1890,E104,is out of range (1949..)'
	assert_stderr_line 'xq-validate: in.csv:2:buildings: "800" is out of range (1..500) (E104)'
}

@test "E105: a value that does not match the pattern of a -s FILE column table is rejected" {
	printf '%s\n' '行政区划代码,小区名称,户数' '220102,幸福里,120' '220102,幸福小区,120' > in.csv
	validate -s "$V/schema-pattern.csv" in.csv
	assert_failure 1
	assert_output "$(printf '%s\n' 'source,line,county_code,community,households' 'in.csv,3,220102,幸福小区,120')"
	assert_rejects "in.csv,2,community,幸福里,E105,does not match the column's pattern"
	assert_stderr_line "xq-validate: in.csv:2:community: \"幸福里\" does not match the column's pattern (E105)"
}

@test "E106: a decade, or a year with month 13, is not a year" {
	submission "$(row build_year=八十年代)" "$(row build_year=1995-13)"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,build_year,八十年代,E106,"is not a year (1995, 1995年, 1995-06, 95年)"' \
		'in.csv,3,build_year,1995-13,E106,"is not a year (1995, 1995年, 1995-06, 95年)"'
	assert_stderr_line 'xq-validate: in.csv:2:build_year: "八十年代" is not a year (1995, 1995年, 1995-06, 95年) (E106)'
}

@test "E107: 30 February is not a date" {
	progress "$(prow prelim_done=2019-02-30)"
	validate -s progress in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,prelim_done,2019-02-30,E107,"is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331)"'
	assert_stderr_line 'xq-validate: in.csv:2:prelim_done: "2019-02-30" is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331) (E107)'
}

@test "E107: a bad completion date of a completed project is one problem, not also a missing date (E204)" {
	progress "$(prow completion_date=2019-02-30)"
	validate -s progress in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,completion_date,2019-02-30,E107,"is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331)"'
}

@test "E108: a yes/no cell that is neither is rejected" {
	EXTRA=成立小区党组织 submission "$(row),也许"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,pre_party,也许,E108,"is not yes or no (是/否, 有/无, Y/N, 1/0, √/×)"'
	assert_stderr_line 'xq-validate: in.csv:2:pre_party: "也许" is not yes or no (是/否, 有/无, Y/N, 1/0, √/×) (E108)'
}

@test "E109: a percentage in words is rejected" {
	submission "$(row consent_pct=很多)"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,consent_pct,很多,E109,"is not a percentage (85%, 0.85, 85)"'
	assert_stderr_line 'xq-validate: in.csv:2:consent_pct: "很多" is not a percentage (85%, 0.85, 85) (E109)'
}

@test "E110: a county code that is not in the profile's registry is rejected" {
	submission "$(row county_code=210102)"
	validate in.csv
	assert_failure 1
	assert_rejects "in.csv,2,county_code,210102,E110,is not a county code of the profile's registry"
	assert_stderr_line "xq-validate: in.csv:2:county_code: \"210102\" is not a county code of the profile's registry (E110)"
}

@test "E111: a community name of 101 characters is too long" {
	local long
	printf -v long '院%.0s' {1..101}
	submission "$(row community="$long")"
	validate in.csv
	assert_failure 1
	assert_rejects "in.csv,2,community,$long,E111,is longer than 100 characters"
	assert_stderr_line --regexp '^xq-validate: in\.csv:2:community: "(院)+" is longer than 100 characters \(E111\)$'
}

@test "a long value quoted in a message is cut on a character boundary (stderr stays UTF-8)" {
	local long
	printf -v long '院%.0s' {1..101}
	submission "$(row community="a$long")"
	validate in.csv
	assert_failure 1
	printf '%s' "$stderr" > stderr.txt
	run iconv -f UTF-8 -t UTF-8 stderr.txt
	assert_success
}

@test "E112: a status that is not one of 未开工 前期 在建 完工 is rejected" {
	progress "$(prow status=暂停 completion_date=)"
	validate -s progress in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,status,暂停,E112,"is not a status (未开工, 前期, 在建, 完工)"'
	assert_stderr_line 'xq-validate: in.csv:2:status: "暂停" is not a status (未开工, 前期, 在建, 完工) (E112)'
}

@test "E113: a letter l for a digit 1, or a 7th digit, is not a 6-digit county code" {
	submission "$(row county_code=220l02)" "$(row county_code=2202840)"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,county_code,220l02,E113,is not a 6-digit county code' \
		'in.csv,3,county_code,2202840,E113,is not a 6-digit county code'
	assert_stderr_line 'xq-validate: in.csv:2:county_code: "220l02" is not a 6-digit county code (E113)'
}

@test "E201: funding parts that do not add up to the investment are rejected, naming both sums" {
	EXTRA=中央补助,居民出资 submission "$(row),1000,80" "$(row),1000,85.87"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,investment,1085.87,E201,"funding parts add up to 1080.00万元, not the investment 1085.87万元"'
	assert_stderr_line 'xq-validate: in.csv:2:investment: "1085.87" funding parts add up to 1080.00万元, not the investment 1085.87万元 (E201)'
	# the row whose parts add up passes, its parts in 万元
	assert_records 1
	assert_equal "$(column fund_central),$(column fund_residents)" 1000.00,85.87
}

@test "E202: a build year after the plan year is rejected" {
	submission "$(row build_year=2021)"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,build_year,2021,E202,is after the plan year 2020'
	assert_stderr_line 'xq-validate: in.csv:2:build_year: "2021" is after the plan year 2020 (E202)'
}

@test "E203: a completion date before the start date is rejected" {
	progress "$(prow start_date=2019-05-01 completion_date=2019-04-01)"
	validate -s progress in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,completion_date,2019-04-01,E203,is before the start date 2019-05-01'
	assert_stderr_line 'xq-validate: in.csv:2:completion_date: "2019-04-01" is before the start date 2019-05-01 (E203)'
}

@test "E204: a status that contradicts the dates is rejected" {
	progress "$(prow status=在建 start_date= completion_date=)" \
		"$(prow completion_date=)" \
		"$(prow status=未开工 completion_date=)" \
		"$(prow status=在建)"
	validate -s progress in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,status,under_construction,E204,"says under construction, but there is no start date"' \
		'in.csv,3,status,completed,E204,"says completed, but there is no completion date"' \
		'in.csv,4,status,not_started,E204,"has a start date, but the project has not started"' \
		'in.csv,5,status,under_construction,E204,"has a completion date, but the project is not completed"'
	assert_stderr_line 'xq-validate: in.csv:2:status: "under_construction" says under construction, but there is no start date (E204)'
}

@test "E003: a row with more filled cells than the header is rejected; empty trailing cells are not" {
	submission "$(row),多余" "$(row),,"
	validate in.csv
	assert_failure 1
	assert_records 1
	assert_equal "$(column line)" 3
	assert_rejects 'in.csv,2,(record),多余,E003,"the row has 12 fields, the header 11"'
	assert_stderr_line 'xq-validate: in.csv:2:(record): "多余" the row has 12 fields, the header 11 (E003)'
}

@test "E002: a stray quote in the last cell is rejected with its line and byte, and the next row is read" {
	submission "$(row consent_pct='89"%')" "$(row community=乙小区)"
	validate in.csv
	assert_failure 1
	assert_records 1
	assert_equal "$(column line)" 3
	# 220102,南关区,机械厂家属院,建设街2702号,1988,7,219,13216,屋面防水,1085.87,89
	# is 93 bytes: the quote is the 94th
	assert_rejects 'in.csv,2,(record),,E002,"malformed quoting (a stray or unclosed "") at line 2, byte 94"'
	assert_stderr_line 'xq-validate: in.csv:2:(record): malformed quoting (a stray or unclosed ") at line 2, byte 94 (E002)'
}

@test "E002: a stray quote inside a row is one problem, not a cascade of empty-cell errors" {
	submission "$(row community='机械"厂')"
	validate in.csv
	assert_failure 1
	assert_rejects 'in.csv,2,(record),,E002,"malformed quoting (a stray or unclosed "") at line 2, byte 24"'
	refute_stderr --partial E101
}

# ---- warnings: stderr, exit 1, the record still written ----------------------

@test "W301: a county name that is not the registry's warns and keeps the record" {
	submission "$(row county=朝阳区)"
	validate in.csv
	assert_failure 1
	assert_records 1
	assert_rejects
	assert_stderr_line 'xq-validate: in.csv:2:county: "朝阳区" is not the registry name "南关区" of 220102 (W301)'
}

@test "W303-W307: implausible ratios and late build years warn, one warning a row, and keep the record" {
	submission "$(row area_m2=50000)" \
		"$(row buildings=1)" \
		"$(row households=20 buildings=1 area_m2=1500 investment=250)" \
		"$(row households=400 buildings=10 investment=100)" \
		"$(row build_year=2005)"
	validate in.csv
	assert_failure 1
	assert_records 5
	assert_rejects
	assert_stderr_line 'xq-validate: in.csv:2:area_m2: 50000.00 ㎡ for 219 households is outside 30.00..200.00 ㎡ per household (W303)'
	assert_stderr_line 'xq-validate: in.csv:3:households: 219 households in 1 buildings is outside 2..150 per building (W304)'
	assert_stderr_line 'xq-validate: in.csv:4:investment: 250.00万元 over 1500.00 ㎡ is outside 50..1500 元 per ㎡ (W305)'
	assert_stderr_line 'xq-validate: in.csv:5:investment: 100.00万元 for 400 households is outside 0.30..15.00 万元 per household (W306)'
	assert_stderr_line 'xq-validate: in.csv:6:build_year: built in 2005, after the cutoff of 2000 (W307)'
	assert_stderr --partial '5 records: 5 valid, 0 rejected (0 problems); 0 totals rows and 0 blank rows dropped; 5 warnings'
}

@test "W308: subsidy spent beyond the subsidy allocated warns and keeps the record" {
	progress "$(prow fund_spent=705.04)"
	validate -s progress in.csv
	assert_failure 1
	assert_line --index 1 --partial ',605.68,705.04,'
	assert_rejects
	assert_stderr_line 'xq-validate: in.csv:2:fund_spent: spent 705.04万元 is more than the 605.68万元 allocated (W308)'
}

# W302 is with the totals rows below.

# ---- encodings -------------------------------------------------------------

@test "a UTF-8 file with a BOM, also one glued to a quoted first header cell, gives the same stream" {
	bom "$V/good.csv" > good.csv
	validate good.csv
	assert_success
	assert_equal "$output" "$(< "$V/good.out")"
	assert_stderr_line 'xq-validate: good.csv: read as UTF-8 with BOM'
	{ printf '\357\273\277"行政区划代码"'; sed '1s/^行政区划代码//' "$V/good.csv"; } > good.csv
	validate good.csv
	assert_success
	assert_equal "$output" "$(< "$V/good.out")"
}

@test "a GB18030 file with CRLF line ends is detected, said so, and gives the same stream" {
	gb18030 "$V/good.csv" | crlf > good.csv
	validate good.csv
	assert_success
	assert_equal "$output" "$(< "$V/good.out")"
	assert_stderr_line 'xq-validate: good.csv: read as GB18030, CRLF'
}

@test "-e gb18030 forces GB18030, and -e gbk is the same" {
	gb18030 "$V/good.csv" > good.csv
	validate -e gb18030 good.csv
	assert_success
	assert_equal "$output" "$(< "$V/good.out")"
	assert_stderr_line 'xq-validate: good.csv: read as GB18030'
	validate -e gbk good.csv
	assert_success
	assert_equal "$output" "$(< "$V/good.out")"
}

@test "a multi-line cell of a GB18030 CRLF file keeps its line breaks and no CR" {
	gb18030 "$V/multiline.csv" | crlf > multiline.csv
	validate multiline.csv
	assert_success
	assert_equal "$(column line | tr '\n' ' ')" '2 5 6 9 '
	assert_line --index 1 --partial ',1. 屋面防水\n2. 外墙保温\n3. 加装电梯,'
	refute_output --partial $'\r'
}

@test "E001: an invalid UTF-8 byte or a NUL rejects the row, with the line and byte column" {
	{
		printf '%s\n' "$HEAD"
		row address=$'建设\xff街1号'
		row community=乙小区
		row address=$'建设街1号\x01' | tr '\001' '\000'
	} > in.csv
	validate in.csv
	assert_failure 1
	assert_records 1
	assert_equal "$(column line)" 3
	# 220102,南关区,机械厂家属院,建设 is 42 bytes: the bad byte is the 43rd
	assert_rejects 'in.csv,2,(record),,E001,"invalid UTF-8 byte sequence at line 2, byte 43"' \
		'in.csv,4,(record),,E001,"NUL byte at line 4, byte 50"'
	assert_stderr_line 'xq-validate: in.csv:2:(record): invalid UTF-8 byte sequence at line 2, byte 43 (E001)'
	assert_stderr_line 'xq-validate: in.csv:4:(record): NUL byte at line 4, byte 50 (E001)'
}

# A GB18030 file whose row 2 holds the bad pair \x81 \x20 after
# "220102,南关区,机械厂家属院,建设": 7 + 2*3+1 + 2*6+1 + 2*2 = 31 bytes.
make_bad_gb18030() {
	{
		printf '%s\n' "$HEAD" | gb18030
		printf '220102,南关区,机械厂家属院,建设' | gb18030
		printf '\201 '
		printf '街1号,1988,7,219,13216,屋面防水,1085.87,89%%\n' | gb18030
		row community=乙小区 | gb18030
	} > in.csv
}

@test "E001: an invalid GB18030 sequence rejects the row, with the line and byte column" {
	make_bad_gb18030
	validate -e gb18030 in.csv
	assert_failure 1
	assert_records 1
	assert_rejects 'in.csv,2,(record),,E001,"invalid GB18030 byte sequence at line 2, byte 32"'
	assert_stderr_line 'xq-validate: in.csv:2:(record): invalid GB18030 byte sequence at line 2, byte 32 (E001)'
}

@test "a GB18030 file with one invalid sequence is still detected as GB18030, and only that row is rejected" {
	make_bad_gb18030
	validate in.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: in.csv: read as GB18030'
	assert_records 1
	assert_stderr_line 'xq-validate: in.csv:2:(record): invalid GB18030 byte sequence at line 2, byte 32 (E001)'
}

# ---- title, blank, total and subtotal rows -----------------------------------

@test "title and blank rows are skipped and counted; a 单位：元 title reads unitless money in 元; a right 合计 row is dropped silently" {
	validate "$V/title.csv"
	assert_success
	assert_records 3
	assert_equal "$(column line | tr '\n' ' ')" '5 7 10 '
	assert_equal "$(column investment | tr '\n' ' ')" '1085.87 163.69 177.99 '
	refute_output --partial 合计
	refute_stderr --partial W302
	assert_stderr --partial '3 records: 3 valid, 0 rejected (0 problems); 1 totals row and 2 blank rows dropped; 0 warnings'
}

@test "W302: a 合计 row that differs from the sum warns, naming both figures (money in 万元)" {
	sed 's/^合计,,,,10,307,1.9963,,14275500,/合计,,,,10,310,1.9963,,14275600,/' "$V/title.csv" > title.csv
	validate title.csv
	assert_failure 1
	assert_records 3
	assert_rejects
	assert_stderr_line 'xq-validate: title.csv:11:households: the 合计 row says 310, the rows it covers add up to 307 (W302)'
	assert_stderr_line 'xq-validate: title.csv:11:investment: the 合计 row says 1427.56, the rows it covers add up to 1427.55 (W302)'
	assert_equal "$(grep -c W302 <<<"$stderr")" 2
}

@test "小计 rows are checked against their own group and dropped, 合计 against all rows; a wrong 小计 warns (W302)" {
	validate "$V/subtotals.csv"
	assert_success
	assert_records 3
	assert_equal "$(column line | tr '\n' ' ')" '2 3 5 '
	assert_stderr --partial '3 totals rows'
	refute_stderr --partial W302
	sed 's/^小计,,,,17,339,/小计,,,,18,339,/' "$V/subtotals.csv" > sub.csv
	validate sub.csv
	assert_failure 1
	assert_stderr_line 'xq-validate: sub.csv:4:buildings: the 小计 row says 18, the rows it covers add up to 17 (W302)'
}

@test "a breakdown row (其中：) is dropped and not checked" {
	printf '%s\n' '序号,行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'1,220102,甲小区,1990,7,219,13216,屋面防水,1085.87' \
		'其中：中央补助,,,,,,,,999' > in.csv
	validate in.csv
	assert_success
	assert_records 1
	refute_stderr --partial W302
}

@test "a 合计 row right under the header is checked against the rows below it" {
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'合计,,,17,339,16801,,1040' \
		'220102,甲小区,1990,7,219,8400.5,屋面防水,520' \
		'220102,乙小区,1991,10,120,8400.5,屋面防水,520' > in.csv
	validate in.csv
	assert_success
	assert_records 2
	refute_stderr --partial W302
}

@test "a subtotal labelled with its group (团结街道小计) is a 小计 row, not a record" {
	sed -e 's/^小计,/团结街道小计,/' -e 's/^小 计,/长通街道小计,/' "$V/subtotals.csv" > sub.csv
	validate sub.csv
	assert_success
	assert_records 3
	assert_rejects
}

# ---- multi-line cells ---------------------------------------------------------

@test "a multi-line 改造内容 cell travels as \\n escapes, one record per line" {
	validate "$V/multiline.csv"
	assert_success
	assert_equal "$(column items | head -1)" '1. 屋面防水\n2. 外墙保温\n3. 加装电梯'
	assert_line --index 3 --partial ',屋面防水\n\n外墙保温,'
	printf '%s\n' "$output" > out.csv
	assert_equal "$(wc -l < out.csv)" 5
}

@test "records after a multi-line cell carry the physical line where they start, in the stream and in the rejects" {
	sed 's/^220203,丁小区,1993,10,120,/220203,丁小区,1993,10,一百二十,/' "$V/multiline.csv" > in.csv
	validate in.csv
	assert_failure 1
	assert_equal "$(column line | tr '\n' ' ')" '2 5 6 '
	assert_rejects 'in.csv,9,households,一百二十,E103,is not a whole number'
	assert_stderr_line --partial 'in.csv:9:households:'
}

# ---- quoting, spaces and normalisation -----------------------------------------

@test "quotes, commas and backslashes in cells survive the stream" {
	validate "$V/quotes.csv"
	assert_success
	assert_line --index 1 --partial ',"机械厂""东""院","建设街27号, 北区",'
	assert_line --index 1 --partial ',"屋面防水、""三供一业""移交管网改造",'
	assert_line --index 2 --partial ',C:\\图纸\\改造.dwg,'
	assert_equal "$(column community | head -1)" '机械厂"东"院'
	assert_equal "$(column address | head -1)" '建设街27号, 北区'
}

@test "spaces around text are trimmed (U+3000 too), spaces inside are kept" {
	submission "$(row community='幸福 小区 ' address='  建设街 27 号　')"
	validate in.csv
	assert_success
	assert_equal "$(column community)" '幸福 小区'
	assert_equal "$(column address)" '建设街 27 号'
}

@test "full-width digits are normalised in numeric cells (１２０ → 120) and kept in text" {
	submission "$(row build_year=１９８８年 buildings=７ households=１２０ area_m2=８４００．５ investment=５２０ consent_pct=８５％ address=建设街２７０２号)"
	validate in.csv
	assert_success
	assert_line --index 1 'in.csv,2,220102,南关区,长春市,,机械厂家属院,建设街２７０２号,1988,7,120,8400.50,屋面防水,520.00,,,,,,,,,85,,,,,,,,2020'
}

@test "an area header in 万㎡ gives ㎡ with 2 decimals, with ASCII or full-width brackets" {
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积(万㎡),改造内容,总投资' \
		'220102,甲小区,1990,7,219,1.3216,屋面防水,1085.87' > a.csv
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积（万平方米）,改造内容,总投资' \
		'220102,甲小区,1990,7,219,1.32165,屋面防水,1085.87' > b.csv
	validate a.csv b.csv
	assert_success
	assert_equal "$(column area_m2 | tr '\n' ' ')" '13216.00 13216.50 '
}

@test "a money header in 元 gives 万元 with 2 decimals, rounded half up" {
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资(元)' \
		'220102,甲小区,1990,7,219,13216,屋面防水,10858700' \
		'220102,乙小区,1990,7,219,13216,屋面防水,10858750' \
		'220102,丙小区,1990,7,219,13216,屋面防水,10858749' > in.csv
	validate in.csv
	assert_success
	assert_equal "$(column investment | tr '\n' ' ')" '1085.87 1085.88 1085.87 '
}

@test "公顷, 千元 and 亿元 in headers are converted to ㎡ and 万元" {
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积(公顷),改造内容,总投资(千元)' \
		'220102,甲小区,1990,7,219,1.3216,屋面防水,10858.7' > a.csv
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资（亿元）' \
		'220102,甲小区,1990,7,219,13216,屋面防水,0.1085' > b.csv
	validate a.csv b.csv
	assert_success
	assert_equal "$(column area_m2 | tr '\n' ' ')" '13216.00 13216.00 '
	assert_equal "$(column investment | tr '\n' ' ')" '1085.87 1085.00 '
}

@test "an area or money unit the table does not know (亩) exits 3, naming the column" {
	printf '%s\n' '行政区划代码,小区名称,建成年份,楼栋数,户数,建筑面积(亩),改造内容,总投资' \
		'220102,甲小区,1990,7,219,19.8,屋面防水,1085.87' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:1: column 6 "建筑面积(亩)": a unit this table does not know for area_m2 (known: ㎡, 万㎡, 公顷; 元, 千元, 万元, 亿元)'
}

@test "build years in every form of SPEC §3.1 are written as YYYY" {
	submission "$(row build_year=1995)" "$(row build_year=1995年)" \
		"$(row build_year=1995-06)" "$(row build_year=1995.6)" \
		"$(row build_year=1995/6/1)" "$(row build_year=95年)"
	validate in.csv
	assert_success
	assert_equal "$(column build_year | tr '\n' ' ')" '1995 1995 1995 1995 1995 1995 '
}

@test "consent as 85%, 0.85 and 85 is written as 85" {
	submission "$(row consent_pct=85%)" "$(row consent_pct=0.85)" "$(row consent_pct=85)" \
		"$(row consent_pct=100%)" "$(row consent_pct=1.0)" "$(row consent_pct=66.7%)"
	validate in.csv
	assert_success
	assert_equal "$(column consent_pct | tr '\n' ' ')" '85 85 85 100 100 66.7 '
}

@test "a consent fraction keeps its precision (0.855 is 85.5, 0.999 is 99.9)" {
	submission "$(row consent_pct=0.855)" "$(row consent_pct=0.999)"
	validate in.csv
	assert_success
	assert_equal "$(column consent_pct | tr '\n' ' ')" '85.5 99.9 '
}

@test "a consent of 1 or 0, as a spreadsheet exports 100% and 0%, is a fraction" {
	submission "$(row consent_pct=1)" "$(row consent_pct=0)" "$(row consent_pct=2)"
	validate in.csv
	assert_success
	assert_equal "$(column consent_pct | tr '\n' ' ')" '100 0 2 '
}

@test "yes/no in every form (是/否 有/无 Y/N yes/no 1/0 √/×) is written as 1/0" {
	local r
	r=$(row)
	EXTRA=成立小区党组织 submission "$r,是" "$r,否" "$r,有" "$r,无" "$r,Y" "$r,N" \
		"$r,y" "$r,n" "$r,yes" "$r,no" "$r,YES" "$r,No" "$r,1" "$r,0" "$r,√" "$r,×"
	validate in.csv
	assert_success
	assert_equal "$(column pre_party | tr '\n' ' ')" '1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 '
}

@test "progress dates in every form are written as YYYY-MM-DD" {
	progress "$(prow prelim_done=2019-03-27)" "$(prow prelim_done=2019/3/27)" \
		"$(prow prelim_done=2019年3月27日)" "$(prow prelim_done=20190327)" \
		"$(prow prelim_done=2019.3.27)"
	validate -s progress in.csv
	assert_success
	assert_equal "$(column prelim_done | tr '\n' ' ')" '2019-03-27 2019-03-27 2019-03-27 2019-03-27 2019-03-27 '
}

@test "a progress report is written with English status ids, dates, 万元, percent and 1/0" {
	progress "$(prow)" "$(prow status=在建 completion_date=)" \
		"$(prow status=前期 start_date= completion_date=)" \
		"$(prow status=未开工 start_date= completion_date= prelim_done=)"
	validate -s progress in.csv
	assert_success
	assert_line --index 0 'source,line,county_code,county,community,plan_year,status,prelim_done,start_date,completion_date,investment_done,fund_allocated,fund_spent,satisfaction_pct,long_term_mgmt,reported_on_time'
	assert_line --index 1 'in.csv,2,220102,南关区,机械厂家属院,2019,completed,2019-03-27,2019-05-01,2019-09-15,1025.17,605.68,385.04,92,1,1'
	assert_equal "$(column status | tr '\n' ' ')" 'completed under_construction preliminary not_started '
}

# ---- the fast path and libcsv ----------------------------------------------------

@test "a line with quotes and the same line without give the same record" {
	# the reader splits quote-free lines itself and gives the others to libcsv
	printf '%s\n' '行政区划代码,小区名称,地址,建成年份,楼栋数,户数,建筑面积,改造内容,总投资,居民同意率,备注' \
		'220102,甲小区, 建设街 1 号 ,1995,10,120,8400.5,屋面防水,520,, 甲 ' \
		'"220102","甲小区"," 建设街 1 号 ","1995","10","120","8400.5","屋面防水","520",""," 甲 "' \
		'220102,甲小区,,1995,10,120,8400.5,屋面防水,520,85,' \
		'"220102","甲小区","","1995","10","120","8400.5","屋面防水","520","85",""' \
		'220102,甲小区,,1995,10,120,8400.5,屋面防水,520' \
		'220102,甲小区,,1995,10,120,8400.5,"屋面防水",520' > in.csv
	validate in.csv
	assert_success
	assert_records 6
	printf '%s\n' "$output" | sed 1d | cut -d, -f3- > fields
	assert_equal "$(sed -n 1p fields)" "$(sed -n 2p fields)"
	assert_equal "$(sed -n 3p fields)" "$(sed -n 4p fields)"
	assert_equal "$(sed -n 5p fields)" "$(sed -n 6p fields)"
}

# ---- the header and input that cannot be read (exit 3) ----------------------------

@test "a missing required column exits 3, naming the column and the closest header" {
	printf '%s\n' '行政区划代码,小区名,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' \
		'220102,甲小区,1995,10,120,8400.5,x,520' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:1: no column for community (小区名称); the closest header is "小区名"'
}

@test "two columns with the same meaning exit 3, naming both" {
	printf '%s\n' '行政区划代码,小区名称,项目名称,建成年份,楼栋数,户数,建筑面积,改造内容,总投资' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:1: columns 2 and 3 are both community ("小区名称", "项目名称")'
}

@test "an empty file, or one of blank lines only, exits 3" {
	: > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: empty file'
	printf '\n\r\n\n' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: empty file'
}

@test "a file with no header row exits 3, pointing at the best candidate when there is one" {
	printf '%s\n' a,b,c 1,2,3 > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv: no header row in the first 30 rows (expected names like 行政区划代码, 小区名称, 户数)'
	printf '%s\n' '标题' '行政区划代码,小区,年份' '220102,甲,1990' > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:2: no header row found: the best candidate names only 1 known column(s)'
}

@test "a quoted cell that is never closed exits 3, naming the line where it starts" {
	printf '%s\n' "$HEAD" "$(row)" "$(row community='"机械厂家属院')" "$(row)" > in.csv
	validate in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:3: a quoted field that starts here is never closed'
}

@test "a cell over --max-field exits 3, also when it spans lines" {
	local x
	printf -v x 'x%.0s' {1..1100}
	submission "$(row items="$x")"
	validate --max-field 1024 in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:2: a field longer than 1024 bytes (is a closing quote missing?)'
	printf -v x 'x%.0s' {1..600}
	submission "$(row items="\"$x")" "$x" "$x\""
	validate --max-field 1024 in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:2: a field longer than 1024 bytes (is a closing quote missing?)'
}

@test "a quoted cell over --max-field on one line exits 3 too" {
	local x
	printf -v x 'x%.0s' {1..1100}
	submission "$(row items="\"$x\"")"
	validate --max-field 1024 in.csv
	assert_failure 3
	assert_stderr --partial 'a field longer than 1024 bytes'
}

@test "a missing input file, or a profile without counties.csv, exits 3" {
	validate nothing.csv
	assert_failure 3
	assert_stderr 'xq-validate: nothing.csv: No such file or directory'
	mkdir empty-profile
	run --separate-stderr xq-validate -p empty-profile "$V/good.csv"
	assert_failure 3
	assert_stderr --partial 'empty-profile/counties.csv: No such file or directory'
}

# ---- idempotence and determinism -----------------------------------------------------

@test "validate's own output validated again is byte-identical, provenance kept" {
	local f
	for f in good title multiline quotes subtotals; do
		xq-validate -q -p "$V/profile" -y 2020 "$V/$f.csv" > $f.1
		xq-validate -q -p "$V/profile" $f.1 > $f.2
		assert_file_equal $f.2 $f.1
	done
	run csv_column line title.2
	assert_output "$(printf '%s\n' 5 7 10)"
}

@test "two runs give byte-identical output, rejects and messages" {
	sed 's/^3,220102,富民小区,1998,1,/3,220102,富民小区,1998,一,/' "$V/title.csv" > in.csv
	xq-validate -p "$V/profile" -y 2020 -r r1 in.csv > o1 2> e1 || true
	xq-validate -p "$V/profile" -y 2020 -r r2 in.csv > o2 2> e2 || true
	assert_file_equal o2 o1
	assert_file_equal r2 r1
	assert_file_equal e2 e1
}

# ---- exit status and options ---------------------------------------------------------

@test "exit 1 when some records are rejected, the others still written" {
	submission "$(row)" "$(row households=一百二十)" "$(row community=乙小区)"
	validate in.csv
	assert_failure 1
	assert_records 2
	assert_stderr --partial '1 file, 3 records: 2 valid, 1 rejected (1 problem);'
}

@test "without -y the plan year comes from the profile's settings.csv; a bad one there exits 3" {
	mkdir p
	cp "$V/profile/counties.csv" p/
	printf '%s\n' key,value plan_year,2019 > p/settings.csv
	submission "$(row)" "$(row build_year=2020)"
	run --separate-stderr xq-validate -p p -r rejects.csv in.csv
	assert_failure 1
	assert_equal "$(column plan_year)" 2019
	assert_rejects 'in.csv,3,build_year,2020,E202,is after the plan year 2019'
	printf '%s\n' key,value plan_year,二〇一九 > p/settings.csv
	run --separate-stderr xq-validate -p p in.csv
	assert_failure 3
	assert_stderr 'xq-validate: p/settings.csv: plan_year "二〇一九" is not a year from 1949 to 2100'
}

@test "exit 2 on an unknown option, with the usage on stderr" {
	run --separate-stderr xq-validate --bogus
	assert_failure 2
	assert_output ''
	assert_stderr_line --partial "unrecognized option '--bogus'"
	assert_stderr_line --index 1 --partial 'usage: xq-validate'
}

@test "exit 2 on a bad -e, -y or --max-field value, naming the option" {
	run --separate-stderr xq-validate -e latin1 "$V/good.csv"
	assert_failure 2
	assert_output ''
	assert_stderr 'xq-validate: -e: "latin1" is not auto, utf-8 or gb18030'
	run --separate-stderr xq-validate -y 1800 "$V/good.csv"
	assert_failure 2
	assert_stderr 'xq-validate: -y: "1800" is not a whole number from 1949 to 2100'
	run --separate-stderr xq-validate -y 二〇二〇 "$V/good.csv"
	assert_failure 2
	assert_stderr 'xq-validate: -y: "二〇二〇" is not a whole number from 1949 to 2100'
	run --separate-stderr xq-validate --max-field 10 "$V/good.csv"
	assert_failure 2
	assert_stderr 'xq-validate: --max-field: "10" is not a whole number from 1024 to 1073741824'
}

@test "exit 4 with a message when stdout cannot be written (> /dev/full)" {
	run --separate-stderr bash -c 'xq-validate -p "$1" -y 2020 "$2" > /dev/full' _ "$V/profile" "$V/good.csv"
	assert_failure 4
	assert_stderr_line 'xq-validate: standard output: write error: No space left on device'
}

@test "exit 4 when -o names /dev/full, which is written to, not replaced" {
	local dev=/dev/full
	if [[ -w /dev ]]; then
		# Here an -o that renames a temporary file over its path would
		# replace the real /dev/full: use a private node of the same device.
		mknod full c 1 7 2>/dev/null || skip "/dev is writable and mknod is not allowed"
		dev=$PWD/full
	fi
	validate -o "$dev" "$V/good.csv"
	assert_failure 4
	assert_stderr --partial 'No space left on device'
	assert [ -c "$dev" ]
}

@test "-o can name a pipe, such as a process substitution" {
	# one line: split over two, bash keeps the pipe open and wait never ends
	run --separate-stderr timeout 10 bash -c \
		'xq-validate -p "$1" -y 2020 -o >(cat > piped.csv) "$2"; s=$?; wait $!; exit $s' \
		_ "$V/profile" "$V/good.csv"
	assert_success
	assert_file_equal piped.csv "$V/good.out"
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr xq-validate --help
	assert_success
	assert_line --index 0 --partial 'usage: xq-validate'
	assert_output --partial '[-p PROFILE]'
	assert_output --partial '[-s submission|progress|FILE]'
	assert_output --partial '[-e auto|utf-8|gb18030]'
	assert_output --partial '[-y YEAR] [-r REJECTS] [-o OUT]'
	assert_stderr ''
	run --separate-stderr xq-validate -h
	assert_success
	assert_line --index 0 --partial 'usage: xq-validate'
}

@test "--help > /dev/full exits 4: a write error is never silent" {
	run --separate-stderr bash -c 'xq-validate --help > /dev/full'
	assert_failure 4
	assert_stderr 'xq-validate: standard output: write error: No space left on device'
}

@test "--version (-V) prints the version and exits 0; > /dev/full exits 4" {
	run --separate-stderr xq-validate --version
	assert_success
	assert_output --regexp '^xq-validate \(xiaoqu\) [0-9]+\.[0-9]+\.[0-9]+$'
	run --separate-stderr xq-validate -V
	assert_success
	assert_output --regexp '^xq-validate \(xiaoqu\) [0-9]+\.[0-9]+\.[0-9]+$'
	run --separate-stderr bash -c 'xq-validate --version > /dev/full'
	assert_failure 4
}

@test "-q silences the messages but not the rejects or the exit status" {
	submission "$(row households=一百二十)" "$(row county=朝阳区)"
	validate -q in.csv
	assert_failure 1
	assert_stderr ''
	assert_rejects 'in.csv,2,households,一百二十,E103,is not a whole number'
}

@test "stderr shows at most 50 problems a file and says how many more are in the rejects" {
	local i r rows=()
	r=$(row households=一百二十)
	for ((i = 0; i < 53; i++)); do rows+=("$r"); done
	submission "${rows[@]}"
	validate in.csv
	assert_failure 1
	assert_equal "$(grep -c E103 <<<"$stderr")" 50
	assert_stderr_line 'xq-validate: in.csv: 3 more problems not shown (all rejections are in the rejects file)'
	assert_equal "$(sed 1d rejects.csv | wc -l)" 53
}

@test "a rejected value that looks like a formula is written with a leading ' in the rejects" {
	submission "$(row households==1+2)"
	validate in.csv
	assert_failure 1
	assert_rejects "in.csv,2,households,\"'=1+2\",E103,is not a whole number"
}

@test "--excel writes the rejects with a BOM and CRLF line ends" {
	submission "$(row households=一百二十)"
	validate --excel in.csv
	assert_failure 1
	assert_equal "$(head -c 3 rejects.csv | od -An -tx1 | tr -d ' ')" efbbbf
	assert_equal "$(grep -c $'\r$' rejects.csv)" 2
}

# ---- -o: whole files only ---------------------------------------------------------------

@test "-o FILE writes FILE and leaves no temporary file behind" {
	mkdir o && cd o
	validate -o out.csv "$V/good.csv"
	assert_success
	assert_output ''
	assert_file_equal out.csv "$V/good.out"
	run ls -A
	assert_output "$(printf '%s\n' out.csv rejects.csv)"
}

@test "-o FILE on a fatal error leaves no FILE and no temporary file, and an older FILE as it was" {
	mkdir o && cd o
	printf '%s\n' "$HEAD" "$(row community='"机械厂家属院')" > ../in.csv
	validate -o out.csv ../in.csv
	assert_failure 3
	run ls -A
	assert_output ''
	echo old > out.csv
	validate -o out.csv ../in.csv
	assert_failure 3
	run ls -A
	assert_output out.csv
	assert_equal "$(cat out.csv)" old
}

@test "the usage is the SYNOPSIS of the man page" {
	assert_usage_is_synopsis xq-validate
}

# ---- --log and --exit-zero (how make plan runs it) -------------------------

@test "--log writes the messages and the summary to FILE, nothing to stderr, and no temporary file is left" {
	mkdir o && cd o
	printf '%s\n' "$HEAD" "$(row)" "$(row households=一百二十)" > in.csv
	validate --log v.log -o out.csv in.csv
	assert_failure 1
	assert_stderr ''
	assert_equal "$(cat v.log)" "$(printf '%s\n' \
		'xq-validate: in.csv:3:households: "一百二十" is not a whole number (E103)' \
		'xq-validate: 1 file, 2 records: 1 valid, 1 rejected (1 problem); 0 totals rows and 0 blank rows dropped; 0 warnings')"
	run ls -A
	assert_output "$(printf '%s\n' in.csv out.csv rejects.csv v.log)"
}

@test "--log: a message the run stops with goes to stderr too, and the log is whole" {
	mkdir o && cd o
	printf '%s\n' "$HEAD" "$(row community='"机械厂家属院')" > ../in.csv
	validate --log v.log -o out.csv ../in.csv
	assert_failure 3
	assert_stderr 'xq-validate: in.csv:2: a quoted field that starts here is never closed'
	assert_equal "$(cat v.log)" 'xq-validate: in.csv:2: a quoted field that starts here is never closed'
	run ls -A
	assert_output v.log
}

@test "--log into a folder that is not there is exit 4 with the message on stderr" {
	printf '%s\n' "$HEAD" "$(row)" > in.csv
	validate --log nothere/v.log -o out.csv in.csv
	assert_failure 4
	assert_stderr 'xq-validate: nothere/v.log: No such file or directory'
	[[ ! -e out.csv ]]
}

@test "--exit-zero: rejected records and warnings exit 0; a fatal error still exits 3" {
	printf '%s\n' "$HEAD" "$(row)" "$(row households=一百二十)" > in.csv
	validate --exit-zero -o out.csv in.csv
	assert_success
	assert_stderr --partial '1 valid, 1 rejected'
	assert_equal "$(wc -l < rejects.csv)" 2
	printf '%s\n' "$HEAD" "$(row community='"机械厂家属院')" > bad.csv
	validate --exit-zero -o out.csv bad.csv
	assert_failure 3
}

# ---- --each: every FILE a run of its own, in one process ---------------------

@test "--each writes for every FILE what a run on it alone writes" {
	local s=$BATS_TEST_DIRNAME/../samples/jilin-2020 f n
	mkdir alone each
	# 东昌区 and 扶余市 have rejected records, 东丰县 one, 乾安县 none
	for f in 东昌区 东丰县 扶余市 乾安县; do
		run --separate-stderr xq-validate -p "$s" -r "alone/$f.rejects" \
			--log "alone/$f.log" -o "alone/$f.csv" "$s/submissions/$f.csv"
	done
	run --separate-stderr xq-validate --each -p "$s" -r each/%.rejects \
		--log each/%.log -o each/%.csv "$s"/submissions/{东昌区,东丰县,扶余市,乾安县}.csv
	assert_failure 1
	assert_stderr ''
	run diff -r alone each
	assert_success
	assert_equal "$(ls each | wc -l)" 12
	grep -q 'rejected' each/扶余市.log
}

@test "--each: the exit status is 1 when any FILE had a rejected record, 0 when none did" {
	printf '%s\n' "$HEAD" "$(row)" > good.csv
	printf '%s\n' "$HEAD" "$(row households=一百二十)" > bad.csv
	each() {
		run --separate-stderr xq-validate -p "$V/profile" -y 2020 --each "$@"
	}
	each -o %.out good.csv
	assert_success
	assert_stderr 'xq-validate: 1 file, 1 record: 1 valid, 0 rejected (0 problems); 0 totals rows and 0 blank rows dropped; 0 warnings'
	each -o %.out bad.csv good.csv
	assert_failure 1
	# the messages of each, in the order given
	assert_stderr "$(printf '%s\n' \
		'xq-validate: bad.csv:2:households: "一百二十" is not a whole number (E103)' \
		'xq-validate: 1 file, 1 record: 0 valid, 1 rejected (1 problem); 0 totals rows and 0 blank rows dropped; 0 warnings' \
		'xq-validate: 1 file, 1 record: 1 valid, 0 rejected (0 problems); 0 totals rows and 0 blank rows dropped; 0 warnings')"
	assert_equal "$(wc -l < good.out) $(wc -l < bad.out)" '2 1'
	each --exit-zero -o %.out bad.csv good.csv
	assert_success
}

@test "--each: a FILE that stops the run leaves the outputs before it whole and writes none after it" {
	mkdir o && cd o
	printf '%s\n' "$HEAD" "$(row)" > 1.csv
	printf '%s\n' "$HEAD" "$(row community='"机械厂家属院')" > 2.csv
	printf '%s\n' "$HEAD" "$(row)" > 3.csv
	run --separate-stderr xq-validate --each -o %.out --log %.log 1.csv 2.csv 3.csv
	assert_failure 3
	assert_stderr 'xq-validate: 2.csv:2: a quoted field that starts here is never closed'
	assert_equal "$(cat 2.log)" 'xq-validate: 2.csv:2: a quoted field that starts here is never closed'
	run ls
	assert_output "$(printf '%s\n' 1.csv 1.log 1.out 2.csv 2.log 3.csv)"
	grep -q '^1.csv,2,' 1.out
}

@test "--each: outputs without %, two FILEs of the same name, standard input and no FILE are usage errors" {
	mkdir o && cd o
	printf '%s\n' "$HEAD" "$(row)" > in.csv
	mkdir a && cp in.csv a/in.csv
	run --separate-stderr xq-validate --each -o out.csv in.csv
	assert_failure 2
	assert_stderr --partial 'with % for its name'
	run --separate-stderr xq-validate --each -o %.out -r rejects.csv in.csv
	assert_failure 2
	run --separate-stderr xq-validate --each -o %.out in.csv a/in.csv
	assert_failure 2
	assert_stderr 'xq-validate: --each: in.csv and a/in.csv would write the same files'
	run --separate-stderr xq-validate --each -o %.out - < in.csv
	assert_failure 2
	run --separate-stderr xq-validate --each -o %.out
	assert_failure 2
	run ls
	assert_output "$(printf '%s\n' a in.csv)"
}

@test "--each: a log that cannot be made is exit 4, said once, and the logs before it keep only their own messages" {
	mkdir o && cd o
	printf '%s\n' "$HEAD" "$(row households=一百二十)" > a.csv
	printf '%s\n' "$HEAD" "$(row)" > b.csv
	mkdir a
	run --separate-stderr xq-validate --each -o %.out --log %/v.log a.csv b.csv
	assert_failure 4
	assert_stderr 'xq-validate: b/v.log: No such file or directory'
	assert_equal "$(cat a/v.log)" "$(printf '%s\n' \
		'xq-validate: a.csv:2:households: "一百二十" is not a whole number (E103)' \
		'xq-validate: 1 file, 1 record: 0 valid, 1 rejected (1 problem); 0 totals rows and 0 blank rows dropped; 0 warnings')"
	[[ -s a.out && ! -e b.out ]]
}

@test "a pipe given as FILE is read once, whole, alone or among files" {
	submission "$(row)" "$(row community=二)"
	validate -o out.csv <(cat in.csv)
	assert_success
	assert_equal "$(cut -d, -f3- out.csv)" "$(xq-validate -p "$V/profile" -y 2020 in.csv | cut -d, -f3-)"
	validate -o out.csv in.csv <(cat in.csv)
	assert_success
	assert_equal "$(wc -l < out.csv)" 5
}

@test "killed by SIGTERM, SIGINT or SIGHUP as it reads, it leaves no temporary file, the log's among them" {
	mkdir o && cd o
	local sig num pid s n w
	for sig in TERM INT HUP; do
		mkfifo in.fifo
		xq-validate -p "$V/profile" --log v.log -r r.csv -o out.csv in.fifo &
		pid=$!
		exec {w}> in.fifo
		printf '%s\n' "$HEAD" "$(row)" >&"$w"
		# its stream, rejects and log, under their temporary names
		n=0
		while (($(compgen -G '*.tmp*' | wc -l) < 3 && n++ < 200)); do sleep 0.05; done
		assert_equal "$(compgen -G '*.tmp*' | wc -l)" 3
		kill -s "$sig" "$pid"
		s=0
		wait "$pid" || s=$?
		exec {w}>&-
		num=$(kill -l "$sig")
		assert_equal "$sig $s" "$sig $((128 + num))"
		run ls -A
		assert_output in.fifo
		rm in.fifo
	done
}
