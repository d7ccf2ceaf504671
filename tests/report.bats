#!/usr/bin/env bats
# report.bats - make report: the HTML page of a profile, its charts (gnuplot's
# SVG, inline), the county tables, the side files, HTML escaping, and the page
# as headless Chromium renders it.
#
# setup_file builds the pages of the samples once, outside the repository's
# out/: jilin-2019's evaluation first (jilin-2020 takes its performance
# factor from it, handed over with SCORES=), then the jilin-2020 plan page
# and the jilin-2019 evaluation page. tests/fixtures/report/ is a small set
# of outputs (out/) and a profile whose county, category and grade names
# hold what HTML, CSV and gnuplot treat specially.
#
# Chromium (Debian's chromium) is in TEST_PACKAGES: a test that needs it
# fails, and says so, when it is missing.

load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
R=$FIX/report

# xq_make ARGS...: make in the repository, on the filters under test (the
# sanitizer build when XQ_BIN is build/san/bin).
xq_make() {
	local san=()
	[[ ! $XQ_BIN -ef $ROOT/build/san/bin ]] || san=(SAN=1)
	make -C "$ROOT" --no-print-directory "${san[@]}" "$@"
}

setup_file() {
	export LC_ALL=C.UTF-8
	D=$BATS_FILE_TMPDIR/out
	export D
	xq_make evaluation PROFILE=jilin-2019 OUT="$D/jilin-2019" 2> "$BATS_FILE_TMPDIR/make.log"
	xq_make report PROFILE=jilin-2020 OUT="$D/jilin-2020" \
		SCORES="$D/jilin-2019/evaluation.csv" 2>> "$BATS_FILE_TMPDIR/make.log"
	xq_make report PROFILE=jilin-2019 OUT="$D/jilin-2019" 2>> "$BATS_FILE_TMPDIR/make.log"
}

# count PATTERN FILE: how many times the fixed string PATTERN occurs in FILE
count() {
	grep -oF -- "$1" "$2" | wc -l
}

# records FILE: a CSV file's lines less the header
records() {
	echo $(($(wc -l < "$1") - 1))
}

# ---- the pages of the samples -------------------------------------------------

@test "make report writes the jilin-2020 plan page with three inline gnuplot charts" {
	local page=$D/jilin-2020/report.html
	assert [ -s "$page" ]
	assert_equal "$(count '<svg class="chart-svg"' "$page")" 3
	for id in alloc hhinv mix; do
		assert grep -q "<figure id=\"chart-$id\"" "$page"
	done
	assert_equal "$(count 'GNUPLOT 5' "$page")$(count '<?xml' "$page")" 00
	# Chinese in the charts is text, not outlines
	assert grep -q '<text>南关区</text>' "$page"
	assert grep -q '<text>前郭尔罗斯蒙古族自治县</text>' "$page"
	refute [ -e "$page.tmp" ]
}

@test "the page is self-contained: no script, no image, no link but to the side files beside it" {
	local page=$D/jilin-2020/report.html
	refute grep -qi '<script\|<img\|<link\|src=\|@import\|url(http' "$page"
	run bash -c "grep -o 'href=\"[^\"#][^\"]*\"' '$page' | sort -u"
	assert_output "$(printf 'href="%s"\n' duplicates.csv exceptions.csv plan-table.csv rejects.csv)"
	for f in duplicates.csv exceptions.csv plan-table.csv rejects.csv; do
		assert [ -s "$D/jilin-2020/$f" ]
	done
}

@test "the ids of each chart are its own, so one chart's defs cannot stand in for another's" {
	local page=$D/jilin-2020/report.html
	run bash -c "grep -o ' id=.[^\"'\'' ]*' '$page' | sort | uniq -d"
	assert_output ""
}

@test "the plan page has the county table of plan-table.csv, with subtotals and the total" {
	local page=$D/jilin-2020/report.html table=$D/jilin-2020/plan-table.csv
	local subtotals counties
	subtotals=$(grep -c '^[^,]*,全[^,]*小计,' "$table")
	counties=$(($(records "$table") - subtotals - 1))
	assert_equal "$counties" 47
	assert_equal "$(count '<tr class="county">' "$page")" "$counties"
	assert_equal "$(count '<tr class="subtotal">' "$page")" "$subtotals"
	assert_equal "$(count '<tr class="total">' "$page")" 1
	assert grep -q '<td>长春市</td><td>南关区</td><td>220102</td><td class="num">199</td>' "$page"
	# the categories by their names (the profile's categories.csv)
	assert grep -q '<th[^>]*>改善房屋功能</th>' "$page"
}

