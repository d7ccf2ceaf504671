#!/usr/bin/env bats
# score-performance.bats - xq-score-performance: each indicator's arithmetic
# (worked by hand in the comments), the joins, dates and the deadline,
# excluded and flagged rows, the profile's tables, grades and ranks, the
# province row, the jilin-2019 sample, the loop into xq-allocate-funds, and
# the manual.
#
# tests/fixtures/score-performance/: a profile of four counties (船营区 has
# no plan rows), a plan stream of nine rows, their progress stream (one plan
# row has no progress row), and the county table and province row worked
# out by hand (expected.csv, expected-total.csv). Smaller cases are written
# in the test, from the rows the test is about.

load helpers

S=$FIX/score-performance
ROOT=$BATS_TEST_DIRNAME/..

PLAN_HEAD='county_code,community,households,plan_year'
PROG_HEAD='county_code,community,status,prelim_done,start_date,completion_date,fund_allocated,fund_spent,satisfaction_pct,long_term_mgmt'

# fixture [ARGS...]: the fixture through xq-score-performance.
fixture() {
	run --separate-stderr xq-score-performance -p "$S/profile" -P "$S/plan.csv" \
		"$@" "$S/progress.csv"
}

# value COLUMN CODE: COLUMN of county CODE in $output.
value() {
	printf '%s\n' "$output" | awk -F, -v code="$2" 'NR == 1 || $1 == code' |
		csv_column "$1"
}

# plan ROW... / prog ROW...: plan.csv / prog.csv with these rows; the
# profile p/ is the fixture's.
plan() {
	[[ -d p ]] || cp -r "$S/profile" p
	printf '%s\n' "$PLAN_HEAD" "$@" > plan.csv
}
prog() {
	printf '%s\n' "$PROG_HEAD" "$@" > prog.csv
}

# score [ARGS...]: xq-score-performance on p/, plan.csv and prog.csv.
score() {
	run --separate-stderr xq-score-performance -p p -P plan.csv "$@" prog.csv
}

# rows CODE N DONE: N plan rows of county CODE (100 households each) and
# their progress rows, the first DONE completed, the others preliminary;
# appended to plan.csv and prog.csv.
rows() {
	local i
	[[ -d p ]] || cp -r "$S/profile" p
	[[ -f plan.csv ]] || echo "$PLAN_HEAD" > plan.csv
	[[ -f prog.csv ]] || echo "$PROG_HEAD" > prog.csv
	for ((i = 1; i <= $2; i++)); do
		echo "$1,小区$i,100,2019" >> plan.csv
		if ((i <= $3)); then
			echo "$1,小区$i,completed,2019-03-01,2019-04-01,2019-09-01,10.00,10.00,90,1"
		else
			echo "$1,小区$i,preliminary,2019-03-01,,,10.00,0.00,,0"
		fi >> prog.csv
	done
}

# only INDICATOR: an indicators.csv giving INDICATOR all 100 points.
only() {
	printf '%s\n' indicator,weight "$1,100" > p/indicators.csv
}

# ---- the fixture, by hand -----------------------------------------------------

@test "the fixture's county table is the one worked out by hand, exit 0" {
	fixture
	assert_success
	assert_equal "$output" "$(cat "$S/expected.csv")"
	assert_stderr_line 'xq-score-performance: 9 plan rows of 3 counties (0 not scored), 8 progress rows: 8 joined, 0 excluded, 0 flagged; 1 plan row without a progress row counted as not started'
	assert_stderr_line 'xq-score-performance: province: start rate 55.56% (5 of 9), completion rate 44.44% (4 of 9), score 54.11, grade 差'
}

@test "a county of the registry without plan rows is not in the table" {
	fixture
	refute_output --partial 220204
	assert_equal "${#lines[@]}" 4
}

@test "start rate: under construction or completed over planned; by households too, weight 0" {
	fixture
	# 南关区: 2 completed + 1 under construction of 4 = 75.00%, 20 x 0.75 = 15.00
	assert_equal "$(value start_rate 220102) $(value start_points 220102)" '75.00 15.00'
	# by households: (100 + 200 + 300) / 1000 = 60.00%, weight 0
	assert_equal "$(value start_hh_rate 220102) $(value start_hh_points 220102)" '60.00 0.00'
	# 东丰县: 2 of 3 (水泥厂住宅楼 has no progress row) = 66.666..% -> 66.67,
	# 20 x 2/3 = 13.333.. -> 13.33; households 288 / 789 = 36.501..% -> 36.50
	assert_equal "$(value start_rate 220421) $(value start_points 220421)" '66.67 13.33'
	assert_equal "$(value start_hh_rate 220421)" '36.50'
	# 靖宇县: preliminary and not_started: 0 of 2
	assert_equal "$(value start_rate 220622) $(value start_points 220622)" '0.00 0.00'
}

@test "completion rate: completed over planned" {
	fixture
	# 南关区 2 of 4 = 50.00%, 25 x 0.5 = 12.50; 东丰县 2 of 3, 25 x 2/3 = 16.666.. -> 16.67
	assert_equal "$(value completion_rate 220102) $(value completion_points 220102)" '50.00 12.50'
	assert_equal "$(value completion_rate 220421) $(value completion_points 220421)" '66.67 16.67'
}

