#!/usr/bin/env bats
# allocate-funds.bats - xq-allocate-funds: the factor method, exact money,
# the split within a county, errors, and properties over random cases.
#
# The worked examples use three Hunan counties in three fiscal tiers
# (fixtures/allocate-funds/hunan: 芙蓉区 0.8, 浏阳市 1.0, 麻阳 1.2) and
# plan.csv, where the counted rows give, with the coefficient applied:
#
#   county          area ㎡ (×c)       households (×c)  buildings (×c)  communities (×c)
#   430102 芙蓉区    25000 (20000)      500 (400)        5 (4)           1 (0.8)
#   430181 浏阳市    15000 (15000)      300 (300)        4 (4)           2 (2)
#   431226 麻阳      12500 (15000)      250 (300)        10 (12)         1 (1.2)
#   sum                    (50000)          (1000)           (20)            (4)
#
# so the factor shares are 0.4/0.3/0.3 (area), 0.4/0.3/0.3 (households),
# 0.2/0.2/0.6 (buildings) and 0.2/0.5/0.3 (communities), in code order.
# The rows of 浏阳市 ask 250.00 and 450.00万元 (investment minus residents,
# utilities, owner unit and social money); one row of 浏阳市 is out of
# scope and one of 芙蓉区 fails a gate: they do not count.
#
# The property tests run XQ_CASES random cases each (default 40) from
# fixtures/allocate-funds/gen-case.awk; a failure names the seed.

load helpers

AF=$FIX/allocate-funds
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
CASES=${XQ_CASES:-40}

# alloc ARGS...: xq-allocate-funds on the Hunan profile and plan.csv.
alloc() {
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" "$@" "$AF/plan.csv"
}

# table FILE: the columns of a county table that carry the allocation.
table() {
	cut -d, -f1,9-11 "$1"
}

# ---- worked examples, checked by hand ---------------------------------------

@test "2019: shares 0.36, 0.31, 0.33 of 1000.01万元; the one unit left goes to the largest remainder" {
	# 芙蓉 .4×.4 + .4×.4 + .1×.2 + .1×.2 = .36;  浏阳 .12+.12+.02+.05 = .31;
	# 麻阳 .12+.12+.06+.03 = .33. 100001 units × share = 36000.36, 31000.31,
	# 33000.33: the floors leave 1 unit, which goes to 芙蓉 (remainder .36).
	alloc -q -b 1000.01 -m 2019 -c county.csv
	assert_success
	assert_stderr ''
	run table county.csv
	assert_output - <<'EOF'
county_code,share,amount,unallocated
430102,0.36000000,360.01,0.00
430181,0.31000000,310.00,0.00
431226,0.33000000,330.00,0.00
EOF
}

@test "2019: the stream is the input rows with a subsidy; 浏阳市's 310.00 splits 110.71 + 199.29 by what its rows ask" {
	# 310.00 × 250/700 = 110.714…, 310.00 × 450/700 = 199.285…: floors
	# 110.71 + 199.28 = 309.99, and the 0.01 left goes to the larger remainder.
	alloc -q -b 1000.01 -m 2019 -o out.csv
	assert_success
	assert_output ''
	{ head -n 1 "$AF/plan.csv" | sed 's/$/,subsidy/'
	  tail -n +2 "$AF/plan.csv" | paste -d, - <(printf '%s\n' 330.00 110.71 '' 199.29 360.01 ''); } > expected.csv
	assert_file_equal out.csv expected.csv
}

@test "2020 with scores: shares 0.345, 0.31, 0.345; equal remainders go to the lower county code" {
	# performance 50, 60, 90 (sum 200): 0.25, 0.3, 0.45.
	# 芙蓉 .4×.4 + .3×.4 + .1×.2 + .1×.2 + .1×.25 = .345
	# 浏阳 .4×.3 + .3×.3 + .1×.2 + .1×.5 + .1×.3  = .31
	# 麻阳 .4×.3 + .3×.3 + .1×.6 + .1×.3 + .1×.45 = .345
	# 100001 units: 34500.345, 31000.31, 34500.345; 1 unit left, 芙蓉 and 麻阳
	# tie at .345 and 430102 < 431226.
	alloc -q -b 1000.01 -m 2020 -S "$AF/scores.csv" -c county.csv
	assert_success
	run table county.csv
	assert_output - <<'EOF'
county_code,share,amount,unallocated
430102,0.34500000,345.01,0.00
430181,0.31000000,310.00,0.00
431226,0.34500000,345.00,0.00
EOF
	run csv_column performance county.csv
	assert_output $'50.00\n60.00\n90.00'
}

