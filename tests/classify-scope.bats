#!/usr/bin/env bats
# classify-scope.bats - xq-classify-scope: scope, the extended share, gates,
# item splitting, every rule of the national and sample profiles, the side
# files, the fast reader against the shared one, exit codes.
#
# Most inputs are small streams written in the test, so each test shows the
# rows it is about; the rule examples and the worked example of the manual
# are in tests/fixtures/classify-scope/.

load helpers

C=$FIX/classify-scope
SAMPLES=$(cd "$BATS_TEST_DIRNAME/../samples" && pwd)

# The columns of most streams here (a subset of xq-validate's).
HEAD='source,line,county_code,build_year,households,items,consent_pct,plan_year'

# stream ROW...: s.csv, the header and ROWs.
stream() {
	printf '%s\n' "$HEAD" "$@" > s.csv
}

# profile: p/, a profile with two counties; settings|gates|rules LINE...
# add a file to it.
profile() {
	mkdir -p p
	printf '%s\n' county_code,county,city,fiscal_coef 220102,南关区,长春市,0.8 \
		220203,龙潭区,吉林市,1.0 > p/counties.csv
}
settings() {
	profile
	printf '%s\n' key,value "$@" > p/settings.csv
}
gates() {
	profile
	printf '%s\n' gate,column,test,message "$@" > p/gates.csv
}
rules() {
	profile
	printf '%s\n' category,tag,pattern "$@" > p/rules.csv
}

classify() {
	run --separate-stderr xq-classify-scope "$@"
}

# column NAME: the values of a column of $output, one per line.
column() {
	printf '%s\n' "$output" | csv_column "$1"
}

# items TEXT: the items of TEXT, one per line (read from the -m file).
items() {
	stream "s.csv,2,220102,1990,10,\"$1\",80,2020"
	xq-classify-scope -q -m m.csv s.csv > /dev/null
	csv_column item m.csv | uniq
}

# examples FILE PROFILE...: every item,category,tag of FILE is classified
# so (with -m, by some rule) under the rules of PROFILE (none: national).
# Sets $rules_used to the rules (file:line) that matched.
examples() {
	local file=$1 want got
	shift
	{
		echo "$HEAD"
		tail -n +2 "$file" | awk -F, '{ printf "e.csv,%d,220102,1990,10,%s,80,2020\n", NR + 1, $1 }'
	} > e.csv
	run xq-classify-scope -q "$@" -m m.csv e.csv
	assert [ "$status" -le 1 ]   # 1: the rows fail gates the stream has no columns for
	got=$(paste -d, <(csv_column item m.csv) <(csv_column category m.csv) \
		<(csv_column tag m.csv) | sort -u)
	want=$(tail -n +2 "$file" | sort -u)
	missing=$(comm -23 <(echo "$want") <(echo "$got"))
	assert_equal "$missing" ""
	rules_used=$(csv_column rule m.csv | sort -u)
}

# not_examples FILE PROFILE...: no item,category,tag of FILE is classified
# so.
not_examples() {
	local file=$1 got
	shift
	{
		echo "$HEAD"
		tail -n +2 "$file" | awk -F, '{ printf "e.csv,%d,220102,1990,10,%s,80,2020\n", NR + 1, $1 }'
	} > e.csv
	run xq-classify-scope -q "$@" -m m.csv e.csv
	assert [ "$status" -le 1 ]   # 1: the rows fail gates the stream has no columns for
	got=$(paste -d, <(csv_column item m.csv) <(csv_column category m.csv) \
		<(csv_column tag m.csv) | sort -u)
	assert_equal "$(comm -12 <(tail -n +2 "$file" | sort -u) <(echo "$got"))" ""
}

