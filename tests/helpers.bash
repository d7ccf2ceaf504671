# helpers.bash - common setup for every xiaoqu .bats file.
#
#   load helpers
#
# gives each test: bats-support and bats-assert, LC_ALL=C.UTF-8, the filters
# under test first on PATH, FIX (tests/fixtures), a private working
# directory ($BATS_TEST_TMPDIR, the current directory in the test), and the
# small helpers below.
#
# The filters under test are those in $XQ_BIN (default: the repository's
# bin/), so the sanitizer build runs the same tests:
#
#   XQ_BIN=$PWD/build/san/bin tests/run-bats tests/*.bats
#
# A file that needs its own setup calls xq_setup first:
#
#   setup() { xq_setup; ...; }

bats_require_minimum_version 1.5.0

# bats sources a test file anew for every test, and loading bats-support and
# bats-assert costs some 30 ms each time (their load.bash runs dirname once
# a file). So the first test of a run loads them with bats_load_library and
# keeps their functions in the run's temporary directory; the others source
# that one file.
xq_libs=${BATS_RUN_TMPDIR:?}/xq-bats-libs.bash
if [[ -r $xq_libs ]]; then
	source "$xq_libs"
else
	declare -A xq_had=()
	while read -r _ _ xq_f; do xq_had[$xq_f]=1; done < <(declare -F)
	bats_load_library bats-support
	bats_load_library bats-assert
	xq_new=()
	while read -r _ _ xq_f; do
		[[ -n ${xq_had[$xq_f]:-} ]] || xq_new+=("$xq_f")
	done < <(declare -F)
	if ((${#xq_new[@]} > 0)); then
		declare -f "${xq_new[@]}" > "$xq_libs.$$" && mv -f "$xq_libs.$$" "$xq_libs"
	fi
	unset xq_had xq_new xq_f
fi

# Made absolute here, before a test changes directory (no subshells: this
# runs before every test).
XQ_BIN=${XQ_BIN:-$BATS_TEST_DIRNAME/../bin}
[[ $XQ_BIN == /* ]] || XQ_BIN=$PWD/$XQ_BIN
FIX=$BATS_TEST_DIRNAME/fixtures

xq_setup() {
	export LC_ALL=C.UTF-8
	unset LANG LANGUAGE
	if [[ ! -d $XQ_BIN ]]; then
		echo "XQ_BIN $XQ_BIN is not a directory: run make first" >&2
		return 1
	fi
	PATH="$XQ_BIN:$PATH"
	export PATH FIX XQ_BIN
	set -o pipefail
	cd "$BATS_TEST_TMPDIR" || return 1
}

setup() {
	xq_setup
}

# ---- encoded variants of readable UTF-8 fixtures -------------------------
# Filters: each reads FILE... (or stdin) and writes to stdout, so they chain:
#   gb18030 "$FIX/validate/good.csv" | crlf > good.csv

# UTF-8 to GB18030 (what Chinese Excel writes as "CSV").
gb18030() {
	iconv -f UTF-8 -t GB18030 "$@"
}

# LF line ends to CRLF.
crlf() {
	sed 's/$/\r/' "$@"
}

# A UTF-8 byte order mark in front.
bom() {
	printf '\357\273\277'
	cat "$@"
}

# ---- reading CSV ----------------------------------------------------------

# csv_column NAME [FILE]: the values of column NAME, one per line, for every
# record of a one-record-per-line CSV file (the stream, rejects): quotes are
# undone, so a value holding a comma or a quote comes out as it is.
csv_column() {
	awk -v want="$1" '
	function split_csv(line, f,    n, i, c, q, v) {
		n = 0; v = ""; q = 0
		for (i = 1; i <= length(line); i++) {
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
	NR == 1 {
		sub(/^\357\273\277/, ""); sub(/\r$/, "")
		n = split_csv($0, h)
		for (i = 1; i <= n; i++) if (h[i] == want) col = i
		if (!col) { print "csv_column: no column " want > "/dev/stderr"; exit 2 }
		next
	}
	{ sub(/\r$/, ""); split_csv($0, f); print f[col] }
	' "${2:--}"
}

# ---- assertions on stderr --------------------------------------------------
# bats-assert 2.1 (Debian 12) has no assert_stderr; these take the same
# options as assert_output and assert_line, after run --separate-stderr.

if ! declare -F assert_stderr >/dev/null; then
	assert_stderr() {
		local output="$stderr"
		assert_output "$@"
	}
	refute_stderr() {
		local output="$stderr"
		refute_output "$@"
	}
fi
if ! declare -F assert_stderr_line >/dev/null; then
	assert_stderr_line() {
		# the common case, a whole line, in one command (bats traces each)
		if (($# == 1)) && [[ $'\n'$stderr$'\n' == *$'\n'"$1"$'\n'* ]]; then
			return 0
		fi
		local output="$stderr" lines=("${stderr_lines[@]}")
		assert_line "$@"
	}
	refute_stderr_line() {
		local output="$stderr" lines=("${stderr_lines[@]}")
		refute_line "$@"
	}
fi

# assert_usage_is_synopsis TOOL: TOOL --help prints, after "usage: ", the
# SYNOPSIS of man/TOOL.1 (spaces and line breaks aside).
assert_usage_is_synopsis() {
	local man=$BATS_TEST_DIRNAME/../man/$1.1 synopsis usage
	command -v mandoc >/dev/null || fail "mandoc is not installed"
	synopsis=$(MANWIDTH=200 mandoc -T ascii "$man" | col -bx |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \t\n' '   ')
	usage=$("$1" --help | sed 's/^usage: //' | tr -s ' \n' '  ')
	assert_equal "$(echo $usage)" "$(echo $synopsis)"
}

# assert_file_equal FILE EXPECTED: FILE's bytes are EXPECTED's (shows a diff).
assert_file_equal() {
	if ! cmp -s "$1" "$2"; then
		diff -u "$2" "$1" | batslib_decorate "$1 differs from $2" | fail
	fi
}

# csv_records [FILE]: the number of records in a CSV file, header included,
# counted as a CSV reader counts them: a quoted cell may hold line breaks, so
# a record may take several lines; empty lines between records are none.
csv_records() {
	LC_ALL=C awk '!open && /^\r?$/ { next }
		{ open = (open + gsub(/"/, "&")) % 2 }
		!open { n++ }
		END { print n + 0 }' "${1:--}"
}

# provenance FILE: "source<TAB>line" of each record of a one-record-per-line
# CSV file whose first columns are source and line (the stream, rejects,
# duplicates, exceptions). Only those two fields are read, so a record with
# a field of megabytes costs no more than any other.
provenance() {
	cut -b 1-4096 "$1" | awk -v file="$1" '
	NR == 1 {
		if ($0 !~ /^(\357\273\277)?source,line(,|\r?$)/) {
			print "provenance: " file " does not start with source,line" > "/dev/stderr"
			exit 2
		}
		next
	}
	{
		n = 0; v = ""; q = 0
		for (i = 1; n < 2 && i <= length($0); i++) {
			c = substr($0, i, 1)
			if (q) {
				if (c != "\"") v = v c
				else if (substr($0, i + 1, 1) == "\"") { v = v c; i++ }
				else q = 0
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = v; v = "" }
			else v = v c
		}
		print f[1] "\t" (n < 2 ? v : f[2])
	}'
}
