#!/usr/bin/env bash
# rnn4j's CPU backend against PyTorch CPU (and ONNX Runtime for inference), one invocation on one machine, 2
# threads each, float32, the same sizes, and DL4J in the first round. Rounds are interleaved (rnn4j, PyTorch, ONNX Runtime, rnn4j on JDK 25,
# rnn4j without the Vector API module, rnn4j and PyTorch on one thread timed by CPU time, then again), each figure a median of REPEATS runs after warm-up, and the
# table keeps the best median of the ROUNDS. Then: the spread of the main job's shape over fresh JVMs, and
# `rnn4j train` beside the same model trained in PyTorch (bench/train_torch.py). Writes docs/benchmarks.md
# (keeping its main-job and GPU blocks). Not part of CI. About 15 minutes on an idle 2-core machine.
#   bench/compare_cpu.sh                      PY=python3 ROUNDS=3 REPEATS=7 JVMS=10 TRAIN_STEPS=700 by default
#   PY=/path/to/python bench/compare_cpu.sh   numpy, torch, onnx and onnxruntime are pip-installed when missing
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
THREADS=2
ROUNDS=${ROUNDS:-3}
REPEATS=${REPEATS:-7}
JVMS=${JVMS:-10}
TRAIN_STEPS=${TRAIN_STEPS:-700}
SIZES=${SIZES:-"16,50,128,128 32,64,32,256 64,100,256,256 32,50,512,512"}
SERVE=${SERVE:-1,100,256,256}          # serving latency: inference, batch 1
MAIN=${MAIN:-32,64,32,256}             # the main job's shape (rnn4j train defaults), for the fresh-JVM spread
export CELLS=${CELLS:-rnn,lstm}        # CELLS=lstm for a shorter run
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
MD=${MD:-docs/benchmarks.md}
OUT=target/bench
mkdir -p "$OUT"
RES="$OUT/results.csv"
META="$OUT/meta.txt"
: > "$RES"

for mod in numpy torch onnx onnxruntime; do
  $PY -c "import $mod" 2>/dev/null || $PY -m pip install -q "$mod"
done

mvn -B -q -Pjmh -DskipTests package
# the Java peer: DL4J on nd4j-native's oneDNN AVX-512 build (DL4J=0 leaves it out)
DL4J=${DL4J:-1}
DL4J_REPEATS=${DL4J_REPEATS:-3}
if [ "$DL4J" = 1 ]; then mvn -B -q -f bench/dl4j/pom.xml package; fi
CP="target/jmh/classes:target/jmh/lib/*"
JOPTS=(-Xmx8g -XX:ActiveProcessorCount=$THREADS)
VEC=(--add-modules jdk.incubator.vector)
export OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)$(grep -q avx512f /proc/cpuinfo && echo ', AVX-512')$(lscpu | sed -n 's/^Hypervisor vendor: */, virtualized: /p' | head -1)"
  echo "cores=$(nproc)"
  echo "threads=$THREADS"
  echo "rounds=$ROUNDS"
  echo "repeats=$REPEATS"
  echo "jdk17=$(java -version 2>&1 | head -1)"
  [ -x "$JAVA25" ] && echo "jdk25=$("$JAVA25" -version 2>&1 | head -1)"
  echo "python=$($PY -c 'import sys; print(sys.version.split()[0])')"
  echo "torch=$($PY -c 'import torch; print(torch.__version__)')"
  echo "torch_mkldnn=$($PY -c 'import torch; print("available" if torch.backends.mkldnn.is_available() else "unavailable", "enabled" if torch.backends.mkldnn.enabled else "disabled")')"
  echo "torch_parallel=$($PY -c 'import torch; i = [l.strip() for l in torch.__config__.parallel_info().splitlines()]; print("; ".join(l for l in i if l.startswith(("OpenMP", "Intel(R) MKL-DNN", "at::get_num_threads"))))')"
  echo "onnxruntime=$($PY -c 'import onnxruntime; print(onnxruntime.__version__)')"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$DL4J" = 1 ]; then echo "dl4j=deeplearning4j-nn 1.0.0-M2.1, nd4j-native linux-x86_64-onednn-avx512, median of $DL4J_REPEATS, first round only"; fi
  echo "command=bench/compare_cpu.sh (ROUNDS=$ROUNDS REPEATS=$REPEATS JVMS=$JVMS TRAIN_STEPS=$TRAIN_STEPS CELLS=$CELLS)"
} > "$META"

rnn4j() {  # LIB JAVA [module flags...]: every cell and size, fwdbwd and infer; the serving size, infer
  local lib=$1 java=$2; shift 2
  "$java" "${JOPTS[@]}" "$@" -Drepeats=$REPEATS -Dphases=fwdbwd,infer -Dcells=$CELLS -cp "$CP" org.rnn4j.bench.BenchMain cells $SIZES 2>/dev/null
  "$java" "${JOPTS[@]}" "$@" -Drepeats=$REPEATS -Dphases=infer -Dcells=$CELLS -cp "$CP" org.rnn4j.bench.BenchMain cells $SERVE 2>/dev/null
}

