#!/usr/bin/env bash
# report.sh - one self-contained HTML page of what a profile's pipelines
# wrote (SPEC §5: make report).
#
#   pipelines/report.sh -p PROFILE_DIR [-s plan] [-s evaluation] OUTDIR > report.html
#
# -s plan reads, under OUTDIR, allocation.csv, plan-table.csv, rejects.csv,
# duplicates.csv, exceptions.csv and balance.txt (the audit's lines);
# -s evaluation reads evaluation.csv, evaluation-total.csv, score.log,
# progress-rejects.csv and progress/*.log. From the profile it reads
# settings.csv (the plan year), rules.csv (the names of the categories) and
# grades.csv (the grade bands), each when present.
#
# Every chart is drawn by gnuplot's SVG terminal and put inline, so the page
# needs no file but the side files it links to, which sit next to it. Every
# text that comes from the data is HTML-escaped here; in the charts gnuplot
# escapes it, and it reaches gnuplot only inside single-quoted strings, the
# one gnuplot syntax without escapes (a quote is doubled). The page has no
# date in it: the same outputs give the same bytes.
set -eu -o pipefail
export LC_ALL=C	# awk works on bytes: UTF-8 text passes through unchanged

usage() {
	echo "usage: report.sh -p PROFILE_DIR [-s plan] [-s evaluation] OUTDIR" >&2
	exit 2
}

profile='' plan='' evaluation=''
while getopts p:s: opt; do
	case $opt in
	p) profile=$OPTARG ;;
	s) case $OPTARG in
	   plan) plan=1 ;;
	   evaluation) evaluation=1 ;;
	   *) usage ;;
	   esac ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 && -n $profile ]] || usage
out=$1
[[ -n $plan$evaluation ]] || { echo "report.sh: nothing to report: give -s plan or -s evaluation" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xq-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- reading CSV ------------------------------------------------------------

# The awk functions every step shares: csv_split (RFC 4180, one record per
# line, as every xiaoqu output is), esc (HTML), num (is it a number), and
# width (a label's width in pixels at 12px, CJK characters counted full).
AWKLIB='
function csv_split(line, f,    n, i, c, q, v, len) {
	if (index(line, "\"") == 0)
		return split(line, f, ",")
	n = 0; v = ""; q = 0; len = length(line)
	for (i = 1; i <= len; i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { v = v c; i++ }
				else q = 0
			} else
				v = v c
		} else if (c == "\"")
			q = 1
		else if (c == ",") {
			f[++n] = v; v = ""
		} else
			v = v c
	}
	f[++n] = v
	return n
}
function esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s); gsub(/\047/, "\\&#39;", s)
	return s
}
function num(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?%?$/ }
function width(s,    wide) {
	wide = s; gsub(/[^\300-\377]/, "", wide)
	gsub(/[\200-\377]/, "", s)
	return 13 * length(wide) + 7 * length(s)
}
function gpstr(s) { gsub(/[\001-\037]/, " ", s); gsub(/\047/, "\047\047", s); return "\047" s "\047" }
'

# tsv FILE: FILE's records as tab-separated lines (a tab or CR in a value
# becomes a space), with the quote of the CSV-injection guard taken off a
# value it was put on (SPEC §6): the page shows the text as it was sent.
tsv() {
	awk "$AWKLIB"'
	NR == 1 { sub(/^\357\273\277/, "") }
	{
		sub(/\r$/, "")
		n = csv_split($0, f)
		for (i = 1; i <= n; i++) {
			v = f[i]
			gsub(/[\t\r]/, " ", v)
			if (v ~ /^\047([=+@\t-]|\357\274[\235\213\215\240])/)
				v = substr(v, 2)
			printf "%s%s", v, (i < n ? "\t" : "\n")
		}
	}' "$1"
}

# records FILE: the number of records of a CSV file (its lines less the header)
records() {
	local n
	n=$(wc -l < "$1")
	echo $((n > 0 ? n - 1 : 0))
}

# ---- charts -----------------------------------------------------------------

chart_no=0

# gnuplot_svg NAME: run gnuplot on $tmp/NAME.gp (which writes NAME.svg there),
# with the lines every chart shares first.
gnuplot_svg() {
	{
		echo "set encoding utf8"
		echo "set datafile separator tab"
		echo "set style fill solid 1.0 noborder"
		echo "set border 3 lc rgb '#999999'"
		echo "set tics nomirror textcolor rgb '#333333'"
		echo "set grid xtics lc rgb '#e4e4e4' lt 1 lw 1"
		echo "unset key"
		echo "set output '$1.svg'"
		cat "$tmp/$1.gp"
	} > "$tmp/$1.full.gp"
	(cd "$tmp" && LC_ALL=C.UTF-8 gnuplot "$1.full.gp")
}