# rule_lines PROFILE...: file:line of every rule in effect.
rule_lines() {
	local n
	n=$(xq-classify-scope "$@" --print-rules | wc -l)
	if [[ $# -gt 0 ]]; then
		seq 2 "$n" | sed "s|^|$2/rules.csv:|"
	else
		seq 2 "$n" | sed 's|^|national rules:|'
	fi | sort -u
}

# ---- the stream ------------------------------------------------------------

@test "every input column passes through unchanged and six columns are appended" {
	printf '%s\n' "$HEAD,备注" \
		's.csv,2,220102,1990,10,"屋面防水,外墙保温",80,2020, 第一批 ' \
		's.csv,3,220102,1991,20,楼道粉刷\n路灯,,2020,"有""引号"""' > s.csv
	classify s.csv
	assert_success
	assert_line --index 0 "$HEAD,备注,scope,gate,reasons,categories,tags,unmatched"
	# the input columns, cut back off, are the input
	assert_equal "$(printf '%s\n' "$output" | sed -E 's/(,[^,]*){6}$//')" "$(cat s.csv)"
	assert_equal "$(column scope)" "$(printf 'in\nin')"
	assert_equal "$(column categories)" "$(printf 'basic;improve\nbasic;improve')"
	assert_equal "$(column tags)" "$(printf 'roof;facade;energy\nstairway;lighting')"
}

@test "the fast reader gives the shared reader's output byte for byte, on bad input too" {
	# quotes, escapes, CRLF, a BOM, a blank line, a quoted line break, bad
	# UTF-8, overlong and surrogate forms, 4-byte characters, a NUL, a stray
	# quote, short and long rows, a character cut at the end of a line, and
	# quoted lines the fast path splits itself
	{
		printf '\357\273\277%s\r\n' "$HEAD"
		printf 's.csv,2,220102,1990,850,"屋面防水,外墙保温",80,2020\r\n'
		printf 's.csv,3,220102,1990,10,外墙保温\\n楼道粉刷\\\\x,80,2020\n\n'
		printf 's.csv,4,220102,1990,60,"楼道""粉刷""\n二",80,2020\n'
		printf 's.csv,5,220102,1990,50,绿化\344\377,80,2020\n'
		printf 's.csv,6,220102,1990,10,路灯\000\r,80,2020\n'
		printf 's.csv,7,220102,1990,10,路灯,80\n'
		printf 's.csv,8,220102,1995,100,屋面,60,2020,extra\n'
		printf 's.csv,9,220102,1995,100,屋"面,70,2020\n'
		printf 's.csv,10,220102,1995,100,屋面\355\240\200,70,2020\n'
		printf 's.csv,11,220102,1995,100,屋面\340\200\200,70,2020\n'
		printf 's.csv,12,220102,1995,100,屋面\360\237\230\200\303\251,70,2020\n'
		printf 's.csv,13,220102,1995,100,abcdefghijklmnopq屋面防水、外墙保温\344\270\n'
		printf 's.csv,14,220102,1995,100,屋面防水、外墙保温、楼道粉刷、更换楼道窗、路灯,70,2020\n'
		# quoting the stream would not use, doubled quotes, text after a quote
		printf 's.csv,15,"220102",1995,"100","屋面""防水""、路灯",70,""\n'
		printf 's.csv,16,220102,1995,100,"屋面"x,70,2020\n'
		printf '"s.csv",17,220102,1995,100,"屋面,路灯",70,2020,\n'
	} > s.csv
	run xq-classify-scope -x fast.x -m fast.m -o fast.out s.csv
	assert_failure 1
	local fast_err=$output
	run xq-classify-scope --slow -x slow.x -m slow.m -o slow.out s.csv
	assert_failure 1
	assert_equal "$output" "$fast_err"
	assert_file_equal fast.out slow.out
	assert_file_equal fast.x slow.x
	assert_file_equal fast.m slow.m
	# and standard input is read the same
	xq-classify-scope -q < s.csv > stdin.out || true
	assert_file_equal stdin.out fast.out
}

@test "the fast reader gives the shared reader's output on the national bench rows" {
	# every line plain: the fast path throughout
	xq-validate -q -p "$SAMPLES/jilin-2020" "$SAMPLES"/jilin-2020/submissions/*.csv \
		> v.csv || true
	xq-classify-scope -q -o fast.out v.csv || [ $? -eq 1 ]
	xq-classify-scope -q --slow -o slow.out v.csv || [ $? -eq 1 ]
	assert_file_equal fast.out slow.out
}

@test "a line the reader cannot read, deep in the input, stops the run there with exit 3, in either pass" {
	{ printf '%s\n' "$HEAD"
	  awk 'BEGIN { for (i = 2; i <= 4001; i++)
		printf "s.csv,%d,220102,1990,10,屋面防水、外墙保温,80,2020\n", i }'
	} > s.csv
	awk 'NR == 3001 { a = "A"; while (length(a) < 1100000) a = a a; sub(/屋面防水/, a) } 1' \
		s.csv > big.csv && mv big.csv s.csv
	classify -x x.csv s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: s.csv:3001: a field longer than 1048576 bytes (is a closing quote missing?)'
	settings extended_cutoff,2005
	classify -p p -x x.csv s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: s.csv:3001: a field longer than 1048576 bytes (is a closing quote missing?)'
}

@test "a record with bytes that are not UTF-8 goes to the exceptions with the place" {
	stream 's.csv,2,220102,1990,10,绿化,80,2020'
	printf 's.csv,3,220102,1990,10,绿化\377,80,2020\n' >> s.csv
	classify -x x.csv s.csv
	assert_failure 1
	assert_stderr_line 'xq-classify-scope: s.csv:3: invalid UTF-8 byte sequence (byte 30 of line 3)'
	assert_equal "$(csv_column reasons x.csv)" 'input: invalid UTF-8 byte sequence at line 3, byte 30'
	assert_equal "$(csv_column items x.csv)" $'绿化\uFFFD'
}

@test "an empty input stops with exit 3" {
	: > s.csv
	classify s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: s.csv: empty input, a header line was expected'
}

@test "a stream without build_year or items stops with exit 3 naming the column" {
	printf '%s\n' 'source,line,items' 's.csv,2,屋面' > s.csv
	classify s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: s.csv: no column "build_year" (is this the stream of xq-validate?)'
	printf '%s\n' 'source,line,build_year' 's.csv,2,1990' > s.csv
	classify s.csv
	assert_failure 3
	assert_stderr --partial 'no column "items"'
}

@test "a stream classified before is refused rather than given the columns twice" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	xq-classify-scope -q s.csv > once.csv
	classify once.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: once.csv: the input has a column "scope" already (was it classified before?)'
}

@test "a missing input file stops with exit 3" {
	classify nosuch.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: nosuch.csv: No such file or directory'
}

# ---- scope -----------------------------------------------------------------

@test "a row built in the cutoff year is in scope, the year after is out with the reason" {
	stream 's.csv,2,220102,2000,10,屋面,80,2020' 's.csv,3,220102,2001,10,屋面,80,2020'
	classify -x x.csv --keep-all s.csv
	assert_failure 1
	assert_equal "$(column scope)" "$(printf 'in\nout')"
	assert_equal "$(column reasons)" "$(printf '\nscope: built 2001, after the cutoff 2000')"
	assert_equal "$(csv_column line x.csv)" 3
}

@test "a row without a four-digit build year is out" {
	stream 's.csv,2,220102,,10,屋面,80,2020' 's.csv,3,220102,95年,10,屋面,80,2020'
	classify --keep-all s.csv
	assert_failure 1
	assert_equal "$(column scope)" "$(printf 'out\nout')"
	assert_equal "$(column reasons)" "$(printf 'scope: no build year\nscope: build year "95年" is not a year')"
}

@test "build_year_cutoff in settings.csv moves the cutoff" {
	settings build_year_cutoff,1995
	stream 's.csv,2,220102,1995,10,屋面,80,2020' 's.csv,3,220102,1996,10,屋面,80,2020'
	classify -p p --keep-all s.csv
	assert_equal "$(column scope)" "$(printf 'in\nout')"
	assert_equal "$(column reasons | tail -1)" 'scope: built 1996, after the cutoff 1995'
}

@test "with extended_cutoff, rows after the cutoff up to it are extended, later ones out" {
	settings extended_cutoff,2005
	stream 's.csv,2,220102,1990,1000,屋面,80,2020' 's.csv,3,220102,2005,10,屋面,80,2020' \
		's.csv,4,220102,2006,10,屋面,80,2020'
	classify -p p --keep-all s.csv
	assert_failure 1
	assert_equal "$(column scope)" "$(printf 'in\nextended\nout')"
	assert_equal "$(column reasons | tail -1)" 'scope: built 2006, after the extended cutoff 2005'
}

@test "extended rows are admitted in input order while the county stays within 15% (first fit)" {
	# 850 in scope: up to 150 extended households (15% of 1000)
	settings extended_cutoff,2005
	stream 's.csv,2,220102,1990,850,屋面,80,2020' 's.csv,3,220102,2003,100,屋面,80,2020' \
		's.csv,4,220102,2004,60,屋面,80,2020' 's.csv,5,220102,2002,50,屋面,80,2020'
	classify -p p --keep-all s.csv
	assert_failure 1
	assert_equal "$(column scope)" "$(printf 'in\nextended\nout\nextended')"
	assert_equal "$(column reasons | sed -n 3p)" \
		'extended_cap: built 2004, its 60 households would take the extended scope of 220102 in 2020 past 15% of the households'
	assert_stderr 'xq-classify-scope: 4 records: 1 in scope, 2 extended, 1 out; 0 failed a gate; 4 to the stream, 1 to exceptions (kept in the stream too); 4 items, 0 matched no rule'
}

@test "the extended share is counted per county and plan year" {
	settings extended_cutoff,2005
	stream 's.csv,2,220102,1990,85,屋面,80,2020' 's.csv,3,220102,2003,15,屋面,80,2020' \
		's.csv,4,220203,2003,15,屋面,80,2020' 's.csv,5,220102,2003,15,屋面,80,2021'
	classify -p p --keep-all s.csv
	assert_equal "$(column scope)" "$(printf 'in\nextended\nout\nout')"
	assert_equal "$(column reasons | sed -n 3p)" \
		'extended_cap: built 2003, its 15 households would take the extended scope of 220203 in 2020 past 15% of the households'
}

@test "rows failing a gate count neither in scope nor against the share" {
	settings extended_cutoff,2005
	stream 's.csv,2,220102,1990,85,屋面,80,2020' 's.csv,3,220102,1990,1000,屋面,10,2020' \
		's.csv,4,220102,2003,16,屋面,10,2020' 's.csv,5,220102,2003,15,屋面,80,2020'
	classify -p p --keep-all s.csv
	assert_equal "$(column scope)" "$(printf 'in\nin\nextended\nextended')"
	assert_equal "$(column gate)" "$(printf 'pass\nfail\nfail\npass')"
}

@test "extended_household_share takes a fraction or a percentage" {
	for share in 0.1 10%; do
		settings extended_cutoff,2005 "extended_household_share,$share"
		stream 's.csv,2,220102,1990,90,屋面,80,2020' 's.csv,3,220102,2003,10,屋面,80,2020' \
			's.csv,4,220102,2003,1,屋面,80,2020'
		classify -p p --keep-all s.csv
		assert_equal "$(column scope)" "$(printf 'in\nextended\nout')"
		assert_equal "$(column reasons | tail -1)" \
			'extended_cap: built 2003, its 1 households would take the extended scope of 220102 in 2020 past 10% of the households'
	done
}

@test "an extended row without households is out: the share cannot be checked" {
	settings extended_cutoff,2005
	stream 's.csv,2,220102,1990,90,屋面,80,2020' 's.csv,3,220102,2003,,屋面,80,2020'
	classify -p p --keep-all s.csv
	assert_equal "$(column reasons | tail -1)" \
		'extended_cap: built 2003, and without a number of households the share cannot be checked'
}

@test "the extended share works on standard input, read twice through a copy" {
	settings extended_cutoff,2005
	stream 's.csv,2,220102,2003,100,屋面,80,2020' 's.csv,3,220102,1990,850,屋面,80,2020' \
		's.csv,4,220102,2004,60,屋面,80,2020'
	xq-classify-scope -q -p p -x file.x s.csv > file.out || true
	run --separate-stderr bash -c 'cat s.csv | TMPDIR=$PWD xq-classify-scope -q -p p -x pipe.x'
	assert_failure 1
	assert_equal "$output" "$(cat file.out)"
	assert_file_equal pipe.x file.x
	# an in-scope row after the extended one still counts: 100 of 1000 fits
	assert_equal "$(column scope)" "$(printf 'extended\nin')"
	# the copy is gone
	assert_equal "$(ls | grep -c xq-classify-scope)" 0
}

@test "the extended share needs households and county_code" {
	settings extended_cutoff,2005
	printf '%s\n' 'source,line,build_year,items' 's.csv,2,1990,屋面' > s.csv
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: s.csv: no column "households", needed for the extended share (is this the stream of xq-validate?)'
}

@test "bad scope settings stop with exit 3 naming the file and key" {
	settings extended_cutoff,2000
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/settings.csv: extended_cutoff 2000 is not after build_year_cutoff 2000'
	settings build_year_cutoff,二〇〇〇
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/settings.csv: build_year_cutoff: "二〇〇〇" is not a year from 1949 to 2100'
	settings extended_cutoff,2005 extended_household_share,1.5
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/settings.csv: extended_household_share: "1.5" is not a share from 0 to 1 (0.15) or a percentage (15%)'
	settings consent_min,2/0
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/settings.csv: consent_min: "2/0" is not a fraction (2/3), a percentage (66.67) or none'
}

# ---- gates -------------------------------------------------------------------

@test "consent below 2/3 fails the gate: 66.67 passes, 66.66 fails, empty is not checked" {
	stream 's.csv,2,220102,1990,10,屋面,66.67,2020' 's.csv,3,220102,1990,10,屋面,66.66,2020' \
		's.csv,4,220102,1990,10,屋面,,2020' 's.csv,5,220102,1990,10,屋面,很多,2020'
	classify --keep-all s.csv
	assert_failure 1
	assert_equal "$(column gate)" "$(printf 'pass\nfail\npass\nfail')"
	assert_equal "$(column reasons)" "$(printf '\nconsent: 66.66%% of residents agree, below 2/3\n\nconsent: consent_pct "很多" is not a percentage')"
}

@test "consent_min can be a fraction, a percentage or none" {
	stream 's.csv,2,220102,1990,10,屋面,75,2020' 's.csv,3,220102,1990,10,屋面,79.99,2020'
	settings consent_min,4/5
	classify -p p --keep-all s.csv
	assert_equal "$(column gate)" "$(printf 'fail\nfail')"
	assert_equal "$(column reasons | head -1)" 'consent: 75% of residents agree, below 4/5'
	settings consent_min,75%
	classify -p p --keep-all s.csv
	assert_equal "$(column gate)" "$(printf 'pass\npass')"
	settings consent_min,76
	classify -p p --keep-all s.csv
	assert_equal "$(column reasons | head -1)" 'consent: 75% of residents agree, below 76%'
	settings consent_min,none
	stream 's.csv,2,220102,1990,10,屋面,1,2020'
	classify -p p s.csv
	assert_success
}

@test "a gates.csv precondition not met, or not given, fails with its message" {
	gates 'demolish,pre_demolish,yes,不拆违不改造：未拆除违法建设'
	HEAD='source,line,build_year,items,pre_demolish'
	stream 's.csv,2,1990,屋面,1' 's.csv,3,1990,屋面,0' 's.csv,4,1990,屋面,' 's.csv,5,1990,屋面,是'
	classify -p p --keep-all s.csv
	assert_failure 1
	assert_equal "$(column gate)" "$(printf 'pass\nfail\nfail\nfail')"
	assert_equal "$(column reasons)" "$(printf '%s\n' '' \
		'demolish: 不拆违不改造：未拆除违法建设 (pre_demolish is 0)' \
		'demolish: 不拆违不改造：未拆除违法建设 (pre_demolish not given)' \
		'demolish: 不拆违不改造：未拆除违法建设 (pre_demolish is 是)')"
}

@test "gates.csv tests: given, >=N and <=N" {
	gates 'consent_given,consent_pct,given,未提供居民同意率' 'size,households,>=20,户数太少' \
		'big,households,<= 500,户数太多'
	stream 's.csv,2,220102,1990,20,屋面,80,2020' 's.csv,3,220102,1990,19,屋面,,2020' \
		's.csv,4,220102,1990,501,屋面,80,2020'
	classify -p p --keep-all s.csv
	assert_equal "$(column gate)" "$(printf 'pass\nfail\nfail')"
	assert_equal "$(column reasons | sed -n 2p)" \
		'consent_given: 未提供居民同意率 (consent_pct not given);size: 户数太少 (households is 19, below 20)'
	assert_equal "$(column reasons | sed -n 3p)" 'big: 户数太多 (households is 501, above 500)'
}

@test "a gate whose column the stream lacks fails every row, with one warning" {
	gates 'party,pre_party,yes,未成立小区党组织'
	stream 's.csv,2,220102,1990,10,屋面,80,2020' 's.csv,3,220102,1990,10,屋面,80,2020'
	classify -p p s.csv
	assert_failure 1
	assert_stderr_line --index 0 'xq-classify-scope: s.csv: no column "pre_party": every record fails gate party'
	assert_equal "${#stderr_lines[@]}" 2
}

@test "a row out of scope and failing gates lists every reason, in order" {
	gates 'party,pre_party,yes,未成立小区党组织' 'demolish,pre_demolish,yes,不拆违不改造'
	HEAD='source,line,build_year,items,consent_pct,pre_party,pre_demolish'
	stream 's.csv,2,2008,屋面,50,0,0'
	classify -p p -x x.csv s.csv
	assert_failure 1
	assert_equal "$(csv_column reasons x.csv)" 'scope: built 2008, after the cutoff 2000;consent: 50% of residents agree, below 2/3;party: 未成立小区党组织 (pre_party is 0);demolish: 不拆违不改造 (pre_demolish is 0)'
	assert_equal "$(csv_column scope x.csv)" out
	assert_equal "$(csv_column gate x.csv)" fail
}

@test "a broken gates.csv stops with exit 3 naming the file and line" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	gates 'party,pre_party,true,未成立小区党组织'
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/gates.csv:2: test "true" is not yes, given, >=NUMBER or <=NUMBER'
	gates 'party,pre_party,yes,未成立;党组织'
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/gates.csv:2: a gate message may not hold a semicolon or a line break'
	gates 'party,pre_party,yes,a' 'party,pre_consult,yes,b'
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/gates.csv:3: gate party is listed twice'
	profile
	printf '%s\n' gate,column,message 'party,pre_party,a' > p/gates.csv
	classify -p p s.csv
	assert_failure 3
	assert_stderr --partial 'no column "test"'
}

# ---- items -----------------------------------------------------------------

@test "items are split at every separator, but not inside round brackets" {
	run items '屋面、外墙，楼道,路灯；绿化;停车位/充电桩／快递柜。燃气\n供热'
	assert_output "$(printf '%s\n' 屋面 外墙 楼道 路灯 绿化 停车位 充电桩 快递柜 燃气 供热)"
	run items '加装电梯2部（居民出资为主，财政奖补）、户表(居民承担,一户一表)'
	assert_output "$(printf '%s\n' '加装电梯2部（居民出资为主，财政奖补）' '户表(居民承担,一户一表)')"
	# a bracket never closed protects nothing
	run items '加装电梯（居民出资、楼道粉刷'
	assert_output "$(printf '%s\n' '加装电梯（居民出资' 楼道粉刷)"
}

@test "numbering is removed, and splits items it stands between" {
	run items '1.屋面；2.外墙；3、楼道；4)路灯；5）绿化；6．燃气'
	assert_output "$(printf '%s\n' 屋面 外墙 楼道 路灯 绿化 燃气)"
	run items '(1)屋面(2)外墙（3）楼道（四）路灯'
	assert_output "$(printf '%s\n' 屋面 外墙 楼道 路灯)"
	run items '①屋面②外墙⑪楼道'
	assert_output "$(printf '%s\n' 屋面 外墙 楼道)"
	run items '1.屋面 2.外墙　3、楼道'
	assert_output "$(printf '%s\n' 屋面 外墙 楼道)"
	# a decimal point is not numbering
	run items '道路硬化1.5万㎡、2.5米围墙'
	assert_output "$(printf '%s\n' 道路硬化1.5万㎡ 2.5米围墙)"
}

@test "group headings and Chinese list numbers are removed" {
	run items '一、改善房屋功能：外墙保温、屋面防水\n二、改造基础设施：供电线路改造'
	assert_output "$(printf '%s\n' 外墙保温 屋面防水 供电线路改造)"
	run items '楼道革命：楼道粉刷；共同出资:加装电梯；其中：'
	assert_output "$(printf '%s\n' 楼道粉刷 加装电梯)"
	run items '改善房屋功能：1.屋面'
	assert_output 屋面
	# a quantity after a colon is part of the item
	run items '道路硬化：1200㎡'
	assert_output '道路硬化：1200㎡'
}

@test "items are trimmed of spaces and U+3000, and empty ones dropped" {
	run items ' 屋面 、　外墙　,,、 ，一户一表改造'
	assert_output "$(printf '%s\n' 屋面 外墙 一户一表改造)"
}

@test "an item matching several rules gets all their categories and tags, in rule order" {
	stream 's.csv,2,220102,1990,10,外墙保温,80,2020' 's.csv,3,220102,1990,10,楼道照明,80,2020'
	classify s.csv
	assert_success
	assert_equal "$(column categories)" "$(printf 'basic;improve\nbasic;improve')"
	assert_equal "$(column tags)" "$(printf 'facade;energy\nstairway;lighting')"
}

@test "items no rule matches are listed in unmatched, and the most frequent on stderr" {
	stream 's.csv,2,220102,1990,10,屋面、其他、待定,80,2020' 's.csv,3,220102,1990,10,"待定,其他",80,2020' \
		's.csv,4,220102,1990,10,待定,80,2020'
	classify s.csv
	assert_success
	assert_equal "$(column unmatched)" "$(printf '其他;待定\n待定;其他\n待定')"
	assert_stderr "$(printf '%s\n' \
		'xq-classify-scope: 3 records: 3 in scope, 0 extended, 0 out; 0 failed a gate; 3 to the stream, 0 to exceptions; 6 items, 5 matched no rule' \
		'xq-classify-scope: unmatched items, most frequent first: 待定 (3), 其他 (2)')"
}

# ---- rules -------------------------------------------------------------------

@test "every national rule classifies its example item" {
	examples "$C/national-items.csv"
	# and every rule has an example
	assert_equal "$(comm -13 <(echo "$rules_used") <(rule_lines))" ""
}

@test "the national rules keep near misses apart (单元门禁, 楼梯扶手, 智能快递柜 ...)" {
	not_examples "$C/national-not.csv"
}

@test "every rule of the jilin-2020 profile (四改) classifies its example item" {
	[[ -f $SAMPLES/jilin-2020/rules.csv ]] || skip "samples/jilin-2020/rules.csv is not there yet"
	examples "$C/jilin-items.csv" -p "$SAMPLES/jilin-2020"
	assert_equal "$(comm -13 <(echo "$rules_used") <(rule_lines -p "$SAMPLES/jilin-2020"))" ""
	not_examples "$C/jilin-not.csv" -p "$SAMPLES/jilin-2020"
}

@test "every rule of the xianning-2024 profile (三个革命) classifies its example item" {
	[[ -f $SAMPLES/xianning-2024/rules.csv ]] || skip "samples/xianning-2024/rules.csv is not there yet"
	examples "$C/xianning-items.csv" -p "$SAMPLES/xianning-2024"
	assert_equal "$(comm -13 <(echo "$rules_used") <(rule_lines -p "$SAMPLES/xianning-2024"))" ""
	not_examples "$C/xianning-not.csv" -p "$SAMPLES/xianning-2024"
}

@test "the xianning-2024 gates are the six preconditions, and all must be met" {
	[[ -f $SAMPLES/xianning-2024/gates.csv ]] || skip "samples/xianning-2024/gates.csv is not there yet"
	HEAD='source,line,build_year,items,pre_party,pre_consult,pre_convention,pre_demolish,pre_contribute,pre_property'
	stream 's.csv,2,1990,屋面,1,1,1,1,1,1' 's.csv,3,1990,屋面,1,1,1,0,0,1' 's.csv,4,1990,屋面,,1,1,1,1,1'
	classify -p "$SAMPLES/xianning-2024" --keep-all s.csv
	assert_failure 1
	assert_equal "$(column gate)" "$(printf 'pass\nfail\nfail')"
	assert_equal "$(column reasons | sed -n 2p)" \
		'demolish: 不拆违不改造：未拆除违法建设 (pre_demolish is 0);contribute: 不众筹不改造：居民未出资参与改造 (pre_contribute is 0)'
	assert_equal "$(column reasons | sed -n 3p)" 'party: 未成立小区党组织 (pre_party not given)'
}

@test "a profile's rules.csv replaces the national rules, other columns ignored" {
	rules 'corridor,stairway,楼道,楼道革命'
	sed -i '1s/$/,note/' p/rules.csv
	stream 's.csv,2,220102,1990,10,楼道粉刷、屋面防水,80,2020'
	classify -p p s.csv
	assert_success
	assert_equal "$(column categories)" corridor
	assert_equal "$(column unmatched)" 屋面防水
}

@test "a pattern that does not compile stops with exit 3 naming the file and line" {
	rules 'basic,water,供水' 'basic,roof,屋面(防水'
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/rules.csv:3: pattern "屋面(防水" at offset 13: missing closing parenthesis'
	assert_output ''
}

@test "bad rules files stop with exit 3: no pattern column, empty pattern, ids with ; or ," {
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	profile
	printf '%s\n' category,tag 'basic,roof' > p/rules.csv
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/rules.csv: no column "pattern"'
	rules 'basic,roof,'
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/rules.csv:2: empty pattern'
	rules 'basic;x,roof,屋面'
	classify -p p s.csv
	assert_failure 3
	assert_stderr --partial 'p/rules.csv:2: category "basic;x" must be non-empty'
	rules 'basic,"roof,wall",屋面'
	classify -p p s.csv
	assert_failure 3
	assert_stderr --partial 'p/rules.csv:2: tag "roof,wall" must be non-empty'
	rules
	classify -p p s.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: p/rules.csv: no rules'
}

@test "items that differ only in digits are matched alike only when no pattern can see digits" {
	# the cache folds digit runs when no pattern can match a digit; a
	# pattern with a digit (or a class, a dot, an escape) turns that off
	rules 'lift,one,电梯1部' 'lift,some,电梯[2-9]部' 'park,many,停车位.*个'
	stream 's.csv,2,220102,1990,10,电梯1部、电梯2部、电梯0部、停车位42个,80,2020' \
		's.csv,3,220102,1990,10,电梯3部、电梯1部,80,2020'
	classify -p p s.csv
	assert_success
	assert_equal "$(column tags)" "$(printf 'one;some;many\none;some')"
	assert_equal "$(column unmatched)" "$(printf '电梯0部\n')"
	rules 'lift,lift,电梯' 'park,park,停车(?!场)'
	stream 's.csv,2,220102,1990,10,停车场1个、停车位2个、电梯3部、停车99场,80,2020'
	classify -p p s.csv
	assert_success
	assert_equal "$(column tags)" 'lift;park'
	assert_equal "$(column unmatched)" '停车场1个'
}

@test "a rule may have no tag" {
	rules 'other,,其他'
	stream 's.csv,2,220102,1990,10,其他,80,2020'
	classify -p p s.csv
	assert_success
	assert_equal "$(column categories)" other
	assert_equal "$(column tags)" ''
}

@test "--print-rules prints the rules in effect as a rules file" {
	classify --print-rules
	assert_success
	assert_line --index 0 category,tag,pattern
	assert_line --index 1 'basic,water,供水|给水|自来水|水箱|水泵房|加压泵'
	printf '%s\n' "$output" > national.csv
	# it reads back as the same rules
	profile
	cp national.csv p/rules.csv
	classify -p p --print-rules
	assert_equal "$output" "$(cat national.csv)"
	rules 'x,y,"a,b"'
	classify -p p --print-rules
	assert_output "$(printf '%s\n' category,tag,pattern 'x,y,"a,b"')"
}

# ---- side files and the summary ---------------------------------------------

@test "-m lists every item with each rule it matched, and unmatched items with none" {
	stream 's.csv,7,220102,1990,10,外墙保温、其他,80,2020'
	classify -m m.csv s.csv
	assert_success
	assert_equal "$(cat m.csv)" "$(printf '%s\n' source,line,item,category,tag,rule \
		's.csv,7,外墙保温,basic,facade,national rules:16' \
		's.csv,7,外墙保温,improve,energy,national rules:30' \
		's.csv,7,其他,,,')"
}

@test "-m names the input and its line when the stream has no provenance columns" {
	printf '%s\n' 'build_year,items' '1990,屋面' > s.csv
	classify -m m.csv s.csv
	assert_success
	assert_equal "$(sed -n 2p m.csv)" 's.csv,2,屋面,basic,roof,national rules:15'
}

@test "-x gets the rows out of scope or failing, with the stream's columns, and they leave the stream" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020' 's.csv,3,220102,2010,10,屋面,80,2020' \
		's.csv,4,220102,1990,10,屋面,50,2020'
	classify -x x.csv s.csv
	assert_failure 1
	assert_equal "$(column line)" 2
	assert_equal "$(head -1 x.csv)" "$(printf '%s\n' "$output" | head -1)"
	assert_equal "$(csv_column line x.csv)" "$(printf '3\n4')"
	assert_stderr 'xq-classify-scope: 3 records: 2 in scope, 0 extended, 1 out; 1 failed a gate; 1 to the stream, 2 to exceptions; 3 items, 0 matched no rule'
}

@test "--keep-all keeps the exceptions in the stream, marked, and still writes them to -x" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020' 's.csv,3,220102,2010,10,屋面,80,2020'
	classify --keep-all -x x.csv s.csv
	assert_failure 1
	assert_equal "$(column scope)" "$(printf 'in\nout')"
	assert_equal "$(csv_column line x.csv)" 3
}

@test "exit 0 when every row passes, even with unmatched items" {
	stream 's.csv,2,220102,1990,10,其他,80,2020'
	classify -x x.csv s.csv
	assert_success
	assert_equal "$(cat x.csv)" "$HEAD,scope,gate,reasons,categories,tags,unmatched"
}

@test "the summary balances: records = to the stream + to exceptions" {
	xq-validate -q -p "$SAMPLES/jilin-2020" "$SAMPLES"/jilin-2020/submissions/*.csv > v.csv || true
	{ head -1 v.csv; sed 1d v.csv | awk -F, 'NR % 7 == 0 && !/"/ { $9 = 2005 } 1' OFS=,; } > s.csv
	classify -x x.csv -o out.csv s.csv
	assert_failure 1
	read -r records stream exc < <(sed -E 's/.* ([0-9]+) records: .* ([0-9]+) to the stream, ([0-9]+) to exceptions.*/\1 \2 \3/' <<<"${stderr_lines[0]}")
	assert_equal "$records" "$(($(wc -l < s.csv) - 1))"
	assert_equal "$((stream + exc))" "$records"
	assert_equal "$stream" "$(($(wc -l < out.csv) - 1))"
	assert_equal "$exc" "$(($(wc -l < x.csv) - 1))"
}

@test "-q says nothing on stderr" {
	stream 's.csv,2,220102,2010,10,其他,80,2020'
	classify -q s.csv
	assert_failure 1
	assert_stderr ''
}

@test "-o writes the stream to a file, and a failed run leaves none" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	classify -o out.csv -x x.csv s.csv
	assert_success
	assert_output ''
	assert [ -f out.csv ]
	rules 'basic,roof,屋面('
	rm out.csv x.csv
	classify -p p -o out.csv -x x.csv s.csv
	assert_failure 3
	assert_equal "$(ls | grep -v '^separate-stderr')" "$(printf 'p\ns.csv')"
}

@test "exit 4 with a message when stdout cannot be written (> /dev/full)" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	run --separate-stderr bash -c 'xq-classify-scope s.csv > /dev/full'
	assert_failure 4
	assert_stderr_line 'xq-classify-scope: standard output: write error: No space left on device'
}

