#!/usr/bin/env bats
# summarize.bats - xq-summarize: the plan table, -g, formats, exact sums,
# CJK alignment, errors and exit codes.
#
# tests/fixtures/summarize/plan.csv is a small stream of seven communities
# in three cities (one an autonomous prefecture, one county with its city
# left empty for the registry to fill); profile/ is its county registry.
# The expected outputs beside it were checked by hand: see the comments at
# the tests that pin them.

load helpers

S=$FIX/summarize
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

HEAD='source,line,county_code,county,city,community,buildings,households,area_m2,investment'

# stream [ROW...]: in.csv, the short stream header and ROWs.
stream() {
	printf '%s\n' "$HEAD" "$@" > in.csv
}

summarize() {
	run --separate-stderr xq-summarize "$@"
}

# ---- the plan table ---------------------------------------------------------

# By hand: 南关区 13216.00 + 9950.25 = 23166.25 ㎡ = 2.32万㎡; 长春市 35166.25 ㎡
# = 3.52; 船营区 68210.50 = 6.82; 安图县 3050 = 0.305 -> 0.31 (half away from
# zero); 延边州 11050 = 1.105 -> 1.11; 合计 114426.75 ㎡ = 11.44, although the
# rounded subtotals add up to 11.45. Investment 2585.97 + 3850.75 + 712.30 =
# 7149.02. Categories: a community counts once for each id it names.
@test "the plan table has Chinese headers, cities in code order, 全市小计 and 合计" {
	summarize -p "$S/profile" "$S/plan.csv"
	assert_success
	assert_output "$(cat "$S/plan.zh.csv")"
	assert_equal "$stderr" ""
}

@test "--lang en writes canonical headers and English labels" {
	summarize -p "$S/profile" --lang en "$S/plan.csv"
	assert_success
	assert_output "$(cat "$S/plan.en.csv")"
	assert_line -n 0 'city,county,county_code,communities,buildings,households,area_wan_m2,investment,subsidy,basic,improve,upgrade'
	assert_line -n 3 '长春市,subtotal,,3,16,489,3.52,2585.97,1350.55,2,2,1'
	assert_line -n 9 'total,,,7,42,1405,11.44,7149.02,3650.55,5,3,2'
}

@test "the 合计 row is summed from the rows before rounding, not from rounded figures" {
	summarize -p "$S/profile" "$S/plan.csv"
	assert_line '长春市,全市小计,,3,16,489,3.52,2585.97,1350.55,2,2,1'
	assert_line '吉林市,全市小计,,2,21,780,6.82,3850.75,1950.00,2,1,0'
	assert_line '延边朝鲜族自治州,全州小计,,2,5,136,1.11,712.30,350.00,1,0,1'
	# 3.52 + 6.82 + 1.11 = 11.45, but 114426.75 ㎡ is 11.44万㎡
	assert_line '合计,,,7,42,1405,11.44,7149.02,3650.55,5,3,2'
}

@test "an autonomous prefecture's subtotal is 全州小计" {
	summarize -p "$S/profile" "$S/plan.csv"
	assert_line --partial '延边朝鲜族自治州,全州小计,'
	refute_line --partial '延边朝鲜族自治州,全市小计'
}

@test "the city comes from the registry when the stream leaves it empty" {
	summarize -p "$S/profile" "$S/plan.csv"
	assert_line '延边朝鲜族自治州,延吉市,222401,1,3,96,0.80,512.30,250.00,1,0,1'
}

@test "without a profile a county with no city comes after the cities, without a subtotal" {
	summarize "$S/plan.csv"
	assert_success
	assert_line -n 6 '延边朝鲜族自治州,安图县,222426,1,2,40,0.31,200.00,100.00,0,0,0'
	assert_line -n 7 '延边朝鲜族自治州,全州小计,,1,2,40,0.31,200.00,100.00,0,0,0'
	assert_line -n 8 ',延吉市,222401,1,3,96,0.80,512.30,250.00,1,0,1'
	assert_line -n 9 '合计,,,7,42,1405,11.44,7149.02,3650.55,5,3,2'
}

