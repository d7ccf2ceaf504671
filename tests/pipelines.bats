#!/usr/bin/env bats
# pipelines.bats - make plan and make evaluation end to end (SPEC §5): the
# outputs, the published totals, the balance, the money, the evaluation that
# feeds the allocation, incremental rebuilds, interruption, make -j, STRICT,
# and .xlsx submissions.
#
# make runs in the repository (make -C), on copies of the sample profiles in
# the test's own directory, with OUTDIR there: nothing is written to out/.
# setup_file runs jilin-2020 (and with it the jilin-2019 evaluation) and
# xianning-2024 once, into $BATS_FILE_TMPDIR/out; the tests that only read
# outputs read those, the others make their own. The filters run are those
# of $XQ_BIN (XQ=), so the sanitizer build runs these tests too.

load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd -P)
SAMPLES=$BATS_FILE_TMPDIR/samples
REF=$BATS_FILE_TMPDIR/out
FILTERS=(xq-validate xq-dedupe xq-classify-scope xq-allocate-funds
	xq-score-performance xq-summarize)

# xq_make ARG...: make in the repository with the filters under test.
xq_make() {
	local bin san=()
	bin=$(cd "$XQ_BIN" && pwd -P)
	[[ $bin != "$ROOT/build/san/bin" ]] || san=(SAN=1)
	make -C "$ROOT" --no-print-directory "${san[@]}" XQ="$bin" "$@"
}

# plan PROFILE ARG...: make plan on the copy of PROFILE in $SAMPLES, with the
# outputs under ./out (run, stderr apart).
plan() {
	local profile=$1
	shift
	run --separate-stderr xq_make plan PROFILE_DIR="$SAMPLES/$profile" \
		OUTDIR="$PWD/out" "$@"
}

setup_file() {
	mkdir -p "$SAMPLES"
	cp -R "$ROOT"/samples/{jilin-2019,jilin-2020,xianning-2024} "$SAMPLES"
	local p
	for p in jilin-2020 xianning-2024; do
		xq_make plan PROFILE_DIR="$SAMPLES/$p" OUTDIR="$REF" \
			2> "$BATS_FILE_TMPDIR/$p.stderr" && s=0 || s=$?
		echo "$s" > "$BATS_FILE_TMPDIR/$p.status"
	done
}

# total_row PROFILE: the 合计 row of the reference run's plan-table.csv.
total_row() {
	grep '^合计,' "$REF/$1/plan-table.csv"
}

# cents FILE COLUMN: the sum of a money column, in 0.01万元, added as integers.
cents() {
	csv_column "$2" "$1" |
		awk '{ split($0, p, "."); n += p[1] * 100 + substr(p[2] "00", 1, 2) }
		END { printf "%d\n", n }'
}

# wrap_filters DIR [PAUSE]: DIR/xq-* run the filters under test, each first
# adding "NAME ARGS" to DIR/calls and, with PAUSE, sleeping PAUSE seconds
# before and after (a run slow enough to be interrupted half way).
wrap_filters() {
	local dir=$PWD/$1 pause=${2:-} real name
	mkdir -p "$dir"
	for name in "${FILTERS[@]}"; do
		real=$XQ_BIN/$name
		{
			echo '#!/bin/sh'
			echo "echo \"$name \$*\" >> '$dir/calls'"
			[[ -z $pause ]] || echo "sleep $pause"
			echo "'$real' \"\$@\"; s=\$?"
			[[ -z $pause ]] || echo "sleep $pause"
			echo 'exit $s'
		} > "$dir/$name"
		chmod +x "$dir/$name"
	done
	: > "$dir/calls"
}

# mtimes DIR: "NAME MTIME" for every file in DIR but the bookkeeping *.src,
# in nanoseconds.
mtimes() {
	find "$1" -maxdepth 1 -type f ! -name '*.src' -printf '%P %T@\n' | sort
}