@test "exit 4 when -o, -x or -m names a full device, which is written to, not replaced" {
	local dev=/dev/full opt
	if [[ -w /dev ]]; then
		mknod full c 1 7 2>/dev/null || skip "/dev is writable and mknod is not allowed"
		dev=$PWD/full
	fi
	stream 's.csv,2,220102,1990,10,屋面,80,2020' 's.csv,3,220102,2010,10,屋面,80,2020'
	for opt in -o -x -m; do
		classify "$opt" "$dev" s.csv
		assert_failure 4
		assert_stderr --partial 'No space left on device'
		assert [ -c "$dev" ]
	done
}

# ---- --log and --exit-zero (how the pipelines run it) ------------------------

@test "--log FILE holds byte for byte what stderr gets without it; stderr gets nothing, the status and outputs are the same, no temporary file is left" {
	local s=0
	gates 'party,pre_party,yes,未成立小区党组织'
	HEAD='source,line,county_code,build_year,households,items,consent_pct,pre_party'
	stream 's.csv,2,220102,1990,10,屋面、外墙保温,80,1' 's.csv,3,220102,2010,10,屋面,80,1' \
		's.csv,4,220102,1990,10,屋面,50,0' 's.csv,5,220102,1990,10,待定,80,1'
	xq-classify-scope -p p -x plain.x -o plain.out s.csv 2> plain.err || s=$?
	assert_equal "$s" 1
	[[ $(wc -l < plain.err) -ge 2 ]]   # the unmatched items and the summary
	classify -p p --log c.log -x x.csv -o out.csv s.csv
	assert_failure 1
	assert_stderr ''
	assert_file_equal c.log plain.err
	assert_file_equal out.csv plain.out
	assert_file_equal x.csv plain.x
	run compgen -G '*.tmp*'
	assert_failure
}