@test "2020 without scores: the performance weight is spread pro rata (4/9, 1/3, 1/9, 1/9), and stderr says so" {
	# 芙蓉 (4×.4 + 3×.4 + .2 + .2)/9 = 3.2/9; 浏阳 2.8/9; 麻阳 3/9.
	# 100000 units: 35555.555…, 31111.111…, 33333.333…: 芙蓉 gets the unit.
	alloc -b 1000 -c county.csv
	assert_success
	assert_stderr_line --partial 'no scores (-S): the performance weight 0.1 is spread over the other factors pro rata'
	run table county.csv
	assert_output - <<'EOF'
county_code,share,amount,unallocated
430102,0.35555556,355.56,0.00
430181,0.31111111,311.11,0.00
431226,0.33333333,333.33,0.00
EOF
}

@test "2024: 80% by task factors, 20% reward pool by task share × the grade's coefficient (优 1.2, 中 0.8, 差 0)" {
	# Task shares T (2019 proportions) .36, .31, .33; grades from the scores
	# 50 差, 60 中, 90 优: T × a = 0, .248, .396 (sum .644).
	# 芙蓉 .8 × .36 = .288
	# 浏阳 .8 × .31 + .2 × .248/.644 = 52.328/161 = .32501863…
	# 麻阳 .8 × .33 + .2 × .396/.644 = 62.304/161 = .38698136…
	# 100000 units: 28800, 32501.86…, 38698.13…: the unit goes to 浏阳.
	alloc -q -b 1000 -m 2024 -S "$AF/scores.csv" -c county.csv -o out.csv
	assert_success
	run cut -d, -f1,9-13 county.csv
	assert_output - <<'EOF'
county_code,share,amount,unallocated,grade,adjust
430102,0.28800000,288.00,0.00,差,0
430181,0.32501863,325.02,0.00,中,0.8
431226,0.38698137,386.98,0.00,优,1.2
EOF
	# 325.02 × 250/700 = 116.078…, × 450/700 = 208.941…: 116.07 + 208.94 + 0.01
	run csv_column subsidy out.csv
	assert_output $'386.98\n116.08\n\n208.94\n288.00'
}

@test "2024 without scores: the reward pool goes by task share alone, which gives the 2019 shares" {
	alloc -b 1000 -m 2024 -c county.csv
	assert_success
	assert_stderr_line --partial 'the reward pool goes by task share alone'
	run table county.csv
	assert_output - <<'EOF'
county_code,share,amount,unallocated
430102,0.36000000,360.00,0.00
430181,0.31000000,310.00,0.00
431226,0.33000000,330.00,0.00
EOF
}

@test "2024: a grade column in the scores is used as given, and the profile's reward.csv sets the coefficients" {
	cp -r "$AF/hunan" prof
	printf 'grade,min_score,coefficient\nA,50,2\nB,0,1\n' > prof/reward.csv
	printf 'county_code,performance,grade\n430102,10,A\n430181,99,B\n431226,99,B\n' > s.csv
	# T × a = .72, .31, .33 (sum 1.36): 芙蓉 .288 + .2 × .72/1.36 = .39388235…
	run --separate-stderr xq-allocate-funds -q -p prof -b 1000 -m 2024 -S s.csv -c county.csv "$AF/plan.csv"
	assert_success
	run cut -d, -f1,9,10,12,13 county.csv
	assert_output - <<'EOF'
county_code,share,amount,grade,adjust
430102,0.39388235,393.88,A,2
430181,0.29358824,293.59,B,1
431226,0.31252941,312.53,B,1
EOF
}

@test "2024: a grade that is not in the reward table is an error (exit 3)" {
	printf 'county_code,performance,grade\n430102,10,S\n' > s.csv
	alloc -b 1000 -m 2024 -S s.csv
	assert_failure 3
	assert_stderr --partial 'grade "S" is not in the reward table'
}

# ---- --explain ----------------------------------------------------------------

@test "--explain prints numerators, denominators, weights, shares, the unrounded amount and the rounding step" {
	alloc -q -b 1000.01 -m 2020 -S "$AF/scores.csv" --explain 431226
	assert_success
	assert_line 'fiscal coefficient c = 1.2; counted rows: 1'
	assert_line '  numerator   X × c = 12500 × 1.2 = 15000'
	assert_line '  denominator Σ X × c over all counties = 50000'
	assert_line '  share       15000 / 50000 = 0.3'
	assert_line '  weighted    0.4 × 0.3 = 0.12'
	assert_line 'performance (last year'"'"'s score), weight 0.1'
	assert_line '  numerator   P, without c = 90'
	assert_line '  denominator Σ P over the counties with rows = 200'
	assert_line '  share       90 / 200 = 0.45'
	assert_line 'share = Σ weighted = 0.12 + 0.09 + 0.06 + 0.03 + 0.045 = 0.345'
	assert_line 'unrounded amount = budget × share = 100001 units × 0.345 = 34500.345 units'
	assert_output --partial 'This county'"'"'s remainder 0.345 ranks 2 of 3: no more.'
	assert_line 'amount = 34500 units × 0.01万元 = 345.00万元'
}