@test "spend rate: all spent over all allocated; nothing allocated leaves it empty with 0 points" {
	fixture
	# 南关区 (90 + 200 + 100 + 0) / (100 + 200 + 300 + 400) = 39.00%, 20 x 0.39 = 7.80
	assert_equal "$(value spend_rate 220102) $(value spend_points 220102)" '39.00 7.80'
	# 东丰县 (155.63 + 100) / (217.48 + 100) = 255.63 / 317.48 = 80.518..%,
	# 20 x 0.80518.. = 16.103.. -> 16.10
	assert_equal "$(value spend_rate 220421) $(value spend_points 220421)" '80.52 16.10'
	# 靖宇县 allocated 0.00 and nothing
	assert_equal "$(value spend_rate 220622) $(value spend_points 220622)" ' 0.00'
}

@test "preliminary work: on or before 31 March of the plan year is on time, 1 April is not" {
	fixture
	# 南关区 03-31, 03-01, 03-15 on time, 04-01 late: 3 of 4 = 75.00%, 7.50
	assert_equal "$(value prelim_rate 220102) $(value prelim_points 220102)" '75.00 7.50'
	# 东丰县 2019/2/14 and 03-20 on time, no progress row for the third: 2 of 3
	assert_equal "$(value prelim_rate 220421) $(value prelim_points 220421)" '66.67 6.67'
	# 靖宇县 05-01 late, none: 0 of 2
	assert_equal "$(value prelim_rate 220622)" '0.00'
}

@test "satisfaction: the household-weighted mean of the rows that report it, floor 60, target 100" {
	fixture
	# 南关区 (100 x 90 + 200 x 75) / 300 = 80.00; 15 x (80 - 60) / 40 = 7.50
	assert_equal "$(value satisfaction_rate 220102) $(value satisfaction_points 220102)" '80.00 7.50'
	# 东丰县 (198 x 83 + 90 x 100) / 288 = 25434 / 288 = 88.3125 -> 88.31;
	# 15 x 28.3125 / 40 = 10.6171875 -> 10.62
	assert_equal "$(value satisfaction_rate 220421) $(value satisfaction_points 220421)" '88.31 10.62'
	# 靖宇县 reports none: empty, 0 points
	assert_equal "$(value satisfaction_rate 220622) $(value satisfaction_points 220622)" ' 0.00'
}

@test "long-term management: completed rows with it over completed rows; nothing completed, 0 points" {
	fixture
	# 南关区 机械厂 yes, 红旗小区 no: 1 of 2 = 50.00%, 10 x 0.5 = 5.00
	assert_equal "$(value management_rate 220102) $(value management_points 220102)" '50.00 5.00'
	assert_equal "$(value management_rate 220421) $(value management_points 220421)" '100.00 10.00'
	assert_equal "$(value management_rate 220622) $(value management_points 220622)" ' 0.00'
}

@test "score is the sum of the printed points, performance the score; grades and ranks" {
	fixture
	# 南关区 15 + 0 + 12.50 + 7.80 + 7.50 + 7.50 + 5 = 55.30 差
	# 东丰县 13.33 + 0 + 16.67 + 16.10 + 6.67 + 10.62 + 10 = 73.39 中
	assert_equal "$(printf '%s\n' "$output" | cut -d, -f1,17- | paste -sd' ')" \
		'county_code,score,grade,rank,performance 220102,55.30,差,2,55.30 220421,73.39,中,1,73.39 220622,0.00,差,3,0.00'
	run awk -F, 'NR > 1 { s = 0; for (i = 4; i <= 16; i += 2) s += $i
		printf "%.2f %s\n", s, $17 }' "$S/expected.csv"
	assert_output $'55.30 55.30\n73.39 73.39\n0.00 0.00'
}

@test "rates round half away from zero, and points come from the exact rate" {
	rows 220102 32 1
	rows 220421 80 1
	score
	assert_success
	# 1 of 32 started = 3.125% -> 3.13; 20 x 1/32 = 0.625 -> 0.63
	assert_equal "$(value start_rate 220102) $(value start_points 220102)" '3.13 0.63'
	# 1 of 80 = 1.25%; completion 25 x 1/80 = 0.3125 -> 0.31
	assert_equal "$(value completion_rate 220421) $(value completion_points 220421)" '1.25 0.31'
}

@test "points are clamped: over 100% earns the weight, satisfaction at or under 60 earns nothing" {
	plan 220102,甲小区,100,2019 220102,乙小区,300,2019 220421,丙小区,100,2019
	prog '220102,甲小区,completed,2019-03-01,2019-04-01,2019-09-01,100.00,150.00,60,1' \
		'220102,乙小区,completed,2019-03-01,2019-04-01,2019-09-01,100.00,100.00,50,1' \
		'220421,丙小区,completed,2019-03-01,2019-04-01,2019-09-01,100.00,100.00,100,1'
	score
	assert_failure 1    # 甲小区 spent more than allocated: flagged
	assert_equal "$(value spend_rate 220102) $(value spend_points 220102)" '125.00 20.00'
	# (100 x 60 + 300 x 50) / 400 = 52.50, under the floor
	assert_equal "$(value satisfaction_rate 220102) $(value satisfaction_points 220102)" '52.50 0.00'
	assert_equal "$(value satisfaction_points 220421) $(value score 220421)" '15.00 100.00'
}