for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r of $ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  rnn4j rnn4j java "${VEC[@]}" | tee -a "$RES"
  (cd bench && PHASES=fwdbwd,infer $PY torch_cpu.py "$REPEATS" $THREADS $SIZES && PHASES=infer $PY torch_cpu.py "$REPEATS" $THREADS $SERVE) | tee -a "$RES"
  (cd bench && $PY onnx_cpu.py "$REPEATS" $THREADS $SIZES $SERVE) | tee -a "$RES"
  if [ "$DL4J" = 1 ] && [ "$r" = 1 ]; then   # 10-60x slower than the others: one round, fewer repeats
    for phases in "fwdbwd,infer $SIZES" "infer $SERVE"; do
      set -- $phases
      ph=$1; shift
      OMP_NUM_THREADS=$THREADS timeout 1200 java -Xmx8g -XX:ActiveProcessorCount=$THREADS \
        -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx512 -Dcells=$CELLS -Dphases=$ph \
        -cp "bench/dl4j/target/classes:bench/dl4j/target/lib/*" org.rnn4j.bench.dl4j.Dl4jBench "$DL4J_REPEATS" "$@" \
        2>/dev/null | grep '^dl4j,' | tee -a "$RES"
    done
  fi
  if [ -x "$JAVA25" ]; then rnn4j rnn4j-jdk25 "$JAVA25" "${VEC[@]}" | sed 's/^rnn4j,/rnn4j-jdk25,/' | tee -a "$RES"; fi
  # one thread, CPU time: the work per call, even on a loaded machine
  java -Xmx8g -XX:ActiveProcessorCount=1 "${VEC[@]}" -Dclock=cpu -Drepeats=$REPEATS -Dphases=fwdbwd -Dcells=lstm -cp "$CP" \
    org.rnn4j.bench.BenchMain cells $SIZES 2>/dev/null | sed 's/^rnn4j,/rnn4j-cpu1,/' | tee -a "$RES"
  java -Xmx8g -XX:ActiveProcessorCount=1 "${VEC[@]}" -Dclock=cpu -Drepeats=$REPEATS -Dphases=infer -Dcells=lstm -cp "$CP" \
    org.rnn4j.bench.BenchMain cells $SERVE 2>/dev/null | sed 's/^rnn4j,/rnn4j-cpu1,/' | tee -a "$RES"
  (cd bench && OMP_NUM_THREADS=1 $PY torch_cputime.py "$REPEATS" $SIZES $SERVE) | tee -a "$RES"
  # without the module: the plain-Java kernels (what `java -cp ...` gives a dependency user)
  java "${JOPTS[@]}" -Drepeats=$REPEATS -Dphases=fwdbwd,infer -Dcells=lstm -cp "$CP" org.rnn4j.bench.BenchMain cells ${SIZES%% *} $MAIN 2>/dev/null \
    | sed 's/^rnn4j,/rnn4j-scalar,/' | tee -a "$RES"
done

echo "== $JVMS fresh JVMs at $MAIN (LSTM forward+backward; pointwise bytes per call: ~0 when fully compiled)" >&2
for i in $(seq 1 "$JVMS"); do
  java "${JOPTS[@]}" "${VEC[@]}" -Drepeats=$REPEATS -cp "$CP" org.rnn4j.bench.BenchMain jit lstm $MAIN 2>/dev/null \
    | sed 's/^rnn4j,/rnn4j-jit,/' | tee -a "$RES"
done

echo "== rnn4j train vs the same model in PyTorch ($TRAIN_STEPS steps)" >&2
rm -rf "$OUT/train"
JDK_JAVA_OPTIONS="-XX:ActiveProcessorCount=$THREADS" ./rnn4j train --backend cpu --steps "$TRAIN_STEPS" --out "$OUT/train" \
    --sample-every 0 --eval-every 1000000 --checkpoint-every 1000000 > "$OUT/train.log" 2>&1
$PY - "$OUT/train.log" "$TRAIN_STEPS" >> "$RES" <<'PYEOF'
import re, sys
log = open(sys.argv[1], encoding="utf-8").read()
final = re.search(r"final: train loss ([0-9.]+) .*validation loss ([0-9.]+).*?; (\d+) steps, ([0-9.]+) s", log)
rates = re.findall(r"([0-9,]+) chars/s", log)
steps, seconds = int(final.group(3)), float(final.group(4))
print(f"rnn4j,train,32,64,32,256,steps={steps},chars_per_s={steps * 32 * 64 / seconds:.0f},train_loss={final.group(1)},"
      f"val_loss={final.group(2)},seconds={seconds:.1f}")
PYEOF
(cd bench && $PY train_torch.py $THREADS "$TRAIN_STEPS" ../src/main/resources/org/rnn4j/corpus/kjv.txt) | tee -a "$RES"

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$META"
$PY bench/report.py "$RES" "$META" "$MD"