@test "--explain writes fractions with no exact decimal as p/q and ten decimals, and says how weights were spread" {
	alloc -q -b 1000 --explain 430181
	assert_success
	assert_output --partial 'not formed: performance; the other weights are divided by their sum 0.9:'
	assert_output --partial 'area 4/9 (≈ 0.4444444444)'
	assert_line 'unrounded amount = budget × share = 100000 units × 14/45 (≈ 0.3111111111) ='
	assert_line '  280000/9 (≈ 31111.1111111111) units'
}

@test "--explain shows the 2024 task share and the grade's adjustment" {
	alloc -q -b 1000 -m 2024 -S "$AF/scores.csv" --explain 430181
	assert_success
	assert_line '  (0.096 + 0.096 + 0.016 + 0.04) / 0.8 = 0.31'
	assert_line 'adjustment a = 0.8, for grade 中 (score 60.00)'
	assert_line '  numerator   T × a = 0.31 × 0.8 = 0.248'
	assert_line '  denominator Σ T × a over the counties with rows = 0.644'
}

@test "--explain writes no stream unless -o names a file, and then writes both" {
	alloc -q -b 1000.01 --explain 430102 -o out.csv
	assert_success
	assert_line --index 0 'county 430102 芙蓉区 (长沙市)'
	run csv_column subsidy out.csv
	# 100001 units × 3/9, 2.8/9, 3.2/9 = 33333.67, 31111.42, 35555.91: the 2
	# units left go to 芙蓉 and 麻阳; 浏阳's 311.11 splits 111.11 + 200.00
	assert_output $'333.34\n111.11\n\n200.00\n355.56'
}

@test "--explain of a county not in the registry is a usage error" {
	alloc -b 1000 --explain 430999
	assert_failure 2
	assert_stderr --partial '--explain: county 430999 is not in the registry'
}

# ---- rows, counties and money ------------------------------------------------

@test "rows out of scope or failing a gate are not counted and get an empty subsidy; without those columns every row counts" {
	sed "s/,[^,]*,[^,]*\$//" "$AF/plan.csv" > noscope.csv
	run --separate-stderr xq-allocate-funds -q -p "$AF/hunan" -b 1000.01 -m 2019 -c county.csv noscope.csv
	assert_success
	run cut -d, -f1,3 county.csv
	assert_output $'county_code,communities\n430102,2\n430181,3\n431226,1'
	alloc -q -b 1000.01 -m 2019 -c county.csv
	run cut -d, -f1,3 county.csv
	assert_output $'county_code,communities\n430102,1\n430181,2\n431226,1'
}

@test "a county given more than its rows ask: each row gets its ask, the rest is unallocated and reported (exit 1)" {
	alloc -b 5000 -m 2019 -c county.csv -o out.csv
	assert_failure 1
	# 芙蓉 .36 × 5000 = 1800.00 but its one row asks 600.00
	assert_stderr_line --partial '万元 is unallocated: 3 counties received more than their rows ask'
	run cut -d, -f1,10,11 county.csv
	assert_output $'county_code,amount,unallocated\n430102,1800.00,1200.00\n430181,1550.00,850.00\n431226,1650.00,850.00'
	run csv_column subsidy out.csv
	assert_output $'800.00\n250.00\n\n450.00\n600.00'
}

@test "a county of the registry with no rows gets 0.00, is in the county table and is named on stderr" {
	cp -r "$AF/hunan" prof
	echo '430111,雨花区,长沙市,0.8' >> prof/counties.csv
	run --separate-stderr xq-allocate-funds -p prof -b 1000.01 -m 2019 -c county.csv "$AF/plan.csv"
	assert_success
	assert_stderr_line 'xq-allocate-funds: county 430111 雨花区 has no counted plan rows: amount 0.00'
	run table county.csv
	assert_output - <<'EOF'
county_code,share,amount,unallocated
430102,0.36000000,360.01,0.00
430111,0.00000000,0.00,0.00
430181,0.31000000,310.00,0.00
431226,0.33000000,330.00,0.00
EOF
}