# figure NAME CAPTION [NOTE]: the chart NAME.svg as a figure, inline. Its ids
# get a prefix of their own, so the charts' <defs> do not meet in the page.
figure() {
	local id=c$((++chart_no))
	printf '<figure id="chart-%s" class="chart">\n<figcaption>%s</figcaption>\n' "$1" "$2"
	awk -v id="$id" -v cap="$2" '
		NR == 1 && /^<\?xml/ { next }
		/^<svg *$/ { print "<svg class=\"chart-svg\" role=\"img\" aria-label=\"" cap "\""; next }
		/^<title>/ { print "<title>" cap "</title>"; next }
		/^<desc>/ { next }
		{
			gsub(/id=\047/, "id=\047" id "_")
			gsub(/id="/, "id=\"" id "_")
			gsub(/href=\047#/, "href=\047#" id "_")
			gsub(/href="#/, "href=\"#" id "_")
			gsub(/url\(#/, "url(#" id "_")
			print
		}' "$tmp/$1.svg"
	[[ -z ${3:-} ]] || printf '<p class="note">%s</p>\n' "$3"
	echo "</figure>"
}

# hbars NAME W XLABEL DATA [KEY]: the frame of a horizontal bar chart, one
# bar a line of DATA (label, value, ...), the first at the top; writes the
# head of NAME.gp: the size (KEY more pixels at the top for a key), the
# margins, the labels as y tics, the x range. The labels go to gnuplot only
# in the script, as quoted strings: in DATA they are replaced by the row's
# number, so no label can be read as a comment, a quote or a missing value.
hbars() {
	local name=$1 w=$2 xlabel=$3 data=$4 key=${5:-0}
	awk -F'\t' -v w="$w" -v xlabel="$xlabel" -v key="$key" -v data="$data.num" "$AWKLIB"'
	{
		n++; lab[n] = $1; if ($2 + 0 > max) max = $2 + 0; if (width($1) > lw) lw = width($1)
		$1 = n; print > data
	}
	END {
		h = 70 + 19 * n + key
		printf "set terminal svg size %d,%d fixed font \047sans,12\047 noenhanced background \047#ffffff\047\n", w, h
		printf "set lmargin at screen %.4f\nset rmargin at screen %.4f\n", (lw + 22) / w, 1 - 24 / w
		printf "set tmargin at screen %.4f\nset bmargin at screen %.4f\n", 1 - (12 + key) / h, 52 / h
		printf "set yrange [%.1f:0.6]\n", -n + 0.4
		printf "set xrange [0:%.6g]\n", (max > 0 ? max : 1) * 1.16
		printf "set ytics scale 0 ("
		for (i = 1; i <= n; i++) printf "%s%s %d", (i > 1 ? ", " : ""), gpstr(lab[i]), 1 - i
		print ")"
		print "set xlabel " gpstr(xlabel)
	}' OFS='\t' "$data" > "$tmp/$name.gp"
	[[ ! -e $data.num ]] || mv "$data.num" "$data"
}

# ---- plan -------------------------------------------------------------------

# side_file FILE WHAT: a row of the side-file table: the file's name as a
# link, its count, what the count is
side_file() {
	local f=$out/$1 name=$1 what=$2 count detail=
	if [[ ! -e $f ]]; then
		printf '<tr><td>%s</td><td class="num">–</td><td>%s (not written)</td></tr>\n' "$name" "$what"
		return
	fi
	count=$(records "$f")
	case $name in
	rejects.csv | progress-rejects.csv)
		detail=$(tsv "$f" | awk -F'\t' 'NR > 1 { r[$1 "\t" $2] = 1 } END { for (k in r) n++; print n + 0 }')
		detail=", in $detail records" ;;
	duplicates.csv)
		detail=$(tsv "$f" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "action") c = i; next }
			c && $c == "dropped" { d++ } END { print d + 0 }')
		detail=": $detail dropped, $((count - detail)) flagged and kept" ;;
	*) detail= ;;
	esac
	printf '<tr><td><a href="%s">%s</a></td><td class="num">%d</td><td>%s%s</td></tr>\n' \
		"$name" "$name" "$count" "$what" "$detail"
}

