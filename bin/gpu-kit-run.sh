#!/usr/bin/env bash
# The GPU report in one bounded command: gpu-kit/run.sh OUT_DIR [options]   (built by bin/gpu-kit)
#
#   --device cuda|cuda-emu   the device (default cuda; cuda-emu runs the same code on Duel's emulated GPU)
#   --quick                  small sizes and short parts (the default for cuda-emu: what CI runs)
#   --budget SECONDS         the whole report's wall-clock bound (default 480; on cuda-emu most of it goes to
#                            the emulated FID run: 3 steps, then the classifier over the 10,000 test images)
#   --home DIR               a Duel checkout, for data/ (Fashion-MNIST, the FID classifier) and bench/;
#                            default: the checkout the kit sits in (its target/gpu-kit), or $DUEL_HOME
#   --skip PARTS             comma-separated parts to leave out (info, agree, agree-kernels, memcheck,
#                            nccl, racecheck, cpu-fid, bandwidth, gemm-conv, steps, pytorch, gpu-fid)
#
# Needs nothing on the machine but an NVIDIA driver (R580+, CUDA 13) for --device cuda: the kit carries its
# Java runtime and jars; cuBLAS/cuDNN are found where `duel info` says (loader path, CUDA_HOME, the NVIDIA
# wheels of python3). Installs nothing; unpacks the runtime once under $TMPDIR.
#
# Writes at most 8 files to OUT_DIR: report.md (the report), report.json (one JSON object per line: every
# part's status and the benchmarks' figures), and the logs info-agree.log, sanitizer.log, bench.log,
# train.log. Every part is time-boxed: one that runs out of time is stopped and reported as skipped.
# Exit status: 0 when every part passed or was not applicable (--skip, no compute-sanitizer on cuda-emu);
# 3 when a part failed, timed out or was not reached within the budget (the report says which).
set -uo pipefail
kit="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac
out="$1"; shift
device=cuda quick="" budget="" home="${DUEL_HOME:-}" skip=","
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="${2:?--device needs cuda or cuda-emu}"; shift 2 ;;
    --quick) quick=1; shift ;;
    --budget) budget="${2:?--budget needs seconds}"; shift 2 ;;
    --home) home="${2:?--home needs a folder}"; shift 2 ;;
    --skip) skip=",${2:?--skip needs part names},"; shift 2 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage ;;
  esac
done
case "$device" in cuda|cuda-emu) ;; *) echo "run.sh: --device must be cuda or cuda-emu, not '$device'" >&2; exit 2 ;; esac
[ -z "$quick" ] && { [ "$device" = cuda-emu ] && quick=1 || quick=0; }
[ -z "$budget" ] && budget=480
if [ -z "$home" ] && [ -d "$kit/../../data/fashion-mnist" ]; then home="$(cd "$kit/../.." && pwd)"; fi

mkdir -p "$out" || exit 1
out="$(cd "$out" && pwd)"
report="$out/report.md" json="$out/report.json"
: > "$report"; : > "$json"
for l in info-agree sanitizer bench train; do : > "$out/$l.log"; done
t0=$(date +%s) problems=0
left() { echo $(( budget - ($(date +%s) - t0) )); }
say() { echo "$*" | tee -a "$report"; }
jstr() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\n\t' '  '; }

# ---- the runtime: unpacked once per kit build ----------------------------------------------------------
tmp="${TMPDIR:-/tmp}"
jre="$tmp/duel-kit-jre-$(cksum < "$kit/jre.tar.xz" | cut -d' ' -f1)"
if [ ! -x "$jre/jre/bin/java" ]; then
  rm -rf "$jre.part" && mkdir -p "$jre.part"
  if ! tar -C "$jre.part" -xJf "$kit/jre.tar.xz" 2>/dev/null; then
    python3 -c 'import lzma,sys,tarfile; tarfile.open(fileobj=lzma.open(sys.argv[1])).extractall(sys.argv[2])' \
      "$kit/jre.tar.xz" "$jre.part" || { echo "run.sh: cannot unpack $kit/jre.tar.xz (needs xz or python3)" >&2; exit 1; }
  fi
  rm -rf "$jre" && mv "$jre.part" "$jre"
fi
java="$jre/jre/bin/java"
cp="$kit/lib/*"
jflags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xss4m
        -Xmx16g -Dduel.home="${home:-.}" -Dduel.test.fakeCudnn="$kit/emu/libcudnn.so.9")
if [ "$device" = cuda-emu ]; then
  jflags+=(-Dduel.emu.dir="$kit/emu" -Dduel.emu.cudnn="$kit/emu/libcudnn.so.9")
