#!/usr/bin/env bats
# fuzz-regressions.bats - the fuzz targets' seeds and kept findings, through
# the filters under test.
#
# make fuzz runs each line of tests/fuzz/targets under AFL++. Here the same
# command lines run on every seed (tests/fuzz/corpus/NAME) and on every input
# a fuzzer once broke a filter with (tests/fuzz/regress/NAME): each must end
# with an exit status of SPEC §6 (0 to 3; /dev/null does not fail writes),
# nothing but the filter's own messages on stderr, and, in the sanitizer
# build, no report.

load helpers

setup() {
	xq_setup
	ROOT=$BATS_TEST_DIRNAME/..
}

# replay NAME: every seed and kept finding of target NAME; fails naming each
# input that ends otherwise.
replay() {
	local name=$1 line cmd argv f rc bad=0 n=0 tool
	line=$(grep -E "^$name[[:space:]]" "$ROOT/tests/fuzz/targets")
	[[ -n $line ]] || { echo "no target $name in tests/fuzz/targets"; return 1; }
	read -r _ cmd <<<"$line"
	read -r -a argv <<<"$cmd"
	tool=${argv[0]}
	cd "$ROOT" || return 1
	for f in tests/fuzz/corpus/"$name"/* tests/fuzz/regress/"$name"/*; do
		[[ -f $f ]] || continue
		n=$((n + 1))
		rc=0
		"${argv[@]/@@/$f}" >/dev/null 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
		if ((rc > 3)) || grep -qv "^$tool: " "$BATS_TEST_TMPDIR/stderr"; then
			echo "$f: exit $rc; stderr:"
			head -n 20 "$BATS_TEST_TMPDIR/stderr"
			bad=1
		fi
	done
	((n > 0)) || { echo "target $name has no seeds"; return 1; }
	return $bad
}

@test "every fuzz target has seeds and a filter" {
	local name cmd n=0
	while read -r name cmd; do
		[[ -z $name || $name == '#'* ]] && continue
		n=$((n + 1))
		compgen -G "$ROOT/tests/fuzz/corpus/$name/*" >/dev/null ||
			fail "target $name: no seeds in tests/fuzz/corpus/$name"
		[[ -x $XQ_BIN/${cmd%% *} ]] || fail "target $name: no filter ${cmd%% *}"
		[[ $cmd == *@@* ]] || fail "target $name: no @@ for the input"
	done <"$ROOT/tests/fuzz/targets"
	((n >= 7)) || fail "only $n targets"
}

@test "fuzz target validate: seeds and findings" { replay validate; }
@test "fuzz target progress: seeds and findings" { replay progress; }
@test "fuzz target dedupe: seeds and findings" { replay dedupe; }
@test "fuzz target classify-scope: seeds and findings" { replay classify-scope; }
@test "fuzz target allocate-funds: seeds and findings" { replay allocate-funds; }
@test "fuzz target score-performance: seeds and findings" { replay score-performance; }
@test "fuzz target summarize: seeds and findings" { replay summarize; }