# The category ids and their names: the profile's categories.csv (which
# xq-summarize also reads), else the note of the first rule of each in
# rules.csv, up to its first colon or bracket ("改善房屋功能", "共同出资").
category_names() {
	local rules=$profile/rules.csv
	if [[ -r $profile/categories.csv ]]; then
		tsv "$profile/categories.csv" | awk -F'\t' '
		NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "category") c = i; if ($i == "name") t = i }; next }
		c && t && $c != "" { print $c "\t" $t }'
		return 0
	fi
	[[ -r $rules ]] || return 0
	tsv "$rules" | awk -F'\t' '
	NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "category") c = i; if ($i == "note") t = i }; next }
	c && t && $c != "" && !seen[$c]++ {
		name = $t
		for (i = 1; i <= length(name); i++) {
			s = substr(name, i)
			if (s ~ /^(\357\274\232|\357\274\210|[:(])/) { name = substr(name, 1, i - 1); break }
		}
		if (name != "") print $c "\t" name
	}'
}

plan_section() {
	tsv "$out/plan-table.csv" > "$tmp/table.tsv"
	tsv "$out/allocation.csv" > "$tmp/allocation.tsv"
	category_names > "$tmp/categories.tsv"

	# The county rows of the plan table (a code, not a subtotal), then the
	# total row, with the measures the charts draw; and the category columns.
	awk -F'\t' -v tmp="$tmp" '
	part == "names" { cname[$1] = $2; next }
	FNR == 1 {
		for (i = 1; i <= NF; i++) {
			h = $i
			if (h == "市" || h == "city") city = i
			else if (h == "县(市、区)" || h == "county") county = i
			else if (h == "行政区划代码" || h == "county_code") code = i
			else if (h == "户数" || h == "households") hh = i
			else if (h == "总投资(万元)" || h == "investment") inv = i
			else if (h == "小区数" || h == "communities") comm = i
			else if (h == "楼栋数" || h == "buildings" || h == "建筑面积(万㎡)" || h == "area_wan_m2" || h == "补助资金(万元)" || h == "subsidy") ;
			else { ncat++; cat[ncat] = i; cid[ncat] = h }
		}
		next
	}
	$city == "合计" { for (k = 1; k <= ncat; k++) ctot[k] = $cat[k]; total = $comm; next }
	code && $code == "" && $county ~ /小计$/ { next }
	{ printf "%s\t%s\t%s\t%s\t%s\n", $county, $hh, $inv, $hh, $inv > (tmp "/counties.tsv") }
	END {
		for (k = 1; k <= ncat; k++)
			printf "%s\t%s\t%s（%.1f%%）\t%s\n", (cid[k] in cname ? cname[cid[k]] : cid[k]), ctot[k], ctot[k],
				(total > 0 ? 100 * ctot[k] / total : 0), cid[k] > (tmp "/mix.tsv")
	}' part=names "$tmp/categories.tsv" part=table "$tmp/table.tsv"
	touch "$tmp/counties.tsv" "$tmp/mix.tsv"

	awk -F'\t' '
	NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "county") c = i; if ($i == "amount") a = i }; next }
	{ printf "%s\t%s\t%s\n", $c, $a, $a }' "$tmp/allocation.tsv" > "$tmp/alloc.tsv"

	# allocation by county
	hbars alloc 960 "补助资金（万元）" "$tmp/alloc.tsv"
	cat >> "$tmp/alloc.gp" <<-'EOF'
	plot 'alloc.tsv' using ($2/2):(-$0):($2/2):(0.36) with boxxyerror lc rgb '#2b6cb0', \
	     '' using 2:(-$0):3 with labels left offset char 0.4,0 font ',10' tc rgb '#333333'
	EOF
	gnuplot_svg alloc

	# households and investment, side by side, one row per county
	hbars hhinv 1000 "" "$tmp/counties.tsv"
	awk -F'\t' '{ if ($2 + 0 > h) h = $2 + 0; if ($3 + 0 > v) v = $3 + 0 }
		END { printf "hmax = %.6g\nvmax = %.6g\n", (h > 0 ? h : 1) * 1.22, (v > 0 ? v : 1) * 1.30 }' \
		"$tmp/counties.tsv" >> "$tmp/hhinv.gp"
	lm=$(sed -n 's/^set lmargin at screen //p' "$tmp/hhinv.gp")
	mid=$(awk -v l="$lm" 'BEGIN { printf "%.4f", l + (0.976 - l) / 2 }')
	cat >> "$tmp/hhinv.gp" <<-EOF
	set multiplot
	set rmargin at screen $mid - 0.015
	set xrange [0:hmax]
	set xlabel '户数'
	plot 'counties.tsv' using (\$2/2):(-\$0):(\$2/2):(0.36) with boxxyerror lc rgb '#2f855a', \\
	     '' using 2:(-\$0):4 with labels left offset char 0.4,0 font ',10' tc rgb '#333333'
	set lmargin at screen $mid + 0.015
	set rmargin at screen 0.976
	unset ytics
	set xrange [0:vmax]
	set xlabel '总投资（万元）'
	plot 'counties.tsv' using (\$3/2):(-\$0):(\$3/2):(0.36) with boxxyerror lc rgb '#c05621', \\
	     '' using 3:(-\$0):5 with labels left offset char 0.4,0 font ',10' tc rgb '#333333'
	unset multiplot
	EOF
	gnuplot_svg hhinv

	# category mix
	if [[ -s $tmp/mix.tsv ]]; then
		hbars mix 960 "小区数（一个小区可有几类内容）" "$tmp/mix.tsv"
		awk -F'\t' '{ if ($2 + 0 > m) m = $2 + 0 } END { printf "set xrange [0:%.6g]\n", (m > 0 ? m : 1) * 1.30 }' \
			"$tmp/mix.tsv" >> "$tmp/mix.gp"
		cat >> "$tmp/mix.gp" <<-'EOF'
		plot 'mix.tsv' using ($2/2):(-$0):($2/2):(0.32) with boxxyerror lc rgb '#6b46c1', \
		     '' using 2:(-$0):3 with labels left offset char 0.4,0 font ',11' tc rgb '#333333'
		EOF
		gnuplot_svg mix
	fi

	echo '<section id="plan">'
	echo '<h2>年度计划 <span class="en">Annual plan</span></h2>'

	# the totals of the plan table's last row
	awk -F'\t' "$AWKLIB"'
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$1 == "合计" {
		n = split("小区数:communities 楼栋数:buildings 户数:households 建筑面积(万㎡):area_wan_m2 总投资(万元):investment 补助资金(万元):subsidy", m, " ")
		print "<dl class=\"totals\">"
		for (k = 1; k <= n; k++) {
			split(m[k], kv, ":")
			c = (kv[1] in col) ? col[kv[1]] : (kv[2] in col) ? col[kv[2]] : 0
			if (c) printf "<div><dt>%s</dt><dd>%s</dd></div>\n", esc(kv[1]), esc($c)
		}
		print "</dl>"
	}' "$tmp/table.tsv"

	if [[ -s $out/balance.txt ]]; then
		echo '<div class="balance">'
		awk "$AWKLIB"'{ sub(/\r$/, ""); printf "<p>%s</p>\n", esc($0) }' "$out/balance.txt"
		echo '</div>'
	fi

	echo '<h3>未进入计划的记录 <span class="en">Records left out</span></h3>'
	echo '<table class="files"><thead><tr><th>文件 File</th><th>数量 Count</th><th>内容 What</th></tr></thead><tbody>'
	side_file rejects.csv "validation problems (a rejected record once per problem)"
	side_file duplicates.csv "duplicates"
	side_file exceptions.csv "records out of scope or failing a gate"
	echo '</tbody></table>'

	figure alloc "各县（市、区）补助资金分配（万元） Allocation by county"
	figure hhinv "各县（市、区）户数与总投资 Households and investment by county"
	[[ ! -s $tmp/mix.tsv ]] ||
		figure mix "改造内容类别 Category mix: communities whose content falls in each category"

	echo '<h3>县（市、区）表 <span class="en">County table</span> <a class="file" href="plan-table.csv">plan-table.csv</a></h3>'
	awk -F'\t' "$AWKLIB"'
	part == "names" { cname[$1] = $2; next }
	FNR == 1 {
		ncol = NF
		print "<div class=\"scroll\"><table class=\"counties\"><thead><tr>"
		for (i = 1; i <= NF; i++) {
			h = $i
			if (h == "行政区划代码" || h == "county_code") code = i
			if (h == "县(市、区)" || h == "county") county = i
			if (h in cname) printf "<th title=\"%s\">%s</th>", esc(h), esc(cname[h])
			else printf "<th>%s</th>", esc(h)
		}
		print "</tr></thead><tbody>"
		next
	}
	{
		kind = ($1 == "合计") ? "total" : (code && $code == "" && $county ~ /小计$/) ? "subtotal" : "county"
		printf "<tr class=\"%s\">", kind
		for (i = 1; i <= ncol; i++)
			printf "<td%s>%s</td>", (num($i) && i != code ? " class=\"num\"" : ""), esc($i)
		print "</tr>"
	}
	END { print "</tbody></table></div>" }' part=names "$tmp/categories.tsv" part=table "$tmp/table.tsv"
	echo '</section>'
}

