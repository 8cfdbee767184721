#!/usr/bin/env bash
# Builds the JMH benchmarks (Maven profile jmh, output in target/jmh) and runs them; arguments go to JMH.
#   bench/jmh.sh                      every benchmark (about 2 hours: 7 x 2 x 3 cell ones + 8 GEMM shapes)
#   bench/jmh.sh GemmBenchmark        the GEMM only;   bench/jmh.sh 'CellBenchmark.sequenceForwardBackward'
#   bench/jmh.sh -p cell=lstm -p size=32x50x512x512 CellBenchmark      (JMH's -h lists its options)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pjmh -DskipTests package
exec java --add-modules jdk.incubator.vector -cp "target/jmh/classes:target/jmh/lib/*" org.openjdk.jmh.Main "$@"
