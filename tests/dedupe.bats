#!/usr/bin/env bats
# dedupe.bats - xq-dedupe: keys, copies, conflicts, history, counties,
# pass-through, exit codes.
#
# Most inputs are made in the test from one stream row (row) with a cell
# changed, so each test shows the cells it is about. The fixtures in
# tests/fixtures/dedupe/ are a stream with awkward fields (clean.csv), a
# history file, a profile with suffixes.csv, and mixed.csv with every rule
# at once and its expected output, duplicates file and messages for -k first
# and -k last.

load helpers

D=$FIX/dedupe

HEAD='source,line,county_code,county,community,address,households,area_m2,investment,备注'
COLS=(source line county_code county community address households area_m2
	investment 备注)
DUPS_HEAD='source,line,kept_source,kept_line,reason,county_code,key,action,community,address'

# row [COLUMN=VALUE...]: the stream row of 机械厂家属院 with some cells changed.
row() {
	local -A v=([source]=南关区.csv [line]=3 [county_code]=220102 [county]=南关区
		[community]=机械厂家属院 [address]=建设街2702号 [households]=219
		[area_m2]=13216.00 [investment]=1085.87 [备注]=)
	local kv k out=
	for kv; do
		k=${kv%%=*}
		[[ -v v[$k] ]] || { echo "row: no column $k" >&2; return 1; }
		v[$k]=${kv#*=}
	done
	for k in "${COLS[@]}"; do
		out+=${out:+,}${v[$k]}
	done
	printf '%s\n' "$out"
}

# stream ROW...: in.csv, the header and ROWs.
stream() {
	printf '%s\n' "$HEAD" "$@" > in.csv
}

# dedupe ARGS...: xq-dedupe writing dups.csv, stdout and stderr apart.
dedupe() {
	run --separate-stderr xq-dedupe -d dups.csv "$@"
}

# assert_dups [ROW...]: dups.csv holds exactly these rows.
assert_dups() {
	assert_equal "$(cat dups.csv)" "$(printf '%s\n' "$DUPS_HEAD" "$@")"
}

# assert_kept LINE...: the stream on stdout has the header and the records
# of these line cells, in this order.
assert_kept() {
	assert_line --index 0 "$HEAD"
	assert_equal "$(printf '%s\n' "$output" | csv_column line | paste -sd' ')" "$*"
}

# ---- pass-through ---------------------------------------------------------

@test "a stream without duplicates passes through byte for byte, exit 0" {
	# clean.csv: a quoted comma, an escaped \n, doubled quotes, \\, an
	# unknown column, empty cells, spaces around a cell
	dedupe "$D/clean.csv"
	assert_success
	xq-dedupe -q "$D/clean.csv" > out.csv
	assert_file_equal out.csv "$D/clean.csv"
	assert_dups
	assert_stderr 'xq-dedupe: 4 records: 4 kept, 0 dropped (0 copies, 0 conflicts, 0 renovated earlier); 0 cross-county flags'
}

@test "a kept record after a dropped one is still byte for byte, quotes and escapes included" {
	{ cat "$D/clean.csv"; tail -n +2 "$D/clean.csv"; } > in.csv
	dedupe in.csv
	assert_success
	assert_equal "$output" "$(cat "$D/clean.csv")"
	assert_stderr --partial '8 records: 4 kept, 4 dropped (4 copies,'
}

@test "standard input, a pipe and a file give the same output" {
	xq-dedupe -q -H "$D/history.csv" "$D/mixed.csv" > file.out || [ $? -eq 1 ]
	xq-dedupe -q -H "$D/history.csv" < "$D/mixed.csv" > redirect.out || [ $? -eq 1 ]
	cat "$D/mixed.csv" | xq-dedupe -q -H "$D/history.csv" > pipe.out || [ $? -eq 1 ]
	cat "$D/mixed.csv" | xq-dedupe -q -H "$D/history.csv" - > dash.out || [ $? -eq 1 ]
	assert_file_equal file.out "$D/mixed.first.out"
	assert_file_equal redirect.out "$D/mixed.first.out"
	assert_file_equal pipe.out "$D/mixed.first.out"
	assert_file_equal dash.out "$D/mixed.first.out"
}

@test "-k last from a pipe reads its copy twice and gives the file's output" {
	run --separate-stderr bash -c 'cat "$1" | xq-dedupe -k last -H "$2" -d dups.csv' _ \
		"$D/mixed.csv" "$D/history.csv"
	assert_failure 1
	assert_equal "$output" "$(cat "$D/mixed.last.out")"
	assert_file_equal dups.csv "$D/mixed.last.dups"
}

@test "every rule at once, -k first: output, duplicates file, messages" {
	dedupe -H "$D/history.csv" "$D/mixed.csv"
	assert_failure 1
	assert_equal "$output" "$(cat "$D/mixed.first.out")"
	assert_file_equal dups.csv "$D/mixed.first.dups"
	assert_equal "$stderr" "$(cat "$D/mixed.first.err")"
}

@test "every rule at once, -k last: output, duplicates file, messages" {
	dedupe -k last -H "$D/history.csv" "$D/mixed.csv"
	assert_failure 1
	assert_equal "$output" "$(cat "$D/mixed.last.out")"
	assert_file_equal dups.csv "$D/mixed.last.dups"
	assert_equal "$stderr" "$(cat "$D/mixed.last.err")"
}

@test "records in = kept + dropped rows of the duplicates file, flags not counted as dropped" {
	dedupe -H "$D/history.csv" "$D/mixed.csv"
	local in kept dropped
	in=$(($(wc -l < "$D/mixed.csv") - 1))
	kept=$(($(printf '%s\n' "$output" | wc -l) - 1))
	dropped=$(csv_column action dups.csv | grep -c '^dropped$')
	assert_equal "$in" $((kept + dropped))
	assert_stderr --partial "$in records: $kept kept, $dropped dropped"
}

# ---- copies ---------------------------------------------------------------

@test "an exact copy from another file is dropped, exit 0" {
	stream "$(row)" "$(row source=南关区-补报.csv line=7)"
	dedupe in.csv
	assert_success
	assert_kept 3
	assert_dups '南关区-补报.csv,7,南关区.csv,3,exact copy,220102,机械厂|建设街2702号,dropped,机械厂家属院,建设街2702号'
	assert_stderr 'xq-dedupe: 2 records: 1 kept, 1 dropped (1 copy, 0 conflicts, 0 renovated earlier); 0 cross-county flags'
}

@test "full-width letters and digits, spaces and U+3000 make the same key" {
	stream "$(row community=ABC小区 address=建设街12号)" \
		"$(row line=4 community='ＡＢＣ　小区' address='建设街１２号')" \
		"$(row line=5 community=' abc 小区' address='建设街 12 号')"
	dedupe in.csv
	assert_success
	assert_kept 3
	assert_equal "$(csv_column reason dups.csv | paste -sd'|')" \
		'copy, written differently (community ＡＢＣ　小区 vs kept ABC小区; address 建设街１２号 vs kept 建设街12号)|copy, written differently (community  abc 小区 vs kept ABC小区; address 建设街 12 号 vs kept 建设街12号)'
	assert_equal "$(csv_column key dups.csv | sort -u)" 'abc|建设街12号'
}

@test "punctuation is not part of a key, but it keeps two numbers apart" {
	stream "$(row community='粮食局（一期）' address=建设街2991-2993号)" \
		"$(row line=4 community='粮食局·一期' address='建设街2991～2993号')" \
		"$(row line=5 community='粮食局一期' address='建设街29912993号')"
	dedupe in.csv
	assert_success
	assert_kept 3 5
	assert_equal "$(csv_column key dups.csv)" '粮食局1期|建设街2991-2993号'
}

@test "Chinese numerals equal Arabic ones: 三号院 3号院, 十二栋 12栋, 二十一 21, 一百零五 105" {
	stream "$(row community=三号院 address=人民大街二十一号)" \
		"$(row line=4 community=3号院 address=人民大街21号)" \
		"$(row line=5 community=十二栋 address=一百零五号)" \
		"$(row line=6 community=12栋 address=105号)" \
		"$(row line=7 community=〇三号楼 address=二〇〇五号)" \
		"$(row line=8 community=03号楼 address=2005号)"
	dedupe in.csv
	assert_success
	assert_kept 3 5 7
	assert_equal "$(csv_column key dups.csv | paste -sd' ')" '3号院|人民大街21号 12栋|105号 3号楼|2005号'
	assert_equal "$(csv_column reason dups.csv | head -n 1)" \
		'copy, written differently (community 3号院 vs kept 三号院; address 人民大街21号 vs kept 人民大街二十一号)'
}

@test "百 and 千 at the start of a word are not numerals: 百货公司 is not 100货公司" {
	stream "$(row community=百货公司家属院)" "$(row line=4 community=千山小区)"
	dedupe in.csv
	assert_success
	assert_kept 3 4
	assert_dups
	run xq-dedupe -q -d dups.csv in.csv
	stream "$(row community=百货公司家属院)" "$(row line=4 community=百货公司宿舍)"
	dedupe in.csv
	assert_equal "$(csv_column key dups.csv)" '百货公司|建设街2702号'
}

@test "suffixes are dropped: 机械厂家属院, 机械厂小区, 机械厂宿舍 and 机械厂 are one community" {
	stream "$(row)" "$(row line=4 community=机械厂小区)" \
		"$(row line=5 community=机械厂职工宿舍)" "$(row line=6 community=机械厂)" \
		"$(row line=7 community=机械厂家属院小区)"
	dedupe in.csv
	assert_success
	assert_kept 3
	assert_equal "$(csv_column key dups.csv | sort -u)" '机械厂|建设街2702号'
	assert_stderr --partial '5 records: 1 kept, 4 dropped (4 copies,'
}

@test "a name that is only a suffix keeps it: 小区 is not the empty key" {
	stream "$(row community=小区)" "$(row line=4 community=宿舍)"
	dedupe in.csv
	assert_success
	assert_kept 3 4
}

@test "the profile's suffixes.csv adds 大院 and removes 宿舍" {
	stream "$(row community=机械厂家属院)" "$(row line=4 community=机械厂大院)" \
		"$(row line=5 community=机械厂宿舍)"
	dedupe in.csv
	assert_kept 3 4
	dedupe -p "$D/profile" in.csv
	assert_success
	assert_kept 3 5
	assert_equal "$(csv_column line dups.csv)" 4
	assert_equal "$(csv_column key dups.csv)" '机械厂|建设街2702号'
}

@test "a suffixes.csv with a bad action or an empty suffix stops with exit 3" {
	mkdir p
	cp "$D/profile/counties.csv" p/
	printf 'suffix,action\n大院,drop\n' > p/suffixes.csv
	stream "$(row)"
	dedupe -p p in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: p/suffixes.csv:2:action: "drop" is not add or remove'
	printf 'suffix\n——\n' > p/suffixes.csv
	dedupe -p p in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: p/suffixes.csv:2:suffix: "——" has no letter or digit'
	printf 'ending\n大院\n' > p/suffixes.csv
	dedupe -p p in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: p/suffixes.csv: no column "suffix"'
}

@test "the same name at two addresses of one county is two communities" {
	stream "$(row)" "$(row line=4 address=建设街2704号)" "$(row line=5 address=)"
	dedupe in.csv
	assert_success
	assert_kept 3 4 5
	assert_dups
}

@test "without an address column the county and the name are the key" {
	printf '%s\n' source,line,county_code,community,households \
		a.csv,2,220102,幸福小区,100 a.csv,3,220102,幸福,100 > in.csv
	dedupe in.csv
	assert_success
	assert_equal "$(csv_column line <<<"$output")" 2
	assert_dups 'a.csv,3,a.csv,2,"copy, written differently (community 幸福 vs kept 幸福小区)",220102,幸福,dropped,幸福,'
}

# ---- conflicts ------------------------------------------------------------

@test "a conflict keeps the first by default, names the figures and exits 1" {
	stream "$(row)" "$(row source=南关区2.csv line=9 households=218)"
	dedupe in.csv
	assert_failure 1
	assert_kept 3
	assert_dups '南关区2.csv,9,南关区.csv,3,conflict: kept first (households 218 vs kept 219),220102,机械厂|建设街2702号,dropped,机械厂家属院,建设街2702号'
	assert_stderr_line 'xq-dedupe: 南关区2.csv:9: 220102 机械厂家属院: conflict: kept first (households 218 vs kept 219); the record kept is 南关区.csv:3'
	assert_stderr_line 'xq-dedupe: 2 records: 1 kept, 1 dropped (0 copies, 1 conflict, 0 renovated earlier); 0 cross-county flags'
}

@test "-k last keeps the last of a conflict" {
	stream "$(row)" "$(row source=南关区2.csv line=9 households=218)"
	dedupe -k last in.csv
	assert_failure 1
	assert_kept 9
	assert_dups '南关区.csv,3,南关区2.csv,9,conflict: kept last (households 219 vs kept 218),220102,机械厂|建设街2702号,dropped,机械厂家属院,建设街2702号'
}

@test "-k last writes the kept records in input order" {
	stream "$(row community=甲 line=2)" "$(row community=乙 line=3)" \
		"$(row community=甲 line=4 households=1)" "$(row community=丙 line=5)" \
		"$(row community=乙 line=6 households=2)"
	dedupe -k last in.csv
	assert_failure 1
	assert_kept 4 5 6
	dedupe -k first in.csv
	assert_kept 2 3 5
}

@test "a conflict names three fields and counts the rest" {
	stream "$(row)" "$(row line=4 households=1 area_m2=2.00 investment=3.00 备注=补报 county=南关)"
	dedupe in.csv
	assert_failure 1
	assert_equal "$(csv_column reason dups.csv)" \
		'conflict: kept first (county 南关 vs kept 南关区; households 1 vs kept 219; area_m2 2.00 vs kept 13216.00; 2 more)'
}

@test "an empty cell shows as (empty) and a long one is cut on a character boundary" {
	local long=改造内容改造内容改造内容改造内容改造内容
	stream "$(row 备注=$long)" "$(row line=4 备注=)"
	dedupe in.csv
	assert_failure 1
	assert_equal "$(csv_column reason dups.csv)" \
		'conflict: kept first (备注 (empty) vs kept 改造内容改造内容改造内容改...)'
}

@test "a copy of the kept record later still counts as a copy, not a conflict" {
	stream "$(row)" "$(row line=4 households=218)" "$(row line=5)"
	dedupe in.csv
	assert_failure 1
	assert_equal "$(csv_column reason dups.csv | paste -sd'|')" \
		'conflict: kept first (households 218 vs kept 219)|exact copy'
}

@test "more than 50 conflicts: 50 messages, then a count" {
	local rows=("$(row)") i
	for ((i = 4; i < 64; i++)); do rows+=("$(row line=$i households=$i)"); done
	stream "${rows[@]}"
	dedupe in.csv
	assert_failure 1
	assert_equal "$(grep -c ': conflict: ' <<<"$stderr")" 50
	assert_stderr_line 'xq-dedupe: 10 more conflicts and flags not shown (all are in the duplicates file)'
	assert_equal "$(($(wc -l < dups.csv) - 1))" 60
}

# ---- history --------------------------------------------------------------

@test "-H drops a community renovated in 2019, with the history file's line" {
	stream "$(row community=机械厂家属楼)" "$(row line=4 community=幸福小区)"
	dedupe -H "$D/history.csv" in.csv
	assert_success
	assert_kept 4
	assert_dups '南关区.csv,3,history.csv,2,renovated in 2019,220102,机械厂|建设街2702号,dropped,机械厂家属楼,建设街2702号'
	assert_stderr 'xq-dedupe: 2 records: 1 kept, 1 dropped (0 copies, 0 conflicts, 1 renovated earlier); 0 cross-county flags'
}

@test "-H without a year says renovated earlier; without an address the name decides" {
	stream "$(row county_code=220203 community=化肥厂宿舍 address=任意街1号)"
	dedupe -H "$D/history.csv" in.csv
	assert_success
	assert_kept ''
	assert_equal "$(csv_column reason dups.csv)" 'renovated earlier'
}

@test "-H: different addresses on both sides are different communities; an empty one matches" {
	stream "$(row community=机械厂 address=建设街1号)" "$(row line=4 community=机械厂 address=)"
	dedupe -H "$D/history.csv" in.csv
	assert_success
	assert_kept 3
	assert_equal "$(csv_column line dups.csv)" 4
}

@test "-H: every copy of a renovated community is dropped as renovated" {
	stream "$(row)" "$(row line=4)" "$(row line=5 households=1)"
	dedupe -H "$D/history.csv" in.csv
	assert_success
	assert_equal "$(csv_column reason dups.csv | sort | uniq -c | sed 's/^ *//')" '3 renovated in 2019'
}

@test "-H reads Chinese headers, GB18030, and plan_year of an earlier plan as the year" {
	printf '%s\n' 行政区划代码,小区名称,改造年度 220102,机械厂宿舍,2017 | iconv -t GB18030 > h1.csv
	printf '%s\n' source,line,county_code,community,plan_year 'a.csv,2,220102,机械厂小区,2018' > h2.csv
	stream "$(row)"
	dedupe -H h1.csv in.csv
	assert_equal "$(csv_column reason dups.csv)" 'renovated in 2017'
	dedupe -H h2.csv in.csv
	assert_equal "$(csv_column reason dups.csv)" 'renovated in 2018'
}

@test "-H without a community column stops with exit 3 and names it" {
	printf '%s\n' county_code,name 220102,机械厂 > h.csv
	stream "$(row)"
	dedupe -H h.csv in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: h.csv: no column "community" (a history file needs county_code and community)'
	dedupe -H missing.csv in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: missing.csv: No such file or directory'
}

# ---- counties -------------------------------------------------------------

@test "the same name and address in two counties is flagged, both kept, exit 1" {
	stream "$(row)" "$(row source=船营区.csv line=5 county_code=220204 county=船营区 community=机械厂小区)"
	dedupe in.csv
	assert_failure 1
	assert_kept 3 5
	assert_dups '船营区.csv,5,南关区.csv,3,same name and address also in county 220102,220204,机械厂|建设街2702号,flagged,机械厂小区,建设街2702号'
	assert_stderr_line 'xq-dedupe: 船营区.csv:5: 220204 机械厂小区: same name and address also in county 220102 (南关区.csv:3); both kept'
	assert_stderr_line 'xq-dedupe: 2 records: 2 kept, 0 dropped (0 copies, 0 conflicts, 0 renovated earlier); 1 cross-county flag'
}

@test "the same name without an address in two counties is not flagged" {
	stream "$(row address=)" "$(row line=5 county_code=220204 address=)"
	dedupe in.csv
	assert_success
	assert_kept 3 5
	assert_dups
}

@test "a dropped record is never flagged, and a flag names the record kept" {
	stream "$(row)" "$(row line=4 households=1)" "$(row line=5 county_code=220204)"
	dedupe -k last in.csv
	assert_failure 1
	assert_kept 4 5
	assert_equal "$(csv_column action dups.csv | paste -sd' ')" 'dropped flagged'
	assert_equal "$(csv_column kept_line dups.csv | paste -sd' ')" '4 4'
}

# ---- the input ------------------------------------------------------------

@test "a stream without source and line names records by file and physical line" {
	printf '%s\n' county_code,community,households 220102,幸福小区,100 220102,幸福,101 > in.csv
	dedupe in.csv
	assert_failure 1
	assert_dups 'in.csv,3,in.csv,2,conflict: kept first (households 101 vs kept 100),220102,幸福,dropped,幸福,'
}

@test "a record with an empty community is passed on untouched" {
	stream "$(row community=)" "$(row line=4 community=)"
	dedupe in.csv
	assert_success
	assert_kept 3 4
}

@test "the output of xq-validate goes straight in" {
	run --separate-stderr bash -c 'xq-validate -q -p "$1" -y 2020 "$2" "$2" | xq-dedupe -d dups.csv' _ \
		"$FIX/validate/profile" "$FIX/validate/good.csv"
	assert_success
	assert_equal "$output" "$(cat "$FIX/validate/good.out")"
	assert_equal "$(csv_column reason dups.csv | sort -u)" 'exact copy'
	assert_stderr 'xq-dedupe: 4 records: 2 kept, 2 dropped (2 copies, 0 conflicts, 0 renovated earlier); 0 cross-county flags'
}

# ---- exit status and options ----------------------------------------------

@test "exit 3 naming the column when county_code or community is missing" {
	printf '%s\n' source,line,county,community a.csv,2,南关区,幸福 > in.csv
	dedupe in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: in.csv: no column "county_code" in the header (the input must be the stream xq-validate writes)'
	printf '%s\n' source,line,county_code,小区名称 a.csv,2,220102,幸福 > in.csv
	dedupe in.csv
	assert_failure 3
	assert_stderr --partial 'no column "community" in the header'
	assert [ ! -e dups.csv ]
}

@test "exit 3 for a missing file, an empty input and bytes that are not UTF-8" {
	dedupe nothere.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: nothere.csv: No such file or directory'
	: > empty.csv
	dedupe empty.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: empty.csv: empty input, a header line was expected'
	stream "$(row)"
	printf '%s\n' "$(row line=4 community=$'\xff')" >> in.csv
	dedupe in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: in.csv:3: invalid UTF-8 byte sequence (the input must be the stream xq-validate writes)'
}

# many ROWS: in.csv, the header and ROWS communities 1号院 … N号院 of one
# county, more than the reader reads ahead of the keys in one batch.
many() {
	{ printf '%s\n' "$HEAD"
	  awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
		printf "南关区.csv,%d,220102,南关区,机械厂%d号院,建设街%d号,219,13216.00,1085.87,\n", i + 1, i, i }'
	} > in.csv
}

