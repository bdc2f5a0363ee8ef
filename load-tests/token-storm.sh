#!/usr/bin/env bash
# Token storm of payg-gateway on this machine, in one run: the demo against a slow manufacturer
# (the Calin simulator answering DEMO_MANUFACTURER_LATENCY_MS later), TOKEN_MAX_IN_FLIGHT high and
# a capped heap (-Xmx$HEAP); PAYMENTS new signed payments over STORM_SECONDS (TokenStormSimulation,
# generic plugin), so as many TOKEN jobs; then /metrics and the outbox table are sampled every
# SAMPLE_SECONDS until no TOKEN job is pending (at most DRAIN_TIMEOUT s after the storm).
# Prints the peak of jobs in flight, the time to drain and the peak heap used.
# All traffic goes to 127.0.0.1; every step is bounded in time. Parameters: load-tests/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/load-tests/target/token-storm
HTTP_PORT=${HTTP_PORT:-18080}
METRICS_PORT=${METRICS_PORT:-$((HTTP_PORT + 1000))} # /metrics is served on the management port only
PAYMENTS=${PAYMENTS:-10000}
STORM_SECONDS=${STORM_SECONDS:-20}
LATENCY_MS=${LATENCY_MS:-500}             # DEMO_MANUFACTURER_LATENCY_MS of the demo's Calin simulator
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-10000}     # TOKEN_MAX_IN_FLIGHT of the gateway
HEAP=${HEAP:-512m}                        # the gateway's -Xmx
WORKER_BATCH=${WORKER_BATCH:-64}          # TOKEN_WORKER_BATCH of the gateway: jobs claimed per poll
METERS=${METERS:-1000}
DB_POOL_SIZE=${DB_POOL_SIZE:-16}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-600}       # seconds after the storm to wait for the TOKEN outbox to drain
SAMPLE_SECONDS=${SAMPLE_SECONDS:-1}
SKIP_BUILD=${SKIP_BUILD:-0}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-120}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGDATABASE=payg_demo

if (( PAYMENTS < 1 || PAYMENTS > 100000 )); then echo "PAYMENTS between 1 and 100000" >&2; exit 2; fi
if (( STORM_SECONDS < 1 || STORM_SECONDS > 600 )); then echo "STORM_SECONDS between 1 and 600" >&2; exit 2; fi
if (( DRAIN_TIMEOUT < 10 || DRAIN_TIMEOUT > 3600 )); then echo "DRAIN_TIMEOUT between 10 and 3600" >&2; exit 2; fi
if [[ $PGHOST != 127.0.0.1 && $PGHOST != localhost ]]; then echo "PGHOST must be on this machine" >&2; exit 2; fi
command -v psql >/dev/null || { echo "psql is required (Debian: postgresql-client)" >&2; exit 1; }