# ---- joins --------------------------------------------------------------------

@test "names join by xq-dedupe's key: suffixes, spaces, Chinese numerals, full-width digits" {
	plan 220102,机械厂家属院,100,2019 220102,三号院,100,2019 220102,红旗小区,100,2019 \
		220102,12号楼,100,2019
	prog '220102,机械厂 宿舍,preliminary,,,,,,,0' '220102,3号院,preliminary,,,,,,,0' \
		'220102, 红旗 小区 ,preliminary,,,,,,,0' '220102,十二号楼,preliminary,,,,,,,0'
	score
	assert_success
	assert_stderr_line --partial '4 progress rows: 4 joined, 0 excluded, 0 flagged; 0 plan rows without'
}

@test "the profile's suffix rules apply to the join, as in xq-dedupe" {
	plan 220102,机械厂大院,100,2019
	prog '220102,机械厂,preliminary,,,,,,,0'
	score
	assert_failure 1
	assert_stderr_line --partial '220102 机械厂: not in the plan; excluded'
	printf '%s\n' suffix,action 大院,add > p/suffixes.csv
	score
	assert_success
}

@test "a progress row not in the plan is reported and excluded, exit 1" {
	plan 220102,甲小区,100,2019
	prog '220102,乙小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,90,1' \
		'220421,甲小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,90,1' \
		'229999,甲小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,90,1'
	score -x exc.csv
	assert_failure 1
	assert_stderr_line 'xq-score-performance: prog.csv:2: 220102 乙小区: not in the plan; excluded'
	assert_stderr_line 'xq-score-performance: prog.csv:3: 220421 甲小区: not in the plan; excluded'
	assert_stderr_line "xq-score-performance: prog.csv:4: 229999 甲小区: county_code is not in the profile's registry; excluded"
	assert_stderr_line --partial '3 progress rows: 0 joined, 3 excluded, 0 flagged; 1 plan row without a progress row'
	# the plan row counts as not started; 东丰县 has no plan rows: no row
	assert_equal "$(value start_rate 220102)" '0.00'
	refute_output --partial 220421
	assert_equal "$(cat exc.csv)" "source,line,county_code,community,action,reason
prog.csv,2,220102,乙小区,excluded,not in the plan
prog.csv,3,220421,甲小区,excluded,not in the plan
prog.csv,4,229999,甲小区,excluded,county_code is not in the profile's registry"
}

@test "a second progress row for a community is excluded; the first counts" {
	plan 220102,甲小区,100,2019
	prog '220102,甲小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,90,1' \
		'220102,甲小区 ,preliminary,2019-03-01,,,1.00,0.00,,0'
	score
	assert_failure 1
	assert_stderr_line 'xq-score-performance: prog.csv:3: 220102 甲小区 : a second progress row for the community (the first is line 2); excluded'
	assert_equal "$(value completion_rate 220102)" '100.00'
}

@test "two plan rows with one key are flagged, and progress rows join them in order" {
	plan 220102,甲小区,100,2019 220102,甲,300,2019
	prog '220102,甲小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,90,1' \
		'220102,甲小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,70,1'
	score
	assert_failure 1
	assert_stderr_line 'xq-score-performance: plan.csv:3: 220102 甲: another plan row has the same name key (line 2): progress rows are joined to them in order; flagged'
	# 90 for 100 households, 70 for 300: 75.00
	assert_equal "$(value completion_rate 220102) $(value satisfaction_rate 220102)" '100.00 75.00'
}

@test "a plan row of a county not in the registry is listed and not scored" {
	plan 220102,甲小区,100,2019 229999,乙小区,100,2019
	prog '220102,甲小区,preliminary,,,,,,,0'
	score
	assert_failure 1
	assert_stderr_line --partial "plan.csv:3: 229999 乙小区: county_code is not in the profile's registry: the plan row is not scored; excluded"
	assert_stderr_line --partial '2 plan rows of 1 county (1 not scored)'
}

@test "the plan and the progress may come from standard input, not both" {
	plan 220102,甲小区,100,2019
	prog '220102,甲小区,preliminary,,,,,,,0'
	run --separate-stderr bash -c 'xq-score-performance -p p -P plan.csv < prog.csv'
	assert_success
	run --separate-stderr bash -c 'xq-score-performance -p p -P - prog.csv < plan.csv'
	assert_success
	run --separate-stderr xq-score-performance -p p -P - -
	assert_failure 2
	assert_stderr --partial 'cannot both be standard input'
}

# ---- dates and the deadline -----------------------------------------------------