@test "keys hold across read-ahead batches: copies 14000 records apart, from a file, a pipe and with -k last" {
	many 14000
	printf '%s\n' "$(sed -n 2p in.csv | sed 's/^南关区.csv,2,/南关区.csv,14002,/')" >> in.csv
	# over a megabyte: a file that size is read ahead in a second thread
	assert [ "$(wc -c < in.csv)" -gt 1048576 ]
	dedupe in.csv
	assert_success
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 14001
	assert_equal "$output" "$(head -n 14001 in.csv)"
	assert_stderr 'xq-dedupe: 14001 records: 14000 kept, 1 dropped (1 copy, 0 conflicts, 0 renovated earlier); 0 cross-county flags'
	assert_dups '南关区.csv,14002,南关区.csv,2,exact copy,220102,机械厂1号院|建设街1号,dropped,机械厂1号院,建设街1号'
	cat in.csv | xq-dedupe -q > pipe.out
	assert_equal "$(cat pipe.out)" "$output"
	xq-dedupe -q -k last in.csv > last.out
	assert_equal "$(cat last.out)" "$( (head -n 1 in.csv; sed -n '3,14002p' in.csv) )"
}

@test "a line the reader cannot read, deep in the input, stops the run there with exit 3" {
	many 14000   # over a megabyte: read ahead in a second thread
	sed -i "3001s/机械厂3000号院/$(printf 'A%.0s' {1..1100})/" in.csv
	dedupe --max-field 1024 in.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: in.csv:3001: a field longer than 1024 bytes (is a closing quote missing?)'
	local rc=0
	cat in.csv | xq-dedupe -q --max-field 1024 > /dev/null 2> err || rc=$?
	assert_equal "$rc" 3
	assert_equal "$(cat err)" 'xq-dedupe: -:3001: a field longer than 1024 bytes (is a closing quote missing?)'
}