@test "the performance term sums over counties with rows only" {
	cp -r "$AF/hunan" prof
	echo '430111,雨花区,长沙市,0.8' >> prof/counties.csv
	cp "$AF/scores.csv" s.csv
	echo '430111,雨花区,100.00,优,1,100.00' >> s.csv
	run --separate-stderr xq-allocate-funds -q -p prof -b 1000.01 -S s.csv -c county.csv "$AF/plan.csv"
	assert_success
	run cut -d, -f1,8,10 county.csv
	assert_output $'county_code,performance,amount\n430102,50.00,345.01\n430111,100.00,0.00\n430181,60.00,310.00\n431226,90.00,345.00'
}

@test "a county with rows but no score counts as 0 and is named (exit 1); a score of a county not in the registry is named and left out" {
	printf 'county_code,performance\n430102,50\n431226,90\n999999,80\n' > s.csv
	alloc -q -b 1000 -S s.csv -c county.csv
	assert_failure 1
	assert_stderr_line --partial 'county 999999 is not in the registry: its score is not used'
	assert_stderr_line --partial 'county 430181 浏阳市 has plan rows but no score: its performance counts as 0'
}

@test "scores are not needed when the performance weight is 0: scheme 2019 says nothing of a missing score" {
	printf 'county_code,performance\n430102,50\n' > s.csv
	alloc -b 1000.01 -m 2019 -S s.csv -c county.csv
	assert_success
	refute_stderr --partial 'no score'
	run cut -d, -f1,8,10 county.csv
	assert_output $'county_code,performance,amount\n430102,50,360.01\n430181,,310.00\n431226,,330.00'
}

@test "--unit 1 gives whole 万元 to counties; the budget must be a whole number of units" {
	alloc -q -b 1001 -m 2019 --unit 1 -c county.csv
	assert_success
	# 1001 × .36 = 360.36, × .31 = 310.31, × .33 = 330.33: 1 left, to 芙蓉
	run cut -d, -f1,10 county.csv
	assert_output $'county_code,amount\n430102,361.00\n430181,310.00\n431226,330.00'
	alloc -b 1000.5 --unit 1
	assert_failure 2
	assert_stderr --partial 'the budget 1000.50万元 is not a whole number of units of 1.00万元'
}

@test "budget, scheme and unit come from settings.csv when the options are absent; the options win" {
	cp -r "$AF/hunan" prof
	printf 'key,value\nplan_year,2020\nbudget,1000.01\nscheme,2019\n' > prof/settings.csv
	run --separate-stderr xq-allocate-funds -p prof -c county.csv "$AF/plan.csv"
	assert_success
	assert_stderr_line --partial 'scheme 2019, budget 1000.01万元'
	run cut -d, -f10 county.csv
	assert_output $'amount\n360.01\n310.00\n330.00'
	run --separate-stderr xq-allocate-funds -p prof -b 1000 -m 2020 "$AF/plan.csv"
	assert_stderr_line --partial 'scheme 2020, budget 1000.00万元'
}

@test "a bad budget in settings.csv is an input error (exit 3)" {
	cp -r "$AF/hunan" prof
	printf 'key,value\nbudget,lots\n' > prof/settings.csv
	run --separate-stderr xq-allocate-funds -p prof "$AF/plan.csv"
	assert_failure 3
	assert_stderr 'xq-allocate-funds: budget in settings.csv: "lots" is not an amount of 万元'
}

# ---- weights ------------------------------------------------------------------

@test "-w replaces the scheme's weights; a factor it does not name has weight 0" {
	printf 'factor,weight\nhouseholds,1\n' > w.csv
	alloc -q -b 1000 -w w.csv -c county.csv
	assert_success
	run table county.csv
	assert_output $'county_code,share,amount,unallocated\n430102,0.40000000,400.00,0.00\n430181,0.30000000,300.00,0.00\n431226,0.30000000,300.00,0.00'
}

@test "the profile's weights.csv replaces the scheme's; -w wins over it" {
	cp -r "$AF/hunan" prof
	printf 'factor,weight\narea_m2,1\n' > prof/weights.csv
	printf 'factor,weight\nbuildings,1\n' > w.csv
	run --separate-stderr xq-allocate-funds -q -p prof -b 1000 -c county.csv "$AF/plan.csv"
	run cut -d, -f10 county.csv
	assert_output $'amount\n400.00\n300.00\n300.00'
	run --separate-stderr xq-allocate-funds -q -p prof -b 1000 -w w.csv -c county.csv "$AF/plan.csv"
	run cut -d, -f10 county.csv
	assert_output $'amount\n200.00\n200.00\n600.00'
}

@test "weights that do not add up to 1 exactly are an error naming the sum (exit 3)" {
	printf 'factor,weight\narea,0.4\nhouseholds,0.3\nbuildings,0.1\ncommunities,0.1\nperformance,0.09999\n' > w.csv
	alloc -b 1000 -w w.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: w.csv: the weights add up to 0.99999, not 1'
}

