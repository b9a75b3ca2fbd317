#!/usr/bin/env bash
# The GPU report in one bounded command: copy bandwidth and Duel's kernels (GpuKernelBandwidth), SGEMM
# and convolutions against cuBLAS/cuDNN (GpuGemmConv), training steps (GpuStepTiming), and PyTorch's
# steps on the same GPU when torch imports (bench/pytorch_train_step.py device=cuda).
#   bench/gpu-report.sh [--device cuda|cuda-emu] [--quick] [--out DIR]
# Environment: JAVA (default: java on PATH), DUEL_CP (default: the built jars of this checkout:
# bench/target/original-duel-bench.jar:gan/target/duel-gan.jar:gan/target/lib/*), JAVA_OPTS (extra JVM
# flags, e.g. the -Dduel.emu.dir/-Dduel.emu.cudnn of cuda-emu), PYTHON (default python3).
# Budgets (seconds; the parts skip what does not fit, with a line saying so): 100 + 80 + 130 + 90 of
# wall time plus JVM start-ups, about 7 minutes in all. Markdown on stdout (and DIR/report.md), JSON
# lines in DIR/report.json.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
device=cuda quick= outdir=gpu-report
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=$2; shift 2 ;;
    --quick) quick=--quick; shift ;;
    --out) outdir=$2; shift 2 ;;
    *) echo "usage: $0 [--device cuda|cuda-emu] [--quick] [--out DIR]" >&2; exit 2 ;;
  esac
done
mkdir -p "$outdir"
json="$outdir/report.json" md="$outdir/report.md"
java=${JAVA:-java}
cp=${DUEL_CP:-$here/bench/target/original-duel-bench.jar:$here/gan/target/duel-gan.jar:$here/gan/target/lib/*}
flags="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-}"
status=0
run() {  # main budget [args...]
  local main=$1 budget=$2; shift 2
  # shellcheck disable=SC2086
  (cd "$here" && "$java" $flags -cp "$cp" "dev.duel.bench.gpu.$main" --device "$device" $quick --budget-s "$budget" \
      --out "$(realpath "$json")" "$@") 2> >(grep -v 'Using incubator modules' >&2) | tee -a "$md" || status=1
}
run GpuKernelBandwidth 100
run GpuGemmConv 80
run GpuStepTiming 130
py=${PYTHON:-python3}
if [ "$device" = cuda ] && "$py" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  { echo; echo "## PyTorch training steps (device=cuda)"; echo; echo "| model | batch | ms/step (best round) | round medians |"; echo "| --- | ---: | ---: | --- |"; } | tee -a "$md"
  "$py" "$here/bench/pytorch_train_step.py" mlp:64,mlp:256,dcgan28:64,dcgan28:128,dcgan28:512,cgan-mlp:64 3 8 cuda \
      budget_s=90 json=0 out="$json" | tee -a "$md" || status=1
else
  echo "PyTorch: skipped (device $device, or torch with CUDA does not import with $py)" | tee -a "$md"
fi
echo "report: $md, $json" >&2
exit $status