@test "exit 2 for a bad -k, an unknown option or two files" {
	stream "$(row)"
	dedupe -k middle in.csv
	assert_failure 2
	assert_stderr 'xq-dedupe: -k: "middle" is not first or last'
	dedupe --frobnicate in.csv
	assert_failure 2
	assert_stderr --partial 'usage: xq-dedupe'
	dedupe in.csv in.csv
	assert_failure 2
	assert_stderr --partial 'usage: xq-dedupe'
	dedupe --max-field 10 in.csv
	assert_failure 2
	assert_stderr 'xq-dedupe: --max-field: "10" is not a whole number from 1024 to 1073741824'
}

@test "exit 4 with a message when stdout cannot be written (> /dev/full)" {
	run --separate-stderr bash -c 'xq-dedupe "$1" > /dev/full' _ "$D/clean.csv"
	assert_failure 4
	assert_stderr_line 'xq-dedupe: standard output: write error: No space left on device'
}

@test "exit 4 when -d names a full device, which is written to, not replaced" {
	[[ -w /dev ]] || skip "needs a private device node"
	mknod full c 1 7 2>/dev/null || skip "mknod is not allowed"
	dedupe -d "$PWD/full" "$D/mixed.csv"
	assert_failure 4
	assert_stderr --partial 'No space left on device'
	assert [ -c full ]
}