# ---- evaluation -------------------------------------------------------------

# the grade bands, best first: name, lowest score, and > or ≥ (the
# profile's grades.csv, or the national bands)
grade_bands() {
	if [[ -r $profile/grades.csv ]]; then
		tsv "$profile/grades.csv" | awk -F'\t' '
		NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "grade") g = i; if ($i == "min_score") m = i; if ($i == "compare") c = i }; next }
		g && m && $g != "" { print $g "\t" $m "\t" (c && $c == ">" ? ">" : "≥") }' | sort -t "$(printf '\t')" -k2,2gr
	else
		printf '优\t90\t≥\n良\t80\t≥\n中\t60\t≥\n差\t0\t≥\n'
	fi
}

evaluation_section() {
	tsv "$out/evaluation.csv" > "$tmp/evaluation.tsv"
	: > "$tmp/evaluation-total.tsv"
	[[ ! -r $out/evaluation-total.csv ]] || tsv "$out/evaluation-total.csv" > "$tmp/evaluation-total.tsv"
	grade_bands > "$tmp/bands.tsv"

	# Bands, best first, and a colour each from green to red; a grade the
	# bands do not name is grey.
	awk -F'\t' '
	BEGIN { split("#2f855a #2b6cb0 #d69e2e #dd6b20 #c53030", pal, " ") }
	{ n++; g[n] = $1; m[n] = $2 }
	END {
		for (i = 1; i <= n; i++) {
			c = (n > 1) ? 1 + int((i - 1) * 4 / (n - 1) + 0.5) : 1
			printf "%s\t%s\t%s\t%d\n", g[i], m[i], pal[c], i
		}
	}' "$tmp/bands.tsv" > "$tmp/colours.tsv"

	# One row per county, by rank (score, then code): label, score, grade
	# number, score as written; and its indicators' points for the stack.
	awk -F'\t' -v tmp="$tmp" '
	part == "colours" { gi[$1] = $4; ng = $4; next }
	FNR == 1 {
		for (i = 1; i <= NF; i++) {
			if ($i == "county") c = i
			if ($i == "county_code") cc = i
			if ($i == "score") s = i
			if ($i == "grade") g = i
			if ($i == "rank") r = i
			if ($i ~ /_points$/) { np++; pcol[np] = i }
		}
		next
	}
	{
		n++; key[n] = sprintf("%012d\t%s\t%s", ($r ~ /^[0-9]+$/ ? $r : 999999999), $cc, n)
		line[n] = sprintf("%s\t%s\t%d\t%s", $c, $s, ($g in gi ? gi[$g] : ng + 1), $s)
		for (k = 1; k <= np; k++) { pts[n, k] = $pcol[k] + 0; if ($pcol[k] + 0 > 0) used[k] = 1 }
	}
	END {
		for (i = 1; i <= n; i++) order[i] = i
		for (i = 2; i <= n; i++)	# insertion sort: 50 counties, 200 at most
			for (j = i; j > 1 && key[order[j - 1]] > key[order[j]]; j--) {
				t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
			}
		for (i = 1; i <= n; i++) {
			o = order[i]
			print line[o] > (tmp "/scores.tsv")
			split(line[o], f, "\t"); printf "%s", f[1] > (tmp "/stack.tsv")
			sum = 0
			for (k = 1; k <= np; k++) if (used[k]) {
				printf "\t%.4f\t%.4f", sum, sum + pts[o, k] > (tmp "/stack.tsv")
				sum += pts[o, k]
			}
			printf "\t%.2f\n", sum > (tmp "/stack.tsv")
		}
		for (k = 1; k <= np; k++) if (used[k]) print k > (tmp "/stack-cols.tsv")
	}' part=colours "$tmp/colours.tsv" part=data "$tmp/evaluation.tsv"
	touch "$tmp/scores.tsv" "$tmp/stack.tsv" "$tmp/stack-cols.tsv"

	# scores by county, coloured by grade, with the bands' lower bounds
	hbars scores 960 "绩效评价得分" "$tmp/scores.tsv" 30
	sed -i 's/^set xrange .*/set xrange [0:108]/' "$tmp/scores.gp"
	awk -F'\t' "$AWKLIB"'
	part == "bands" { cmp[FNR] = $3; next }
	part == "colours" { n++; g[n] = $1; m[n] = $2; col[n] = $3; next }
	{ present[$3] = 1 }
	END {
		for (i = 1; i <= n; i++) if (m[i] + 0 > 0)
			printf "set arrow from %s, graph 0 to %s, graph 1 nohead dt 2 lc rgb \047%s\047 lw 1\n", m[i], m[i], col[i]
		for (i = 1; i <= n; i++) if (m[i] + 0 > 0)
			printf "set label %s at %s, graph 0 right offset char -0.3,0.8 font \047,10\047 tc rgb \047%s\047\n", gpstr(g[i] " " cmp[i] " " m[i]), m[i], col[i]
		print "set key outside top center horizontal samplen 1.5 font \047,12\047"
		printf "plot "
		first = 1
		for (i = 1; i <= n + 1; i++) if (present[i]) {
			printf "%s\047scores.tsv\047 using (($3 == %d) ? $2/2 : NaN):(-$0):($2/2):(0.36) with boxxyerror lc rgb \047%s\047 title %s", \
				(first ? "" : ", \\\n     "), i, (i <= n ? col[i] : "#a0aec0"), gpstr(i <= n ? g[i] : "其他")
			first = 0
		}
		printf ", \\\n     \047\047 using 2:(-$0):4 with labels left offset char 0.4,0 font \047,10\047 tc rgb \047#333333\047 notitle\n"
	}' part=bands "$tmp/bands.tsv" part=colours "$tmp/colours.tsv" part=data "$tmp/scores.tsv" >> "$tmp/scores.gp"
	gnuplot_svg scores

	# the points of each indicator, stacked to the score
	if [[ -s $tmp/stack-cols.tsv ]]; then
		hbars stack 960 "各项指标得分（合计为总分）" "$tmp/stack.tsv" 30
		sed -i 's/^set xrange .*/set xrange [0:108]/' "$tmp/stack.gp"
		awk -F'\t' -v tmp="$tmp" '
		BEGIN {
			split("start:开工率 start_hh:开工率（按户） completion:完工率 spend:资金支出率 prelim:前期工作按期完成率 satisfaction:居民满意度 management:长效管理覆盖率", a, " ")
			for (i in a) { split(a[i], kv, ":"); name[kv[1]] = kv[2] }
			split("#2b6cb0 #38a169 #d69e2e #805ad5 #dd6b20 #319795 #b83280 #718096", pal, " ")
		}
		part == "cols" { want[++nw] = $1; next }
		FNR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /_points$/) { np++; id[np] = substr($i, 1, length($i) - 7) }; exit }
		END {
			print "set key outside top center horizontal samplen 1.5 font \047,12\047"
			printf "plot "
			for (j = 1; j <= nw; j++) {
				k = want[j]; t = (id[k] in name) ? name[id[k]] : id[k]
				gsub(/\047/, "\047\047", t)
				printf "%s\047stack.tsv\047 using (($%d+$%d)/2):(-$0):(($%d-$%d)/2):(0.36) with boxxyerror lc rgb \047%s\047 title \047%s\047", \
					(j > 1 ? ", \\\n     " : ""), 2 * j, 2 * j + 1, 2 * j + 1, 2 * j, pal[1 + (j - 1) % 8], t
			}
			printf ", \\\n     \047\047 using %d:(-$0):%d with labels left offset char 0.4,0 font \047,10\047 tc rgb \047#333333\047 notitle\n", 2 * nw + 2, 2 * nw + 2
		}' part=cols "$tmp/stack-cols.tsv" part=data "$tmp/evaluation.tsv" >> "$tmp/stack.gp"
		gnuplot_svg stack
	fi

	echo '<section id="evaluation">'
	echo '<h2>绩效评价 <span class="en">Performance evaluation</span></h2>'
	if [[ -s $tmp/evaluation-total.tsv ]]; then
		awk -F'\t' "$AWKLIB"'
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		NR == 2 {
			print "<dl class=\"totals\">"
			if ("score" in col) printf "<div><dt>全省得分 Score</dt><dd>%s</dd></div>\n", esc($col["score"])
			if ("grade" in col) printf "<div><dt>等级 Grade</dt><dd>%s</dd></div>\n", esc($col["grade"])
			if ("start_rate" in col) printf "<div><dt>开工率</dt><dd>%s%%</dd></div>\n", esc($col["start_rate"])
			if ("completion_rate" in col) printf "<div><dt>完工率</dt><dd>%s%%</dd></div>\n", esc($col["completion_rate"])
			if ("spend_rate" in col) printf "<div><dt>资金支出率</dt><dd>%s%%</dd></div>\n", esc($col["spend_rate"])
			print "</dl>"
		}' "$tmp/evaluation-total.tsv"
	fi
	{
		if [[ -d $out/progress ]] && compgen -G "$out/progress/*.log" > /dev/null; then
			awk '/ records?: / { for (i = 2; i <= NF; i++) {
					if (index($i, "record") == 1) r += $(i - 1)
					if (index($i, "valid") == 1) v += $(i - 1)
					if (index($i, "rejected") == 1) x += $(i - 1) } }
				END { printf "progress: %d records read = %d valid + %d rejected\n", r, v, x }' "$out"/progress/*.log
		fi
		[[ ! -r $out/score.log ]] || cat "$out/score.log"
	} > "$tmp/eval-balance.txt"
	if [[ -s $tmp/eval-balance.txt ]]; then
		echo '<div class="balance">'
		awk "$AWKLIB"'{ sub(/\r$/, ""); printf "<p>%s</p>\n", esc($0) }' "$tmp/eval-balance.txt"
		echo '</div>'
	fi
	echo '<table class="files"><thead><tr><th>文件 File</th><th>数量 Count</th><th>内容 What</th></tr></thead><tbody>'
	side_file progress-rejects.csv "validation problems (a rejected record once per problem)"
	echo '</tbody></table>'

	figure scores "各县（市、区）绩效评价得分与等级 Scores and grades by county" \
		"$(awk -F'\t' "$AWKLIB"'{ printf "%s%s %s %s", (NR > 1 ? "，" : "等级 Grades: "), esc($1), $3, esc($2) }' "$tmp/bands.tsv")"
	[[ ! -s $tmp/stack-cols.tsv ]] ||
		figure stack "各项指标得分 Points by indicator"

	echo '<h3>县（市、区）评价表 <span class="en">County evaluation</span> <a class="file" href="evaluation.csv">evaluation.csv</a></h3>'
	awk -F'\t' "$AWKLIB"'
	BEGIN {
		split("start:开工率 start_hh:开工率（按户） completion:完工率 spend:资金支出率 prelim:前期工作按期完成率 satisfaction:居民满意度 management:长效管理覆盖率 county_code:区划代码 county:县(市、区) score:得分 grade:等级 rank:名次", a, " ")
		for (i in a) { split(a[i], kv, ":"); name[kv[1]] = kv[2] }
	}
	part == "colours" { gclass[$1] = $4; next }
	FNR == 1 {
		# the columns shown: everything but performance (it is the score);
		# an indicator is a pair X_rate, X_points under one heading
		for (i = 1; i <= NF; i++) h[i] = $i
		for (i = 1; i <= NF; i++) {
			if (h[i] == "performance") continue
			show[++nc] = h[i]; idx[nc] = i
		}
		print "<div class=\"scroll\"><table class=\"counties evaluation\"><thead><tr>"
		for (j = 1; j <= nc; j++) {
			c = show[j]
			if (c ~ /_rate$/ && show[j + 1] == substr(c, 1, length(c) - 5) "_points") {
				b = substr(c, 1, length(c) - 5)
				printf "<th colspan=\"2\">%s</th>", esc(b in name ? name[b] : b)
				j++
			} else if (c ~ /_(rate|points)$/) {
				printf "<th rowspan=\"2\">%s</th>", esc(c)
			} else
				printf "<th rowspan=\"2\">%s</th>", esc(c in name ? name[c] : c)
		}
		print "</tr><tr>"
		for (j = 1; j <= nc; j++)
			if (show[j] ~ /_rate$/ && show[j + 1] == substr(show[j], 1, length(show[j]) - 5) "_points") {
				printf "<th>率%%</th><th>分</th>"; j++
			}
		print "</tr></thead><tbody>"
		next
	}
	{
		printf "<tr class=\"county\">"
		for (j = 1; j <= nc; j++) cell($idx[j], show[j])
		print "</tr>"
	}
	function cell(v, c) {
		if (c == "grade" && v in gclass)
			printf "<td class=\"grade g%d\">%s</td>", gclass[v], esc(v)
		else
			printf "<td%s>%s</td>", (num(v) && c != "county_code" ? " class=\"num\"" : ""), esc(v)
	}
	END { }' part=colours "$tmp/colours.tsv" part=data "$tmp/evaluation.tsv" > "$tmp/eval-table.html"
	cat "$tmp/eval-table.html"
	echo '</tbody>'
	if [[ -s $tmp/evaluation-total.tsv ]]; then
		echo '<tfoot><tr class="total">'
		awk -F'\t' "$AWKLIB"'
		part == "data" && FNR == 1 { for (i = 1; i <= NF; i++) if ($i != "performance") show[++nc] = $i; next }
		part == "data" { next }
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		FNR == 2 {
			for (j = 1; j <= nc; j++) {
				v = (show[j] in col) ? $col[show[j]] : ""
				printf "<td%s>%s</td>", (num(v) ? " class=\"num\"" : ""), esc(v)
			}
		}' part=data "$tmp/evaluation.tsv" part=total "$tmp/evaluation-total.tsv"
		echo '</tr></tfoot>'
	fi
	echo '</table></div>'
	echo '</section>'
}

