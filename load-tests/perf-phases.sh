#!/usr/bin/env bash
# A system-wide CPU profile (perf, cpu-clock samples with call graphs) of two measured bench.sh phases:
# pgbench running the payment script, and the gateway's payment path. Start it beside bench.sh:
#   REPS=1 DURATION=15 WARMUP=5 AT80=0 AT2X=0 load-tests/bench.sh & load-tests/perf-phases.sh
# It waits for each phase's measured part, records SECONDS s of it 2 s in, and writes OUT/pgbench.data and
# OUT/gateway.data; then, per side, the share of PostgreSQL's samples in parsing, planning and executing:
#   perf report -i OUT/gateway.data --stdio --children --comm postgres --sort sym -g none
# Needs perf (Debian linux-perf) and root (or perf_event_paranoid <= 0).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$ROOT/load-tests/target/bench}
OUT=${OUT:-$ROOT/load-tests/target/perf}
SECONDS_=${SECONDS_:-8}
mkdir -p "$OUT"
command -v perf >/dev/null || { echo "perf is required (Debian: linux-perf)" >&2; exit 1; }
pgb=0 gw=0
while (( pgb == 0 || gw == 0 )); do
  # pgbench's measured run logs its latencies (-l); its warm-up does not
  if (( pgb == 0 )) && pgrep -f 'payment.sql -l' >/dev/null; then
    sleep 2; perf record -F 299 -a -g -o "$OUT/pgbench.data" -- sleep "$SECONDS_" >/dev/null 2>&1; pgb=1
  fi
  # the gateway's measured payment phase: OpenLoad's process run after bench.sh said go
  if (( gw == 0 )) && [[ -f $BENCH/go ]] && pgrep -f 'operation process' >/dev/null; then
    sleep 2; perf record -F 299 -a -g -o "$OUT/gateway.data" -- sleep "$SECONDS_" >/dev/null 2>&1; gw=1
  fi
  sleep 0.2
done
for side in pgbench gateway; do
  echo "== $side: PostgreSQL's samples (% of all samples on the machine; children included)"
  perf report -i "$OUT/$side.data" --stdio --children --comm postgres --sort sym -g none 2>/dev/null \
    | grep -E ' (PostgresMain|PortalRun|GetCachedPlan|pg_plan_queries|pg_parse_query|parse_analyze_varparams|CreateCachedPlan|standard_ExecutorStart|CommitTransactionCommand)$' || true
done | tee "$OUT/summary.txt"
