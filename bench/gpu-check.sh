#!/usr/bin/env bash
# One command for a GPU machine: the CUDA backend's GPU tests with -Drnn4j.requireGpu=true (a missing or
# unusable GPU fails instead of skipping), then the benchmark table (CUDA events, median of repeats).
#
#   bench/gpu-check.sh prepare   on the build machine: builds .device/ to carry to a GPU machine that may
#                                have no Java and no Maven: app/ (the jar, the test classes, the runtime
#                                dependencies with linux-x86_64 natives, the JUnit console launcher), and,
#                                where the workplace's device tools exist, jre/, the cuBLAS 12 shim, env.sh
#   bench/gpu-check.sh run       on the GPU machine, from the repository root with .device/ beside it
#   bench/gpu-check.sh           both in one go (a GPU machine with a JDK and Maven)
#
# Results go to $OUT (default .device/out): env.log, junit/ (XML reports), gpu-tests.log, benchmark.md.
# RNN4J_DEVICE_TOOLS points at the folder holding prepare.sh (default ../shared/device); BENCH_REPEATS
# sets the benchmark's repeats (default 11).
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

run() {
  out=${OUT:-$dev/out}
  mkdir -p "$out"
  # shellcheck disable=SC1091
  # env.sh picks Java and cuBLAS (CUDA 12's, or the shim over CUDA 13's) and says which: keep that with the results.
  if [ -f "$dev/env.sh" ]; then source "$dev/env.sh" > "$out/env.log" 2>&1; cat "$out/env.log"; fi
  launcher=$(ls "$dev"/app/junit-platform-console-standalone-*.jar)
  cp=$(ls "$dev"/app/*.jar | grep -v junit-platform-console-standalone | paste -sd: -)
  status=0
  java -Drnn4j.requireGpu=true -jar "$launcher" execute --class-path "$cp" \
       --select-class org.rnn4j.cuda.CudaBackendGpuTest --select-class org.rnn4j.BackendChoiceTest \
       --details=tree --disable-banner --reports-dir "$out/junit" 2>&1 | tee "$out/gpu-tests.log" || status=$?
  java -cp "$cp" org.rnn4j.cuda.GpuBenchmark "${BENCH_REPEATS:-11}" 2>&1 | tee "$out/benchmark.md" || status=$?
  return $status
}

case "${1:-all}" in
  prepare) prepare ;;
  run) run ;;
  all) prepare && run ;;
  *) echo "usage: $0 [prepare|run]" >&2; exit 2 ;;
esac
