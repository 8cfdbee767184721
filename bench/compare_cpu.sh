#!/usr/bin/env bash
# Side-by-side CPU benchmark, one invocation on one machine: rnn4j's CPU backend, the seed notebook ported to
# numpy (float32) and PyTorch CPU (nn.RNN / nn.LSTM), all with 2 threads, same sizes, forward+backward (and the
# other phases); numpy's sgemm against ours at 1024^3; rnn4j's time against T; the cache's memory.
# Prints one table and writes docs/benchmarks.md. Not part of CI. Takes about 10 minutes.
#   bench/compare_cpu.sh            (REPEATS=7 by default: the median of 7 timed runs after warm-up)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=2
REPEATS=${REPEATS:-7}
SIZES=${SIZES:-"16,50,128,128 64,100,256,256 32,50,512,512"}
TSIZES=${TSIZES:-"32,25,256,256 32,50,256,256 32,100,256,256 32,200,256,256"}
MD=${MD:-docs/benchmarks.md}   # (SIZES, TSIZES, MD: overridable for a quick trial of the script)
PY=/usr/bin/python3     # Debian's python3 with python3-numpy / python3-torch (a pyenv python3 on PATH lacks them)
OUT=target/bench
mkdir -p "$OUT"
RES="$OUT/results.csv"
META="$OUT/meta.txt"
: > "$RES"

# Python side: Debian's packages. numpy and torch use the system BLAS (libblas.so.3); with only the reference
# BLAS installed numpy would be a strawman, so OpenBLAS (Debian's libopenblas0-pthread) is installed too.
need=()
$PY -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
$PY -c 'import torch' 2>/dev/null || need+=(python3-torch)
$PY -c 'import threadpoolctl' 2>/dev/null || need+=(python3-threadpoolctl)
ls /usr/lib/x86_64-linux-gnu/libopenblas*.so* >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

mvn -B -q -Pjmh -DskipTests package
CP="target/jmh/classes:target/jmh/lib/*"
JAVA=(java -Xmx8g -XX:ActiveProcessorCount=$THREADS --add-modules jdk.incubator.vector -cp "$CP")
JAVA_SCALAR=(java -Xmx8g -XX:ActiveProcessorCount=$THREADS -cp "$CP")   # no Vector API module: scalar kernels
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
# numpy commands only: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines here) slow a current OpenBLAS
NUMPY_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)$(grep -q avx512f /proc/cpuinfo && echo ', AVX-512')$(lscpu | sed -n 's/^Hypervisor vendor: */, virtualized: /p' | head -1)"
  echo "cores=$(nproc)"
  echo "threads=$THREADS"
  echo "repeats=$REPEATS"
  echo "tsizes=N,T,D,H = $TSIZES"
  echo "jdk=$(java -version 2>&1 | head -1)"
  echo "numpy=$($PY -c 'import numpy; print(numpy.__version__)')"
  echo "torch=$($PY -c 'import torch; print(torch.__version__)')"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "command=bench/compare_cpu.sh (REPEATS=$REPEATS)"
} > "$META"

echo "== rnn4j (Vector API kernels)" >&2
"${JAVA[@]}" -Drepeats=$REPEATS org.rnn4j.bench.BenchMain cells $SIZES | tee -a "$RES"
echo "== numpy seed port" >&2
(cd bench && "${NUMPY_ENV[@]}" $PY seed_numpy.py "$REPEATS" $SIZES) | tee -a "$RES"
echo "== PyTorch CPU" >&2
(cd bench && $PY torch_cpu.py "$REPEATS" "$THREADS" $SIZES) | tee -a "$RES"
echo "== GEMM 1024^3" >&2
"${JAVA[@]}" -Drepeats=$REPEATS org.rnn4j.bench.BenchMain gemm 1024 1024 1024 | tee -a "$RES"
"${JAVA_SCALAR[@]}" org.rnn4j.bench.BenchMain gemm 1024 1024 1024 | sed 's/^rnn4j,/rnn4j-scalar,/' | tee -a "$RES"
(cd bench && "${NUMPY_ENV[@]}" $PY numpy_gemm.py 1024 1024 1024 "$REPEATS") 2>>"$META.blas" | tee -a "$RES"
echo "== rnn4j without the Vector API module (scalar kernels), smallest size" >&2
"${JAVA_SCALAR[@]}" -Drepeats=5 org.rnn4j.bench.BenchMain cells ${SIZES%% *} | sed 's/^rnn4j,/rnn4j-scalar,/' | tee -a "$RES"
echo "== rnn4j time against T" >&2
"${JAVA[@]}" -Drepeats=$REPEATS org.rnn4j.bench.BenchMain cells $TSIZES | sed 's/^rnn4j,/rnn4j-T,/' | tee -a "$RES"
echo "== cache memory (serial GC so that the heap delta is exact)" >&2
java -XX:+UseSerialGC -Xmx8g --add-modules jdk.incubator.vector -cp "$CP" org.rnn4j.bench.BenchMain memory ${MEMSIZE:-64,100,256,256} | tee -a "$RES"

{
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
  sed 's/^# numpy BLAS: /blas=/' "$META.blas" | grep '^blas=' | head -1
} >> "$META"
rm -f "$META.blas"
mkdir -p "$(dirname "$MD")"
$PY bench/report.py "$RES" "$META" "$MD"