@test "a weights file with an unknown factor, a negative weight or a factor twice is an error (exit 3)" {
	printf 'factor,weight\nroads,1\n' > w.csv
	alloc -b 1000 -w w.csv
	assert_failure 3
	assert_stderr --partial 'w.csv:2: "roads" is not a factor'
	printf 'factor,weight\narea,1.5\nhouseholds,-0.5\n' > w.csv
	alloc -b 1000 -w w.csv
	assert_failure 3
	assert_stderr --partial 'w.csv:3: weight "-0.5" of households is not a decimal >= 0'
	printf 'factor,weight\narea,0.5\narea,0.5\n' > w.csv
	alloc -b 1000 -w w.csv
	assert_failure 3
	assert_stderr --partial 'w.csv:3: factor area is listed twice'
}

# ---- errors -------------------------------------------------------------------

@test "a budget that is not a positive amount of 万元 is a usage error with the reason" {
	alloc -b 0
	assert_failure 2
	assert_stderr 'xq-allocate-funds: -b: "0" is not a positive amount of 万元'
	alloc -b -5
	assert_failure 2
	alloc -b 十万
	assert_failure 2
	assert_stderr 'xq-allocate-funds: -b: "十万" is not an amount of 万元'
	alloc -b 100.001
	assert_failure 2
	assert_stderr --partial 'has more than 2 decimals'
}

@test "no budget at all, no profile, an unknown scheme or two files are usage errors" {
	alloc
	assert_failure 2
	assert_stderr --partial 'no budget: give -b BUDGET'
	run --separate-stderr xq-allocate-funds -b 10 "$AF/plan.csv"
	assert_failure 2
	assert_stderr_line --index 0 'xq-allocate-funds: -p PROFILE is required'
	alloc -b 10 -m 2021
	assert_failure 2
	assert_stderr 'xq-allocate-funds: -m: "2021" is not a scheme (2019, 2020 or 2024)'
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 a.csv b.csv
	assert_failure 2
}

@test "a county in the stream that is not in the registry is an error naming the stream line and the source row (exit 3)" {
	{ cat "$AF/plan.csv"; echo '外县.csv,9,439999,外县,某小区,道路,1,1,1.00,1.00,1.00,,,,,in,pass'; } > plan.csv
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 -o out.csv plan.csv
	assert_failure 3
	assert_stderr --partial 'plan.csv:8 (外县.csv:9):county_code: "439999" is not in the registry'
	[ ! -e out.csv ]
}

@test "a negative fiscal coefficient is an error (exit 3)" {
	cp -r "$AF/hunan" prof
	sed -i 's/,1\.2$/,-1.2/' prof/counties.csv
	run --separate-stderr xq-allocate-funds -p prof -b 10 "$AF/plan.csv"
	assert_failure 3
	assert_stderr --partial 'fiscal_coef "-1.2" of 431226 麻阳苗族自治县 is not a decimal >= 0'
}

@test "a missing column, a bad number in a counted row or an unknown scope is an input error (exit 3)" {
	cut -d, -f1-6,8- "$AF/plan.csv" > nobuild.csv
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 nobuild.csv
	assert_failure 3
	assert_stderr --partial 'no column "buildings"'
	sed '3s/,100,6000.00,/,一百,6000.00,/' "$AF/plan.csv" > bad.csv
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 bad.csv
	assert_failure 3
	assert_stderr --partial 'bad.csv:3 (浏阳.csv:3):households: "一百" is not a whole number >= 0'
	sed '3s/,in,pass$/,maybe,pass/' "$AF/plan.csv" > bad.csv
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 bad.csv
	assert_failure 3
	assert_stderr --partial 'scope: "maybe" is not in, extended or out'
}

@test "a stream with no counted row allocates nothing: the whole budget is unallocated (exit 1)" {
	head -n 1 "$AF/plan.csv" > header.csv
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 -c county.csv -o out.csv header.csv
	assert_failure 1
	assert_stderr_line --partial 'no factor can be formed (no counted rows, or only rows of counties whose fiscal coefficient is 0): the whole budget 10.00万元 is unallocated'
	run cut -d, -f10 county.csv
	assert_output $'amount\n0.00\n0.00\n0.00'
	run cat out.csv
	assert_output "$(head -n 1 "$AF/plan.csv"),subsidy"
}

@test "a county table that cannot be written stops the run before the stream is written (exit 4)" {
	alloc -q -b 10 -c nodir/county.csv -o out.csv
	assert_failure 4
	assert_stderr --partial 'nodir/county.csv'
	[ ! -e out.csv ]
}