@test "dates in every form of SPEC 3.2; on the deadline is on time, the day after is not" {
	local d
	plan 220102,甲小区,100,2019
	for d in 2019-03-31 2019/3/31 2019.3.31 2019年3月31日 20190331 '2019-03-31 00:00:00'; do
		prog "220102,甲小区,preliminary,$d,,,,,,0"
		score
		assert_success
		assert_equal "$d: $(value prelim_rate 220102)" "$d: 100.00"
	done
	for d in 2019-04-01 2019/4/1 2019年4月1日 20190401; do
		prog "220102,甲小区,preliminary,$d,,,,,,0"
		score
		assert_success
		assert_equal "$d: $(value prelim_rate 220102)" "$d: 0.00"
	done
}

@test "a date that is not one is named, and the row excluded" {
	plan 220102,甲小区,100,2019
	for d in 2019-02-30 31/03/2019 2019-13-01 2019-03 三月; do
		prog "220102,甲小区,under_construction,2019-03-01,$d,,,,,0"
		score
		assert_failure 1
		assert_stderr_line "xq-score-performance: prog.csv:2: 220102 甲小区: start_date: \"$d\" is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331); excluded"
	done
	# 29 February only in a leap year
	prog '220102,甲小区,preliminary,2020-02-29,,,,,,0'
	score
	assert_success
	prog '220102,甲小区,preliminary,2019-02-29,,,,,,0'
	score
	assert_failure 1
}

@test "the deadline comes from settings.csv prelim_deadline, as a month and day or a full date" {
	plan 220102,甲小区,100,2019
	prog '220102,甲小区,preliminary,2019-04-20,,,,,,0'
	score
	assert_equal "$(value prelim_rate 220102)" '0.00'
	local v
	for v in 04-30 4/30 4月30日 2019-04-20 2019年4月20日; do
		printf '%s\n' key,value plan_year,2019 "prelim_deadline,$v" > p/settings.csv
		score
		assert_success
		assert_equal "$v: $(value prelim_rate 220102)" "$v: 100.00"
	done
	printf '%s\n' key,value prelim_deadline,2019-04-19 > p/settings.csv
	score
	assert_equal "$(value prelim_rate 220102)" '0.00'
	printf '%s\n' key,value 'prelim_deadline,end of March' > p/settings.csv
	score
	assert_failure 3
	assert_stderr 'xq-score-performance: p/settings.csv: prelim_deadline "end of March" is not a date (03-31, 3月31日, 2020-03-31, 2020年3月31日)'
}

@test "the deadline's year is the plan row's plan_year, else the progress row's, else settings.csv's" {
	printf '%s\n' county_code,community,households 220102,甲小区,100 > plan.csv
	cp -r "$S/profile" p
	prog '220102,甲小区,preliminary,2020-03-15,,,,,,0'
	score
	assert_equal "$(value prelim_rate 220102)" '0.00'    # 2019 from settings.csv
	printf '%s\n' key,value plan_year,2020 > p/settings.csv
	score
	assert_equal "$(value prelim_rate 220102)" '100.00'
	printf '%s\n' "$PROG_HEAD,plan_year" '220102,甲小区,preliminary,2020-03-15,,,,,,0,2019' > prog.csv
	score
	assert_equal "$(value prelim_rate 220102)" '0.00'    # the progress row's 2019
	printf '%s\n' key,value > p/settings.csv
	prog '220102,甲小区,preliminary,2020-03-15,,,,,,0'
	score
	assert_failure 3
	assert_stderr --partial 'prog.csv:2: no plan year for the preliminary-work deadline'
}

# ---- excluded and flagged rows ------------------------------------------------------

@test "a status that contradicts the dates excludes the row, as xq-validate's E203 and E204" {
	plan 220102,甲小区,100,2019
	local -a cases=(
		'completed,2019-03-01,2019-04-01,|status: completed, but there is no completion_date'
		'under_construction,2019-03-01,2019-04-01,2019-09-01|status: under_construction, but there is a completion_date'
		'preliminary,2019-03-01,2019-04-01,|status: preliminary, but there is a start_date'
		'not_started,,2019-04-01,|status: not_started, but there is a start_date'
		'under_construction,2019-03-01,,|status: under_construction, but there is no start_date'
		'completed,2019-03-01,2019-09-01,2019-04-01|completion_date: 2019-04-01 is before the start_date 2019-09-01'
		'done,2019-03-01,,|status: "done" is not a status (not_started, preliminary, under_construction, completed, 未开工, 前期, 在建, 完工)'
	)
	for c in "${cases[@]}"; do
		prog "220102,甲小区,${c%%|*},1.00,1.00,90,1"
		score
		assert_failure 1
		assert_stderr_line "xq-score-performance: prog.csv:2: 220102 甲小区: ${c#*|}; excluded"
		assert_equal "$(value start_rate 220102)" '0.00'
	done
}

@test "Chinese status words, 是/否 and a % sign are read too" {
	plan 220102,甲小区,100,2019 220102,乙小区,100,2019
	prog '220102,甲小区,完工,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,95%,是' \
		'220102,乙小区,在建,2019-03-01,2019-04-01,,1.00,0.50,,否'
	score
	assert_success
	assert_equal "$(value start_rate 220102) $(value satisfaction_rate 220102) $(value management_rate 220102)" \
		'100.00 95.00 100.00'
}

