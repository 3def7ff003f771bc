#!/usr/bin/env bash
# Runs every libFuzzer harness of a `fuzz` build for SECONDS each, one after the other, on a
# copy of its seed corpus, and prints a table: harness, seconds, executions, corpus, crashes.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS=60] [BUILD_DIR=build/fuzz] [HARNESS...]
#
# HARNESS names pick a subset (`safetensors` or `fuzz_safetensors`). Crashing inputs (crash-,
# leak-, timeout-, oom-) are copied to tests/fuzz/regressions/<harness>/, where the normal
# build's fuzz_replay_* tests replay them. Environment:
#   FUZZ_WORK=DIR    working copies, logs and table (default BUILD_DIR/fuzz-work)
#   FUZZ_MERGE=1     afterwards, add the new inputs that reach new coverage to
#                    tests/fuzz/corpus/<harness>/ if it stays under FUZZ_MAX_CORPUS_KB
#   FUZZ_MAX_CORPUS_KB (default 200)
#   FUZZ_REGRESSIONS=DIR  where crashes go (default tests/fuzz/regressions)
# Exit status: 0 when no harness found anything, 1 otherwise, 2 on usage errors.
set -uo pipefail

seconds=${1:-60}
build_dir=${2:-build/fuzz}
shift $(( $# > 2 ? 2 : $# ))
source_dir=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-$build_dir/fuzz-work}
regressions=${FUZZ_REGRESSIONS:-$source_dir/regressions}
max_corpus_kb=${FUZZ_MAX_CORPUS_KB:-200}

if ! [[ $seconds =~ ^[0-9]+$ ]] || [ ! -d "$build_dir/tests/fuzz" ]; then
  echo "usage: $0 [SECONDS] [BUILD_DIR with tests/fuzz/fuzz_* from the fuzz preset] [HARNESS...]" >&2
  exit 2
fi

harnesses=()
if [ $# -gt 0 ]; then
  for h in "$@"; do harnesses+=("fuzz_${h#fuzz_}"); done
else
  for bin in "$build_dir"/tests/fuzz/fuzz_*; do
    [ -f "$bin" ] && [ -x "$bin" ] && harnesses+=("$(basename "$bin")")
  done
fi
[ ${#harnesses[@]} -gt 0 ] || { echo "$0: no harnesses in $build_dir/tests/fuzz" >&2; exit 2; }

mkdir -p "$work"
table="$work/table.tsv"
printf 'harness\tseconds\texecs\tcorpus_files\tcorpus_kb\tcrashes\n' > "$table"
status=0

# libFuzzer's final stats: "stat::number_of_executed_units: 123".
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

for harness in "${harnesses[@]}"; do
  name=${harness#fuzz_}
  bin="$build_dir/tests/fuzz/$harness"
  [ -x "$bin" ] || { echo "$0: $bin not built" >&2; exit 2; }
  dir="$work/$name"
  rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
  [ -d "$source_dir/corpus/$name" ] && cp "$source_dir/corpus/$name"/* "$dir/corpus/" 2>/dev/null
  extra=()
  [ -d "$regressions/$name" ] && extra+=("$regressions/$name")

  echo "== $harness: ${seconds}s (log $dir/fuzz.log)" >&2
  start=$(date +%s)
  # -timeout: one input running 25 s is a hang. Valid images that decode large canvases
  # take 0.4-1 s in a release build but up to ~8 s under the sanitizers (two such GIFs are
  # kept in regressions/image and replayed here), so 10 s would fail on a busy machine.
  # -rss_limit_mb: the harnesses' own limits keep far below it, so reaching it is an
  # allocation the parsers failed to bound.
  "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/corpus" "${extra[@]}" > "$dir/fuzz.log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))

  crashes=0
  for found in "$dir"/artifacts/*; do
    [ -f "$found" ] || continue
    mkdir -p "$regressions/$name"
    cp "$found" "$regressions/$name/"
    crashes=$((crashes + 1))
    echo "   found $(basename "$found") -> $regressions/$name/" >&2
  done
  if [ $rc -ne 0 ] && [ $crashes -eq 0 ]; then
    crashes=1 # died without leaving an input (e.g. a crash in initialization)
    echo "   $harness exited with $rc; see $dir/fuzz.log" >&2
  fi
  [ $crashes -eq 0 ] || status=1

  execs=$(final_stat number_of_executed_units "$dir/fuzz.log")
  files=$(find "$dir/corpus" -type f | wc -l)
  kb=$(find "$dir/corpus" -type f -printf '%s\n' | awk '{ n += $1 } END { printf "%d", (n + 1023) / 1024 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$harness" "$elapsed" "${execs:-?}" "$files" "$kb" "$crashes" >> "$table"

  if [ "${FUZZ_MERGE:-0}" = 1 ] && [ $crashes -eq 0 ]; then
    # Merging into a copy of the seeds keeps the named real files and adds only the new
    # inputs that reach coverage the seeds do not.
    merged="$dir/merged"
    mkdir -p "$merged" "$source_dir/corpus/$name"
    cp "$source_dir/corpus/$name"/* "$merged/" 2>/dev/null
    "$bin" -merge=1 -timeout=25 "$merged" "$dir/corpus" >> "$dir/merge.log" 2>&1
    merged_kb=$(find "$merged" -type f -printf '%s\n' | awk '{ n += $1 } END { printf "%d", (n + 1023) / 1024 }')
    if [ "$merged_kb" -le "$max_corpus_kb" ]; then
      cp -n "$merged"/* "$source_dir/corpus/$name/"
      echo "   corpus merged into tests/fuzz/corpus/$name ($merged_kb KB)" >&2
    else
      echo "   merged corpus is $merged_kb KB > $max_corpus_kb KB: seed corpus left as is" >&2
    fi
  fi
done

column -t -s $'\t' "$table"
exit $status