@test "-o writes the file only when the run succeeds" {
	stream "$(row)"
	run --separate-stderr xq-dedupe -o out.csv in.csv
	assert_success
	assert_file_equal out.csv in.csv
	printf 'county,community\n' > bad.csv
	run --separate-stderr xq-dedupe -o out2.csv bad.csv
	assert_failure 3
	assert_equal "$(ls out2.csv* 2>/dev/null)" 
}

@test "-q silences messages and the summary, not the duplicates file or the status" {
	stream "$(row)" "$(row line=4 households=1)"
	dedupe -q in.csv
	assert_failure 1
	assert_stderr ''
	assert_equal "$(($(wc -l < dups.csv) - 1))" 1
}

# ---- --log and --exit-zero (how the pipelines run it) ------------------------

@test "--log FILE holds byte for byte what stderr gets without it; stderr gets nothing, the status and outputs are the same, no temporary file is left" {
	local s=0
	xq-dedupe -H "$D/history.csv" -d plain.dups -o plain.out "$D/mixed.csv" \
		2> plain.err || s=$?
	assert_equal "$s" 1
	[[ -s plain.err ]]
	dedupe --log d.log -H "$D/history.csv" -o out.csv "$D/mixed.csv"
	assert_failure 1
	assert_stderr ''
	assert_output ''
	assert_file_equal d.log plain.err
	assert_file_equal out.csv plain.out
	assert_file_equal dups.csv plain.dups
	run compgen -G '*.tmp*'
	assert_failure
	# exit 0 too: the summary line alone
	dedupe --log clean.log "$D/clean.csv"
	assert_success
	assert_stderr ''
	assert_equal "$(cat clean.log)" 'xq-dedupe: 4 records: 4 kept, 0 dropped (0 copies, 0 conflicts, 0 renovated earlier); 0 cross-county flags'
}