@test "a satisfaction over 100 excludes the row; bad amounts and yes/no values too" {
	plan 220102,甲小区,100,2019
	local -a cases=(
		'2019-09-01,1.00,1.00,100.01,1|satisfaction_pct: "100.01" is over 100'
		'2019-09-01,1.00,1.00,很好,1|satisfaction_pct: "很好" is not a percentage'
		'2019-09-01,-1.00,1.00,90,1|fund_allocated: "-1.00" is not an amount in 万元 >= 0'
		'2019-09-01,1.00,一万,90,1|fund_spent: "一万" is not an amount in 万元 >= 0'
		'2019-09-01,1.00,1.00,90,maybe|long_term_mgmt: "maybe" is not yes or no (1/0, 是/否)'
	)
	for c in "${cases[@]}"; do
		prog "220102,甲小区,completed,2019-03-01,2019-04-01,${c%%|*}"
		score
		assert_failure 1
		assert_stderr_line "xq-score-performance: prog.csv:2: 220102 甲小区: ${c#*|}; excluded"
	done
	prog '220102,甲小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,100,1'
	score
	assert_success
}

@test "spending more than allocated is flagged, counted as reported, exit 1" {
	plan 220102,甲小区,100,2019 220102,乙小区,100,2019
	prog '220102,甲小区,under_construction,2019-03-01,2019-04-01,,100.00,120.00,,0' \
		'220102,乙小区,under_construction,2019-03-01,2019-04-01,,100.00,60.00,,0'
	score -x exc.csv
	assert_failure 1
	assert_stderr_line 'xq-score-performance: prog.csv:2: 220102 甲小区: fund_spent: 120.00万元 is more than the 100.00万元 allocated (counted as reported); flagged'
	assert_stderr_line --partial '2 joined, 0 excluded, 1 flagged'
	# (120 + 60) / 200 = 90.00%
	assert_equal "$(value spend_rate 220102)" '90.00'
	assert_equal "$(csv_column action exc.csv)" flagged
}

@test "after 50 messages the rest are counted; the exceptions file has them all" {
	plan 220102,甲小区,100,2019
	prog $(for i in $(seq 55); do echo "220102,乙$i,preliminary,,,,,,,0"; done)
	score -x exc.csv
	assert_failure 1
	assert_equal "$(grep -c 'not in the plan; excluded' <<<"$stderr")" 50
	assert_stderr_line 'xq-score-performance: 5 more excluded or flagged rows not shown (all are in the exceptions file)'
	assert_equal "$(wc -l < exc.csv)" 56
	# the counts and the province come last
	assert_equal "${stderr_lines[-1]}" 'xq-score-performance: province: start rate 0.00% (0 of 1), completion rate 0.00% (0 of 1), score 0.00, grade 差'
}

@test "the exceptions file guards cells a spreadsheet would run as formulas" {
	plan 220102,甲小区,100,2019
	prog '220102,=SUM(A1:A9),preliminary,,,,,,,0'
	score -x exc.csv
	assert_failure 1
	assert_equal "$(csv_column community exc.csv)" "'=SUM(A1:A9)"
}

@test "the evaluation guards a county name a spreadsheet would run as a formula; numbers stay numbers" {
	plan 220102,甲小区,100,2019
	prog 220102,甲小区,preliminary,2019-03-01,,,,,,1
	sed -i 's/^220102,南关区,/220102,=HYPERLINK(1),/' p/counties.csv
	score
	assert_success
	assert_equal "$(csv_column county <<<"$output" | head -n 1)" "'=HYPERLINK(1)"
	assert_equal "$(csv_column prelim_rate <<<"$output" | head -n 1)" '100.00'
}

@test "a progress stream without an optional column is told once; without status it stops, exit 3" {
	plan 220102,甲小区,100,2019
	printf '%s\n' county_code,community,status 220102,甲小区,preliminary > prog.csv
	score
	assert_success
	assert_stderr_line 'xq-score-performance: prog.csv: no column "fund_allocated": every row counts as not giving it'
	assert_equal "$(value spend_rate 220102)" ''
	printf '%s\n' county_code,community 220102,甲小区 > prog.csv
	score
	assert_failure 3
	assert_stderr 'xq-score-performance: prog.csv: no column "status" in the header (the input must be the stream xq-validate writes)'
	printf '%s\n' county_code,community 220102,甲小区 > plan.csv
	score
	assert_failure 3
	assert_stderr 'xq-score-performance: plan.csv: no column "households" in the header (the input must be the stream xq-validate writes)'
}

# ---- the profile's tables --------------------------------------------------------

@test "indicators.csv changes weights, floors and targets; an indicator it leaves out has weight 0" {
	cp -r "$S/profile" p
	printf '%s\n' indicator,weight,floor,target start,0 start_hh,30 completion,30,0,50 \
		spend,20 satisfaction,20,80 > p/indicators.csv
	run --separate-stderr xq-score-performance -p p -P "$S/plan.csv" "$S/progress.csv"
	assert_success
	# 南关区: start_hh 60.00% of 30 = 18.00; completion 50% reaches the target 50:
	# 30.00; spend 39% of 20 = 7.80; satisfaction 80 at the floor 80: 0;
	# prelim and management left out: 0
	assert_equal "$(value start_points 220102) $(value start_hh_points 220102) $(value completion_points 220102) $(value spend_points 220102) $(value satisfaction_points 220102) $(value prelim_points 220102) $(value management_points 220102) $(value score 220102)" \
		'0.00 18.00 30.00 7.80 0.00 0.00 0.00 55.80'
	# the rates are still shown
	assert_equal "$(value prelim_rate 220102)" '75.00'
}