# same_as REF DIR: every file under DIR but the temporary ones (*.tmp*, dot
# files) is byte for byte the file of that name under REF; the bookkeeping
# files that name the paths of this run (*.src, submissions.list, and the
# parts' stamps, valid.part1 ...) aside.
same_as() {
	local f bad=
	while IFS= read -r f; do
		case $f in
		*.tmp* | .* | */.* | *.src | submissions.list | *.part[0-9]*) continue ;;
		esac
		cmp -s "$1/$f" "$2/$f" || bad+=" $f"
	done < <(find "$2" -type f -printf '%P\n')
	[[ -z $bad ]] || fail "differ from a whole run:$bad"
}

# ---- outputs ----------------------------------------------------------------

@test "make plan writes the plan, its tables and the side files, and exits 0" {
	local p f
	for p in jilin-2020 xianning-2024; do
		assert_equal "$(cat "$BATS_FILE_TMPDIR/$p.status")" 0
		for f in plan.csv plan-table.csv plan.txt allocation.csv rejects.csv \
			duplicates.csv exceptions.csv; do
			[[ -s $REF/$p/$f ]] || fail "$p/$f is missing or empty"
		done
	done
	run cat "$BATS_FILE_TMPDIR/jilin-2020.stderr"
	assert_line 'plan: 1990 records in = 1945 in the plan + 30 rejected + 11 duplicates + 4 exceptions'
	assert_line 'plan: 150000.00万元 budget = 150000.00 to plan rows + 0.00 unallocated'
}

@test "jilin-2020: the province total is 1945 communities and 270,000 ± 1,000 households" {
	IFS=, read -r label _ _ communities _ households _ < <(total_row jilin-2020)
	assert_equal "$label" 合计
	assert_equal "$communities" 1945
	((households >= 269000 && households <= 271000)) ||
		fail "households $households"
	assert_equal "$households" 270000
}

@test "xianning-2024: 434 communities, 8640 buildings, 74857 households, 874.32万㎡, 227200万元" {
	run total_row xianning-2024
	assert_output --regexp '^合计,,,434,8640,74857,874\.32,227200\.00,'
}

# ---- the balance and the money --------------------------------------------------

@test "records in = plan + rejected + duplicates + exceptions, each counted from its file" {
	local o=$REF/jilin-2020 line
	line=$(grep ' records in = ' "$BATS_FILE_TMPDIR/jilin-2020.stderr")
	[[ $line =~ ^plan:\ ([0-9]+)\ records\ in\ =\ ([0-9]+)\ in\ the\ plan\ \+\ ([0-9]+)\ rejected\ \+\ ([0-9]+)\ duplicates\ \+\ ([0-9]+)\ exceptions$ ]] ||
		fail "no balance line: $line"
	local in=${BASH_REMATCH[1]} planned=${BASH_REMATCH[2]} rejected=${BASH_REMATCH[3]}
	local dropped=${BASH_REMATCH[4]} exceptions=${BASH_REMATCH[5]}
	assert_equal "$in" $((planned + rejected + dropped + exceptions))
	assert_equal "$planned" $(($(wc -l < "$o/plan.csv") - 1))
	assert_equal "$exceptions" $(($(wc -l < "$o/exceptions.csv") - 1))
	assert_equal "$dropped" "$(csv_column action "$o/duplicates.csv" | grep -c '^dropped$')"
	# a record with two problems has two rows in rejects.csv
	assert_equal "$rejected" "$(paste -d: <(csv_column source "$o/rejects.csv") \
		<(csv_column line "$o/rejects.csv") | sort -u | wc -l)"
	# the 30 errors seeded in the sample (samples/jilin-2020/SEEDED-ERRORS.md)
	assert_equal "$rejected" 30
}

@test "make audit checks every equation of the balance and passes" {
	run --separate-stderr xq_make audit PROFILE_DIR="$SAMPLES/jilin-2020" OUTDIR="$REF"
	assert_success
	assert_stderr_line --partial 'plan: ok: records read = valid + rejected'
	assert_stderr_line --partial 'plan: ok: valid = kept + dropped duplicates'
	assert_stderr_line --partial 'plan: ok: kept = plan + exceptions'
	assert_stderr_line --partial 'plan: ok: county amounts = budget'
	assert_stderr_line --partial 'plan: ok: row subsidies + unallocated = county amounts'
	refute_stderr --partial 'does not hold'
}