@test "an empty input is an error (exit 3)" {
	: > empty.csv
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 empty.csv
	assert_failure 3
	assert_stderr --partial 'empty input'
}

@test "a write error on standard output is exit 4 with a message" {
	run --separate-stderr bash -c 'xq-allocate-funds -q -p "$1" -b 10 "$2" > /dev/full' _ "$AF/hunan" "$AF/plan.csv"
	assert_failure 4
	assert_stderr --partial 'write error'
}

# ---- --log and --exit-zero (how the pipelines run it) ------------------------

@test "--log FILE holds byte for byte what stderr gets without it; stderr gets nothing, the status and outputs are the same, no temporary file is left" {
	local s=0
	printf 'county_code,performance\n430102,50\n431226,90\n999999,80\n' > s.csv
	xq-allocate-funds -p "$AF/hunan" -b 5000 -m 2020 -S s.csv -c plain.county \
		-o plain.out "$AF/plan.csv" 2> plain.err || s=$?
	assert_equal "$s" 1
	assert_equal "$(wc -l < plain.err)" 4   # two about scores, the unallocated money, the summary
	alloc --log a.log -b 5000 -m 2020 -S s.csv -c county.csv -o out.csv
	assert_failure 1
	assert_stderr ''
	assert_file_equal a.log plain.err
	assert_file_equal out.csv plain.out
	assert_file_equal county.csv plain.county
	run compgen -G '*.tmp*'
	assert_failure
	# --explain on stdout is not in the log
	alloc --log e.log -b 1000.01 -m 2019 --explain 430181
	assert_success
	assert_stderr ''
	assert_output --partial '430181'
	assert_equal "$(wc -l < e.log)" 1
	grep -q '^xq-allocate-funds: scheme 2019, budget 1000.01万元' e.log
}

@test "--exit-zero: unallocated money exits 0; a missing column still exits 3, on stderr even with --log" {
	alloc --exit-zero --log a.log -b 5000 -m 2019 -c county.csv -o out.csv
	assert_success
	assert_stderr ''
	grep -q '2900.00万元 is unallocated: 3 counties received more than their rows ask' a.log
	run csv_column unallocated county.csv
	assert_output $'1200.00\n850.00\n850.00'
	cut -d, -f1-6,8- "$AF/plan.csv" > nobuild.csv
	run --separate-stderr xq-allocate-funds -p "$AF/hunan" -b 10 --exit-zero \
		--log bad.log -c county2.csv -o out2.csv nobuild.csv
	assert_failure 3
	assert_stderr 'xq-allocate-funds: nobuild.csv: no column "buildings" (the plan stream of xq-validate has it)'
	assert_equal "$(cat bad.log)" "$stderr"
	[[ ! -e out2.csv && ! -e county2.csv ]]
	run compgen -G '*.tmp*'
	assert_failure
}

@test "--log into a folder that is not there is exit 4 with the message on stderr, and no output is written" {
	alloc --log nothere/a.log -b 10 -c county.csv -o out.csv
	assert_failure 4
	assert_stderr 'xq-allocate-funds: nothere/a.log: No such file or directory'
	[[ ! -e out.csv && ! -e county.csv && ! -e nothere ]]
}

# ---- streams ------------------------------------------------------------------

@test "standard input gives the same bytes as the file; the same input gives byte-identical output" {
	alloc -q -b 1000.01 -o a.csv -c ta.csv
	run --separate-stderr bash -c 'xq-allocate-funds -q -p "$1" -b 1000.01 -c tb.csv < "$2" > b.csv' _ "$AF/hunan" "$AF/plan.csv"
	assert_success
	assert_file_equal b.csv a.csv
	assert_file_equal tb.csv ta.csv
	# a pipe cannot be read twice: it is copied first
	run --separate-stderr bash -c 'cat "$2" | xq-allocate-funds -q -p "$1" -b 1000.01 -c tp.csv > p.csv' _ "$AF/hunan" "$AF/plan.csv"
	assert_success
	assert_file_equal p.csv a.csv
	assert_file_equal tp.csv ta.csv
	alloc -q -b 1000.01 -o c.csv
	assert_file_equal c.csv a.csv
}

@test "CRLF or BOM input goes through the CSV reader and gives the stream the line path gives" {
	alloc -q -b 1000.01 -o lf.csv
	crlf "$AF/plan.csv" > crlf.csv
	bom "$AF/plan.csv" > bom.csv
	run --separate-stderr xq-allocate-funds -q -p "$AF/hunan" -b 1000.01 -o out1.csv crlf.csv
	assert_success
	assert_file_equal out1.csv lf.csv
	run --separate-stderr xq-allocate-funds -q -p "$AF/hunan" -b 1000.01 -o out2.csv bom.csv
	assert_success
	assert_file_equal out2.csv lf.csv
}

