#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [TARGET...] - make fuzz: each filter under AFL++.
#
# Run from the top of the repository after `make SAN=afl` and `make SAN=1`
# (make fuzz does all three). Every line of tests/fuzz/targets is fuzzed for
# SECONDS, one after the other, with build/afl/bin (AFL++ edge coverage, no
# sanitizer: five times the executions) and tests/fuzz/corpus/NAME as seeds.
# Then every input the fuzzer kept (its queue: one per new edge) is run
# again through build/san/bin, where ASan and UBSan abort on the first error.
# The queue and findings stay in build/fuzz/afl/NAME; a later run goes on
# from them.
#
# Prints, per target, the executions run, the edges reached of those the
# binary has, and the inputs replayed under the sanitizers; exits 1 when any
# target found a crash, a hang or a sanitizer report, after showing each.
# Keep such an input in tests/fuzz/regress/NAME/ once it is fixed:
# tests/fuzz-regressions.bats runs them all in make check.
set -eu -o pipefail

usage() {
	echo "usage: tests/fuzz/run.sh SECONDS [TARGET...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
seconds=$1
shift
case $seconds in '' | *[!0-9]* | 0) usage ;; esac
bin=build/afl/bin
san=build/san/bin
out=build/fuzz/afl
[ -x "$bin/xq-validate" ] || { echo "run.sh: $bin is missing: make SAN=afl" >&2; exit 2; }
[ -x "$san/xq-validate" ] || { echo "run.sh: $san is missing: make SAN=1" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "run.sh: afl-fuzz is missing: apt-get install afl++" >&2; exit 2; }

# A container's core_pattern and CPU governor are not ours to change; the
# hard limits of a CI machine are what they are.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_AUTORESUME=1
export AFL_SKIP_BIN_CHECK=0 AFL_QUIET=1
# Trimming the seeds (a few KB each) takes a short run's whole time, and
# it finds nothing: a run of less than a minute (CI's) goes straight on.
[ "$seconds" -ge 60 ] || export AFL_DISABLE_TRIM=1

stat_of() {             # stat_of FILE KEY: a value of afl's fuzzer_stats
	sed -n "s/^$2 *: *//p" "$1"
}

wanted() {              # wanted NAME: on the command line, or none named
	[ $# -eq 0 ] && return 0
	local n
	for n in "${targets_asked[@]}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

# replay NAME DIR ARGV... FILE: runs FILE, one queued input of NAME, under
# the sanitizers; when they trip, what they said is left in DIR.
replay() {
	local name=$1 f=${!#} err rc=0
	err=$2/${f##*/}
	set -- "${@:3:$#-3}"
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=abort_on_error=1:print_stacktrace=1 \
		"${@/@@/$f}" >/dev/null 2>"$err.stderr" || rc=$?
	if [ $rc -ge 4 ] || grep -q 'Sanitizer\|runtime error' "$err.stderr"; then
		{ echo "--- $name: $f exits $rc under the sanitizers"
		  head -n 30 "$err.stderr"; } >"$err.found"
	fi
	rm -f "$err.stderr"
}
export -f replay

# sanitized NAME ARGV...: runs each queued input of NAME under the
# sanitizers, a job a core (a sanitized run takes 60-110 ms, most of it
# starting up), counting them in replayed, and reports each one that trips
# them.
sanitized() {
	local name=$1 queue=$out/$1/default/queue reports=$out/$1.replay f
	shift
	rm -rf "$reports" && mkdir -p "$reports"
	replayed=0
	for f in "$queue"/id:*; do
		[ -e "$f" ] || continue
		replayed=$((replayed + 1))
	done
	[ $replayed -gt 0 ] || return 0
	printf '%s\0' "$queue"/id:* |
		xargs -0 -n 1 -P "$(nproc 2>/dev/null || echo 1)" \
			bash -c 'replay "$@"' replay "$name" "$reports" "$@"
	for f in "$reports"/*.found; do
		[ -e "$f" ] || continue
		found=1
		cat "$f" >&2
	done
}

targets_asked=("$@")
found=0
printf '%-18s %11s %7s %11s %8s %7s %6s\n' target executions exec/s edges replayed crashes hangs
while read -r name cmd; do
	case $name in '' | '#'*) continue ;; esac
	[ ${#targets_asked[@]} -eq 0 ] || wanted "$name" "${targets_asked[@]}" || continue
	mkdir -p "$out"
	read -r -a argv <<<"$cmd"
	argv[0]=$bin/${argv[0]}
	log=$out/$name.log
	if ! afl-fuzz -i "tests/fuzz/corpus/$name" -o "$out/$name" -V "$seconds" \
			-m none -t 2000 -- "${argv[@]}" >"$log" 2>&1; then
		echo "run.sh: afl-fuzz failed on $name; the end of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	stats=$out/$name/default/fuzzer_stats
	crashes=$(stat_of "$stats" saved_crashes)
	hangs=$(stat_of "$stats" saved_hangs)
	sargv=("${argv[@]}")
	sargv[0]=$san/${sargv[0]#"$bin"/}
	sanitized "$name" "${sargv[@]}"
	printf '%-18s %11s %7.0f %11s %8s %7s %6s\n' "$name" \
		"$(stat_of "$stats" execs_done)" "$(stat_of "$stats" execs_per_sec)" \
		"$(stat_of "$stats" edges_found)/$(stat_of "$stats" total_edges)" \
		"$replayed" "$crashes" "$hangs"
	for f in "$out/$name"/default/crashes/id:* "$out/$name"/default/hangs/id:*; do
		[ -e "$f" ] || continue
		found=1
		echo "--- $name: $f" >&2
		"${argv[@]/@@/$f}" >/dev/null 2>"$out/last.stderr" || true
		head -n 30 "$out/last.stderr" >&2
	done
done <tests/fuzz/targets
[ $found -eq 0 ] || { echo "run.sh: findings above (inputs under $out)" >&2; exit 1; }