@test "the county amounts of allocation.csv add up to the budget to the cent" {
	assert_equal "$(cents "$REF/jilin-2020/allocation.csv" amount)" 15000000
	assert_equal "$(cents "$REF/xianning-2024/allocation.csv" amount)" 4544000
	# and the rows' subsidies to the same, less what was left unallocated
	assert_equal $(($(cents "$REF/jilin-2020/plan.csv" subsidy) + \
		$(cents "$REF/jilin-2020/allocation.csv" unallocated))) 15000000
}

# ---- the evaluation ----------------------------------------------------------------

@test "make evaluation writes the jilin-2019 scores that jilin-2020's allocation reads" {
	run --separate-stderr xq_make evaluation PROFILE_DIR="$SAMPLES/jilin-2019" \
		OUTDIR="$REF"
	assert_success
	local e=$REF/jilin-2019/evaluation.csv a=$REF/jilin-2020/allocation.csv
	[[ -s $REF/jilin-2019/evaluation.txt ]]
	assert_equal "$(csv_column performance "$e" | grep -c '^[0-9][0-9.]*$')" 47
	# every county's performance in the allocation is its 2019 score
	run diff <(paste -d, <(csv_column county_code "$e") \
		<(csv_column performance "$e") | sort) \
		<(paste -d, <(csv_column county_code "$a") \
		<(csv_column performance "$a") | sort)
	assert_success
}

# ---- incremental, parallel, interrupted -----------------------------------------------

@test "a second make plan runs no filter and writes nothing" {
	cp -a "$REF" out   # the run of setup_file, times and all
	wrap_filters xq
	touch marker
	plan jilin-2020 XQ="$PWD/xq"
	assert_success
	# (the balance counts duplicates.csv with xq-summarize -g action)
	assert_equal "$(grep -v '^xq-summarize -g action ' xq/calls)" ''
	assert_equal "$(find out -type f -newer marker)" ''
	run xq_make -n plan PROFILE_DIR="$SAMPLES/jilin-2020" OUTDIR="$PWD/out"
	assert_success
	refute_output --partial 'xq-'
}

# own_jilin: copies of jilin-2019 and jilin-2020 here, for the test to
# change (SAMPLES points at them), and their plan made.
own_jilin() {
	cp -R "$SAMPLES"/{jilin-2019,jilin-2020} .
	SAMPLES=$PWD
	plan jilin-2020 "$@"
	assert_success
}

# validated_alone CALLS NAME: how many of xq-validate --each's runs in the
# wrapped filters' CALLS file were given NAME.csv as their last sheet.
validated_alone() {
	grep -c "^xq-validate .*--each .*/$2\.csv\$" "$1"
}

@test "a changed submission redoes only itself, the merge and what follows" {
	wrap_filters xq
	own_jilin XQ="$PWD/xq"
	before=$(mtimes out/jilin-2020/valid)
	: > xq/calls
	touch jilin-2020/submissions/东丰县.csv
	plan jilin-2020 XQ="$PWD/xq"
	assert_success
	# one county validated again, then one merge, dedupe, classify,
	# allocate and the two tables; not the 2019 evaluation
	run bash -c "grep -v '^xq-summarize -g action ' xq/calls | cut -d' ' -f1"
	assert_output "$(printf '%s\n' xq-validate xq-validate xq-dedupe \
		xq-classify-scope xq-allocate-funds xq-summarize xq-summarize)"
	run grep -c '东丰县.csv$' xq/calls
	assert_output 1
	# only 东丰县's stream, rejects and log are new; the other 46 are as they were
	after=$(mtimes out/jilin-2020/valid)
	assert_equal "$(grep -c '\.csv ' <<< "$after")" 47
	run comm -13 <(echo "$before") <(echo "$after")
	assert_equal "$(cut -d' ' -f1 <<< "$output")" \
		"$(printf '%s\n' 东丰县.csv 东丰县.log 东丰县.rejects)"
}