@test "a subsidy column already in the input is replaced: a second run over the output gives the output" {
	alloc -q -b 1000.01 -o once.csv
	run --separate-stderr xq-allocate-funds -q -p "$AF/hunan" -b 1000.01 -o twice.csv once.csv
	assert_success
	assert_file_equal twice.csv once.csv
}

@test "--excel writes the county table with a BOM and CRLF" {
	alloc -q -b 1000 -c county.csv --excel
	assert_success
	run head -c 3 county.csv
	assert_output $'\xef\xbb\xbf'
	run grep -c $'\r$' county.csv
	assert_output 4
}

@test "--help prints the usage, the man page's SYNOPSIS, and exits 0; --version; a bad option exits 2" {
	run xq-allocate-funds --help
	assert_success
	assert_line --index 0 'usage: xq-allocate-funds [-q] -p PROFILE [-b BUDGET] [-S SCORES]'
	assert_usage_is_synopsis xq-allocate-funds
	run xq-allocate-funds --version
	assert_success
	assert_output --regexp '^xq-allocate-funds \(xiaoqu\) '
	run --separate-stderr xq-allocate-funds --bogus
	assert_failure 2
}

# ---- the manual ---------------------------------------------------------------

@test "the manual is mandoc -T lint clean" {
	run mandoc -T lint -W warning "$ROOT/man/xq-allocate-funds.1"
	assert_success
	assert_output ''
}

