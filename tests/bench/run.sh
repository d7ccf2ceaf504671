#!/usr/bin/env bash
# tests/bench/run.sh [ROWS] - make bench: throughput and peak memory of the
# filters beside `wc -l` and Miller, on a generated national submission.
#
# Run from the top of the repository (make bench [ROWS=n] does). ROWS is the
# number of data rows (default 1000000, about 170 MB). Builds
# tests/bench/genbench.c into out/bench/, generates the input once (again
# when ROWS or the generator changes), then times every command with
# /usr/bin/time -v and prints a table and the bars of the issue. A FAIL is
# reported, not an error: the script exits 0 unless it cannot run at all.
#
# The filters run one after the other on each other's output (submission.csv
# -> valid.csv -> deduped.csv -> scoped.csv -> plan.csv), then as one
# pipeline, then `make plan` on the sample province: this removes and makes
# again out/jilin-2020 and out/jilin-2019. Last, classify-scope's summary
# line on each sample province (how many items no rule matched).
#
# Environment:
#   BENCH_REPEAT=n  run each command n times, keep the best wall time and the
#                   largest peak RSS (default 1)
#   BENCH_MLR=0     leave Miller out
#   BENCH_MLR_ROWS=n  Miller's DSL jobs (validate.mlr, classify-scope.mlr,
#                   the pipeline) run on the first n rows only (default
#                   10000): a few hundred to a few thousand rows a second
#   CC              the compiler for genbench (default cc)
#
# A command in the variable before runs (untimed) before each run of one.
# To add a filter, one line after the others:
#   input=$out/valid.csv measure xq-dedupe bin/xq-dedupe -o "$out/dedupe.csv" "$out/valid.csv"
# MB/s is the size of $input over the wall time (none when input is empty). A
# pipeline can be timed as measure NAME bash -c '...'; its peak RSS is then
# that of its largest process.
set -eu -o pipefail

usage() {
	echo "usage: tests/bench/run.sh [ROWS]" >&2
	exit 2
}