log() { printf '[token-storm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$OUT"
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/live"; then
  echo "something already listens on 127.0.0.1:$HTTP_PORT; set HTTP_PORT" >&2; exit 1
fi
pg_isready -q || { echo "PostgreSQL is not up at $PGHOST:$PGPORT" >&2; exit 1; }

if [[ $SKIP_BUILD != 1 ]]; then
  log "building the gateway jar (SKIP_BUILD=1 reuses gateway/target/payg-gateway.jar)"
  (cd "$ROOT" && mvn -B -q -DskipTests -pl gateway -am package)
fi
cp "$ROOT/gateway/target/payg-gateway.jar" "$OUT/payg-gateway.jar"

GW_PID=
LOAD_PID=
descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }
cleanup() {
  local pids
  if [[ -n $LOAD_PID ]] && kill -0 "$LOAD_PID" 2>/dev/null; then
    pids=$(descendants "$LOAD_PID")
    log "stopping the load generator (pids $LOAD_PID $pids)"
    kill $pids "$LOAD_PID" 2>/dev/null || true
  fi
  if [[ -n $GW_PID ]] && kill -0 "$GW_PID" 2>/dev/null; then
    log "stopping the gateway (pid $GW_PID)"
    kill "$GW_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$GW_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting the demo on 127.0.0.1:$HTTP_PORT: -Xmx$HEAP, DEMO_MANUFACTURER_LATENCY_MS=$LATENCY_MS, TOKEN_MAX_IN_FLIGHT=$MAX_IN_FLIGHT, TOKEN_WORKER_BATCH=$WORKER_BATCH"
(cd "$OUT" && HTTP_PORT=$HTTP_PORT HTTP_HOST=127.0.0.1 METRICS_PORT=$METRICS_PORT DB_POOL_SIZE=$DB_POOL_SIZE \
  DEMO_MANUFACTURER_LATENCY_MS=$LATENCY_MS TOKEN_MAX_IN_FLIGHT=$MAX_IN_FLIGHT TOKEN_WORKER_BATCH=$WORKER_BATCH \
  exec java -Xmx"$HEAP" -jar payg-gateway.jar --demo >gateway.log 2>&1) &
GW_PID=$!
for ((i = 0; i < STARTUP_TIMEOUT * 2; i++)); do
  grep -q '^Generic telco secret:' "$OUT/gateway.log" && break
  kill -0 "$GW_PID" 2>/dev/null || { tail -30 "$OUT/gateway.log" >&2; echo "the demo died" >&2; exit 1; }
  sleep 0.5
done
grep -q '^Generic telco secret:' "$OUT/gateway.log" || { tail -30 "$OUT/gateway.log" >&2; echo "demo not up in ${STARTUP_TIMEOUT}s" >&2; exit 1; }
read -r _ COMPANY _ EMAIL _ PASSWORD < <(grep -m1 '^Company:' "$OUT/gateway.log")
SECRET=$(grep -m1 '^Generic telco secret:' "$OUT/gateway.log" | awk '{print $4}')
BASE=http://127.0.0.1:$HTTP_PORT

log "seeding $METERS meters into demo company $COMPANY"
timeout 300 java "$ROOT/load-tests/src/test/java/io/payg/load/SetupFixture.java" --baseUrl "$BASE" \
  --companyId "$COMPANY" --email "$EMAIL" --password "$PASSWORD" --secret "$SECRET" --meters "$METERS" \
  --out "$OUT" >"$OUT/fixture.log"
tail -1 "$OUT/fixture.log" >&2

# ---- sampling -------------------------------------------------------------------------------
# one line per sample: seconds since the storm started, payg_outbox_depth{kind="TOKEN"} (the
# gateway's gauge, refreshed every 5 s), heap used (sum of jvm_memory_used_bytes{area="heap"}),
# and from the outbox table of this company: TOKEN jobs pending, of which claimed (attempted and
# leased: in a worker's hands, i.e. in flight), done, failed.
sample() {
  local m depth heap db
  m=$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" || true)
  depth=$(awk '/^payg_outbox_depth\{kind="TOKEN"\}/{printf "%.0f", $NF}' <<<"$m")
  heap=$(awk '/^jvm_memory_used_bytes\{area="heap"/{s += $NF} END {printf "%.0f", s}' <<<"$m")
  db=$(timeout 10 psql -At -F ' ' -c "SELECT count(*) FILTER (WHERE status = 'PENDING'),
      count(*) FILTER (WHERE status = 'PENDING' AND attempts > 0 AND next_attempt_at > now()),
      count(*) FILTER (WHERE status = 'DONE'), count(*) FILTER (WHERE status = 'FAILED')
      FROM outbox WHERE company_id = '$COMPANY' AND kind = 'TOKEN'" 2>/dev/null || echo "? ? ? ?")
  printf '%s %s %s %s\n' "$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b - a}')" \
    "${depth:-?}" "${heap:-?}" "$db"
}
DONE_BEFORE=$(psql -At -c "SELECT count(*) FROM outbox WHERE company_id = '$COMPANY' AND kind = 'TOKEN'")

log "storm: $PAYMENTS payments over ${STORM_SECONDS}s (TokenStormSimulation)"
touch "$OUT/.gatling-start"
(cd "$ROOT" && exec timeout $((STORM_SECONDS + 300)) mvn -B -q -pl load-tests gatling:test \
  -Dgatling.simulationClass=io.payg.load.TokenStormSimulation -DbaseUrl="$BASE" -DcompanyId="$COMPANY" \
  -Dsecret="$SECRET" -DserialsFile="$OUT/serials.txt" -Dpayments="$PAYMENTS" -Dduration="$STORM_SECONDS" \
  >"$OUT/gatling.txt" 2>&1) &
LOAD_PID=$!
for ((i = 0; i < 360; i++)); do # Maven compiles and forks Gatling first
  grep -q 'Simulation .* started' "$OUT/gatling.txt" 2>/dev/null && break
  kill -0 "$LOAD_PID" 2>/dev/null || break
  sleep 0.5
done
T0=$EPOCHREALTIME
echo "# t_s payg_outbox_depth_TOKEN heap_used_bytes db_pending db_in_flight db_done db_failed" >"$OUT/samples.txt"
STORM_END=
DRAINED=
while :; do
  s=$(sample)
  echo "$s" >>"$OUT/samples.txt"
  read -r t depth _ pending _ <<<"$s"
  if [[ -z $STORM_END ]] && ! kill -0 "$LOAD_PID" 2>/dev/null; then
    STORM_END=$t
    log "storm over at ${t}s; waiting up to ${DRAIN_TIMEOUT}s for the TOKEN outbox to drain"
  fi
  # drained: the table has no pending TOKEN job and the gateway's own gauge says 0 too
  if [[ -n $STORM_END && $pending == 0 && $depth == 0 ]]; then DRAINED=$t; break; fi
  if [[ -n $STORM_END ]] && awk -v t="$t" -v e="$STORM_END" -v d="$DRAIN_TIMEOUT" 'BEGIN{exit !(t - e > d)}'; then break; fi
  if awk -v t="$t" -v m=$((STORM_SECONDS + 300 + DRAIN_TIMEOUT)) 'BEGIN{exit !(t > m)}'; then break; fi
  sleep "$SAMPLE_SECONDS"
done
GATLING_RC=0
wait "$LOAD_PID" || GATLING_RC=$?
LOAD_PID=

# first moment the DB saw the pending count fall to 0 (the gauge lags by up to 5 s)
DB_DRAINED=$(awk '!/^#/ && $4 > 0 {seen = 1} seen && $4 == 0 {print $1; exit}' "$OUT/samples.txt")
read -r PEAK_DEPTH PEAK_HEAP PEAK_PENDING PEAK_FLIGHT < <(awk '!/^#/ {
  if ($2 + 0 > d) d = $2; if ($3 + 0 > h) h = $3; if ($4 + 0 > p) p = $4; if ($5 + 0 > f) f = $5 }
  END {printf "%d %d %d %d\n", d, h, p, f}' "$OUT/samples.txt")
FINAL=$(psql -At -F ' ' -c "SELECT count(*) FILTER (WHERE status = 'DONE'), count(*) FILTER (WHERE status = 'FAILED'),
  count(*) FILTER (WHERE status = 'PENDING') FROM outbox WHERE company_id = '$COMPANY' AND kind = 'TOKEN'")
G=$(sed -n '/^---- Global Information/,/^====/p' "$OUT/gatling.txt")
gstat() { awk -F'|' -v k="$1" 'index($1, k) {gsub(/ /, "", $2); gsub(/ /, "", $3); gsub(/ /, "", $4); print $2, $3, $4; exit}' <<<"$G"; }
read -r N_ALL N_OK N_KO < <(gstat 'request count' || echo "? ? ?")
OK_KO="$N_ALL sent, $N_OK OK, $N_KO failed"
P="p50 $(gstat '50th percentile' | cut -d' ' -f1) ms, p99 $(gstat '99th percentile' | cut -d' ' -f1) ms, max $(gstat 'max response' | cut -d' ' -f1) ms, $(gstat 'mean throughput' | cut -d' ' -f1) answers/s" 
HEAP_MAX=$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^jvm_memory_max_bytes\{area="heap"/{if ($NF > 0) s += $NF} END {printf "%.0f", s / 1048576}')
GC=$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^jvm_gc_pause_seconds_(count|sum|max)/{k=$1; sub(/\{.*/, "", k); if (k ~ /max/) {if ($NF > m) m = $NF} else a[k] += $NF}
  END {printf "%d pauses, %.2f s in all, longest %.3f s", a["jvm_gc_pause_seconds_count"], a["jvm_gc_pause_seconds_sum"], m}')
REPORT=$(find "$ROOT/load-tests/target/gatling" -maxdepth 1 -name "tokenstormsimulation-*" -newer "$OUT/.gatling-start" 2>/dev/null | sort | tail -1)
{
  echo
  echo "payg-gateway token storm, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores; demo with -Xmx$HEAP (heap max seen by the JVM: ${HEAP_MAX} MiB),"
  echo "DEMO_MANUFACTURER_LATENCY_MS=$LATENCY_MS, TOKEN_MAX_IN_FLIGHT=$MAX_IN_FLIGHT, TOKEN_WORKER_BATCH=$WORKER_BATCH, DB_POOL_SIZE=$DB_POOL_SIZE, $METERS meters"
  echo
  echo "| figure | value |"
  echo "| --- | --- |"
  echo "| payments (TokenStormSimulation, ${STORM_SECONDS}s) | $OK_KO; Gatling exit $GATLING_RC |"
  echo "| process answers | $P |"
  echo "| storm over (last answer) | ${STORM_END:-?} s |"
  echo "| peak TOKEN jobs in flight (outbox table: claimed, not done) | $PEAK_FLIGHT |"
  echo "| peak TOKEN jobs pending (outbox table) | $PEAK_PENDING |"
  echo "| peak payg_outbox_depth{kind=\"TOKEN\"} (gauge, 5 s refresh) | $PEAK_DEPTH |"
  echo "| TOKEN outbox drained (table; gauge) | ${DB_DRAINED:-not within the timeout} s; ${DRAINED:-not within the timeout} s after the storm started |"
  echo "| peak heap used (sum of jvm_memory_used_bytes{area=\"heap\"}, sampled every ${SAMPLE_SECONDS}s) | $((PEAK_HEAP / 1048576)) MiB |"
  echo "| GC | $GC |"
  echo "| TOKEN jobs of the company at the end: done, failed, pending | $FINAL (before the storm: $DONE_BEFORE jobs) |"
  echo
  echo "samples: ${OUT#"$ROOT"/}/samples.txt; raw: gatling.txt, gateway.log; report: ${REPORT#"$ROOT"/}/index.html"
} | tee "$OUT/results.md"
