#!/usr/bin/env bash
# The soak of docs/reliability.md in one command: the real trainer for 10,000 steps of mlp and 2,000 of
# dcgan28 on the CPU, then the same on cuda-emu, memory sampled every steps/20 (dev.duel.bench.SoakBenchmark).
# Logs and the tables: OUT_DIR/<model>-<device>.log. Long: run it under nice on a shared machine.
# Usage: bench/soak.sh OUT_DIR [MLP_STEPS=10000] [DCGAN_STEPS=2000] [DEVICES=cpu,cuda-emu]
#   EMU_MLP_STEPS / EMU_DCGAN_STEPS override the step counts on cuda-emu only (it is ~10-50x slower).
set -uo pipefail
out=${1:?usage: bench/soak.sh OUT_DIR [MLP_STEPS] [DCGAN_STEPS] [DEVICES]}
mlp=${2:-10000}
dcgan=${3:-2000}
devices=${4:-cpu,cuda-emu}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/jdk25.sh"
duel_find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
if [ ! -f "$root/bench/target/classes/dev/duel/bench/SoakBenchmark.class" ] || [ ! -f "$root/gan/target/duel-gan.jar" ]; then
  (cd "$root" && ./mvnw -q -B -ntp -DskipTests package) || exit 1
fi
# As ./duel runs the CLI: the emulation jar for cuda-emu, the engine build's stand-in cuDNN, 8 GiB of heap.
# bench/target/classes, not original-duel-bench.jar: after a second `package` without `clean` that jar is the
# previous shaded jar, holding stale copies of every module's classes ahead of the current ones.
cp="$root/bench/target/classes:$root/gan/target/duel-gan.jar:$root/gan/target/lib/*"
for emu in "$root"/kernels/target/duel-kernels-*-emu.jar; do [ -f "$emu" ] && cp="$cp:$emu"; done
cudnn=()
[ -f "$root/engine/target/native/libcudnn.so.9" ] && cudnn=("-Dduel.emu.cudnn=$root/engine/target/native/libcudnn.so.9")
mkdir -p "$out"
status=0
for device in ${devices//,/ }; do
  for run in "mlp:$mlp" "dcgan28:$dcgan"; do
    model=${run%%:*}; steps=${run##*:}
    if [ "$device" = cuda-emu ]; then
      [ "$model" = mlp ] && steps=${EMU_MLP_STEPS:-$steps}
      [ "$model" = dcgan28 ] && steps=${EMU_DCGAN_STEPS:-$steps}
    fi
    echo "soak: $model $steps steps on $device -> $out/$model-$device.log" >&2
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
      -Xmx${DUEL_HEAP:-8g} -Dduel.home="$root" ${cudnn[@]+"${cudnn[@]}"} -cp "$cp" \
      dev.duel.bench.SoakBenchmark "$model" "$steps" "$device" 2>&1 | grep -v '^WARNING: Using incubator modules' > "$out/$model-$device.log"
    rc=${PIPESTATUS[0]}
    tail -n 6 "$out/$model-$device.log" >&2
    [ "$rc" -eq 0 ] || status=1
  done
done
exit $status
