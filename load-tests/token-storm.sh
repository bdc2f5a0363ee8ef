#!/usr/bin/env bash
# Token storm of payg-gateway (issue 19): can one instance hold MAX_IN_FLIGHT manufacturer requests in flight
# against a slow manufacturer with a heap under HEAP, and drain them as fast as Little's law allows?
#   1. the Calin simulator in a process of its own, answering LATENCY_MS late; a fresh database on the local
#      PostgreSQL; the gateway in production mode with -Xms/-Xmx$HEAP (G1, 20 ms pause goal, GC log)
#   2. the burst: PAYMENTS signed payments from the lean generator (OpenLoad, closed model) while the gateway may
#      call Calin with one request at a time (MANUFACTURER_LIMITS=calin=1), so their TOKEN jobs wait in the
#      outbox: a backlog as after a manufacturer outage
#   3. the gateway restarted (SIGTERM: leases given back) with the target: MANUFACTURER_LIMITS=calin=$MAX_IN_FLIGHT,
#      TOKEN_MAX_IN_FLIGHT (its HTTP client pool too), TOKEN_WORKER_BATCH jobs per claim. The backlog is held back
#      (due in a day) while this gateway warms up for WARM_SECONDS on fresh payments against a Calin answering at
#      once, as a gateway that has been running when a manufacturer comes back is warm, then drains WARM_CLAIMS
#      jobs of the burst through claims (the recovery path the drain runs); then Calin answers LATENCY_MS late
#      again, the rest of the backlog is due at once, and the worker claims it and calls Calin
#   4. every SAMPLE_SECONDS until the TOKEN outbox is drained: requests open at the simulator (its own count),
#      and the gateway's heap in use from HeapSampler (one process attached over JMX), with a System.gc() and
#      the heap used again (= live) every HEAP_GC_SECONDS and at each new peak of the requests in flight
# Writes target/token-storm/results.md and results.json (tokens_in_flight_peak, heap_live_peak_mb, ...).
# Loopback only; the database is dropped at the end. Parameters: load-tests/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/load-tests/target/token-storm}
PAYMENTS=${PAYMENTS:-10000}
LATENCY_MS=${LATENCY_MS:-500}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-10000}    # MANUFACTURER_LIMITS=calin=N and TOKEN_MAX_IN_FLIGHT of the drain
WORKER_BATCH=${WORKER_BATCH:-1000}       # TOKEN_WORKER_BATCH of the drain: jobs claimed per poll
POLL_MS=${POLL_MS:-100}                  # OUTBOX_POLL_MS of the drain
HEAP=${HEAP:-512m}
METERS=${METERS:-1000}
CONCURRENCY=${CONCURRENCY:-32}           # OpenLoad requests outstanding during the burst
DB_POOL_SIZE=${DB_POOL_SIZE:-16}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-600}
DRAIN_ENV=${DRAIN_ENV:-}                 # more settings of the drain's gateway, e.g. "DB_POOL_WAIT_QUEUE=20000"
GATEWAY_ENV=${GATEWAY_ENV:-}             # settings of both stages' gateway, e.g. a slower manufacturer's timeouts:
                                         # "MANUFACTURER_TIMEOUTS_MS=calin=60000 OUTBOUND_TIMEOUT_MAX_MS=60000 OUTBOX_LEASE_SECONDS=400"
SAMPLE_SECONDS=${SAMPLE_SECONDS:-1}
WARM_SECONDS=${WARM_SECONDS:-20}         # the drain's gateway warms up on fresh payments first; 0: it starts cold
WARM_CLAIMS=${WARM_CLAIMS:-2000}         # then on this many more jobs of the burst, claimed (with WARM_SECONDS > 0)
HEAP_GC_SECONDS=${HEAP_GC_SECONDS:-5}    # the sampler's System.gc() (a full collection, ~0.1 s pause) this often, and
                                         # at each new peak of the simulator's requests in flight
