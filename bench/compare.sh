#!/usr/bin/env bash
# Duel against its peers on this machine, interleaved, in one session (docs/benchmarks.md):
#   SGEMM (Duel vs OpenBLAS through netlib-java, same JVM, same run), the dcgan28 conv layers
#   (Duel JMH, then PyTorch), leaky_relu, and one GAN training step per config (Duel JMH, then
#   PyTorch), for ROUNDS rounds. Nothing else should run meanwhile: the machine has 2 cores.
# Needs: ./mvnw -q -DskipTests install (bench/target/duel-bench.jar), apt-get install
#   libopenblas0-pthread libopenblas0-openmp python3-torch.
# Usage: bench/compare.sh OUT_DIR [ROUNDS=3] [PARTS=sgemm,conv,step]
set -euo pipefail
out=${1:?usage: bench/compare.sh OUT_DIR [ROUNDS]}
rounds=${2:-3}
parts=,${3:-sgemm,conv,step},
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bin/jdk25.sh"
duel_find_jdk25
java="$JAVA_HOME/bin/java"
jar="$here/bench/target/duel-bench.jar"
torch_env=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp)
mkdir -p "$out"
{ date -u; nproc; grep -m1 'model name' /proc/cpuinfo; "$java" -version 2>&1 | head -1; } > "$out/machine.txt"
for r in $(seq 1 "$rounds"); do
  if [[ $parts == *,sgemm,* ]]; then
  echo "round $r: SGEMM" >&2
  "$java" -jar "$jar" Sgemm -p n=128,256,512,1024,2048 -wi 3 -w 1s -i 5 -r 1s -f 1 -rf json -rff "$out/sgemm-$r.json" > "$out/sgemm-$r.log" 2>&1
  fi
  if [[ $parts == *,conv,* ]]; then
  echo "round $r: conv layers and ops" >&2
  "$java" -jar "$jar" "Conv2dCpu|OpsBenchmark.leakyRelu" -p device=cpu -wi 3 -w 1s -i 5 -r 1s -f 1 -rf json -rff "$out/conv-$r.json" > "$out/conv-$r.log" 2>&1
  "${torch_env[@]}" /usr/bin/python3 "$here/bench/pytorch_conv_layers.py" 3 2 > "$out/torch-conv-$r.md" 2>&1
  fi
  if [[ $parts == *,step,* ]]; then
  echo "round $r: training steps" >&2
  "$java" -jar "$jar" TrainStep -p device=cpu -wi 3 -w 2s -i 5 -r 2s -f 1 -rf json -rff "$out/step-$r.json" > "$out/step-$r.log" 2>&1
  # the same statistic on both sides (best-round median of single steps), config by config, alternating
  for c in mlp:64 mlp:256 dcgan28:64 dcgan28:128 cgan-mlp:64 pix2pix:64; do
    "$java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$jar" dev.duel.bench.StepTiming "$c" 3 cpu >> "$out/duel-step-$r.md" 2>/dev/null
    "${torch_env[@]}" /usr/bin/python3 "$here/bench/pytorch_train_step.py" "$c" 3 2 json=0 >> "$out/torch-step-$r.md" 2>&1
  done
  fi
done
echo "done: $out" >&2