# ---- the page ---------------------------------------------------------------

name=$(basename "$profile")
year=$([[ ! -r $profile/settings.csv ]] ||
	tsv "$profile/settings.csv" | awk -F'\t' '$1 == "plan_year" { print $2 }')
title=$(awk -v n="$name" "$AWKLIB"'BEGIN { print esc(n) }')

# the sections first, so a failing chart leaves no page behind
body=$tmp/body.html
{
	[[ -z $plan ]] || plan_section
	[[ -z $evaluation ]] || evaluation_section
} > "$body"

cat <<EOF
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="xiaoqu make report">
<title>xiaoqu — $title</title>
<style>
:root { --ink: #1a202c; --muted: #4a5568; --line: #e2e8f0; --band: #f7fafc;
  /* Latin letters from a Latin face, Chinese from the first CJK face there is */
  --sans: 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', 'PingFang SC',
    'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Zen Hei',
    'WenQuanYi Micro Hei', 'Droid Sans Fallback', sans-serif; }
body { margin: 0 auto; max-width: 1180px; padding: 24px; color: var(--ink);
  font: 14px/1.5 var(--sans); }
svg text, svg tspan { font-family: var(--sans); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 16px; margin-top: 28px; }
.en { color: var(--muted); font-weight: normal; font-size: 0.8em; }
header p, .note { color: var(--muted); }
nav a { margin-right: 16px; }
a.file { font-size: 13px; font-weight: normal; margin-left: 8px; }
dl.totals { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
dl.totals div { background: var(--band); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
dl.totals dt { color: var(--muted); font-size: 12px; }
dl.totals dd { margin: 0; font-size: 18px; font-weight: bold; font-variant-numeric: tabular-nums; }
.balance { background: #f0fff4; border-left: 4px solid #2f855a; padding: 6px 12px; margin: 12px 0; }
.balance p { margin: 2px 0; font-family: 'Noto Sans Mono CJK SC', 'DejaVu Sans Mono', monospace; font-size: 13px; }
figure.chart { margin: 24px 0; }
figure.chart figcaption { font-weight: bold; margin-bottom: 6px; }
svg.chart-svg { display: block; width: 100%; height: auto; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
table.evaluation th, table.evaluation td { padding: 2px 5px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; white-space: nowrap; }
thead th { background: #edf2f7; position: sticky; top: 0; }
td.num { text-align: right; }
tr.subtotal td { background: var(--band); font-weight: bold; }
tr.total td, tfoot td { background: #e2e8f0; font-weight: bold; }
table.files { margin: 8px 0 16px; }
.scroll { overflow-x: auto; max-width: 100%; }
td.grade { font-weight: bold; color: #fff; text-align: center; }
td.g1 { background: #2f855a; } td.g2 { background: #2b6cb0; } td.g3 { background: #d69e2e; }
td.g4 { background: #dd6b20; } td.g5 { background: #c53030; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { figure.chart, table { break-inside: avoid; } thead th { position: static; } }
</style>
</head>
<body>
<header>
<h1>城镇老旧小区改造 · $title</h1>
<p>xiaoqu report: profile <b>$title</b>${year:+, plan year $(awk -v y="$year" "$AWKLIB"'BEGIN { print esc(y) }')}</p>
<nav>${plan:+<a href="#plan">年度计划 Plan</a>}${evaluation:+<a href="#evaluation">绩效评价 Evaluation</a>}</nav>
</header>
EOF
cat "$body"
cat <<'EOF'
<footer>Written by <code>make report</code> from the files next to this page; every chart is drawn by gnuplot.</footer>
</body>
</html>
EOF