@test "--exit-zero: rows to the exceptions exit 0; a missing column still exits 3, on stderr even with --log" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020' 's.csv,3,220102,2010,10,屋面,80,2020'
	classify --exit-zero --log c.log -x x.csv s.csv
	assert_success
	assert_stderr ''
	assert_equal "$(csv_column line x.csv)" 3
	grep -q '1 to the stream, 1 to exceptions' c.log
	printf '%s\n' 'source,line,items' 's.csv,2,屋面' > bad.csv
	classify --exit-zero --log bad.log -o out.csv bad.csv
	assert_failure 3
	assert_stderr 'xq-classify-scope: bad.csv: no column "build_year" (is this the stream of xq-validate?)'
	assert_equal "$(cat bad.log)" "$stderr"
	[[ ! -e out.csv ]]
	run compgen -G '*.tmp*'
	assert_failure
}

@test "--log into a folder that is not there is exit 4 with the message on stderr, and no output is written" {
	stream 's.csv,2,220102,1990,10,屋面,80,2020'
	classify --log nothere/c.log -o out.csv -x x.csv s.csv
	assert_failure 4
	assert_stderr 'xq-classify-scope: nothere/c.log: No such file or directory'
	[[ ! -e out.csv && ! -e x.csv && ! -e nothere ]]
}