@test "--exit-zero: conflicts and flags exit 0; a missing column still exits 3, on stderr even with --log" {
	stream "$(row)" "$(row source=南关区2.csv line=9 households=218)" \
		"$(row line=4 county_code=220203 county=龙潭区)"
	dedupe in.csv
	assert_failure 1
	dedupe --exit-zero --log d.log in.csv
	assert_success
	assert_stderr ''
	grep -q '1 conflict, 0 renovated earlier); 1 cross-county flag$' d.log
	assert_equal "$(csv_column action dups.csv | paste -sd' ')" 'dropped flagged'
	printf '%s\n' source,line,county,community a.csv,2,南关区,幸福 > bad.csv
	rm dups.csv
	dedupe --exit-zero --log bad.log -o out.csv bad.csv
	assert_failure 3
	assert_stderr 'xq-dedupe: bad.csv: no column "county_code" in the header (the input must be the stream xq-validate writes)'
	assert_equal "$(cat bad.log)" "$stderr"
	[[ ! -e out.csv && ! -e dups.csv ]]
	run compgen -G '*.tmp*'
	assert_failure
}

@test "--log into a folder that is not there is exit 4 with the message on stderr, and no output is written" {
	stream "$(row)"
	dedupe --log nothere/d.log -o out.csv in.csv
	assert_failure 4
	assert_stderr 'xq-dedupe: nothere/d.log: No such file or directory'
	[[ ! -e out.csv && ! -e dups.csv && ! -e nothere ]]
}