fi
# Huge pages where the kernel's THP mode is madvise, as ./duel gives them, so the report's CPU reference
# runs are measured as the launcher runs (docs/benchmarks.md, "Huge pages").
grep -qF '[madvise]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null && jflags+=(-XX:+UseTransparentHugePages)
# The JVM's "WARNING: Using incubator modules: jdk.incubator.vector" line (printed on every start, no flag
# turns it off) is dropped from the runs' stderr; every other line passes (as ./duel does, bin/jdk25.sh).
quiet_java() { "$java" "$@" 2> >(trap '' INT TERM; exec grep -v -x -F --line-buffered -e 'WARNING: Using incubator modules: jdk.incubator.vector' >&2); }
duel() { quiet_java "${jflags[@]}" -cp "$cp" dev.duel.gan.cli.Main "$@"; }
# The tests read a few source files (ABI.md) relative to the engine module, as under Maven: run them there.
junit() { cd "${home:+$home/engine}" 2>/dev/null || true; quiet_java "${jflags[@]}" -Dduel.cpu.poison=true -Dduel.cuda.poison=true -cp "$kit/test/*:$cp" \
  org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree "$@"; }

# part NAME SECONDS LOG COMMAND...: runs COMMAND bounded by SECONDS (and by what is left of the budget);
# its stdout goes to the report (and the log), its stderr to the log; one JSON status line per part.
part() {
  local name="$1" secs="$2" log="$out/$3.log"; shift 3
  local l; l=$(left)
  if [[ "$skip" == *",$name,"* ]]; then
    say "- **$name**: skipped (--skip)"; echo "{\"part\":\"$name\",\"status\":\"skipped\",\"why\":\"--skip\"}" >> "$json"
    return 0
  fi
  if [ "$l" -lt 15 ]; then
    problems=$((problems + 1))
    say "- **$name**: skipped: the report's budget of ${budget} s is spent"
    echo "{\"part\":\"$name\",\"status\":\"skipped\",\"why\":\"budget spent\"}" >> "$json"; return 0
  fi
  [ "$secs" -gt "$((l - 5))" ] && secs=$((l - 5))
  echo "=== $name ($(date -u +%H:%M:%S), at most ${secs} s): $*" >> "$log"
  local s0 rc; s0=$(date +%s)
  # timeout runs programs, not shell functions: the function runs in a fresh bash that sources them
  { declare -p java jflags cp kit out json device fid_samples home tmp quick; declare -f; } > "$tmp/duel-kit-env.$$"
  timeout -k 10 "$secs" bash -c 'source "$0"; "$@"' "$tmp/duel-kit-env.$$" "$@" > "$out/.part.out" 2>> "$log"; rc=$?
  local took=$(( $(date +%s) - s0 )); rm -f "$tmp/duel-kit-env.$$"
  cat "$out/.part.out" >> "$log"
  local status=ok
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then status="timed out"; elif [ "$rc" != 0 ]; then status="failed (exit $rc)"; fi
  [ "$status" = ok ] || problems=$((problems + 1))
  {
    echo; echo "### $name: $status, ${took} s"; echo
    cat "$out/.part.out"
    [ "$status" = "timed out" ] && echo "(stopped after ${secs} s: the part's time box; what it printed is above)"
  } >> "$report"
  echo "{\"part\":\"$name\",\"status\":\"$(jstr "$status")\",\"seconds\":$took}" >> "$json"
  rm -f "$out/.part.out"
  echo "run.sh: $name: $status (${took} s; $(left) s of the budget left)" >&2
}

# JUnit's summary and failures only (the whole tree is in the log)
agree() {
  local log="$1"; shift
  junit "$@" > "$log.tmp" 2>&1; local rc=$?
  cat "$log.tmp" >> "$log"
  echo '```'
  grep -E '^\[ +[0-9]+ tests (found|successful|failed|aborted|skipped)' "$log.tmp" || echo "(no JUnit summary: see the log)"
  grep -E '✘' "$log.tmp" | head -40
  grep -E '■' "$log.tmp" | sort | uniq -c | sort -rn | head -10   # aborted: skipped by an assumption, with the reason
  echo '```'
  rm -f "$log.tmp"; return $rc
}