# ---- the command line --------------------------------------------------------

@test "--help prints the usage on stdout and exits 0; --version names the tool" {
	classify --help
	assert_success
	assert_output "$(printf '%s\n' \
		'usage: xq-classify-scope [-q] [-p PROFILE] [-x EXCEPTIONS] [-m MATCHES]' \
		'                         [-o OUT] [--keep-all] [--print-rules] [--slow]' \
		'                         [--log FILE] [--exit-zero] [FILE]')"
	assert_stderr ''
	classify -h
	assert_success
	classify --version
	assert_success
	assert_output --regexp '^xq-classify-scope \(xiaoqu\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "a usage error exits 2 with the usage on stderr" {
	classify --no-such-option
	assert_failure 2
	assert_stderr --partial 'usage: xq-classify-scope'
	classify a.csv b.csv
	assert_failure 2
	assert_stderr --partial 'usage: xq-classify-scope'
}

@test "the usage is the SYNOPSIS of the manual" {
	assert_usage_is_synopsis xq-classify-scope
}

# ---- the manual's example and the samples ------------------------------------

@test "the worked example of the manual" {
	cp -r "$C/dayao" "$C/plan.csv" .
	classify -p dayao -x exceptions.csv plan.csv
	assert_failure 1
	assert_equal "$output" "$(cat "$C/plan.out")"
	assert_file_equal exceptions.csv "$C/plan.exceptions"
	assert_stderr "$(printf '%s\n' \
		'xq-classify-scope: 4 records: 2 in scope, 1 extended, 1 out; 1 failed a gate; 2 to the stream, 2 to exceptions; 7 items, 1 matched no rule' \
		'xq-classify-scope: unmatched items, most frequent first: 其他 (1)')"
}