@test "--help prints the usage on stdout and exits 0; --version too" {
	run --separate-stderr xq-dedupe --help
	assert_success
	assert_line --index 0 'usage: xq-dedupe [-q] [-p PROFILE] [-H HISTORY] [-k first|last]'
	assert_output --partial '[-d DUPLICATES] [-o OUT] [--max-field BYTES] [--log FILE]'
	assert_stderr ''
	run --separate-stderr xq-dedupe -h
	assert_success
	assert_line --index 0 --partial 'usage: xq-dedupe'
	run --separate-stderr xq-dedupe --version
	assert_success
	assert_output --regexp '^xq-dedupe \(xiaoqu\) [0-9]+\.[0-9]+\.[0-9]+$'
	run --separate-stderr bash -c 'xq-dedupe --help > /dev/full'
	assert_failure 4
}

@test "the usage is the SYNOPSIS of the man page" {
	assert_usage_is_synopsis xq-dedupe
}

# ---- the examples of the man page -----------------------------------------

@test "man page example: validate the sample province and drop duplicates" {
	local s=$BATS_TEST_DIRNAME/../samples/jilin-2020
	[[ -d $s ]] || skip "no samples"
	run --separate-stderr bash -c 'xq-validate -q -p "$1" "$1"/submissions/*.csv |
		xq-dedupe -H "$1"/history.csv -d duplicates.csv > plan-rows.csv' _ "$s"
	assert_failure 1   # the cross-county pair is flagged
	assert_equal "$(wc -l < plan-rows.csv)" 1950
	assert_stderr_line --partial 'xq-dedupe: 1960 records: 1949 kept, 11 dropped (7 copies, 2 conflicts, 2 renovated earlier); 1 cross-county flag'
}

