#!/usr/bin/env bash
# Fuzzes every parser of outside bytes with Jazzer, one target after another, each for the @FuzzTest's
# maxDuration (10 minutes), under nice. Logs: target/fuzz/<target>.log (libFuzzer's status lines give
# executions, coverage and the process's RSS); a finding stops that target and is saved by Jazzer under
# the module's src/test/resources/.../<Test>Inputs/. docs/reliability.md records the last run.
#   bin/fuzz-all.sh                       all six targets (about 65 minutes)
#   bin/fuzz-all.sh 'IdxFileFuzzTest#raw' one of them
# Each target runs with a 512 MiB heap (an OutOfMemoryError is a finding) and a 10 s limit per input (a
# slower input is reported as a hang): Jazzer turns JUnit's default timeout into libFuzzer's -timeout, and
# JUnit's own enforcement is off (it would time the whole 10-minute run and interrupt it).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. bin/jdk25.sh
duel_find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=('JsonFuzzTest#parse' 'SafetensorsFuzzTest#read' 'IdxFileFuzzTest#raw'
  'IdxFileFuzzTest#gzip' 'PngFolderFuzzTest#read' 'SavedConfigFuzzTest#read')
mkdir -p target/fuzz
status=0
for t in "${targets[@]}"; do
  case "$t" in Json*|Safetensors*) modules=kernels,engine,nn ;; *) modules=kernels,engine,nn,gan ;; esac
  log="target/fuzz/${t/\#/.}.log"
  echo "fuzz: $t ($(date -u +%H:%M:%S) UTC) -> $log"
  JAZZER_FUZZ=1 nice -n 5 ./mvnw -B -ntp -pl "$modules" verify -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.extra="-Xmx512m -Djunit.jupiter.execution.timeout.default=10s -Djunit.jupiter.execution.timeout.mode=disabled" > "$log" 2>&1
  rc=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  echo "fuzz: $t exit $rc; ${done_line:-no DONE line (a finding? see the log)}"
  [ $rc -eq 0 ] || status=1
done
exit $status