@test "a county's validated output taken away is made again, and only it" {
	cp -a "$REF" out
	wrap_filters xq
	rm out/jilin-2020/valid/东辽县.log
	plan jilin-2020 XQ="$PWD/xq"
	assert_success
	run grep '^xq-validate .*--each' xq/calls
	assert_success
	# the operands after the log's name: 东辽县's submission alone
	local files=${output##*%.log }
	assert_equal "${files##*/}" 东辽县.csv
	[[ $files != *' '* ]] || fail "validated: $files"
	same_as "$REF/jilin-2020" out/jilin-2020
}

# validated CALLS: the sheets xq-validate --each was given, in the wrapped
# filters' CALLS file.
validated() {
	grep '^xq-validate .*--each ' "$1" | sed 's/.*%\.log //' | tr ' ' '\n' | grep -c .
}

@test "YEAR= given, and a file of the profile changed, validate every county again" {
	wrap_filters xq
	own_jilin XQ="$PWD/xq"
	run validated xq/calls
	assert_output 141   # jilin-2019's submissions and progress reports, jilin-2020's
	: > xq/calls
	plan jilin-2020 XQ="$PWD/xq" YEAR=2020
	assert_success
	run validated xq/calls
	assert_output 47
	: > xq/calls
	touch jilin-2020/rules.csv
	plan jilin-2020 XQ="$PWD/xq" YEAR=2020
	assert_success
	run validated xq/calls
	assert_output 47
	# and every step after it: a rule may have changed
	run grep -c '^xq-classify-scope ' xq/calls
	assert_output 1
	: > xq/calls
	plan jilin-2020 XQ="$PWD/xq" YEAR=2020
	assert_success
	run validated xq/calls
	assert_output 0
}

@test "a make plan killed (SIGKILL) as it validates leaves nothing that passes for done" {
	own_jilin
	touch jilin-2020/submissions/东丰县.csv
	# an xq-validate that kills the make that started it, as it starts
	mkdir killer
	cp "$XQ_BIN"/xq-* killer/
	printf '#!/bin/sh\nkill -KILL $PPID\nsleep 1\nexit 1\n' > killer/xq-validate
	plan jilin-2020 XQ="$PWD/killer"
	assert_equal "$status" 137
	# the next run validates the changed sheet
	wrap_filters xq
	plan jilin-2020 XQ="$PWD/xq"
	assert_success
	run validated_alone xq/calls 东丰县
	assert_output 1
	same_as "$REF/jilin-2020" out/jilin-2020
}

@test "make -n plan changes nothing: the make plan after it validates what changed" {
	own_jilin
	touch jilin-2020/submissions/东丰县.csv
	touch marker
	run xq_make -n plan PROFILE_DIR="$SAMPLES/jilin-2020" OUTDIR="$PWD/out"
	assert_success
	assert_output --partial '--each'
	# (the bookkeeping notes the file's new time: that is not an output)
	assert_equal "$(find out -newer marker ! -name '*.src')" ''
	wrap_filters xq
	plan jilin-2020 XQ="$PWD/xq"
	assert_success
	run validated_alone xq/calls 东丰县
	assert_output 1
}

@test "a submission taken away leaves the plan, and one replaced by an older file is read again" {
	cp -R "$SAMPLES/xianning-2024" .
	SAMPLES=$PWD
	plan xianning-2024
	assert_success
	mv xianning-2024/submissions/通山县.csv .
	plan xianning-2024
	assert_success
	[[ ! -e out/xianning-2024/valid/通山县.csv ]]
	refute_output --partial 通山县
	run grep -c '^通山县\.csv,' out/xianning-2024/plan.csv
	assert_output 0
	# back, as a copy older than every output: make's times alone would miss it
	cp 通山县.csv xianning-2024/submissions/
	touch -d 2001-01-01 xianning-2024/submissions/通山县.csv
	plan xianning-2024
	assert_success
	same_as "$REF/xianning-2024" out/xianning-2024
}

@test "make -j2 plan writes the same bytes as make plan" {
	plan jilin-2020 -j2
	assert_success
	same_as "$REF/jilin-2020" out/jilin-2020
	same_as "$REF/jilin-2019" out/jilin-2019
	[[ -s out/jilin-2020/plan.csv ]]
}

@test "an interrupted make plan leaves no half-written output, and the next run finishes" {
	# each filter 0.4 s slower: the counties (two parts side by side), the
	# merge, dedupe, classify, allocate and the tables take about 2.4 s
	wrap_filters slow 0.2
	local t
	for t in 0.3 1.0 1.7; do
		rm -rf out
		run timeout -s INT "$t" make -C "$ROOT" --no-print-directory -j2 plan \
			PROFILE_DIR="$SAMPLES/xianning-2024" OUTDIR="$PWD/out" XQ="$PWD/slow"
		assert_equal "$status" 124
		[[ ! -e out/xianning-2024/plan-table.csv ]] ||
			fail "interrupted at ${t}s, but the run had finished"
		# what is there under its own name is whole: what a whole run writes
		same_as "$REF/xianning-2024" out/xianning-2024
		plan xianning-2024
		assert_success
		same_as "$REF/xianning-2024" out/xianning-2024
		run find out -name '*.tmp*'
		assert_output ''
	done
}

# ---- STRICT ----------------------------------------------------------------------

@test "STRICT=1 fails a plan with rejected records, after writing every output" {
	run --separate-stderr xq_make plan STRICT=1 PROFILE_DIR="$SAMPLES/jilin-2020" \
		OUTDIR="$REF"
	assert_failure
	assert_stderr_line "plan: STRICT=1: 30 records rejected, listed in $REF/jilin-2020/rejects.csv"
	assert_stderr_line --partial 'plan: 1990 records in = '
	[[ -s $REF/jilin-2020/plan.csv ]]
	assert_equal "$(wc -l < "$REF/jilin-2020/rejects.csv")" 33
}

@test "STRICT=1 passes a plan with exceptions but no rejected record" {
	run --separate-stderr xq_make plan STRICT=1 PROFILE_DIR="$SAMPLES/xianning-2024" \
		OUTDIR="$REF"
	assert_success
	assert_stderr_line 'plan: 439 records in = 434 in the plan + 0 rejected + 0 duplicates + 5 exceptions'
}

@test "STRICT=1 passes an evaluation whose progress reports are all valid" {
	run --separate-stderr xq_make evaluation STRICT=1 \
		PROFILE_DIR="$SAMPLES/jilin-2019" OUTDIR="$REF"
	assert_success
	assert_stderr_line "evaluation: wrote $REF/jilin-2019/evaluation.csv and $REF/jilin-2019/evaluation.txt"
}

@test "STRICT=1 fails an evaluation with a rejected progress record, after writing every output" {
	cp -R "$SAMPLES"/jilin-2019 .
	# a completion date that no calendar has
	echo '220422,东辽县,富民小区二期,2019,完工,2019/4/7,2019/5/1,2019/2/30,10.00,10.00,10.00,90,否,是' \
		>> jilin-2019/progress/东辽县.csv
	run --separate-stderr xq_make evaluation STRICT=1 \
		PROFILE_DIR="$PWD/jilin-2019" OUTDIR="$PWD/out"
	assert_failure
	assert_stderr_line "evaluation: STRICT=1: 1 progress records rejected, listed in $PWD/out/jilin-2019/progress-rejects.csv"
	assert_equal "$(csv_column performance out/jilin-2019/evaluation.csv | grep -c .)" 47
	[[ -s out/jilin-2019/evaluation.txt ]]
	run grep -c '2019/2/30' out/jilin-2019/progress-rejects.csv
	assert_output 1
	# without STRICT the same run is a success
	run --separate-stderr xq_make evaluation PROFILE_DIR="$PWD/jilin-2019" OUTDIR="$PWD/out"
	assert_success
}

# ---- SUBMISSIONS=DIR and .xlsx ---------------------------------------------------------

@test "an .xlsx written by a spreadsheet program is converted and validated like a CSV" {
	command -v ssconvert > /dev/null || skip "gnumeric (ssconvert) is not installed"
	mkdir inbox
	cp "$SAMPLES"/xianning-2024/submissions/*.csv inbox/
	# gnumeric writes the .xlsx from its own file: a date shown as 1989年3月5日,
	# a cell with a line break, an 18-digit code as text, percentages, a 合计
	# row of formulas, and a second sheet open when the file was saved
	ssconvert "$FIX/pipelines/咸安区补报.gnumeric" inbox/咸安区补报.xlsx 2> /dev/null
	plan xianning-2024 SUBMISSIONS="$PWD/inbox"
	assert_success
	assert_stderr_line 'plan: 咸安区补报.xlsx: 2 sheets; the first is read'
	assert_stderr_line 'plan: 441 records in = 436 in the plan + 0 rejected + 0 duplicates + 5 exceptions'
	local o=out/xianning-2024
	# the first sheet as it shows, the date as yyyy/mm/dd, the code whole
	run sed -n 4,5p $o/xlsx/咸安区补报.csv
	assert_line -n 0 '1,421202,咸安区,温泉街道,桂花苑,金桂路12号,1989/03/05,6,96,7210.5,"楼道革命：楼道粉刷、楼道照明'
	assert_line -n 1 '环境革命：增设停车位、雨污分流",320.25,0.86,202442120200000017,是,是,是,是,是,是'
	# in the plan: line 4 (the line break makes the next record start on 6)
	run grep '^咸安区补报\.csv,' $o/plan.csv
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '咸安区补报.csv,4,421202,咸安区,咸宁市,温泉街道,桂花苑,金桂路12号,1989,6,96,7210.50,楼道革命：楼道粉刷、楼道照明\n环境革命：增设停车位、雨污分流,320.25,'
	assert_line -n 1 --partial '咸安区补报.csv,6,421202,咸安区,咸宁市,永安街道,东方小区,'
	# the code and the percentage in the stream
	{ head -n 1 $o/valid.csv; grep '^咸安区补报\.csv,4,' $o/valid.csv; } > row.csv
	assert_equal "$(csv_column 备注 row.csv)" 202442120200000017
	assert_equal "$(csv_column consent_pct row.csv)" 86
	run tail -n 1 $o/plan-table.csv
	assert_output --regexp '^合计,,,436,8650,75013,'
}

@test "X.csv beside X.xlsx is an error that names them" {
	mkdir inbox
	cp "$SAMPLES"/xianning-2024/submissions/*.csv inbox/
	: > inbox/嘉鱼县.xlsx
	plan xianning-2024 SUBMISSIONS="$PWD/inbox"
	assert_failure
	assert_stderr --partial "has both .csv and .xlsx for 嘉鱼县"
	[[ ! -e out/xianning-2024/plan.csv ]]
}

@test "files that are neither .csv nor .xlsx are named and left alone" {
	mkdir inbox
	cp "$SAMPLES"/xianning-2024/submissions/*.csv inbox/
	: > inbox/说明.docx
	: > 'inbox/~$嘉鱼县.xlsx'
	plan xianning-2024 SUBMISSIONS="$PWD/inbox"
	assert_success
	assert_stderr_line "plan: left alone in $PWD/inbox (only *.csv and *.xlsx are read): ~\$嘉鱼县.xlsx 说明.docx"
	same_as "$REF/xianning-2024" out/xianning-2024
}

@test "money no plan row can take is reported as unallocated, and the audit still balances" {
	mkdir inbox
	cp "$SAMPLES/xianning-2024/submissions/嘉鱼县.csv" inbox/
	plan xianning-2024 SUBMISSIONS="$PWD/inbox"
	assert_success
	# one county gets the whole budget, but its rows ask for less than that
	assert_stderr_line 'plan: 45440.00万元 budget = 19943.97 to plan rows + 25496.03 unallocated'
	run --separate-stderr xq_make audit PROFILE_DIR="$SAMPLES/xianning-2024" \
		OUTDIR="$PWD/out" SUBMISSIONS="$PWD/inbox"
	assert_success
	assert_stderr_line --partial 'plan: ok: row subsidies + unallocated = county amounts'
}