@test "the county name comes from the registry when the stream leaves it empty" {
	stream 'a.csv,2,220221,,,x,1,10,100.00,1.00'
	summarize -p "$S/profile" in.csv
	assert_line -n 1 '吉林市,永吉县,220221,1,1,10,0.01,1.00'
}

@test "--all-counties lists every county of the registry, with zeros" {
	stream 'a.csv,2,220221,永吉县,吉林市,x,1,10,100.00,1.00'
	summarize -p "$S/profile" --all-counties in.csv
	assert_success
	assert_line -n 1 '长春市,南关区,220102,0,0,0,0.00,0.00'
	assert_line -n 5 '吉林市,永吉县,220221,1,1,10,0.01,1.00'
	assert_line -n 6 '吉林市,全市小计,,1,1,10,0.01,1.00'
	assert_line -n 10 '合计,,,1,1,10,0.01,1.00'
}

@test "rows that disagree on a county's name keep the first, with a note" {
	stream 'a.csv,2,220102,南关区,长春市,x,1,10,100.00,1.00' \
		'b.csv,2,220102,南关,长春市,y,1,10,100.00,1.00'
	summarize in.csv
	assert_success
	assert_line -n 1 '长春市,南关区,220102,2,2,20,0.02,2.00'
	assert_stderr 'xq-summarize: in.csv:3: county 220102 has the name "南关" here, "南关区" before; keeping "南关区"'
}

@test "a county code missing from the registry is noted once" {
	stream 'a.csv,2,229999,某县,,x,1,10,100.00,1.00' 'a.csv,3,229999,某县,,y,1,10,100.00,1.00'
	summarize -p "$S/profile" in.csv
	assert_success
	assert_stderr "xq-summarize: in.csv:2: county_code 229999 is not in the registry of $S/profile"
}

@test "the order of the input rows does not change the output" {
	{ head -n 1 "$S/plan.csv"; tail -n +2 "$S/plan.csv" | tac; } > reversed.csv
	xq-summarize -p "$S/profile" "$S/plan.csv" > a.csv
	xq-summarize -p "$S/profile" reversed.csv > b.csv
	assert_file_equal b.csv a.csv
}

@test "a stream with no records gives a 合计 row of zeros" {
	stream
	summarize in.csv
	assert_success
	assert_output '市,县(市、区),行政区划代码,小区数,楼栋数,户数,建筑面积(万㎡),总投资(万元)
合计,,,0,0,0,0.00,0.00'
}

@test "blank records are skipped" {
	printf '%s\n' "$HEAD" '' ',,,,,,,,,' 'a.csv,2,220102,南关区,长春市,x,1,10,100.00,1.00' > in.csv
	summarize in.csv
	assert_line -n 3 '合计,,,1,1,10,0.01,1.00'
}

# ---- measures ----------------------------------------------------------------

@test "subsidy and category columns appear only when the stream has them" {
	stream 'a.csv,2,220102,南关区,长春市,x,1,10,100.00,1.00'
	summarize in.csv
	assert_line -n 0 '市,县(市、区),行政区划代码,小区数,楼栋数,户数,建筑面积(万㎡),总投资(万元)'
}

@test "category counts: one column per id, sorted; each community counted once per id" {
	printf '%s\n' 'county_code,buildings,households,area_m2,investment,categories' \
		'220102,1,1,1,1,basic;basic; improve ' '220102,1,1,1,1,zeta;;basic' \
		'220102,1,1,1,1,' > in.csv
	summarize --lang en in.csv
	assert_line -n 0 'city,county,county_code,communities,buildings,households,area_wan_m2,investment,basic,improve,zeta'
	assert_line -n 1 ',,220102,3,3,3,0.00,3.00,2,1,1'
}

@test "national category ids get their Chinese names in the zh headers" {
	printf '%s\n' 'county_code,buildings,households,area_m2,investment,categories' \
		'220102,1,1,1,1,upgrade;basic;improve;楼道革命' > in.csv
	summarize in.csv
	assert_line -n 0 '市,县(市、区),行政区划代码,小区数,楼栋数,户数,建筑面积(万㎡),总投资(万元),基础类,完善类,提升类,楼道革命'
}