@test "weights that do not add up to 100 stop the run, naming the file, exit 3" {
	cp -r "$S/profile" p
	printf '%s\n' indicator,weight start,20 completion,25 spend,20 prelim,10 \
		satisfaction,15 management,9.5 > p/indicators.csv
	run --separate-stderr xq-score-performance -p p -P "$S/plan.csv" "$S/progress.csv"
	assert_failure 3
	assert_output ''
	assert_stderr 'xq-score-performance: p/indicators.csv: the weights add up to 99.5, not 100'
	printf '%s\n' indicator,weight start,101 > w.csv
	run --separate-stderr xq-score-performance -p "$S/profile" -P "$S/plan.csv" -i w.csv "$S/progress.csv"
	assert_failure 3
	assert_stderr 'xq-score-performance: w.csv: the weights add up to 101, not 100'
}

@test "a bad indicator table stops the run, exit 3" {
	local -a cases=(
		'indicator,weight|start,50|speed,50|w.csv:3: unknown indicator "speed" (known: start, start_hh, completion, spend, prelim, satisfaction, management)'
		'indicator,weight|start,50|start,50|w.csv:3: indicator start is listed twice'
		'indicator,weight|start,110|spend,-10|w.csv:3: weight of spend is negative'
		'indicator,weight|start,abc|w.csv:2: weight "abc" of start is not a decimal'
		'indicator,weight,floor,target|start,100,50,50|w.csv:2: target of start is not above its floor'
		'indicator,points|start,100|w.csv: no column "weight"'
	)
	for c in "${cases[@]}"; do
		tr '|' '\n' <<<"${c%|*}" > w.csv
		run --separate-stderr xq-score-performance -p "$S/profile" -P "$S/plan.csv" -i w.csv "$S/progress.csv"
		assert_failure 3
		assert_stderr "xq-score-performance: ${c##*|}"
	done
}

@test "national grades: 优 from 90, 良 from 80, 中 from 60, 差 below" {
	rows 220102 10 9
	rows 220204 10 8
	rows 220421 10 6
	rows 220622 20 11
	only completion
	score
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -d, -f1,17,18 | paste -sd' ')" \
		'county_code,score,grade 220102,90.00,优 220204,80.00,良 220421,60.00,中 220622,55.00,差'
}

@test "Jiangxi's grades are strict: 95.00 is 良好, not 优秀" {
	rows 220102 20 20
	rows 220204 20 19
	rows 220421 20 17
	rows 220622 20 15
	only completion
	score -g "$S/jiangxi-grades.csv"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -d, -f1,17,18 | paste -sd' ')" \
		'county_code,score,grade 220102,100.00,优秀 220204,95.00,良好 220421,85.00,合格 220622,75.00,不合格'
	# the same from the profile's grades.csv
	cp "$S/jiangxi-grades.csv" p/grades.csv
	score
	assert_equal "$(value grade 220204)" 良好
}

@test "a grade table without a band for 0, or with a bad compare, stops the run, exit 3" {
	local -a cases=(
		'grade,min_score|A,90|B,10|g.csv: no grade for a score of 0 (the lowest band needs min_score 0 and compare >=)'
		'grade,min_score,compare|A,90,>|B,0,>|g.csv: no grade for a score of 0 (the lowest band needs min_score 0 and compare >=)'
		'grade,min_score,compare|A,90,=>|B,0,|g.csv:2: compare "=>" of A is not >= or >'
		'grade,min_score|A,90|A,0|g.csv:3: grade A is listed twice'
		'grade,min_score|A,90.005|B,0|g.csv:2: min_score "90.005" of A is not a number with at most 2 decimals'
	)
	for c in "${cases[@]}"; do
		tr '|' '\n' <<<"${c%|*}" > g.csv
		run --separate-stderr xq-score-performance -p "$S/profile" -P "$S/plan.csv" -g g.csv "$S/progress.csv"
		assert_failure 3
		assert_stderr "xq-score-performance: ${c##*|}"
	done
}

@test "ranks: highest score first, equal scores by county code, no gaps; rows stay in code order" {
	rows 220622 4 3
	rows 220421 4 3
	rows 220204 4 1
	rows 220102 4 1
	score
	assert_success
	# 3 of 4 completed: start 15 + completion 18.75 + spend 30/40 of 20 = 15 +
	# prelim 10 + satisfaction 90: 11.25 + management 10 = 80.00;
	# 1 of 4: 5 + 6.25 + 10/40 of 20 = 5 + 10 + 11.25 + 10 = 47.50
	assert_equal "$(printf '%s\n' "$output" | cut -d, -f1,17,19 | paste -sd' ')" \
		'county_code,score,rank 220102,47.50,3 220204,47.50,4 220421,80.00,1 220622,80.00,2'
}

