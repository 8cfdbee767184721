#!/usr/bin/env bash
# One command for a GPU machine: every GPU test (CudaBackendGpuTest, CudaGoldenCasesTest, BackendChoiceTest) with
# -Drnn4j.requireGpu=true (a missing or unusable GPU fails instead of skipping), then rnn4j's GPU benchmark (GpuBenchmark: CUDA events, median of
# repeats, measured SGEMM peak), cuDNN through PyTorch at the same sizes (bench/cudnn_lstm.py, TF32 off), and
# the merged table (bench/gpu_report.py). docs/gpu-runbook.md says how to run it and what it prints.
#
#   bench/gpu-check.sh prepare   on the build machine: builds .device/ to carry to a GPU machine that may
#                                have no Java and no Maven: app/ (the jar, the test classes, the runtime
#                                dependencies with linux-x86_64 natives, the JUnit console launcher), and,
#                                where RNN4J_DEVICE_TOOLS holds a prepare.sh, jre/, the cuBLAS 12 shim, env.sh
#   bench/gpu-check.sh run       on the GPU machine, from the repository root with .device/ beside it
#   bench/gpu-check.sh           both in one go (a GPU machine with a JDK and Maven)
#
# Results go to $OUT (default .device/out), six files: gpu-tests.log (env.sh's lines, then the JUnit tree),
# gpu-tests.xml (JUnit XML), bench.log (both benchmarks' tables, nvidia-smi before/after, stage times),
# rnn4j.json, cudnn.json, report.md (the merged table for docs/benchmarks.md).
# Environment: BENCH_SIZES (deepbench; or classic, small, "N,T,D,H;..."), BENCH_REPEATS (11), BENCH_WARMUP (3),
# BENCH_PEAK_N (8192), PYTHON (python3), RNN4J_DEVICE_TOOLS (a directory whose prepare.sh adds a JRE and a cuBLAS 12
# shim to .device/; default ../shared/device).
# BENCH_DEVICE=cpu is a smoke run of this whole script without a GPU (the GPU tests skip instead of failing,
# both benchmarks run on the CPU, the merged report says SMOKE RUN): it proves the plumbing, never the numbers.
# GPU_CHECK_STAGES (tests,rnn4j,cudnn,merge) picks stages, e.g. "rnn4j,cudnn,merge" to rerun only the benchmarks.
# Each stage has its own time limit (TESTS_LIMIT 200 s, BENCH_LIMIT 120 s, CUDNN_LIMIT 120 s), so a hang in one
# still leaves the others' results; the exit status is the first failing stage's.
set -euo pipefail
cd "$(dirname "$0")/.."
dev=.device
tools=${RNN4J_DEVICE_TOOLS:-../shared/device}