@test "the profile's categories.csv names the ids and orders their columns" {
	cp -R "$S/profile" p
	printf '%s\n' category,name corridor,楼道革命 environment,环境革命 > p/categories.csv
	printf '%s\n' 'county_code,buildings,households,area_m2,investment,categories' \
		'220102,1,1,1,1,environment;corridor;zeta' '220102,1,1,1,1,environment' > in.csv
	summarize -p p in.csv
	assert_success
	assert_line -n 0 '市,县(市、区),行政区划代码,小区数,楼栋数,户数,建筑面积(万㎡),总投资(万元),楼道革命,环境革命,zeta'
	assert_line -n 1 '长春市,南关区,220102,2,2,2,0.00,2.00,1,2,1'
	# English headers keep the ids, in the same order
	summarize -p p --lang en in.csv
	assert_line -n 0 'city,county,county_code,communities,buildings,households,area_wan_m2,investment,corridor,environment,zeta'
}

@test "sums are exact: ten thousand times 0.01万元 is 100.00, 0.1 + 0.2 is 0.30" {
	{
		echo "$HEAD"
		for ((i = 0; i < 10000; i++)); do echo "a.csv,$i,220102,南关区,长春市,x,1,1,0.01,0.01"; done
	} > in.csv
	summarize --m2 in.csv
	assert_line -n 1 '长春市,南关区,220102,10000,10000,10000,100.00,100.00'
	stream 'a.csv,2,220102,南关区,长春市,x,1,1,0.10,0.1' 'a.csv,3,220102,南关区,长春市,y,1,1,0.20,0.2'
	summarize --m2 in.csv
	assert_line -n 1 '长春市,南关区,220102,2,2,2,0.30,0.30'
}

@test "8,743,200.00 ㎡ is exactly 874.32万㎡" {
	stream 'a.csv,2,421202,咸安区,咸宁市,x,8640,74857,8743200.00,227200.00'
	summarize in.csv
	assert_line -n 1 '咸宁市,咸安区,421202,1,8640,74857,874.32,227200.00'
}

@test "万㎡ are rounded half away from zero" {
	# 50 ㎡ = 0.005万㎡ -> 0.01; 49.99 ㎡ -> 0.00; -50 ㎡ -> -0.01
	printf '%s\n' 'county_code,buildings,households,area_m2,investment' \
		'1,1,1,50.00,0' '2,1,1,49.99,0' '3,1,1,-50.00,0' > in.csv
	summarize --lang en in.csv
	assert_line -n 1 ',,1,1,1,1,0.01,0.00'
	assert_line -n 2 ',,2,1,1,1,0.00,0.00'
	assert_line -n 3 ',,3,1,1,1,-0.01,0.00'
	assert_line -n 4 'total,,,3,3,3,0.00,0.00'
}

@test "--m2 shows the area in ㎡" {
	summarize -p "$S/profile" --m2 "$S/plan.csv"
	assert_line -n 0 --partial ',户数,建筑面积(㎡),总投资(万元),'
	assert_line -n 9 '合计,,,7,42,1405,114426.75,7149.02,3650.55,5,3,2'
	summarize -p "$S/profile" --m2 --lang en "$S/plan.csv"
	assert_line -n 0 --partial ',households,area_m2,investment,'
}

@test "an empty measure counts as zero" {
	printf '%s\n' 'county_code,buildings,households,area_m2,investment' '1,,1,,' > in.csv
	summarize in.csv
	assert_line -n 1 ',,1,1,0,1,0.00,0.00'
}

# ---- -g ----------------------------------------------------------------------

@test "-g groups by a column, numbers in numeric order, with a 合计 row" {
	printf '%s\n' 'county_code,buildings,households,area_m2,investment' \
		'1,10,1,1,1' '1,9,1,1,1' '1,10,1,1,1' '1,9,1,1,1' > in.csv
	summarize -g buildings in.csv
	assert_success
	assert_output 'buildings,小区数,楼栋数,户数,建筑面积(万㎡),总投资(万元)
9,2,18,2,0.00,2.00
10,2,20,2,0.00,2.00
合计,4,38,4,0.00,4.00'
}