# ---- the province row -------------------------------------------------------------

@test "-t writes the province row, pooled over every planned community" {
	fixture -t total.csv
	assert_success
	assert_file_equal total.csv "$S/expected-total.csv"
}

@test "jilin-2019: completion 303/831 = 36.46%, start (303+226)/831 = 63.66%" {
	local s=$ROOT/samples/jilin-2019
	[[ -d $s/progress ]] || skip "no jilin-2019 sample"
	xq-validate -q -s progress -p "$s" "$s"/progress/*.csv > prog.csv
	xq-validate -q -p "$s" "$s"/submissions/*.csv > plan.csv
	run --separate-stderr xq-score-performance -p "$s" -P plan.csv -t total.csv prog.csv
	assert_success
	assert_stderr_line 'xq-score-performance: 831 plan rows of 47 counties (0 not scored), 831 progress rows: 831 joined, 0 excluded, 0 flagged; 0 plan rows without a progress row counted as not started'
	assert_stderr_line --partial 'xq-score-performance: province: start rate 63.66% (529 of 831), completion rate 36.46% (303 of 831), score '
	assert_equal "$(csv_column start_rate total.csv) $(csv_column completion_rate total.csv)" '63.66 36.46'
	assert_equal "${#lines[@]}" 48
	assert_equal "$(printf '%s\n' "$output" | csv_column rank | sort -n | paste -sd' ')" "$(seq -s' ' 47)"
	printf '%s\n' "$output" > scores.csv
}

@test "jilin-2019: the counties' scores follow what their reports say" {
	local s=$ROOT/samples/jilin-2019
	[[ -d $s/progress ]] || skip "no jilin-2019 sample"
	xq-validate -q -s progress -p "$s" "$s"/progress/*.csv > prog.csv
	xq-validate -q -p "$s" "$s"/submissions/*.csv > plan.csv
	xq-score-performance -q -p "$s" -P plan.csv prog.csv > scores.csv
	# the twelve counties whose reports show most completed, on time and spent
	# (the "good" tier of samples/generate.py) are the top twelve
	assert_equal "$(sort -t, -k19,19n scores.csv | sed 1d | head -12 | cut -d, -f2 | sort | paste -sd' ')" \
		"$(printf '%s\n' 南关区 船营区 延吉市 梅河口市 龙山区 东昌区 公主岭市 敦化市 珲春市 磐石市 宁江区 集安市 | sort | paste -sd' ')"
	# the ten that are late score under 40; those with nothing completed have
	# no satisfaction or management rate and earn nothing for them
	run awk -F, 'NR > 1 && $2 ~ /^(通榆县|镇赉县|安图县|汪清县|乾安县|长白朝鲜族自治县|靖宇县|东辽县|伊通满族自治县|和龙市)$/ && $17 >= 40' scores.csv
	assert_output ''
	assert_equal "$(awk -F, '$7 == "0.00" { print $13 $15 $14 $16 }' scores.csv | sort -u)" '0.000.00'
}

@test "the loop: the county table goes to xq-allocate-funds -S as it is" {
	local s=$ROOT/samples/jilin-2019
	[[ -d $s/progress ]] || skip "no jilin-2019 sample"
	xq-validate -q -s progress -p "$s" "$s"/progress/*.csv > prog.csv
	xq-validate -q -p "$s" "$s"/submissions/*.csv > plan.csv
	xq-score-performance -q -p "$s" -P plan.csv -o scores.csv prog.csv
	run --separate-stderr xq-allocate-funds -q -p "$s" -b 100000 -S scores.csv -c county.csv plan.csv
	assert_success
	# allocate-funds took every county's performance as written
	assert_equal "$(cut -d, -f1,8 county.csv)" "$(cut -d, -f1,20 scores.csv)"
	# and, in scheme 2024, the grade
	run --separate-stderr xq-allocate-funds -q -p "$s" -b 100000 -m 2024 -S scores.csv -c county24.csv plan.csv
	assert_success
	assert_equal "$(csv_column grade county24.csv)" "$(csv_column grade scores.csv)"
	# a better score brings more of the performance share: with equal task
	# factors, the best county's amount falls when its score is lowered
	best=$(sort -t, -k19,19n scores.csv | sed -n 2p | cut -d, -f1)
	amount=$(awk -F, -v c="$best" '$1 == c { print $10 }' county.csv)
	awk -F, -v OFS=, -v c="$best" '$1 == c { $20 = "0.00" } 1' scores.csv > low.csv
	xq-allocate-funds -q -p "$s" -b 100000 -S low.csv -c low-county.csv plan.csv > /dev/null
	low=$(awk -F, -v c="$best" '$1 == c { print $10 }' low-county.csv)
	(( $(tr -d . <<<"$low") < $(tr -d . <<<"$amount") ))
}

# ---- the command line and output ---------------------------------------------------

@test "-o writes the table; on a fatal error no file is left behind" {
	fixture -o out.csv
	assert_success
	assert_output ''
	assert_file_equal out.csv "$S/expected.csv"
	run --separate-stderr xq-score-performance -p "$S/profile" -P "$S/plan.csv" -o new.csv missing.csv
	assert_failure 3
	run compgen -G 'new.csv*'
	assert_failure
}

@test "a full disk is an error, exit 4" {
	fixture -o /dev/full
	assert_failure 4
	assert_stderr --partial '/dev/full: write error: No space left on device'
	run --separate-stderr bash -c 'xq-score-performance -q -p "$1/profile" -P "$1/plan.csv" "$1/progress.csv" > /dev/full' _ "$S"
	assert_failure 4
	assert_stderr --partial 'write error'
	fixture -t /dev/full
	assert_failure 4
}

@test "--help prints the usage, the man page's SYNOPSIS; --version; usage errors exit 2" {
	run xq-score-performance --help
	assert_success
	assert_line --index 0 'usage: xq-score-performance [-q] -p PROFILE -P PLAN [-i INDICATORS]'
	assert_usage_is_synopsis xq-score-performance
	run xq-score-performance --version
	assert_success
	assert_output --regexp '^xq-score-performance \(xiaoqu\) [0-9]+\.[0-9]+\.[0-9]+$'
	run --separate-stderr xq-score-performance -p "$S/profile" "$S/progress.csv"
	assert_failure 2
	assert_stderr --partial '-P PLAN is required'
	run --separate-stderr xq-score-performance -P "$S/plan.csv"
	assert_failure 2
	run --separate-stderr xq-score-performance -p "$S/profile" -P "$S/plan.csv" a.csv b.csv
	assert_failure 2
	run --separate-stderr xq-score-performance --bogus
	assert_failure 2
}

@test "-q says nothing but fatal errors" {
	fixture -q
	assert_success
	assert_stderr ''
}

# ---- --log and --exit-zero (how the pipelines run it) ----------------------------

@test "--log FILE holds byte for byte what stderr gets without it; stderr gets nothing, the status and outputs are the same, no temporary file is left" {
	local s=0
	plan 220102,甲小区,100,2019 220102,丙小区,100,2019
	prog '220102,乙小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,90,1' \
		'220102,丙小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,2.00,90,1'
	xq-score-performance -p p -P plan.csv -x plain.x -t plain.t -o plain.out \
		prog.csv 2> plain.err || s=$?
	assert_equal "$s" 1
	assert_equal "$(wc -l < plain.err)" 4   # excluded, flagged, the counts, the province
	score --log s.log -x exc.csv -t total.csv -o out.csv
	assert_failure 1
	assert_stderr ''
	assert_file_equal s.log plain.err
	assert_file_equal out.csv plain.out
	assert_file_equal exc.csv plain.x
	assert_file_equal total.csv plain.t
	run compgen -G '*.tmp*'
	assert_failure
	# exit 0 too: the counts and the province line
	fixture --log f.log
	assert_success
	assert_stderr ''
	assert_equal "$(wc -l < f.log)" 2
	grep -q '^xq-score-performance: province: ' f.log
}

@test "--exit-zero: excluded and flagged rows exit 0; a missing column still exits 3, on stderr even with --log" {
	plan 220102,甲小区,100,2019
	prog '220102,乙小区,completed,2019-03-01,2019-04-01,2019-09-01,1.00,1.00,90,1'
	score --exit-zero --log s.log -x exc.csv
	assert_success
	assert_stderr ''
	grep -q 'prog.csv:2: 220102 乙小区: not in the plan; excluded' s.log
	assert_equal "$(csv_column action exc.csv)" excluded
	printf '%s\n' county_code,community 220102,甲小区 > prog.csv
	score --exit-zero --log bad.log -o out.csv
	assert_failure 3
	assert_stderr 'xq-score-performance: prog.csv: no column "status" in the header (the input must be the stream xq-validate writes)'
	assert_equal "$(cat bad.log)" "$stderr"
	[[ ! -e out.csv ]]
	run compgen -G '*.tmp*'
	assert_failure
}

@test "--log into a folder that is not there is exit 4 with the message on stderr, and no output is written" {
	fixture --log nothere/s.log -o out.csv -x exc.csv -t total.csv
	assert_failure 4
	assert_stderr 'xq-score-performance: nothere/s.log: No such file or directory'
	[[ ! -e out.csv && ! -e exc.csv && ! -e total.csv && ! -e nothere ]]
}

# ---- the manual ---------------------------------------------------------------------

@test "the manual is mandoc -T lint clean" {
	run mandoc -T lint -W warning "$ROOT/man/xq-score-performance.1"
	assert_success
	assert_output ''
}

@test "the worked examples of xq-score-performance(1) give what the manual shows" {
	awk -f "$FIX/allocate-funds/man-examples.awk" "$ROOT/man/xq-score-performance.1"
	[ -f cmd.8 ]
	for cmd in cmd.*; do
		n=${cmd#cmd.}
		line=$(cat "$cmd")
		if [[ $line == "cat "* ]]; then
			mkdir -p "$(dirname "${line#cat }")"
			cp "out.$n" "${line#cat }"
		else
			run bash -c "$line"
			assert_success
			if [[ -n $output ]]; then printf '%s\n' "$output"; fi > "got.$n"
			assert_file_equal "got.$n" "out.$n"
		fi
	done
}