prepare() {
  mvn -B -q package -DskipTests        # target/rnn4j-*.jar, target/lib (runtime deps), target/test-classes
  rm -rf "$dev/app"
  mkdir -p "$dev/app"
  cp target/rnn4j-*.jar target/lib/*.jar "$dev/app/"
  jar cf "$dev/app/rnn4j-tests.jar" -C target/test-classes .
  platform=$(sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:1.\1:p' pom.xml)
  mvn -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
      -DoutputDirectory="$dev/app"
  if [ -x "$tools/prepare.sh" ]; then
    "$tools/prepare.sh" "$dev"             # jre/, shim/libcublas.so.12, env.sh
  else
    echo "no $tools/prepare.sh: .device has no jre or cuBLAS shim; the GPU machine needs Java 17 and CUDA 12's cuBLAS"
  fi
  du -sh "$dev"
}

# stage NAME LIMIT_S LOG CMD...: runs CMD under `timeout`, appends its output to LOG (and shows it), records
# its time and exit status in $stages, and keeps the first failure in $status.
stage() {
  local name=$1 limit=$2 log=$3 t0=$SECONDS rc=0
  shift 3
  echo "=== $name (limit ${limit}s): $*" | tee -a "$log"
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$log" || rc=$?
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && echo "=== $name: TIMED OUT after ${limit}s" | tee -a "$log"
  stages+="$name: $((SECONDS - t0)) s, exit $rc"$'\n'
  if [ "$rc" != 0 ] && [ "$status" = 0 ]; then status=$rc; fi
  return 0
}

# Clocks, temperature and power before and after: a throttled or busy GPU shows here, beside the numbers.
wants() { [[ ",${GPU_CHECK_STAGES:-tests,rnn4j,cudnn,merge}," == *",$1,"* ]]; }

gpu_state() {
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,utilization.gpu \
               --format=csv 2>&1 || true
  else
    echo "nvidia-smi not found"
  fi
}

run() {
  out=${OUT:-$dev/out}
  mkdir -p "$out"
  local py=${PYTHON:-python3} sizes=${BENCH_SIZES:-deepbench} repeats=${BENCH_REPEATS:-11}
  local warmup=${BENCH_WARMUP:-3} peak=${BENCH_PEAK_N:-8192} device=${BENCH_DEVICE:-cuda}
  local require=true work status=0 stages="" t0=$SECONDS
  [ "$device" = cuda ] || require=false
  work=$(mktemp -d)
  # env.sh picks Java and cuBLAS (CUDA 12's, or the shim over CUDA 13's) and says which: keep that with the results.
  # shellcheck disable=SC1091
  if [ -f "$dev/env.sh" ]; then source "$dev/env.sh" > "$work/env.log" 2>&1; fi
  { echo "=== env.sh"; cat "$work/env.log" 2>/dev/null; } | tee "$out/gpu-tests.log"
  launcher=$(ls "$dev"/app/junit-platform-console-standalone-*.jar)
  cp=$(ls "$dev"/app/*.jar | grep -v junit-platform-console-standalone | paste -sd: -)
  bench=(--sizes "$sizes" --repeats "$repeats" --warmup "$warmup" --peak-n "$peak")
  # The CPU backend (the reference the GPU tests compare against) runs its Vector API kernels only with this module.
  jvm=(--add-modules jdk.incubator.vector)

  if wants tests; then
    stage "GPU tests" "${TESTS_LIMIT:-200}" "$out/gpu-tests.log" \
      java "${jvm[@]}" -Drnn4j.requireGpu=$require -jar "$launcher" execute --class-path "$cp" \
           --select-class org.rnn4j.cuda.CudaBackendGpuTest --select-class org.rnn4j.cuda.CudaGoldenCasesTest \
           --select-class org.rnn4j.BackendChoiceTest \
           --details=tree --disable-banner --disable-ansi-colors --reports-dir "$work/junit"
    cp "$work"/junit/TEST-junit-jupiter.xml "$out/gpu-tests.xml" 2>/dev/null || echo "no JUnit XML report" | tee -a "$out/gpu-tests.log"
  fi

  { echo "=== nvidia-smi before the benchmarks"; gpu_state; } | tee -a "$out/bench.log"
  wants rnn4j && stage "rnn4j GpuBenchmark" "${BENCH_LIMIT:-120}" "$out/bench.log" \
    java "${jvm[@]}" -cp "$cp" org.rnn4j.cuda.GpuBenchmark --backend "$device" "${bench[@]}" --json "$out/rnn4j.json"
  wants cudnn && stage "cuDNN (PyTorch)" "${CUDNN_LIMIT:-120}" "$out/bench.log" \
    env PYTHONUNBUFFERED=1 "$py" bench/cudnn_lstm.py --device "$device" "${bench[@]}" --json "$out/cudnn.json"
  { echo "=== nvidia-smi after the benchmarks"; gpu_state; } | tee -a "$out/bench.log"
  if ! wants merge; then
    :
  elif [ -f "$out/rnn4j.json" ] && [ -f "$out/cudnn.json" ]; then
    stage "merge" 30 "$out/bench.log" "$py" bench/gpu_report.py "$out/rnn4j.json" "$out/cudnn.json" \
      --out "$out/report.md" --command "bench/gpu-check.sh run (BENCH_DEVICE=$device BENCH_SIZES=$sizes BENCH_REPEATS=$repeats BENCH_WARMUP=$warmup BENCH_PEAK_N=$peak)"
  else
    echo "=== merge skipped: a benchmark wrote no JSON" | tee -a "$out/bench.log"
    [ "$status" = 0 ] && status=1
  fi
  { echo "=== stage times (total $((SECONDS - t0)) s)"; printf '%s' "$stages"; } | tee -a "$out/bench.log"
  rm -rf "$work"
  return "$status"
}

case "${1:-all}" in
  prepare) prepare ;;
  run) run ;;
  all) prepare && run ;;
  *) echo "usage: $0 [prepare|run]" >&2; exit 2 ;;
esac