@test "the plan page counts the rejects, duplicates and exceptions and links to each" {
	local o=$D/jilin-2020 page=$D/jilin-2020/report.html
	assert grep -qF "<a href=\"rejects.csv\">rejects.csv</a></td><td class=\"num\">$(records "$o/rejects.csv")</td>" "$page"
	assert grep -qF "<a href=\"duplicates.csv\">duplicates.csv</a></td><td class=\"num\">$(records "$o/duplicates.csv")</td>" "$page"
	assert grep -qF "<a href=\"exceptions.csv\">exceptions.csv</a></td><td class=\"num\">$(records "$o/exceptions.csv")</td>" "$page"
	# rejects.csv has a row per problem; the page also says how many records
	assert grep -qF "in $(tail -n +2 "$o/rejects.csv" | cut -d, -f1,2 | sort -u | wc -l) records" "$page"
}

@test "the plan page has the balance: records in = out, and the money" {
	local o=$D/jilin-2020 page=$D/jilin-2020/report.html
	run cat "$o/balance.txt"
	assert_line --regexp '^plan: [0-9]+ records in = [0-9]+ in the plan \+ [0-9]+ rejected \+ [0-9]+ duplicates \+ [0-9]+ exceptions$'
	assert_line --regexp '^plan: 150000.00万元 budget = 150000.00 to plan rows'
	while read -r line; do
		assert grep -qF "<p>$line</p>" "$page"
	done < "$o/balance.txt"
	assert grep -qF '<dt>补助资金(万元)</dt><dd>150000.00</dd>' "$page"
}

@test "make report writes the jilin-2019 evaluation page: scores with grades, points by indicator, the county table" {
	local o=$D/jilin-2019 page=$D/jilin-2019/report.html
	assert_equal "$(count '<svg class="chart-svg"' "$page")" 2
	assert grep -q '<figure id="chart-scores"' "$page"
	assert grep -q '<figure id="chart-stack"' "$page"
	refute grep -q 'id="plan"' "$page"	# no budget: no plan
	assert_equal "$(count '<tr class="county">' "$page")" "$(records "$o/evaluation.csv")"
	# the grades present are the key of the score chart
	for g in $(cut -d, -f18 "$o/evaluation.csv" | tail -n +2 | sort -u); do
		assert grep -q "<text>$g</text>" "$page"
	done
	assert grep -qF '<a href="progress-rejects.csv">progress-rejects.csv</a></td><td class="num">0</td>' "$page"
	assert grep -qF '<p>progress: 831 records read = 831 valid + 0 rejected</p>' "$page"
	assert grep -qF '<tfoot><tr class="total">' "$page"
}

@test "make report for a profile with neither a budget nor progress reports says so" {
	mkdir -p empty/submissions
	cp "$ROOT/samples/jilin-2019/counties.csv" empty/
	run --separate-stderr xq_make report PROFILE_DIR="$PWD/empty" OUT="$PWD/out"
	assert_failure
	assert_stderr --partial "has neither submissions with a budget nor progress reports"
	refute [ -e out/report.html ]
}

# ---- escaping -------------------------------------------------------------------

report_fixture() {
	"$ROOT/pipelines/report.sh" -p "$R/profile" -s plan -s evaluation "$R/out" > page.html
}

@test "report.sh escapes every text of the data in the page" {
	report_fixture
	refute grep -qi '<script\|<b>甲类' page.html
	assert grep -qF '<td>&lt;script&gt;alert(1)&lt;/script&gt;区</td>' page.html
	assert grep -qF '<td>A&amp;B &quot;县&quot;</td>' page.html
	assert grep -qF '<td>O&#39;Brien县</td>' page.html
	assert grep -qF '<th title="alpha">&lt;b&gt;甲类&lt;/b&gt;</th>' page.html
	assert grep -qF '<td class="grade g1">A&lt;级</td>' page.html
	assert grep -qF '<p>plan: 14 records in = 10 in the plan + 2 rejected + 1 duplicates + 1 exceptions &lt;ok&gt;</p>' page.html
	assert grep -qF '&lt;b&gt;0&lt;/b&gt; plan rows' page.html
	# the guard against CSV injection is taken off for reading
	assert grep -qF '<td>=SUM(A1)</td>' page.html
}