@test "-g puts numbers before text and sorts text by code point" {
	printf '%s\n' 'status,county_code' b,1 10,1 ,1 a,1 9,1 长,1 > in.csv
	summarize --lang en -g status in.csv
	assert_output 'status,communities
9,1
10,1
,1
a,1
b,1
长,1
total,6'
}

@test "-g with two columns and Chinese headers for known columns" {
	summarize -p "$S/profile" -g city,build_year "$S/plan.csv"
	assert_success
	assert_line -n 0 '市,建成年份,小区数,楼栋数,户数,建筑面积(万㎡),总投资(万元),补助资金(万元),基础类,完善类,提升类'
	assert_line -n 1 '吉林市,1986,1,12,480,4.32,2350.75,1200.00,1,1,0'
	assert_line -n 8 '合计,,7,42,1405,11.44,7149.02,3650.55,5,3,2'
}

@test "-g city fills an empty city from the registry" {
	summarize -p "$S/profile" -g city "$S/plan.csv"
	assert_line '延边朝鲜族自治州,2,5,136,1.11,712.30,350.00,1,0,1'
	summarize -g city "$S/plan.csv"
	assert_line -n 1 ',1,3,96,0.80,512.30,250.00,1,0,1'
}

@test "-g works on a stream without the plan measures (a progress report)" {
	printf '%s\n' 'county_code,community,status' 1,a,completed 1,b,preliminary \
		2,c,completed > in.csv
	summarize --lang en -g status in.csv
	assert_success
	assert_output 'status,communities
completed,2
preliminary,1
total,3'
}

# ---- formats -----------------------------------------------------------------

@test "-f table pins the aligned plan table" {
	summarize -p "$S/profile" -f table "$S/plan.csv"
	assert_success
	assert_output "$(cat "$S/plan.txt")"
}

@test "-f table lines Chinese text up by display width, not bytes" {
	xq-summarize -p "$S/profile" -f table "$S/plan.csv" > out.txt
	# every line ends in the right-aligned last column: one display width
	run bash -c 'while IFS= read -r l; do printf "%s" "$l" | wc -L; done < out.txt | sort -u'
	assert_output '134'
	# the byte lengths differ, so bytes would not have lined up
	run bash -c 'awk "{ print length(\$0) }" out.txt | LC_ALL=C sort -u | wc -l'
	refute_output '1'
	run head -n 1 out.txt
	assert_output --partial '市                县(市、区)  行政区划代码'
}

@test "-f table right-aligns numbers and puts a rule under the header" {
	summarize -p "$S/profile" -f table "$S/plan.csv"
	assert_line -n 1 '----------------  ----------  ------------  ------  ------  ----  --------------  ------------  --------------  ------  ------  ------'
	assert_line -n 10 '合计                                             7      42  1405           11.44       7149.02         3650.55       5       3       2'
}