# the generator runs with C1 only: its C2 compiles cost more CPU than its sending (docs/performance.md)
OPENLOAD_JAVA_OPTS=${OPENLOAD_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
SKIP_BUILD=${SKIP_BUILD:-0}
GATEWAY_JAR=${GATEWAY_JAR:-}             # a jar built elsewhere (an A/B run of two commits); implies no build
JFR=${JFR:-0}                            # 1: a JFR recording (settings=profile) of the drain, summarised by jfr-top.py
HDR=${HDR:-$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=payg_storm_$$

if (( PAYMENTS < 1 || PAYMENTS > 100000 )); then echo "PAYMENTS between 1 and 100000" >&2; exit 2; fi
if [[ $PGHOST != 127.0.0.1 && $PGHOST != localhost ]]; then echo "PGHOST must be on this machine" >&2; exit 2; fi
command -v psql >/dev/null && command -v jcmd >/dev/null || { echo "psql and jcmd are required" >&2; exit 1; }
(( WARM_SECONDS >= 0 && WARM_CLAIMS >= 0 )) || { echo "WARM_SECONDS and WARM_CLAIMS must be 0 or more" >&2; exit 2; }
(( HEAP_GC_SECONDS >= SAMPLE_SECONDS )) || { echo "HEAP_GC_SECONDS must be at least SAMPLE_SECONDS" >&2; exit 2; }
(( WARM_SECONDS > 0 )) || WARM_CLAIMS=0
pg_isready -q || { echo "PostgreSQL is not up at $PGHOST:$PGPORT" >&2; exit 1; }

log() { printf '[token-storm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_ms() { date +%s%3N; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for ((p = $1; p < $1 + 500; p++)); do port_free "$p" && { echo "$p"; return; }; done; return 1; }
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.log "$OUT"/results.* "$OUT"/*.jfr
if [[ $SKIP_BUILD != 1 && -z $GATEWAY_JAR ]]; then
  log "building the gateway jar (SKIP_BUILD=1 reuses gateway/target/payg-gateway.jar)"
  (cd "$ROOT" && mvn -B -q -DskipTests -pl gateway -am package)
fi
[[ -f $HDR ]] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2 >/dev/null)
cp "${GATEWAY_JAR:-$ROOT/gateway/target/payg-gateway.jar}" "$OUT/payg-gateway.jar"
JAR=$OUT/payg-gateway.jar
rm -rf "$OUT/classes"; mkdir -p "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$JAR:$HDR" "$ROOT/load-tests/src/test/java/io/payg/load/OpenLoad.java" \
  "$ROOT/load-tests/src/test/java/io/payg/load/HeapSampler.java" 2>/dev/null

GW_PID=
SIM_PID=
LOAD_PID=
SAMPLER_PID=
stop_gw() {
  [[ -n $GW_PID ]] || return 0
  kill "$GW_PID" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$GW_PID" 2>/dev/null || true
  GW_PID=
}
cleanup() {
  [[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null || true
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  stop_gw
  [[ -n $SIM_PID ]] && kill "$SIM_PID" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql -q -d postgres -c "CREATE DATABASE $DB"
java -Xmx1g -cp "$JAR" io.payg.gateway.demo.SimulatorProcess 0 0 >"$OUT/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 120); do grep -q '^admin ' "$OUT/simulator.log" && break; sleep 0.5; done
read -r _ CALIN_URL CALIN_USER CALIN_KEY < <(grep -m1 '^calin ' "$OUT/simulator.log")
ADMIN=$(awk '/^admin /{print $2; exit}' "$OUT/simulator.log")
[[ -n ${ADMIN:-} ]] || { cat "$OUT/simulator.log" >&2; echo "the simulator did not start" >&2; exit 1; }
curl -sf -X POST "$ADMIN/calin?latencyMs=$LATENCY_MS" >/dev/null

openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$OUT/jwt.key"
openssl ec -in "$OUT/jwt.key" -pubout -out "$OUT/jwt.pub" 2>/dev/null
SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
HTTP_PORT=$(free_port 18480)
METRICS_PORT=$(free_port $((HTTP_PORT + 1000)))
BASE=http://127.0.0.1:$HTTP_PORT
start_gw() { # stage, then the gateway's settings for it
  local stage=$1; shift
  env DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/$DB" SECRETS_KEY=$SECRETS_KEY \
    JWT_PRIVATE_KEY_FILE="$OUT/jwt.key" JWT_PUBLIC_KEY_FILE="$OUT/jwt.pub" HTTP_HOST=127.0.0.1 HTTP_PORT=$HTTP_PORT \
    METRICS_PORT=$METRICS_PORT BCRYPT_COST=4 DB_POOL_SIZE=$DB_POOL_SIZE OUTBOUND_ALLOWED_NETWORKS=127.0.0.0/8 \
    OUTBOUND_PLAIN_HTTP_HOSTS=127.0.0.1 $GATEWAY_ENV "$@" \
    java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    "-Xlog:gc:file=$OUT/gc-$stage.log:uptime,level,tags:filecount=0" -jar "$JAR" >>"$OUT/gateway-$stage.log" 2>&1 &
  GW_PID=$!
  local t0; t0=$(now_ms)
  while ! curl -sf -o /dev/null --max-time 3 "$BASE/health/ready"; do
    kill -0 "$GW_PID" 2>/dev/null || { tail -30 "$OUT/gateway-$stage.log" >&2; echo "the gateway died" >&2; exit 1; }
    (( $(now_ms) - t0 < 120000 )) || { echo "gateway not ready in 120 s" >&2; exit 1; }
    sleep 0.2
  done
  log "gateway ($stage) up on $BASE, pid $GW_PID: $*"
}
q() { psql -d "$DB" -At -F ' ' -v ON_ERROR_STOP=1 -c "$1"; }
tokens() { q "SELECT count(*) FILTER (WHERE status = 'PENDING'), count(*) FILTER (WHERE status = 'DONE'),
  count(*) FILTER (WHERE status = 'FAILED') FROM outbox WHERE kind = 'TOKEN'"; }

# ---- the burst, with the manufacturer held to one request at a time ---------------------------------
start_gw burst MANUFACTURER_LIMITS=calin=1 TOKEN_MAX_IN_FLIGHT=1 TOKEN_WORKER_BATCH=1
timeout 300 java "$ROOT/load-tests/src/test/java/io/payg/load/SetupFixture.java" --baseUrl "$BASE" --meters "$METERS" \
  --calinBaseUrl "$CALIN_URL" --calinUserId "$CALIN_USER" --calinApiKey "$CALIN_KEY" --out "$OUT/fixture" >"$OUT/fixture.log"
COMPANY=$(sed -n 's/^companyId=//p' "$OUT/fixture/fixture.properties")
SECRET=$(sed -n 's/^secret=//p' "$OUT/fixture/fixture.properties")
log "burst: $PAYMENTS payments (and $WARM_CLAIMS for the warm-up's claims) from OpenLoad ($CONCURRENCY outstanding), Calin at 1 request in flight"
T_BURST=$(now_ms)
round=0
while :; do
  read -r pending done_ failed < <(tokens)
  (( pending + done_ + failed < PAYMENTS + WARM_CLAIMS )) || break
  round=$((round + 1))
  java $OPENLOAD_JAVA_OPTS -cp "$OUT/classes:$JAR:$HDR" io.payg.load.OpenLoad --baseUrl "$BASE" --companyId "$COMPANY" \
    --secret "$SECRET" --serialsFile "$OUT/fixture/serials.txt" --operation process --prefix "S$round" \
    --concurrency "$CONCURRENCY" --duration 10 >"$OUT/openload-burst-$round.txt" 2>&1
  log "burst round $round: $(tail -2 "$OUT/openload-burst-$round.txt" | head -1); TOKEN jobs pending/done/failed: $(tokens)"
done
BURST_S=$(( ($(now_ms) - T_BURST) / 1000 ))
read -r BACKLOG _ _ < <(tokens)
stop_gw

# ---- the drain, with the target limits ---------------------------------------------------------------
# the backlog held back (due in a day, a harness step: no gateway code moves a job's due time so) while the drain's
# gateway warms up; the payments of the warm-up make jobs of their own, handed to the worker as they commit
BACKLOG=$(q "WITH held AS (UPDATE outbox SET next_attempt_at = now() + interval '1 day'
  WHERE kind = 'TOKEN' AND status = 'PENDING' RETURNING 1) SELECT count(*) FROM held")
start_gw drain MANUFACTURER_LIMITS=calin=$MAX_IN_FLIGHT TOKEN_MAX_IN_FLIGHT=$MAX_IN_FLIGHT \
  TOKEN_WORKER_BATCH=$WORKER_BATCH OUTBOX_POLL_MS=$POLL_MS $DRAIN_ENV
# waits (at most 120 s) until no job due within the hour is pending: the held-back backlog is due in a day
due_jobs_done() {
  for _ in $(seq 1 240); do
    [[ $(q "SELECT count(*) FROM outbox WHERE status = 'PENDING' AND next_attempt_at < now() + interval '1 hour'") == 0 ]] && return
    sleep 0.5
  done
}
WARM_PAYMENTS=0
if (( WARM_SECONDS > 0 )); then
  log "warm-up: $WARM_SECONDS s of fresh payments ($CONCURRENCY outstanding), Calin answering at once; $BACKLOG TOKEN jobs held back"
  curl -sf -X POST "$ADMIN/calin?latencyMs=0" >/dev/null
  WARM_FROM=$(q "SELECT now()")
  java $OPENLOAD_JAVA_OPTS -cp "$OUT/classes:$JAR:$HDR" io.payg.load.OpenLoad --baseUrl "$BASE" --companyId "$COMPANY" \
    --secret "$SECRET" --serialsFile "$OUT/fixture/serials.txt" --operation process --prefix W \
    --concurrency "$CONCURRENCY" --duration "$WARM_SECONDS" >"$OUT/openload-warm.txt" 2>&1
  due_jobs_done
  WARM_PAYMENTS=$(q "SELECT count(*) FROM outbox WHERE kind = 'TOKEN' AND created_at >= '$WARM_FROM'")
  log "warm-up: $(tail -2 "$OUT/openload-warm.txt" | head -1); its jobs done"
  if (( WARM_CLAIMS > 0 )); then
    # the recovery path compiled before it is measured: claims of WORKER_BATCH, their context read, completions
    # of large batches; a warm-up of handed-over jobs runs none of it (docs/performance.md, "Where the drain's CPU goes")
    q "UPDATE outbox SET next_attempt_at = now() WHERE id IN (SELECT id FROM outbox
      WHERE kind = 'TOKEN' AND status = 'PENDING' ORDER BY id LIMIT $WARM_CLAIMS)" >/dev/null
    due_jobs_done
    BACKLOG=$(q "SELECT count(*) FROM outbox WHERE kind = 'TOKEN' AND status = 'PENDING'")
    log "warm-up: $WARM_CLAIMS jobs of the burst claimed and done; $BACKLOG TOKEN jobs held back for the drain"
  fi
fi
read -r _ DONE0 FAILED0 < <(tokens)
VENDS0=$(curl -s --max-time 5 "$ADMIN/calin" | grep -o '"vends":[0-9]*' | cut -d: -f2)
curl -sf -X POST "$ADMIN/calin?latencyMs=$LATENCY_MS&resetMax=true" >/dev/null
# the live heap, from one sampler attached for the whole drain (each jcmd would be a JVM of its own)
java -cp "$OUT/classes" io.payg.load.HeapSampler "$GW_PID" $((SAMPLE_SECONDS * 1000)) "$OUT/heap.txt" $((HEAP_GC_SECONDS * 1000)) "$ADMIN/calin" \
  >"$OUT/heap-sampler.log" 2>&1 &
SAMPLER_PID=$!
for _ in $(seq 1 100); do grep -q '^ready' "$OUT/heap-sampler.log" && [[ -s $OUT/heap.txt ]] && break; sleep 0.2; done
grep -q '^ready' "$OUT/heap-sampler.log" || { cat "$OUT/heap-sampler.log" >&2; echo "HeapSampler did not attach" >&2; exit 1; }
# a process's user + system ticks (/proc/<pid>/stat); with a second argument 1, its waited-for children's too
pid_ticks() { local f; read -r -a f 2>/dev/null <"/proc/$1/stat" && echo $((f[13] + f[14] + ${2:-0} * (f[15] + f[16]))) || echo 0; }
SAMPLER0=$(pid_ticks "$SAMPLER_PID")
GC_LINES0=$(wc -l <"$OUT/gc-drain.log")
[[ $JFR != 1 ]] || jcmd "$GW_PID" JFR.start name=storm settings=profile >/dev/null
log "drain: $BACKLOG TOKEN jobs due now, Calin answering ${LATENCY_MS} ms late"
T0=$(now_ms)
q "UPDATE outbox SET next_attempt_at = now() WHERE kind = 'TOKEN' AND status = 'PENDING'" >/dev/null
CLK_TCK=$(getconf CLK_TCK)
# the same per thread group, from /proc/<pid>/task/*/{comm,stat}: "gc" (G1's and the VM thread, so also the
# sampler's System.gc()), "jit" (the compiler threads), "app" (every other thread: event loops, workers, ...). A thread
# that ends during the drain takes its ticks along, so the groups are read beside the process total, not instead.
gw_thread_ticks() {
  local t c gc=0 jit=0 app=0 f
  for t in /proc/"$GW_PID"/task/*; do
    read -r c <"$t/comm" 2>/dev/null || continue
    f=$(sed 's/^.*) //' "$t/stat" 2>/dev/null) || continue
    read -r -a f <<<"$f"
    case $c in
      "GC Thread"*|G1*|"VM Thread"*) gc=$((gc + f[11] + f[12])) ;;
      C1\ *|C2\ *) jit=$((jit + f[11] + f[12])) ;;
      *) app=$((app + f[11] + f[12])) ;;
    esac
  done
  echo "$gc $jit $app"
}
# the rest of the machine over the drain, to tell a drain held by the CPU from one held by a wait: PostgreSQL (the
# postmaster, its backends and what its exited backends used), the simulator, and the machine's busy and idle ticks
PM_PID=$(head -1 "$(q 'SHOW data_directory')/postmaster.pid" 2>/dev/null || echo 0)
pg_ticks() {
  local p s; s=$(pid_ticks "$PM_PID" 1)
  for p in $(pgrep -P "$PM_PID" || true); do s=$((s + $(pid_ticks "$p"))); done
  echo "$s"
}
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6, $9}' /proc/stat; }
TICKS0=$(pid_ticks "$GW_PID")
read -r GC0 JIT0 APP0 < <(gw_thread_ticks)
PG0=$(pg_ticks) SIMT0=$(pid_ticks "$SIM_PID")
read -r BUSY0 IDLE0 STEAL0 < <(machine_ticks)
echo "# t_s simulator_in_flight simulator_max_in_flight live_heap_mb heap_used_before_gc_mb pending done failed" >"$OUT/samples.txt"
DRAINED=
while :; do
  t=$(awk -v a="$T0" -v b="$(now_ms)" 'BEGIN{printf "%.1f", (b - a) / 1000}')
  sim=$(curl -s --max-time 5 "$ADMIN/calin" || echo '{}')
  inflight="$(grep -o '"inFlight":[0-9]*' <<<"$sim" | cut -d: -f2) $(grep -o '"maxInFlight":[0-9]*' <<<"$sim" | cut -d: -f2)"
  # the sampler's last reading: heap in use, then after a full collection (what is live; - when it ran none)
  read -r _ before live < <(tail -1 "$OUT/heap.txt")
  read -r pending done_ failed < <(tokens)
  echo "$t $inflight ${live:-?} ${before:-?} $pending $done_ $failed" >>"$OUT/samples.txt"
  if (( pending == 0 )); then DRAINED=$t; break; fi
  awk -v t="$t" -v d="$DRAIN_TIMEOUT" 'BEGIN{exit !(t > d)}' && break
  sleep "$SAMPLE_SECONDS"
done
TICKS1=$(pid_ticks "$GW_PID")
read -r GC1 JIT1 APP1 < <(gw_thread_ticks)
PG1=$(pg_ticks) SIMT1=$(pid_ticks "$SIM_PID")
read -r BUSY1 IDLE1 STEAL1 < <(machine_ticks)
read -r PG_MS SIM_MS BUSY_MS IDLE_MS STEAL_MS < <(awk -v hz="$CLK_TCK" -v p=$((PG1 - PG0)) -v s=$((SIMT1 - SIMT0)) \
  -v b=$((BUSY1 - BUSY0)) -v i=$((IDLE1 - IDLE0)) -v st=$((STEAL1 - STEAL0)) 'BEGIN {f = 1000 / hz
  printf "%.0f %.0f %.0f %.0f %.0f\n", p * f, s * f, b * f, i * f, st * f}')
SAMPLER_MS=$(( ($(pid_ticks "$SAMPLER_PID") - SAMPLER0) * 1000 / CLK_TCK ))
read -r GC_MS JIT_MS APP_MS APP_US_PER_JOB < <(awk -v hz="$CLK_TCK" -v n="$BACKLOG" -v g=$((GC1 - GC0)) \
  -v j=$((JIT1 - JIT0)) -v a=$((APP1 - APP0)) 'BEGIN {f = 1000 / hz
  printf "%.0f %.0f %.0f %.0f\n", g * f, j * f, a * f, (n > 0 ? a * f * 1000 / n : 0)}')
if [[ $JFR == 1 ]]; then
  jcmd "$GW_PID" JFR.stop name=storm filename="$OUT/jfr-drain.jfr" >/dev/null
  python3 "$ROOT/load-tests/jfr-top.py" "$OUT/jfr-drain.jfr" >"$OUT/jfr-drain.txt" 2>&1 || true
fi
PEAK_FLIGHT=$(awk '!/^#/ {if ($2 + 0 > f) f = $2} END {printf "%d\n", f}' "$OUT/samples.txt")
# every reading of the sampler from the release to the end of the drain
read -r PEAK_USED PEAK_LIVE HEAP_SAMPLES < <(awk -v t0="$T0" '$1 >= t0 {if ($2 > u) u = $2} $1 >= t0 && $3 != "-" {n++; if ($3 + 0 > l) l = $3 + 0}
  END {printf "%d %d %d\n", u, l, n}' "$OUT/heap.txt")
SIM_MAX=$(curl -s --max-time 5 "$ADMIN/calin" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("maxInFlight"))')
# the backlog's own: what the warm-up did before the release is taken off
read -r PENDING DONE FAILED < <(tokens)
DONE=$((DONE - DONE0)) FAILED=$((FAILED - FAILED0))
VENDS=$(curl -s --max-time 5 "$ADMIN/calin" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("vends"))')
VENDS=$((VENDS - VENDS0))
GC=$(tail -n +$((GC_LINES0 + 1)) "$OUT/gc-drain.log" | awk '/Pause/ && / [0-9.]+ms$/ {v = $NF; sub(/ms$/, "", v); n++; t += v; if (v > m) m = v}
  END {printf "%d pauses, %.0f ms in all, longest %.1f ms", n, t, m}')
# the gateway's CPU over the drain per TOKEN job (its SMS job included; the sampler's System.gc() included too),
# and the rates: the drain's, and what Little's law allows at the limit (in flight / manufacturer latency)
read -r CPU_MS CPU_US_PER_JOB DRAIN_RATE LITTLE_RATE < <(awk -v t0="$TICKS0" -v t1="$TICKS1" -v hz="$CLK_TCK" \
  -v n="$BACKLOG" -v d="${DRAINED:-0}" -v f="$MAX_IN_FLIGHT" -v l="$LATENCY_MS" 'BEGIN {c = n < f ? n : f
  ms = (t1 - t0) * 1000 / hz; printf "%.0f %.0f %.1f %.1f\n", ms, (n > 0 ? ms * 1000 / n : 0), (d > 0 ? n / d : 0), c / (l / 1000)}')
LITTLE=$(awk -v n="$BACKLOG" -v f="$MAX_IN_FLIGHT" -v l="$LATENCY_MS" 'BEGIN{c = n < f ? n : f; printf "%.1f", n / c * l / 1000}')
python3 - "$OUT" <<PY
import json, sys, os
out = sys.argv[1]
res = {"tokens_in_flight_peak": ${SIM_MAX:-None}, "sampled_in_flight_peak": $PEAK_FLIGHT, "heap_live_peak_mb": $PEAK_LIVE,
       "heap_used_before_gc_peak_mb": $PEAK_USED, "heap_max": "$HEAP", "backlog_token_jobs": $BACKLOG,
       "drained_s": ${DRAINED:-None}, "little_law_drain_s": $LITTLE, "latency_ms": $LATENCY_MS,
       "max_in_flight_setting": $MAX_IN_FLIGHT, "worker_batch": $WORKER_BATCH, "poll_ms": $POLL_MS,
       "token_jobs_done": $DONE, "token_jobs_failed": $FAILED, "token_jobs_pending": $PENDING, "simulator_vends": ${VENDS:-None},
       "burst_s": $BURST_S, "gc_drain": "$GC", "warm_seconds": $WARM_SECONDS, "warm_payments": $WARM_PAYMENTS,
       "warm_claims": $WARM_CLAIMS, "heap_gc_seconds": $HEAP_GC_SECONDS,
       "heap_samples": $HEAP_SAMPLES, "heap_sampler_cpu_ms_drain": $SAMPLER_MS,
       "drain_rate_per_s": $DRAIN_RATE, "little_law_rate_per_s": $LITTLE_RATE,
       "vends_per_token": round(${VENDS:-0} / max($DONE, 1), 3), "gateway_cpu_ms_drain": $CPU_MS,
       "gateway_cpu_us_per_token_job": $CPU_US_PER_JOB, "gateway_gc_cpu_ms_drain": $GC_MS,
       "gateway_jit_cpu_ms_drain": $JIT_MS, "gateway_app_cpu_ms_drain": $APP_MS,
       "gateway_app_cpu_us_per_token_job": $APP_US_PER_JOB, "postgres_cpu_ms_drain": $PG_MS,
       "simulator_cpu_ms_drain": $SIM_MS, "machine_busy_ms_drain": $BUSY_MS, "machine_idle_ms_drain": $IDLE_MS,
       "machine_steal_ms_drain": $STEAL_MS, "load_average_at_end": "$(cut -d' ' -f1-3 /proc/loadavg)"}
open(os.path.join(out, "results.json"), "w").write(json.dumps(res, indent=2) + "\n")
PY
{
  echo
  echo "payg-gateway token storm, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "gateway -Xms$HEAP -Xmx$HEAP G1 20 ms; Calin simulator (own process) answering ${LATENCY_MS} ms late"
  echo "drain: MANUFACTURER_LIMITS=calin=$MAX_IN_FLIGHT TOKEN_MAX_IN_FLIGHT=$MAX_IN_FLIGHT TOKEN_WORKER_BATCH=$WORKER_BATCH OUTBOX_POLL_MS=$POLL_MS DB_POOL_SIZE=$DB_POOL_SIZE $DRAIN_ENV"
  echo "warm-up before the release: $WARM_SECONDS s, $WARM_PAYMENTS payments with their TOKEN and SMS jobs (0 s: a cold gateway), then $WARM_CLAIMS jobs of the burst claimed"
  echo "(the live heap is sampled by HeapSampler, a System.gc() every $HEAP_GC_SECONDS s and at each new peak in flight: the drain's GC figures include them)"
  echo
  echo "| figure | value |"
  echo "| --- | --- |"
  echo "| burst: payments recorded (OpenLoad, $CONCURRENCY outstanding), TOKEN jobs waiting | $BACKLOG in ${BURST_S} s |"
  echo "| **peak manufacturer requests in flight** (the simulator's own maximum since the release; sampled every ${SAMPLE_SECONDS} s) | **${SIM_MAX}**; $PEAK_FLIGHT |"
  echo "| **peak live heap** (G1 heap used after System.gc(), $HEAP_SAMPLES samples, every $HEAP_GC_SECONDS s and at each new peak in flight) | **$PEAK_LIVE MB** (heap in use, every ${SAMPLE_SECONDS} s: at most $PEAK_USED MB) |"
  echo "| TOKEN outbox drained after the release | ${DRAINED:-not within ${DRAIN_TIMEOUT}} s (Little's law at the setting: $LITTLE s) |"
  echo "| TOKEN jobs at the end: done, failed, pending; vends at the simulator (Calin has no idempotency key: a vend whose completion was not stored is vended again) | $DONE, $FAILED, $PENDING; $VENDS |"
  echo "| drain rate; what Little's law allows at the limit (in flight / latency) | $DRAIN_RATE jobs/s; $LITTLE_RATE jobs/s |"
  echo "| gateway CPU over the drain | $CPU_MS ms, $CPU_US_PER_JOB µs per TOKEN job (its SMS job and the sampler's System.gc() included); the sampler's own: $SAMPLER_MS ms |"
  echo "| of which, by thread: GC + VM thread; JIT compilers; the application's threads (µs per TOKEN job) | $GC_MS ms; $JIT_MS ms; $APP_MS ms ($APP_US_PER_JOB µs) |"
  echo "| GC of the drain | $GC |"
  echo "| the machine over the drain ($(nproc) cores): busy (steal included), idle; PostgreSQL's CPU; the simulator's | $BUSY_MS ms (steal $STEAL_MS), $IDLE_MS ms; $PG_MS ms; $SIM_MS ms |"
  echo
  echo "samples: ${OUT#"$ROOT"/}/samples.txt; logs: gateway-burst.log, gateway-drain.log, gc-*.log, openload-burst-*.txt, openload-warm.txt, heap.txt"
  echo "results.json:"; cat "$OUT/results.json"
} | tee "$OUT/results.md"