@test "the worked examples of xq-allocate-funds(1) give what the manual shows" {
	awk -f "$AF/man-examples.awk" "$ROOT/man/xq-allocate-funds.1"
	[ -f cmd.5 ]
	for cmd in cmd.*; do
		n=${cmd#cmd.}
		line=$(cat "$cmd")
		if [[ $line == "cat "* ]]; then
			mkdir -p "$(dirname "${line#cat }")"
			cp "out.$n" "${line#cat }"
		else
			run bash -c "$line"
			assert_success
			printf '%s\n' "$output" > "got.$n"
			assert_file_equal "got.$n" "out.$n"
		fi
	done
}

# ---- properties over random cases ---------------------------------------------

# case_gen SEED: generates case SEED into the current directory
# (gen-case.awk: profile/, plan.csv, scores.csv) and sets BUDGET and SCHEME.
# case_run [ARGS...]: runs xq-allocate-funds on it with ARGS, writing
# county.csv and out.csv; exit 0 or 1 is a finished run.
case_gen() {
	rm -rf profile && mkdir profile && : > stderr.txt
	read -r BUDGET SCHEME < <(awk -v seed="$1" -v dir=. -f "$AF/gen-case.awk")
}
case_run() {
	local st=0
	xq-allocate-funds -q -p profile -b "$BUDGET" -m "$SCHEME" -S scores.csv \
		-c county.csv -o out.csv "$@" plan.csv 2>>stderr.txt || st=$?
	if ((st > 1)); then
		echo "seed $seed: exit $st" >&2
		cat stderr.txt >&2
		return 1
	fi
}
# amounts FILE: county_code and amount of a county table.
amounts() {
	cut -d, -f1,10 "$1"
}

@test "property: the county amounts add up to the budget, and each county's rows and unallocated money to its amount" {
	for ((seed = 1; seed <= CASES; seed++)); do
		case_gen "$seed"
		case_run
		result=$(awk -v budget="$BUDGET" -f "$AF/check-sums.awk" county.csv out.csv) || true
		[ "$result" = ok ] || fail "seed $seed (budget $BUDGET, scheme $SCHEME): $result"
	done
}

@test "property: more households in one row, all else equal, never gives its county less money" {
	for ((seed = 1; seed <= CASES; seed++)); do
		case_gen "$seed"
		case_run
		# the first counted row, its households raised by 1 to 500
		awk -F, -v OFS=, -v seed="$seed" 'BEGIN { srand(seed) }
			NR > 1 && !done && $12 != "out" && $13 == "pass" {
				$4 += 1 + int(rand() * 500); done = 1; print $1 > "bumped.code" }
			{ print }' plan.csv > more.csv
		[ -s bumped.code ] || continue
		code=$(cat bumped.code)
		rm bumped.code
		old=$(awk -F, -v c="$code" '$1 == c { gsub(/\./, "", $10); print $10 }' county.csv)
		xq-allocate-funds -q -p profile -b "$BUDGET" -m "$SCHEME" -S scores.csv -c county2.csv more.csv > /dev/null 2>&1 || (($? == 1))
		new=$(awk -F, -v c="$code" '$1 == c { gsub(/\./, "", $10); print $10 }' county2.csv)
		((10#$new >= 10#$old)) || fail "seed $seed: county $code got $new cents with more households, $old before"
	done
}

@test "property: scaling every county's quantities by the same factor (each row k times) changes no share or amount" {
	for ((seed = 1; seed <= CASES; seed++)); do
		case_gen "$seed"
		case_run
		k=$((2 + seed % 3))
		awk -v k="$k" 'NR == 1 { print; next } { for (i = 0; i < k; i++) print }' plan.csv > scaled.csv
		xq-allocate-funds -q -p profile -b "$BUDGET" -m "$SCHEME" -S scores.csv -c county2.csv scaled.csv > /dev/null 2>&1 || (($? == 1))
		cmp -s <(cut -d, -f1,9,10 county.csv) <(cut -d, -f1,9,10 county2.csv) ||
			fail "seed $seed: scaling by $k changed the allocation: $(diff <(cut -d, -f1,9,10 county.csv) <(cut -d, -f1,9,10 county2.csv))"
	done
}

@test "property: a factor of weight 0 has no effect" {
	factors=(area households buildings)
	cols=(5 4 3)   # area_m2, households, buildings in gen-case.awk's plan
	for ((seed = 1; seed <= CASES; seed++)); do
		case_gen "$seed"
		z=$((seed % 3))
		# random weights over the other factors, in hundredths adding up to 100
		awk -v seed="$seed" -v zero="${factors[z]}" 'BEGIN {
			srand(seed); split("area households buildings communities performance", f)
			print "factor,weight"; left = 100
			for (i = 1; i <= 5; i++) {
				if (f[i] == zero) { print f[i] ",0"; continue }
				w = (i == 5 || (i == 4 && zero == "performance")) ? left : int(rand() * (left + 1))
				left -= w; printf "%s,%d.%02d\n", f[i], w / 100, w % 100 }
		}' > w.csv
		case_run -w w.csv
		awk -F, -v OFS=, -v c="${cols[z]}" -v seed="$seed" 'BEGIN { srand(seed + 1) }
			NR > 1 { $c = (c == 5) ? sprintf("%d.%02d", 1 + int(rand() * 99999), int(rand() * 100)) : 1 + int(rand() * 400) }
			{ print }' plan.csv > changed.csv
		xq-allocate-funds -q -p profile -b "$BUDGET" -m "$SCHEME" -S scores.csv -w w.csv -c county2.csv changed.csv > /dev/null 2>&1 || (($? == 1))
		cmp -s <(amounts county.csv) <(amounts county2.csv) ||
			fail "seed $seed: changing ${factors[z]} (weight 0) changed the amounts"
	done
}

@test "property: a single county with rows gets the whole budget" {
	for ((seed = 1; seed <= CASES; seed++)); do
		case_gen "$seed"
		# keep the rows of the county of the first counted row
		code=$(awk -F, 'NR > 1 && $12 != "out" && $13 == "pass" { print $1; exit }' plan.csv)
		[ -n "$code" ] || continue
		coef=$(awk -F, -v c="$code" '$1 == c { print $4 }' profile/counties.csv)
		[[ $coef != 0 ]] || continue
		awk -F, -v c="$code" 'NR == 1 || $1 == c' plan.csv > one.csv
		xq-allocate-funds -q -p profile -b "$BUDGET" -m "$SCHEME" -S scores.csv -c county.csv one.csv > /dev/null 2>&1 || (($? == 1))
		got=$(awk -F, -v c="$code" '$1 == c { print $10 }' county.csv)
		others=$(awk -F, -v c="$code" 'NR > 1 && $1 != c && $10 != "0.00"' county.csv)
		[ "$got" = "$BUDGET" ] && [ -z "$others" ] ||
			fail "seed $seed: county $code got $got of $BUDGET; others: $others"
	done
}

@test "property: the amounts and subsidies are those of an independent exact reimplementation (oracle.py)" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	for ((seed = 1; seed <= CASES; seed++)); do
		mkdir "case.$seed" && cd "case.$seed"
		case_gen "$seed"
		echo "$BUDGET $SCHEME" > args
		case_run
		{ amounts county.csv | tail -n +2; awk -F, 'NR > 1 { print "row " NR - 1 "," $NF }' out.csv; } > tool.txt
		cd ..
	done
	python3 "$AF/oracle.py" --cases case.*
	for ((seed = 1; seed <= CASES; seed++)); do
		cmp -s "case.$seed/tool.txt" "case.$seed/oracle.txt" ||
			fail "seed $seed ($(cat "case.$seed/args")): $(diff "case.$seed/tool.txt" "case.$seed/oracle.txt" | head -5)"
	done
}