# classify_sample NAME: the sample's submissions, validated and classified
# with its own profile (-m m.csv, -x x.csv, the stream in out.csv); the
# summary line in $summary, and shown in the TAP output. The samples are
# made by samples/generate.py and may change: the tests check what must
# hold of any sample, not its counts.
classify_sample() {
	xq-validate -q -p "$SAMPLES/$1" "$SAMPLES/$1"/submissions/*.csv > v.csv || true
	run --separate-stderr xq-classify-scope -p "$SAMPLES/$1" -m m.csv -x x.csv \
		-o out.csv v.csv
	summary=${stderr_lines[0]}
	echo "# $1: $summary" >&3
	assert [ "$status" -le 1 ]
	# no item is left unmatched, and the records add up
	assert_regex "$summary" ' items, 0 matched no rule$'
	assert_equal "$(($(wc -l < out.csv) + $(wc -l < x.csv) - 2))" "$(($(wc -l < v.csv) - 1))"
	assert_equal "$(csv_column unmatched out.csv | sort -u)" ''
}

@test "the sample provinces: every item is classified (jilin-2019, national rules)" {
	classify_sample jilin-2019
}

@test "the sample provinces: every item is classified (jilin-2020, 四改)" {
	[[ -f $SAMPLES/jilin-2020/rules.csv ]] || skip "samples/jilin-2020/rules.csv is not there yet"
	classify_sample jilin-2020
	# every item has exactly one of the four categories
	assert_equal "$(cut -d, -f1-4 m.csv | sort -u | cut -d, -f1-3 | uniq -d | wc -l)" 0
	# and the rows out of scope are those built after 2000
	assert_equal "$(csv_column build_year x.csv | awk '$1 <= 2000' | wc -l)" 0
	assert_equal "$(csv_column build_year out.csv | awk '$1 > 2000' | wc -l)" 0
}

@test "the sample provinces: every item is classified, and a row fails exactly when a precondition is not met (xianning-2024)" {
	[[ -f $SAMPLES/xianning-2024/rules.csv ]] || skip "samples/xianning-2024/rules.csv is not there yet"
	classify_sample xianning-2024
	local c want got cols=()
	# a row should fail when consent is below 2/3 or a precondition is not 1
	for c in source line consent_pct pre_party pre_consult pre_convention \
	    pre_demolish pre_contribute pre_property; do
		csv_column "$c" v.csv > "col.$c"
		cols+=("col.$c")
	done
	want=$(paste -d, "${cols[@]}" | awk -F, '
		$3 != "" && $3 * 3 < 200 { print $1 "," $2; next }
		{ for (i = 4; i <= 9; i++) if ($i != "1") { print $1 "," $2; next } }' | sort)
	assert [ "$(wc -l <<<"$want")" -ge 1 ]
	got=$(paste -d, <(csv_column source x.csv) <(csv_column line x.csv) \
		<(csv_column gate x.csv) | awk -F, '$3 == "fail" { print $1 "," $2 }' | sort)
	assert_equal "$got" "$want"
}

@test "where a county grouped its items under headings, the profile's categories agree" {
	local p headings
	for p in jilin-2020 xianning-2024; do
		[[ -f $SAMPLES/$p/rules.csv ]] || skip "samples/$p/rules.csv is not there yet"
		xq-validate -q -p "$SAMPLES/$p" "$SAMPLES/$p"/submissions/*.csv > v.csv || true
		xq-classify-scope -q -p "$SAMPLES/$p" -m m.csv v.csv > /dev/null || [ $? -eq 1 ]
		# source,line,item,heading for every item written under a heading
		headings=$(paste -d'\t' <(csv_column source v.csv) <(csv_column line v.csv) \
			<(csv_column items v.csv) | awk -F'\t' '
			BEGIN {
				id["改善房屋功能"] = "house"; id["改造基础设施"] = "infra"
				id["改进公共服务"] = "service"; id["改观居住环境"] = "environment"
				id["楼道革命"] = "corridor"; id["环境革命"] = "environment"
				id["管理革命"] = "management"; id["共同出资"] = "cofunded"
			}
			{
				gsub(/\\n/, "；", $3)
				n = split($3, group, "；")
				for (g = 1; g <= n; g++) {
					if (!match(group[g], /[^、：]+：/))
						continue
					h = substr(group[g], RSTART, RLENGTH - length("："))
					sub(/^[一二三四五六]、/, "", h)
					if (!(h in id))
						continue
					k = split(substr(group[g], RSTART + RLENGTH), it, "、")
					for (i = 1; i <= k; i++)
						print $1 "," $2 "," it[i] "," id[h]
				}
			}' | sort -u)
		assert [ "$(wc -l <<<"$headings")" -gt 500 ]
		assert_equal "$(comm -23 <(echo "$headings") \
			<(paste -d, <(csv_column source m.csv) <(csv_column line m.csv) \
			<(csv_column item m.csv) <(csv_column category m.csv) | sort -u))" ""
	done
}