@test "man page example: -k last -d -o, and the history file written by hand" {
	cp "$D/mixed.csv" valid.csv
	printf '%s\n' county_code,community,address,year 220102,机械厂家属院,建设街2702号,2019 \
		220203,化肥厂宿舍,,2018 > history.csv
	run --separate-stderr xq-dedupe -k last -d duplicates.csv -o deduped.csv valid.csv
	assert_failure 1
	assert_equal "$(csv_column line deduped.csv | paste -sd' ')" '5 3 3 4 5 3 4 6 7'
	assert_equal "$(csv_column action duplicates.csv | paste -sd' ')" \
		'dropped dropped dropped flagged dropped flagged'
	run --separate-stderr xq-dedupe -H history.csv -o new.csv valid.csv
	assert_failure 1
	assert_equal "$(csv_column line new.csv | paste -sd' ')" '3 4 6 3 4 5 7'
	assert_stderr_line --partial '13 records: 7 kept, 6 dropped (3 copies, 1 conflict, 2 renovated earlier); 1 cross-county flag'
}

@test "man page example: the conflicts as a table with Miller" {
	command -v mlr >/dev/null || skip "mlr is not installed"
	xq-dedupe -q -d duplicates.csv "$D/mixed.csv" > /dev/null || true
	run mlr --icsv --opprint filter '$reason =~ "^conflict"' \
		then cut -f source,line,kept_source,kept_line,reason duplicates.csv
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp '^南关区2.csv +5 +南关区.csv +6 +conflict: kept first \(households 52 vs kept 51\)$'
}