@test "report.sh draws every label, even those gnuplot reads as comments, quotes or escapes" {
	report_fixture
	assert_equal "$(count '<svg class="chart-svg"' page.html)" 5
	# each county is a y tic of alloc, hhinv (once), scores and stack
	for label in '&lt;script>alert(1)&lt;/script>区' 'A&amp;B "县"' "O'Brien县" '=SUM(A1)' \
		'甲,乙县' '#注释县'; do
		assert_equal "$label: $(count "<text>$label</text>" page.html)" "$label: 4"
	done
	assert grep -qF '<text>A&lt;级 > 90</text>' page.html	# a band of grades.csv
	assert grep -qF '<text>乙类&amp;丙类</text>' page.html	# a category of rules.csv
}

@test "report.sh counts the side files: problems and records, dropped and flagged" {
	report_fixture
	assert grep -qF '<td class="num">3</td><td>validation problems (a rejected record once per problem), in 2 records</td>' page.html
	assert grep -qF '<td class="num">2</td><td>duplicates: 1 dropped, 1 flagged and kept</td>' page.html
	assert grep -qF '<a href="exceptions.csv">exceptions.csv</a></td><td class="num">1</td>' page.html
}

@test "the same outputs give the same page, byte for byte" {
	report_fixture
	mv page.html first.html
	report_fixture
	assert_file_equal page.html first.html
}

# ---- in a real browser ------------------------------------------------------------

# chromium_run ARGS...: headless Chromium on a private profile, no network
chromium_run() {
	command -v chromium > /dev/null ||
		fail "chromium is not installed: make check installs it (TEST_PACKAGES), or run: apt-get install chromium"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$BATS_TEST_TMPDIR/chromium.XXXXXX")" "$@" 2> chromium.log
}

# probe PAGE: the page with a script at its end that writes what Chromium laid
# out: each chart's size, text and path counts, and the county table's rows.
probe() {
	sed 's|</body>|<script>\
(function () {\
	var out = [];\
	document.querySelectorAll("svg.chart-svg").forEach(function (s) {\
		var r = s.getBoundingClientRect();\
		out.push("svg " + Math.round(r.width) + " " + Math.round(r.height) + " " +\
			s.querySelectorAll("text").length + " " + s.querySelectorAll("path").length);\
	});\
	out.push("rows " + document.querySelectorAll("table.counties tbody tr").length);\
	var p = document.createElement("pre"); p.id = "probe"; p.textContent = out.join("\\n");\
	document.body.appendChild(p);\
})();\
</script></body>|' "$1" > probe.html
	chromium_run --window-size=1200,3000 --dump-dom "file://$PWD/probe.html" > dom.html
	sed -n '/<pre id="probe">/,/<\/pre>/p' dom.html | sed 's/<[^>]*>//g'
}

@test "headless Chromium parses the plan page's charts as SVG with the county names" {
	chromium_run --dump-dom "file://$D/jilin-2020/report.html" > dom.html
	assert_equal "$(count '<svg class="chart-svg"' dom.html)" 3
	assert grep -q '<text>南关区</text>' dom.html
	assert grep -q '<td>南关区</td>' dom.html
}

@test "headless Chromium lays out every chart of both pages at a readable size" {
	run probe "$D/jilin-2020/report.html"
	assert_success
	assert_equal "$(grep -c '^svg ' <<< "$output")" 3
	assert_line "rows 57"	# 47 counties, 9 subtotals, the total
	while read -r _ w h texts paths; do
		assert [ "$w" -ge 900 ]
		assert [ "$h" -ge 150 ]
		assert [ "$texts" -ge 8 ]
		assert [ "$paths" -ge 2 ]
	done < <(grep '^svg ' <<< "$output")
	run probe "$D/jilin-2019/report.html"
	assert_success
	assert_equal "$(grep -c '^svg ' <<< "$output")" 2
	assert_line "rows 47"
}

@test "headless Chromium takes a screenshot of the page" {
	chromium_run --screenshot="$PWD/page.png" --window-size=1200,3000 \
		"file://$D/jilin-2020/report.html"
	assert [ -s page.png ]
	assert_equal "$(head -c 8 page.png | od -An -tx1 | tr -d ' ')" 89504e470d0a1a0a
	# 1200 x 3000 pixels of charts and text; a blank page is some 10 kB
	assert [ "$(wc -c < page.png)" -gt 100000 ]
}

@test "a CJK font is installed, so Chromium draws the Chinese text, not boxes" {
	run fc-list ':lang=zh' family
	assert_success
	[[ -n $output ]] || fail "no Chinese font: make check installs one (TEST_PACKAGES: fonts-wqy-zenhei)"
}