@test "-f table shows line breaks as real lines and never writes control characters" {
	stream 'a.csv,2,1,南关区,长春市,"机械厂\n家属院",1,1,1,1' \
		"a.csv,3,2,$(printf 'a\tb\033[31m'),长春市,x,1,1,1,1"
	summarize --lang en -f table -g community,county in.csv
	assert_success
	assert_output 'community  county    communities  buildings  households  area_wan_m2  investment
---------  --------  -----------  ---------  ----------  -----------  ----------
x          a b�[31m            1          1           1         0.00        1.00
机械厂     南关区              1          1           1         0.00        1.00
家属院
total                          2          2           2         0.00        2.00'
}

@test "-f md pins the Markdown plan table" {
	summarize -p "$S/profile" -f md "$S/plan.csv"
	assert_success
	assert_output "$(cat "$S/plan.md")"
}

@test "-f md escapes | and shows line breaks as <br>" {
	stream 'a.csv,2,1,南关区,长春市,"a|b\nc<d",1,1,1,1'
	summarize --lang en -f md -g community in.csv
	assert_output '| community      | communities | buildings | households | area_wan_m2 | investment |
| -------------- | ----------: | --------: | ---------: | ----------: | ---------: |
| a\|b<br>c&lt;d |           1 |         1 |          1 |        0.00 |       1.00 |
| total          |           1 |         1 |          1 |        0.00 |       1.00 |'
}

@test "CSV output guards cells a spreadsheet would take for a formula" {
	stream 'a.csv,2,1,南关区,长春市,=HYPERLINK(1),1,1,1,1' \
		'a.csv,3,1,南关区,长春市,-x,1,1,1,1' 'a.csv,4,1,南关区,长春市,＋1,1,1,-1,1'
	summarize --lang en -g community in.csv
	assert_line -n 1 "\"'-x\",1,1,1,0.00,1.00"
	assert_line -n 2 "\"'=HYPERLINK(1)\",1,1,1,0.00,1.00"
	assert_line -n 3 "\"'＋1\",1,1,1,0.00,1.00"
	assert_line -n 4 'total,3,3,3,0.00,3.00'
}

@test "CSV output keeps line breaks as \\n, one record per line" {
	stream 'a.csv,2,1,南关区,长春市,"机械厂\n家属院",1,1,1,1'
	summarize --lang en -g community in.csv
	assert_line -n 1 '机械厂\n家属院,1,1,1,0.00,1.00'
}

@test "--excel adds a BOM and CRLF, and real line breaks in quotes" {
	stream 'a.csv,2,1,南关区,长春市,"机械厂\n家属院",1,1,1,1'
	xq-summarize --excel --lang en -g community in.csv > out.csv
	run od -An -c -N 3 out.csv
	assert_output ' 357 273 277'
	run bash -c 'sed -n 2,3p out.csv | od -An -c | tr -s " " | tr -d "\n"'
	assert_output --partial '" 346 234 272'
	assert_output --partial '\n 345 256 266'
	assert_output --partial '\r \n'
	run bash -c 'tail -c 2 out.csv | od -An -c'
	assert_output '  \r  \n'
}

@test "without --excel there is no BOM and no CR" {
	xq-summarize -p "$S/profile" "$S/plan.csv" > out.csv
	run bash -c 'head -c 3 out.csv; grep -c $'"'"'\r'"'"' out.csv'
	assert_output '市0'
}

@test "--rows writes the input as it is, in any format" {
	summarize --rows -f table "$S/profile/counties.csv"
	assert_success
	assert_output 'county_code  county  city              fiscal_coef
-----------  ------  ----------------  -----------
     220102  南关区  长春市                    0.8
     220122  农安县  长春市                    1.2
     220204  船营区  吉林市                    0.8
     220221  永吉县  吉林市                    1.2
     222401  延吉市  延边朝鲜族自治州          1.0
     222426  安图县  延边朝鲜族自治州          1.2'
}

# ---- output files and errors ----------------------------------------------

@test "-o writes the file under a temporary name and renames it" {
	summarize -p "$S/profile" -f table -o plan.txt "$S/plan.csv"
	assert_success
	assert_output ''
	assert_file_equal plan.txt "$S/plan.txt"
	run compgen -G 'plan.txt.tmp*'
	assert_failure
}

@test "standard input is read when no file is named, or -" {
	run bash -c "xq-summarize -p '$S/profile' < '$S/plan.csv'"
	assert_output "$(cat "$S/plan.zh.csv")"
	run bash -c "xq-summarize -p '$S/profile' - < '$S/plan.csv'"
	assert_output "$(cat "$S/plan.zh.csv")"
}

@test "a full disk is exit 4 with a message, in every format" {
	for f in csv table md; do
		run bash -c "xq-summarize -f $f '$S/plan.csv' > /dev/full"
		assert_failure 4
		assert_output 'xq-summarize: standard output: write error: No space left on device'
	done
}

@test "an output file that cannot be created is exit 4" {
	summarize -o no/such/dir/out.csv "$S/plan.csv"
	assert_failure 4
	assert_stderr 'xq-summarize: no/such/dir/out.csv: No such file or directory'
}

@test "a missing measure column is exit 3, naming it" {
	printf '%s\n' 'county_code,buildings,households,area_m2' '1,1,1,1' > in.csv
	summarize in.csv
	assert_failure 3
	assert_stderr 'xq-summarize: in.csv:1: no column "investment" (a measure of the plan table)'
}

@test "the plan table needs county_code" {
	printf '%s\n' 'county,buildings,households,area_m2,investment' 'a,1,1,1,1' > in.csv
	summarize in.csv
	assert_failure 3
	assert_stderr 'xq-summarize: in.csv:1: no column "county_code" (the plan table is by county)'
}

@test "a -g column that is not in the input is exit 3, with the nearest name" {
	summarize -g citty "$S/plan.csv"
	assert_failure 3
	assert_stderr 'xq-summarize: plan.csv:1: no column "citty" (named by -g); did you mean "city"?'
}

@test "a value that is not a number is exit 3, with the record's provenance" {
	stream 'a.csv,2,1,南关区,长春市,x,1,1,1,1' '咸安区.csv,14,1,南关区,长春市,x,一百二十,1,1,1'
	summarize in.csv
	assert_failure 3
	assert_stderr 'xq-summarize: in.csv:3:buildings: "一百二十" is not a number (咸安区.csv:14)'
	stream 'a.csv,2,1,南关区,长春市,x,1,1.5,1,1'
	summarize in.csv
	assert_failure 3
	assert_stderr 'xq-summarize: in.csv:2:households: "1.5" is not a whole number (a.csv:2)'
}

@test "a sum past the 64-bit range is exit 3, not a wrong total" {
	stream 'a.csv,2,1,a,b,x,1,1,9000000000000,1' 'a.csv,3,1,a,b,y,1,1,9000000000000,1'
	summarize in.csv
	assert_failure 3
	assert_stderr 'xq-summarize: the sum of area_m2 is out of range'
}

@test "empty input and an unreadable file are exit 3" {
	: > empty.csv
	summarize empty.csv
	assert_failure 3
	assert_stderr 'xq-summarize: empty.csv: empty input, a header line was expected'
	summarize no-such.csv
	assert_failure 3
	assert_stderr 'xq-summarize: no-such.csv: No such file or directory'
}

@test "usage errors are exit 2" {
	summarize -f xml
	assert_failure 2
	assert_stderr 'xq-summarize: -f: "xml" is not csv, table or md'
	summarize --lang fr
	assert_failure 2
	summarize -f md --excel
	assert_failure 2
	assert_stderr 'xq-summarize: --excel is for -f csv'
	summarize --all-counties "$S/plan.csv"
	assert_failure 2
	summarize -g ,city "$S/plan.csv"
	assert_failure 2
	summarize a.csv b.csv
	assert_failure 2
	summarize --no-such-option
	assert_failure 2
	assert_stderr_line --partial 'usage: xq-summarize'
}

@test "--help prints the synopsis of the manual and exits 0" {
	summarize --help
	assert_success
	assert_line -n 0 'usage: xq-summarize [-p PROFILE] [-g COLUMN[,COLUMN...]] [-f csv|table|md]'
	assert_usage_is_synopsis xq-summarize
	run xq-summarize --version
	assert_success
	assert_output --regexp '^xq-summarize \(xiaoqu\) [0-9]'
}

@test "the manual page is lint clean" {
	run mandoc -T lint -W warning "$ROOT/man/xq-summarize.1"
	assert_success
	assert_output ''
}

# ---- the samples -------------------------------------------------------------

@test "xianning-2024: 434 communities, 8640 buildings, 74857 households, 874.32万㎡, 227200万元" {
	local dir=$ROOT/samples/xianning-2024
	compgen -G "$dir/submissions/*.csv" > /dev/null || skip "no xianning-2024 submissions"
	run bash -c "xq-validate -q -p '$dir' '$dir'/submissions/*.csv |
		xq-dedupe -q | xq-classify-scope -q -p '$dir' -x /dev/null |
		xq-summarize -p '$dir'"
	assert_success
	assert_line -n 0 '市,县(市、区),行政区划代码,小区数,楼栋数,户数,建筑面积(万㎡),总投资(万元),楼道革命,环境革命,管理革命,共同出资'
	assert_line -n 8 '咸宁市,全市小计,,434,8640,74857,874.32,227200.00,434,434,434,313'
	assert_line -n 9 '合计,,,434,8640,74857,874.32,227200.00,434,434,434,313'
}

@test "jilin-2020: 1945 communities, 270000 households in 9 cities" {
	local dir=$ROOT/samples/jilin-2020
	compgen -G "$dir/submissions/*.csv" > /dev/null || skip "no jilin-2020 submissions"
	run bash -c "xq-validate -q -p '$dir' '$dir'/submissions/*.csv |
		xq-dedupe -q -H '$dir'/history.csv | xq-classify-scope -q -p '$dir' -x /dev/null |
		xq-summarize -p '$dir'"
	assert_line --regexp '^合计,,,1945,7944,270000,2141\.27,1012079\.62,'
	run bash -c "xq-validate -q -p '$dir' '$dir'/submissions/*.csv |
		xq-summarize -p '$dir' | grep -c 小计"
	assert_output '9'
}

# ---- the examples of the manual ---------------------------------------------

@test "manual example: households by build year as a table" {
	run bash -c "xq-summarize -g build_year -f table '$S/plan.csv' | head -n 3"
	assert_output '建成年份  小区数  楼栋数  户数  建筑面积(万㎡)  总投资(万元)  补助资金(万元)  基础类  完善类  提升类
--------  ------  ------  ----  --------------  ------------  --------------  ------  ------  ------
1979           1       5   150            1.20        700.10          350.05       0       1       0'
}

@test "manual example: the Xianning plan table is the one printed in the manual" {
	local dir=$ROOT/samples/xianning-2024
	compgen -G "$dir/submissions/*.csv" > /dev/null || skip "no xianning-2024 submissions"
	awk '/^  xq-summarize -p samples\/xianning-2024 -f table$/ { on = 1; next }
		on && /^\.Ed$/ { exit }
		on' "$ROOT/man/xq-summarize.1" > expected.txt
	[[ -s expected.txt ]]
	run bash -c "xq-validate -q -p '$dir' '$dir'/submissions/*.csv | xq-dedupe -q |
		xq-classify-scope -q -p '$dir' -x exceptions.csv | xq-summarize -p '$dir' -f table"
	assert_success
	assert_output "$(cat expected.txt)"
}

@test "manual example: a CSV file for Excel" {
	cp "$S/plan.csv" plan.csv
	run xq-summarize -p "$S/profile" --excel -o plan-table.csv plan.csv
	assert_success
	run bash -c 'head -c 3 plan-table.csv | od -An -tx1'
	assert_output ' ef bb bf'
}

@test "manual example: progress by status (jilin-2019: 303 completed, 226 under construction, 302 preliminary)" {
	local dir=$ROOT/samples/jilin-2019
	compgen -G "$dir/progress/*.csv" > /dev/null || skip "no jilin-2019 progress reports"
	run bash -c "xq-validate -p '$dir' -s progress '$dir'/progress/*.csv 2>/dev/null |
		xq-summarize --lang en -g status -f md"
	assert_success
	assert_output '| status             | communities |
| ------------------ | ----------: |
| completed          |         303 |
| preliminary        |         302 |
| under_construction |         226 |
| total              |         831 |'
}

@test "bytes that are not UTF-8 are exit 3, with the line" {
	printf '%s\n' "$HEAD" $'a.csv,2,1,\xff\xfe,b,x,1,1,1,1' > in.csv
	summarize in.csv
	assert_failure 3
	assert_stderr 'xq-summarize: in.csv:2: invalid UTF-8 byte sequence (byte 11)'
}

@test "-g takes any number of columns" {
	summarize --lang en -g city,county,county_code,build_year,community "$S/plan.csv"
	assert_success
	assert_line -n 0 'city,county,county_code,build_year,community,communities,buildings,households,area_wan_m2,investment,subsidy,basic,improve,upgrade'
	assert_line -n 8 'total,,,,,7,42,1405,11.44,7149.02,3650.55,5,3,2'
}