sanitizer_bin() {
  command -v compute-sanitizer 2>/dev/null && return 0
  local c; for c in "${CUDA_HOME:-/usr/local/cuda}"/bin/compute-sanitizer /usr/local/cuda*/bin/compute-sanitizer; do
    [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

# compute-sanitizer TOOL over the CUDA package's op tests (every kernel, both library paths, odd sizes)
sanitize() {
  local tool="$1" log="$out/sanitizer.log" cs
  if [ "$device" != cuda ]; then echo "not run: compute-sanitizer needs a real GPU (device $device)"; return 0; fi
  if ! cs=$(sanitizer_bin); then echo "not run: compute-sanitizer not found (PATH, \$CUDA_HOME/bin, /usr/local/cuda*/bin)"; return 0; fi
  "$cs" --tool "$tool" --target-processes all --print-limit 50 \
    quiet_java "${jflags[@]}" -Dduel.cuda.poison=true -cp "$kit/test/*:$cp" org.junit.platform.console.ConsoleLauncher \
    execute --disable-banner --disable-ansi-colors --details=summary \
    --select-class dev.duel.engine.cuda.CudaElementwiseTest --select-class dev.duel.engine.cuda.CudaMiscOpsTest \
    --select-class dev.duel.engine.cuda.CudaGemmConvTest > "$log.tmp" 2>&1; local rc=$?
  cat "$log.tmp" >> "$log"
  echo '```'
  grep -E '(ERROR|RACECHECK|LEAK) SUMMARY|^\[ +[0-9]+ tests (successful|failed)' "$log.tmp" || echo "(no sanitizer summary: see sanitizer.log)"
  echo '```'
  rm -f "$log.tmp"; return $rc
}

# fid_run DEVICE RUNS_DIR SECONDS [train options]: one epoch of dcgan28 with FID after it (metrics.jsonl's
# "type":"eval" line), on DEVICE, bounded by SECONDS
fid_run() {
  local dev="$1" runs="$2" secs="$3"; shift 3
  rm -rf "$runs"
  timeout -k 10 "$secs" "$java" "${jflags[@]}" -cp "$cp" dev.duel.gan.cli.Main train --model dcgan28 --epochs 1 \
    --fid-every 1 --fid-samples "$fid_samples" --seed 1 --device "$dev" --out "$runs" --name dcgan28 \
    --checkpoint-every 0 "$@" >> "$out/train.log" 2>&1 || return $?
  local line; line=$(grep '"type":"eval"' "$runs/dcgan28/metrics.jsonl" | tail -1)
  echo "    $line"
  echo "{\"part\":\"fid\",\"device\":\"$dev\",\"eval\":$line}" >> "$json"
}

nccl_check() {   # NcclOneRankCheck (the engine's test classes): one rank of NCCL on the device
  echo '```'
  "$java" "${jflags[@]}" -cp "$kit/test/*:$cp" dev.duel.engine.cuda.NcclOneRankCheck "$device" 2>> "$out/info-agree.log"; local rc=$?
  echo '```'
  return $rc
}

bench() {   # bench MAIN ARGS...: a benchmark main of the kit's duel-bench.jar
  local main="$1"; shift
  quiet_java "${jflags[@]}" -cp "$cp" "dev.duel.bench.gpu.$main" --device "$device" --out "$json" "$@"
}

if [ "$quick" = 1 ]; then
  fid_samples=200 fid_limit=(--limit 3) steps_cfg="mlp:64,dcgan28:64" bench_q=(--quick)
else
  fid_samples=2000 fid_limit=() steps_cfg="mlp:64,mlp:256,dcgan28:64,dcgan28:128,dcgan28:512,cgan-mlp:64" bench_q=()
fi

{
  echo "# Duel GPU report"
  echo
  echo "- device: **$device**$([ "$quick" = 1 ] && echo ' (quick: small sizes)'), budget ${budget} s, started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- kit: $(head -1 "$kit/VERSION" 2>/dev/null)"
  echo "- host: $(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  command -v nvidia-smi >/dev/null && echo "- nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>/dev/null | head -1)"
  echo "- checkout for data/: ${home:-none found (parts that need data are skipped)}"
} | tee -a "$report"

part info 30 info-agree duel info

# The CPU reference for the FID comparison runs beside the correctness parts (on other cores when there
# are many), so that the benchmarks later have the machine to themselves.
cpu_fid_pid=""
if [ -n "$home" ] && [[ "$skip" != *",cpu-fid,"* ]] && [[ "$skip" != *",gpu-fid,"* ]]; then
  pinset=""; n=$(nproc); [ "$n" -ge 8 ] && command -v taskset >/dev/null && pinset="$((n / 2))-$((n - 1))"
  ( [ -n "$pinset" ] && taskset -cp "$pinset" "$BASHPID" > /dev/null; fid_run cpu "$tmp/duel-kit-runs-cpu" 240 "${fid_limit[@]}" \
      > "$out/.cpu-fid.out"; echo $? > "$out/.cpu-fid.rc" ) &
  cpu_fid_pid=$!
fi

# The device-agreement suite: the CUDA package's tests (every Backend op against the CPU backend, on cuBLAS/
# cuDNN and on Duel's kernels) and the device-parameterised op suite (gradient checks, second derivatives,
# float64 references) on the device; then the op suite again with GEMM and conv forced onto Duel's kernels.
# --quick (CI, cuda-emu, where the Maven suite already runs all of it) keeps the CUDA package and one op suite.
if [ "$quick" = 1 ]; then
  agree_all=(--select-package dev.duel.engine.cuda --select-class dev.duel.engine.ElementwiseGradTest)
  agree_ops=(--select-class dev.duel.engine.MatmulConvGradTest)
else
  agree_all=(--select-package dev.duel.engine --exclude-package dev.duel.engine.cpu)
  agree_ops=(--select-package dev.duel.engine --exclude-package dev.duel.engine.cpu --exclude-package dev.duel.engine.cuda)
fi
part agree 150 info-agree agree "$out/info-agree.log" "${agree_all[@]}"
DUEL_CUDA_GEMM=kernels DUEL_CUDA_CONV=kernels part agree-kernels 120 info-agree agree "$out/info-agree.log" "${agree_ops[@]}"
# NCCL with one rank (a lent machine has one GPU): the FFM binding against the libnccl.so.2 found (NVIDIA's, or
# Duel's stand-in on cuda-emu): all-reduce and broadcast on device memory; "not run" with the fix when none is found
part nccl 60 info-agree nccl_check
part memcheck 70 sanitizer sanitize memcheck
part racecheck 60 sanitizer sanitize racecheck

if [ -n "$cpu_fid_pid" ]; then
  echo "run.sh: waiting for the CPU reference run ..." >&2
  wait "$cpu_fid_pid"
  { echo; echo "### cpu-fid: $( [ "$(cat "$out/.cpu-fid.rc" 2>/dev/null)" = 0 ] && echo ok || echo "failed or timed out (exit $(cat "$out/.cpu-fid.rc" 2>/dev/null))")"; echo
    echo "One epoch of dcgan28 on the CPU (seed 1, FID of $fid_samples samples), the reference for the GPU run below:"
    cat "$out/.cpu-fid.out"; } >> "$report"
  [ "$(cat "$out/.cpu-fid.rc" 2>/dev/null)" = 0 ] || problems=$((problems + 1))
  rm -f "$out/.cpu-fid.out" "$out/.cpu-fid.rc"
fi

part bandwidth 60 bench bench GpuKernelBandwidth "${bench_q[@]}" --budget-s 45
part gemm-conv 50 bench bench GpuGemmConv "${bench_q[@]}" --budget-s 40
part steps 75 bench bench GpuStepTiming "${bench_q[@]}" --budget-s 65 --configs "$steps_cfg"
if [ -n "$home" ] && [ "$device" = cuda ] && command -v python3 >/dev/null; then
  part pytorch 70 bench python3 "$kit/pytorch_train_step.py" "$steps_cfg" 3 "$(nproc)" device=cuda budget_s=55 \
    out="$json" data="$home/data/fashion-mnist"
else
  say "- **pytorch**: skipped: $([ "$device" = cuda ] && echo 'no python3 or no checkout' || echo 'PyTorch runs on the real GPU only')"
fi
if [ -n "$home" ]; then
  fid_box=150; [ "$device" = cuda-emu ] && fid_box=300
  part gpu-fid "$fid_box" train fid_run "$device" "$tmp/duel-kit-runs-$device" "$((fid_box - 5))" "${fid_limit[@]}"
  {
    echo
    echo "FID agreement: the GPU and CPU runs start from the same weights (Philox) and data order, but their"
    echo "float sums run in different orders (cuBLAS/cuDNN algorithms, parallel reductions), so the two runs"
    echo "diverge within a few hundred steps like two seeds of one run: expect FIDs of the same size after one"
    echo "epoch, not equal numbers."
  } >> "$report"
else
  say "- **gpu-fid**: skipped: no Duel checkout with data/ (pass --home)"
fi

say ""
say "Finished in $(( $(date +%s) - t0 )) s of the ${budget} s budget. Files: $(cd "$out" && ls | tr '\n' ' ')"
if [ "$problems" -gt 0 ]; then
  say "$problems part(s) failed, timed out or were not reached: see above and the logs."
  exit 3
fi