[ $# -le 1 ] || usage
rows=${1:-1000000}
case $rows in '' | *[!0-9]*) usage ;; esac
rows=$((10#$rows))
[ "$rows" -ge 1 ] || usage
if [ ! -f tests/bench/genbench.c ]; then
	echo "run.sh: run me from the top of the xiaoqu repository" >&2
	exit 2
fi
if [ ! -x /usr/bin/time ]; then
	echo "run.sh: needs GNU time (/usr/bin/time): sudo apt-get install -y time" >&2
	exit 2
fi

out=out/bench
prof=$out/profile
sub=$out/submission.csv
gen=$out/genbench
plan_year=2025
budget=5000000                      # 万元, for xq-allocate-funds -b
# The memory check: the same tool on the first SMALL rows.
small_rows=100000
[ "$rows" -gt "$small_rows" ] || small_rows=$(( rows / 10 > 0 ? rows / 10 : 1 ))
small=$out/submission-small.csv
# Miller's DSL jobs on the first MROWS rows (its MB/s against ours).
mrows=${BENCH_MLR_ROWS:-10000}
case $mrows in '' | *[!0-9]* | 0) echo "run.sh: BENCH_MLR_ROWS: a row count" >&2; exit 2 ;; esac
[ "$mrows" -le "$rows" ] || mrows=$rows
msub=$out/submission-head.csv

for t in validate dedupe classify-scope allocate-funds summarize; do
	if [ ! -x bin/xq-$t ]; then
		echo "run.sh: bin/xq-$t is missing: make builds it" >&2
		exit 2
	fi
done
mkdir -p "$prof"

# ---- the generator and the data ------------------------------------------

if [ ! -x "$gen" ] || [ tests/bench/genbench.c -nt "$gen" ]; then
	echo "bench: building $gen"
	"${CC:-cc}" -O2 -Wall -Wextra -o "$gen.tmp" tests/bench/genbench.c
	mv "$gen.tmp" "$gen"
fi

# generate FILE ROWS: FILE with ROWS data rows, unless it is already there
# (FILE.rows remembers ROWS; a newer generator makes it again).
generate() {
	local file=$1 n=$2
	if [ -s "$file" ] && [ -f "$file.rows" ] && [ "$(cat "$file.rows")" = "$n" ] &&
	    [ "$file" -nt "$gen" ]; then
		return
	fi
	echo "bench: generating $file ($n rows)"
	"$gen" -n "$n" >"$file.tmp"
	mv "$file.tmp" "$file"
	echo "$n" >"$file.rows"
}

if [ ! -s "$prof/counties.csv" ] || [ "$gen" -nt "$prof/counties.csv" ]; then
	"$gen" -n 0 -c "$prof/counties.csv.tmp" >/dev/null
	mv "$prof/counties.csv.tmp" "$prof/counties.csv"
fi
printf 'key,value\nplan_year,%s\n' "$plan_year" >"$prof/settings.csv"
generate "$sub" "$rows"
generate "$small" "$small_rows"
[ "${BENCH_MLR:-1}" = 0 ] || generate "$msub" "$mrows"

# ---- measuring ------------------------------------------------------------

names=()                            # in the order measured
declare -A WALL RSS MBS STATUS

# seconds M:SS.ss or H:MM:SS from /usr/bin/time's "Elapsed" line
elapsed_seconds() {
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$1"
}

# measure NAME CMD...: runs CMD (BENCH_REPEAT times) on $input and records
# wall seconds, peak RSS and MB/s under NAME. Exit status 0 and 1 both count
# as a finished run (1: some records rejected or flagged). The command's
# stdout and stderr are kept in out/bench/NAME.stdout / .stderr.
measure() {
	local name=$1
	shift
	local slug=${name//[^A-Za-z0-9._-]/_}
	local tf=$out/$slug.time i st wall rss t0 t1 best='' maxrss=0
	local bytes=0
	[ -z "$input" ] || bytes=$(stat -c %s "$input")
	printf 'bench: %-36s ' "$name"
	for ((i = 0; i < ${BENCH_REPEAT:-1}; i++)); do
		st=0
		# The outputs of the commands before are written out first (not
		# timed): on a virtual machine the kernel writing back hundreds of
		# megabytes took a core from the next command, by 20-40%.
		[ -z "${before:-}" ] || bash -c "$before"
		sync
		t0=${EPOCHREALTIME:-}
		/usr/bin/time -v -o "$tf" "$@" >"$out/$slug.stdout" \
		    2>"$out/$slug.stderr" || st=$?
		t1=${EPOCHREALTIME:-}
		if [ "$st" -gt 1 ]; then
			break
		fi
		# Wall time from the shell's microsecond clock when it has one:
		# time -v rounds to 10 ms, too coarse for wc -l.
		if [ -n "$t0" ]; then
			wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		else
			wall=$(elapsed_seconds "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$tf")")
		fi
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tf")
		if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$wall
		fi
		[ "$rss" -le "$maxrss" ] || maxrss=$rss
	done
	names+=("$name")
	STATUS[$name]=$st
	if [ "$st" -gt 1 ]; then
		echo "FAILED (exit $st)"
		sed 's/^/    /' "$out/$slug.stderr" | tail -5
		return 0
	fi
	WALL[$name]=$best
	RSS[$name]=$maxrss
	MBS[$name]=$(awk -v b="$bytes" -v w="$best" 'BEGIN { if (b > 0) printf("%.6g", w > 0 ? b / 1e6 / w : 0) }')
	printf '%8.3f s  %8s MB/s  %8s MB peak (exit %s)\n' "$best" "$(rate "$name")" \
	    "$(mib "$name")" "$st"
}

# num X: X to show, 1 decimal, or 2 below 10
num() { awk -v x="$1" 'BEGIN { printf(x < 10 ? "%.2f" : "%.1f", x) }'; }
# rate NAME: MB/s of NAME to show, - without an input
rate() { if [ -n "${MBS[$1]}" ]; then num "${MBS[$1]}"; else echo -; fi; }
# mib NAME: peak RSS of NAME in MiB
mib() { awk -v k="${RSS[$1]}" 'BEGIN { printf "%.1f", k / 1024 }'; }
# ok NAME: NAME was measured and finished
ok() { [ -n "${WALL[$1]:-}" ]; }
# records FILE: its data rows (the stream has one line a record)
records() { echo $(($(wc -l <"$1") - 1)); }

# ---- the runs -------------------------------------------------------------

input=$sub
echo "bench: input $sub: $rows rows, $(stat -c %s "$sub") bytes, $(nproc) CPUs," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$sub" "$small" >/dev/null      # everyone starts from the page cache

measure "wc -l" wc -l "$sub"

# The filters one at a time, each on the one before's output.
measure xq-validate bin/xq-validate -p "$prof" -r "$out/rejects.csv" -o "$out/valid.csv" "$sub"
input=$small measure "xq-validate ($small_rows rows)" bin/xq-validate -p "$prof" \
    -r "$out/rejects-small.csv" -o "$out/valid-small.csv" "$small"
input=$out/valid.csv measure xq-dedupe bin/xq-dedupe -q -d "$out/duplicates.csv" \
    -o "$out/deduped.csv" "$out/valid.csv"
input=$out/deduped.csv measure xq-classify-scope bin/xq-classify-scope -q \
    -x "$out/exceptions.csv" -o "$out/scoped.csv" "$out/deduped.csv"
input=$out/scoped.csv measure xq-allocate-funds bin/xq-allocate-funds -q -p "$prof" \
    -b "$budget" -c "$out/allocation.csv" -o "$out/plan.csv" "$out/scoped.csv"

# The whole plan as one pipeline; each stage's peak RSS goes to
# pipeline.STAGE.rss (GNU time -f %M: KiB, on the last line).
stages=(validate dedupe classify-scope allocate-funds summarize)
timed() { echo "/usr/bin/time -f %M -o $out/pipeline.$1.rss bin/xq-$1"; }
measure "plan pipeline" bash -c "set -o pipefail
	$(timed validate) -q -p $prof $sub |
	$(timed dedupe) -q -p $prof |
	$(timed classify-scope) -q -p $prof -x $out/pipeline-exceptions.csv |
	$(timed allocate-funds) -q -p $prof -b $budget |
	$(timed summarize) -p $prof -o $out/plan-table.csv"

# make plan on the sample province (jilin-2020), as typed at a shell: first
# with jilin-2019's evaluation to make too (its performance factor), then
# with the evaluation already there.
# The outputs are removed before each run, untimed (before=).
mk=(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make)
input='' before='rm -rf out/jilin-2020 out/jilin-2019' measure "make plan" "${mk[@]}" plan
input='' before='rm -rf out/jilin-2020' measure "make plan, evaluation made" "${mk[@]}" plan

# Miller: the same jobs. Its DSL jobs take the first $mrows rows.
mlr_dedupe=(mlr --icsv --ocsv head -n 1 -g "county_code,community,address")
mlr_sums=(mlr --icsv --ocsv stats1 -a "sum,count"
    -f "area_m2,households,buildings,investment" -g county_code)
mv="mlr validate.mlr ($mrows rows)"
md="mlr head -g (dedupe)"
mc="mlr classify-scope.mlr ($mrows rows)"
ms="mlr stats1 (allocate)"
mp="mlr pipeline ($mrows rows)"
if [ "${BENCH_MLR:-1}" = 0 ]; then
	echo "bench: BENCH_MLR=0: Miller skipped"
elif ! command -v mlr >/dev/null; then
	echo "bench: mlr is not installed (sudo apt-get install -y miller): Miller skipped"
else
	head -n $((mrows + 1)) "$out/deduped.csv" >"$out/deduped-head.csv"
	input=$msub measure "$mv" mlr -S --icsv --ocsv --from "$msub" \
	    put -q -f tests/bench/validate.mlr \
	    -s registry="$prof/counties.csv" -s plan_year="$plan_year" \
	    -s valid="$out/valid-mlr.csv" -s rejects="$out/rejects-mlr.csv"
	input=$out/valid.csv measure "$md" "${mlr_dedupe[@]}" "$out/valid.csv"
	input=$out/deduped-head.csv measure "$mc" mlr -S --icsv --ocsv \
	    --from "$out/deduped-head.csv" put -f tests/bench/classify-scope.mlr \
	    -s exceptions="$out/exceptions-mlr.csv"
	input=$out/scoped.csv measure "$ms" "${mlr_sums[@]}" "$out/scoped.csv"
	input=$msub measure "$mp" bash -c "set -o pipefail
		mlr -S --icsv --ocsv --from $msub put -q -f tests/bench/validate.mlr \
		    -s registry=$prof/counties.csv -s plan_year=$plan_year \
		    -s valid=/dev/stdout -s rejects=$out/pipeline-mlr-rejects.csv |
		${mlr_dedupe[*]} |
		mlr -S --icsv --ocsv put -f tests/bench/classify-scope.mlr \
		    -s exceptions=$out/pipeline-mlr-exceptions.csv |
		${mlr_sums[*]}"
	# Ours on the same heads, for the records-out check below (not timed).
	bin/xq-validate -q -p "$prof" -r "$out/rejects-head.csv" -o "$out/valid-head.csv" \
	    "$msub" || :
	bin/xq-classify-scope -q -x "$out/exceptions-head.csv" -o "$out/scoped-head.csv" \
	    "$out/deduped-head.csv" || :
fi

# ---- the report -----------------------------------------------------------

ratio() { awk -v a="${MBS[$1]}" -v b="${MBS[$2]}" 'BEGIN { r = b > 0 ? a / b : 0; printf(r < 10 ? "%.3g" : "%.1f", r) }'; }
verdict() { awk -v v="$1" -v op="$2" -v bar="$3" \
    'BEGIN { p = op == ">=" ? v >= bar : v <= bar; print p ? "PASS" : "FAIL" }'; }
line() { printf '%-38s %-24s %-13s %s\n' "$@"; }
# bar WHAT VALUE OP LIMIT UNIT: a bar of the issue, PASS or FAIL
bar() { line "$1" "$2$5" "$3 $4$5" "$(verdict "$2" "$3" "$4")"; }
# vs TOOL MLR WHAT: TOOL's MB/s against Miller's, >= 4x
vs() {
	if ok "$2"; then
		bar "$3" "$(ratio "$1" "$2")" ">=" 4 x
	else
		line "$3" - ">= 4x" "n/a (Miller not run)"
	fi
}

echo
printf '%-38s %10s %10s %12s %s\n' tool MB/s "wall s" "peak RSS MB" "MB/s vs wc -l"
for n in "${names[@]}"; do
	if ok "$n"; then
		printf '%-38s %10s %10.3f %12s %s\n' "$n" "$(rate "$n")" "${WALL[$n]}" \
		    "$(mib "$n")" "$(ok "wc -l" && [ -n "${MBS[$n]}" ] && echo "$(ratio "$n" "wc -l")x")"
	else
		printf '%-38s %10s %10s %12s\n' "$n" "failed" "(exit ${STATUS[$n]})" ""
	fi
done
echo "(MB = 10^6 bytes of input; peak RSS in MiB, of the largest process for a"
echo "pipeline or make; wall from the shell's clock; Miller's DSL jobs on the"
echo "first $mrows rows, their MB/s against ours on the whole file)"

echo
line "bars (from the issue)" measured bar result
v=xq-validate
if ok $v; then
	bar "xq-validate throughput" "$(num "${MBS[$v]}")" ">=" 150 " MB/s"
	vs $v "$mv" "xq-validate vs Miller"
	bar "xq-validate peak memory" "$(mib $v)" "<=" 16 " MB"
	line "xq-validate vs wc -l" "$(ratio $v "wc -l")x" - "(for scale)"
	s="xq-validate ($small_rows rows)"
	if ok "$s"; then
		# Constant memory: the full file may use at most 10% (or 1 MiB,
		# whichever is more) above the small one.
		grow=$(awk -v a="${RSS[$v]}" -v b="${RSS[$s]}" \
		    'BEGIN { d = a - b; lim = b / 10 > 1024 ? b / 10 : 1024; print d <= lim ? "PASS" : "FAIL" }')
		line "xq-validate memory vs input size" "$(mib "$s") -> $(mib $v) MB" constant "$grow"
		echo "  peak RSS on the first $small_rows rows: $(mib "$s") MB;" \
		    "on all $rows rows: $(mib $v) MB"
	fi
else
	echo "xq-validate: not measured"
fi

v=xq-dedupe
if ok $v; then
	keys=$(records "$out/deduped.csv")          # a distinct key a kept row
	bar "xq-dedupe throughput" "$(num "${MBS[$v]}")" ">=" 300 " MB/s"
	vs $v "$md" "xq-dedupe vs Miller"
	bar "xq-dedupe memory per distinct key" \
	    "$(awk -v k="${RSS[$v]}" -v n="$keys" 'BEGIN { printf "%.0f", k * 1024 / n }')" \
	    "<=" 150 " B/key"
	echo "  peak RSS $(mib $v) MB over $keys distinct keys (the kept rows)"
else
	echo "xq-dedupe: not measured"
fi

v=xq-classify-scope
if ok $v; then
	bar "xq-classify-scope throughput" "$(num "${MBS[$v]}")" ">=" 300 " MB/s"
	vs $v "$mc" "xq-classify-scope vs Miller"
	bar "xq-classify-scope peak memory" "$(mib $v)" "<=" 16 " MB"
else
	echo "xq-classify-scope: not measured"
fi

v=xq-allocate-funds
if ok $v; then
	bar "xq-allocate-funds wall" "$(printf %.3f "${WALL[$v]}")" "<=" 2 " s"
	bar "xq-allocate-funds peak memory" "$(mib $v)" "<=" 64 " MB"
	if ok "$ms"; then
		line "  Miller stats1 by county" "$(printf %.3f "${WALL[$ms]}") s" - \
		    "(for scale: ours $(ratio $v "$ms")x its MB/s)"
	fi
else
	echo "xq-allocate-funds: not measured"
fi

v="plan pipeline"
if ok "$v"; then
	bar "plan pipeline wall ($(nproc) CPUs)" "$(printf %.3f "${WALL[$v]}")" "<=" 4 " s"
	each='' big=0
	for s in "${stages[@]}"; do
		k=$(tail -n 1 "$out/pipeline.$s.rss")
		each+="${each:+, }$s $(awk -v k="$k" 'BEGIN { printf "%.1f", k / 1024 }')"
		[ "$k" -le "$big" ] || big=$k
	done
	bar "plan pipeline, each process" "$(awk -v k="$big" 'BEGIN { printf "%.1f", k / 1024 }')" \
	    "<=" 64 " MB"
	echo "  peak RSS MB: $each"
	if ok "$mp"; then
		line "  Miller pipeline, scaled" \
		    "$(awk -v w="${WALL[$mp]}" -v r="$rows" -v m="$mrows" 'BEGIN { printf "%.0f s", w * r / m }')" - \
		    "(for scale: $(printf %.1f "${WALL[$mp]}") s on $mrows rows x $rows/$mrows; ours $(ratio "$v" "$mp")x its MB/s)"
	fi
else
	echo "plan pipeline: not measured"
fi

for v in "make plan" "make plan, evaluation made"; do
	if ok "$v"; then
		bar "$v" "$(printf %.3f "${WALL[$v]}")" "<=" 0.5 " s"
	else
		echo "$v: failed (see $out/${v//[^A-Za-z0-9._-]/_}.stderr)"
	fi
done
echo "  make plan: jilin-2020 from its submissions, with jilin-2019's evaluation"
echo "  (its performance factor) made first; evaluation made: that evaluation"
echo "  already there, only checked up to date"

# Do the tools and Miller agree? (Not a bar: a quick check that nothing is
# fast because it drops everything.)
if ok "$mv"; then
	echo
	echo "records out, ours / Miller's:"
	echo "  validate, $mrows rows (valid, reject rows):" \
	    "$(records "$out/valid-head.csv"), $(records "$out/rejects-head.csv") /" \
	    "$(records "$out/valid-mlr.csv"), $(records "$out/rejects-mlr.csv")"
	if ok "$md" && ok xq-dedupe; then
		echo "  dedupe, all rows (kept): $(records "$out/deduped.csv") /" \
		    "$(records "$out/${md//[^A-Za-z0-9._-]/_}.stdout")"
	fi
	if ok "$mc"; then
		m=$out/${mc//[^A-Za-z0-9._-]/_}.stdout
		echo "  classify-scope, $mrows rows (stream rows): $(records "$out/scoped-head.csv") /" \
		    "$(records "$m"); $(cmp -s "$out/scoped-head.csv" "$m" && echo identical ||
		    echo "the streams differ")"
	fi
fi

# How many items no rule matched, on each sample province: classify-scope's
# summary line after validate and dedupe.
echo
echo "classify-scope on the samples (items no rule matched):"
for p in samples/*/submissions; do
	p=${p%/submissions}
	n=$(basename "$p")
	{ bin/xq-validate -q -p "$p" "$p"/submissions/*.csv | bin/xq-dedupe -q |
	    bin/xq-classify-scope -p "$p" -x /dev/null >/dev/null 2>"$out/classify-$n.stderr"; } || :
	grep -E '^xq-classify-scope: ([0-9]+ records|unmatched items)' "$out/classify-$n.stderr" |
	    sed "s/^xq-classify-scope:/  $n:/" || echo "  $n: no summary line (see $out/classify-$n.stderr)"
done
echo
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
exit 0
