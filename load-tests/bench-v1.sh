#!/usr/bin/env bash
# Validation-path benchmark of payg-gateway on this machine, in one run:
# (Kept for the "before" figures of docs/performance.md; the benchmark of issue 19 is load-tests/bench.sh.)
#   (a) pgbench ceiling of the gateway's exact validation lookup (DB_POOL_SIZE clients, -M prepared,
#       a random serial among the seeded meters, database payg_demo);
#   (b) the gateway's validation throughput and p50/p99 at saturation (wrk, pre-signed validations);
#   (c) the ratio gateway / pgbench;
#   (d) the Gatling provider mix (validate + process) at a fixed arrival rate (MIX_RATE=0 skips);
#   (e) the process path at saturation, Gatling closed model (PROCESS_USERS=0 skips);
#   (f) p50/p99 of validate and of process at 80 % of the saturation (b) and (e) measured,
#       Gatling open model at a fixed arrival rate (AT80=0 skips);
#   (g) the ceilings of a bare Vert.x HTTP route, and of a bare Vert.x route running the same lookup
#       through a pg pool of the same size (load-tests/bare/BareVertxServer.java, same wrk load);
#   (h) pgbench of the exact process statements (snapshot + record), run after the gateway stopped.
# It builds the jar (SKIP_BUILD=1 to reuse it), starts the demo on 127.0.0.1:$HTTP_PORT, seeds
# $METERS meters through the API, measures, prints a table and stops everything it started.
# All traffic goes to 127.0.0.1; every measurement is bounded by its duration and a timeout.
# Parameters (environment): see load-tests/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/load-tests/target/bench
HTTP_PORT=${HTTP_PORT:-18080}
DURATION=${DURATION:-20}            # seconds per measurement (a) and (b)
WARMUP=${WARMUP:-10}                # seconds of unreported validation load before measuring
METERS=${METERS:-1000}
DB_POOL_SIZE=${DB_POOL_SIZE:-16}    # the gateway's pool, and so pgbench's client count
PGBENCH_THREADS=${PGBENCH_THREADS:-2}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
MIX_RATE=${MIX_RATE:-50}            # payments/s of the Gatling mix; 0 skips (d)
MIX_DURATION=${MIX_DURATION:-20}
MIX_VALIDATIONS_PER_PAYMENT=${MIX_VALIDATIONS_PER_PAYMENT:-4}
PROCESS_USERS=${PROCESS_USERS:-32}  # concurrent payers of the Gatling process saturation; 0 skips (e)
PROCESS_DURATION=${PROCESS_DURATION:-$DURATION}
SKIP_BUILD=${SKIP_BUILD:-0}
AT80=${AT80:-1}                     # 0 skips (f)
BARE=${BARE:-1}                     # 0 skips (g)
PGBENCH_PROCESS=${PGBENCH_PROCESS:-1} # 0 skips (h)
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-120}
QUIET_WAIT=${QUIET_WAIT:-60}        # seconds to wait for other work on the machine to stop
QUIET_MAX_BUSY=${QUIET_MAX_BUSY:-25}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGDATABASE=payg_demo

for v in DURATION WARMUP MIX_DURATION PROCESS_DURATION; do
  if (( ${!v} < 5 || ${!v} > 600 )); then echo "$v=${!v}: between 5 and 600 s per measurement" >&2; exit 2; fi
done
if [[ $PGHOST != 127.0.0.1 && $PGHOST != localhost ]]; then echo "PGHOST must be on this machine" >&2; exit 2; fi

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
busy_ticks() { local _c u n sy id io irq sirq st _r; read -r _c u n sy id io irq sirq st _r </proc/stat; echo $((u + n + sy + irq + sirq + st)); }
pct() { awk -v t="$1" -v s="$2" -v k="$CLK_TCK" 'BEGIN{printf "%.0f", 100*t/(k*s)}'; }   # ticks, seconds -> % of one core

# ---- tools ---------------------------------------------------------------------------------
apt_install() {
  log "installing $* (Debian packages)"
  if [[ $(id -u) -ne 0 ]]; then echo "need root to apt-get install $*" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}
command -v psql >/dev/null || apt_install postgresql-client
if ! command -v pgbench >/dev/null; then
  # Debian ships pgbench with the server package (postgresql-contrib pulls it in)
  apt_install postgresql-contrib || apt_install postgresql-client
fi
command -v wrk >/dev/null || apt_install wrk
command -v java >/dev/null || { echo "java 17 is required" >&2; exit 1; }
CLK_TCK=$(getconf CLK_TCK)
CORES=$(nproc)
# how busy the machine is before we start anything: other work here skews every number, so wait
# up to QUIET_WAIT seconds for it to fall under QUIET_MAX_BUSY % (of one core), then go on anyway
for ((waited = 0; ; waited += 2)); do
  b0=$(busy_ticks); sleep 2; b1=$(busy_ticks)
  BACKGROUND=$(awk -v t=$((b1 - b0)) -v k="$CLK_TCK" 'BEGIN{printf "%.0f", 100*t/(k*2)}')
  (( BACKGROUND < QUIET_MAX_BUSY || waited >= QUIET_WAIT )) && break
  (( waited % 20 == 0 )) && log "the machine is busy ($BACKGROUND% of ${CORES}00%); waiting up to ${QUIET_WAIT}s for it to calm down"
done

mkdir -p "$OUT"
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/live"; then
  echo "something already listens on 127.0.0.1:$HTTP_PORT; set HTTP_PORT" >&2; exit 1
fi
pg_isready -q || { echo "PostgreSQL is not up at $PGHOST:$PGPORT (the demo and pgbench need it)" >&2; exit 1; }

# ---- build and start the demo ----------------------------------------------------------------
if [[ $SKIP_BUILD != 1 ]]; then
  log "building the gateway jar (SKIP_BUILD=1 reuses gateway/target/payg-gateway.jar)"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
# a private copy: a rebuild of the tree during the run does not change what is measured
cp "$ROOT/gateway/target/payg-gateway.jar" "$OUT/payg-gateway.jar"

GW_PID=
LOAD_PID=
BARE_PID=
descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }
cleanup() {
  local pids
  if [[ -n $LOAD_PID ]] && kill -0 "$LOAD_PID" 2>/dev/null; then # interrupted during a measurement
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
stop_bare() {
  if [[ -n $BARE_PID ]] && kill -0 "$BARE_PID" 2>/dev/null; then
    kill "$BARE_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$BARE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$BARE_PID" 2>/dev/null || true
  fi
  BARE_PID=
}
trap 'stop_bare; cleanup' EXIT
trap 'exit 130' INT TERM

log "starting the demo on 127.0.0.1:$HTTP_PORT (DB_POOL_SIZE=$DB_POOL_SIZE), log in $OUT/gateway.log"
# (run in $OUT: whatever the gateway writes to its working directory stays there)
(cd "$OUT" && HTTP_PORT=$HTTP_PORT HTTP_HOST=127.0.0.1 DB_POOL_SIZE=$DB_POOL_SIZE \
  exec java -jar payg-gateway.jar --demo >gateway.log 2>&1) &
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
rm -f "$OUT/fixture.properties"
timeout 300 java "$ROOT/load-tests/src/test/java/io/payg/load/SetupFixture.java" --baseUrl "$BASE" \
  --companyId "$COMPANY" --email "$EMAIL" --password "$PASSWORD" --secret "$SECRET" --meters "$METERS" \
  --out "$OUT" >"$OUT/fixture.log"
tail -1 "$OUT/fixture.log" >&2
FIRST_SERIAL=$(sed -n 's/^firstSerial=//p' "$OUT/fixture.properties")
LAST_SERIAL=$((FIRST_SERIAL + METERS - 1))

# ---- helpers ---------------------------------------------------------------------------------
# CPU split of a measurement: snapshots of the machine's busy ticks and of each process's ticks,
# taken 1 s after the load started and 2 s before it ends (connections are up, none closed yet).
# Categories: the gateway JVM, PostgreSQL (all postgres processes), the load generator, the rest
# (other work on the machine, e.g. other sessions' builds: it makes a measurement unreliable).
declare -A S0 S1
read_ticks() { # array name, key, pid: utime + stime, read without forking (comm has no spaces here)
  local -n B=$1
  local f
  if read -r -a f 2>/dev/null <"/proc/$3/stat"; then B[$2]=$((f[13] + f[14])); fi
}
snap() { # array name; quick even under full load: no subshell per process
  local -n A=$1
  local p pg cl
  pg=$(pgrep -x postgres || true)
  cl=$(descendants "$LOAD_PID")
  A=([time]=$EPOCHREALTIME [total]=$(busy_ticks))
  read_ticks A gw "$GW_PID"
  for p in $pg; do read_ticks A "pg$p" "$p"; done
  for p in $cl; do read_ticks A "cl$p" "$p"; done
}
cpu_split() { # -> "total gateway postgres client rest", each in % of one core over the window S0..S1
  local k d total=0 gw=0 pg=0 cl=0 w
  w=$(awk -v a="${S0[time]}" -v b="${S1[time]}" 'BEGIN{print b - a}')
  for k in "${!S1[@]}"; do
    [[ $k != time && -n ${S0[$k]:-} && ${S1[$k]} -ge ${S0[$k]} ]] || continue
    d=$((S1[$k] - S0[$k]))
    case $k in total) total=$d ;; gw) gw=$d ;; pg*) pg=$((pg + d)) ;; cl*) cl=$((cl + d)) ;; esac
  done
  echo "$(pct $total "$w") $(pct $gw "$w") $(pct $pg "$w") $(pct $cl "$w") $(pct $((total - gw - pg - cl)) "$w")"
}
measure_cpu() { # seconds of load already started in the background as $LOAD_PID -> sets CPU
  sleep 1; snap S0; sleep $(($1 - 3)); snap S1
  CPU=$(cpu_split)
  wait "$LOAD_PID" || true
}
cpu_note() { # "total gw pg cl rest", name of the load generator[, operations/s]
  local t g p c r per=""
  read -r t g p c r <<<"$1"
  if [[ -n ${3:-} ]]; then
    per=$(awk -v t="$t" -v g="$g" -v p="$p" -v c="$c" -v n="$3" \
      'BEGIN{printf "; per op: %.0f µs CPU (gateway %.0f, PostgreSQL %.0f, %s %.0f)", t*1e4/n, g*1e4/n, p*1e4/n, "'"$2"'", c*1e4/n}')
  fi
  echo "CPU $t% of ${CORES}00%: gateway $g%, PostgreSQL $p%, $2 $c%, rest $r%$per"
}
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} \
  else if (v ~ /m$/) {sub(/m$/,"",v); v*=60000} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }

run_wrk() { # seconds, output file[, base URL]
  exec timeout $(($1 + 30)) wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$1s" --timeout 5s --latency \
    -s "$OUT/validate.lua" "${3:-$BASE}" >"$2"
}

# ---- warm-up (JIT, pool connections; not reported) -------------------------------------------
log "warm-up: ${WARMUP}s of validations"
(run_wrk "$WARMUP" "$OUT/wrk-warmup.txt")

# ---- (a) pgbench of the exact lookup ---------------------------------------------------------
# The statement text is taken from the gateway's own pool connections (pg_stat_activity keeps each
# idle backend's last statement): byte for byte what the running jar prepares. It is compared with
# PaymentStore.LOOKUP in the current source.
# only this gateway's connections: other gateways (tests, demos) may use the same server
GW_PORTS=$(ss -Htnp state established '( dport = :5432 )' 2>/dev/null | grep "pid=$GW_PID," \
  | awk '{split($3, a, ":"); print a[length(a)]}' | paste -sd, -)
LOOKUP=""
if [[ -n $GW_PORTS ]]; then
  LOOKUP=$(psql -At -c "SELECT query FROM pg_stat_activity WHERE datname = 'payg_demo' AND client_port IN ($GW_PORTS)
    AND query LIKE '%WHERE d.company_id = \$1 AND d.serial = \$2' ORDER BY length(query) LIMIT 1")
fi
if [[ -z $LOOKUP ]]; then
  log "the lookup is not in pg_stat_activity; taking PaymentStore.LOOKUP from the source"
  LOOKUP_SOURCE=source
  LOOKUP=$(java "$ROOT/load-tests/src/test/java/io/payg/load/SqlConstant.java" \
    "$ROOT/gateway/src/main/java/io/payg/gateway/payment/PaymentStore.java" LOOKUP)
else
  LOOKUP_SOURCE="the running gateway's connections"
fi
SOURCE_LOOKUP=$(java "$ROOT/load-tests/src/test/java/io/payg/load/SqlConstant.java" \
  "$ROOT/gateway/src/main/java/io/payg/gateway/payment/PaymentStore.java" LOOKUP 2>/dev/null || echo "?")
if [[ $LOOKUP == "$SOURCE_LOOKUP" ]]; then SAME_AS_SOURCE=yes; else SAME_AS_SOURCE="no (the jar was built from other source)"; fi
if [[ $LOOKUP != *'d.company_id = $1 AND d.serial = $2' ]]; then echo "unexpected lookup: $LOOKUP" >&2; exit 1; fi
{
  echo "\\set serial random($FIRST_SERIAL, $LAST_SERIAL)"
  echo "${LOOKUP/\$1/:company}" | sed 's/\$2/:serial/'
} >"$OUT/lookup.sql"
log "(a) pgbench: ${DURATION}s, $DB_POOL_SIZE clients, -M prepared, lookup from $LOOKUP_SOURCE (same as source: $SAME_AS_SOURCE)"
rm -f "$OUT"/pgbench_log.*
(cd "$OUT" && exec timeout $((DURATION + 30)) pgbench -n -M prepared -c "$DB_POOL_SIZE" -j "$PGBENCH_THREADS" \
  -T "$DURATION" -D company="$COMPANY" -f lookup.sql -l --sampling-rate 0.1 >pgbench.txt 2>&1) &
LOAD_PID=$!
measure_cpu "$DURATION"
PG_CPU=$CPU
PG_TPS=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$OUT/pgbench.txt")
PG_FAILED=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$OUT/pgbench.txt")
[[ -n $PG_TPS ]] || { cat "$OUT/pgbench.txt" >&2; echo "pgbench failed" >&2; exit 1; }
# latencies (µs, third field) of a 10 % sample of the transactions
read -r PG_P50 PG_P99 < <(cat "$OUT"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {
  printf "%.2f %.2f\n", a[int(NR*0.50)+1]/1000, a[int(NR*0.99)+1]/1000}')

# ---- (b) the gateway at saturation -----------------------------------------------------------
log "(b) wrk: ${DURATION}s, $WRK_THREADS threads, $WRK_CONNECTIONS connections, signed validations of random seeded meters"
run_wrk "$DURATION" "$OUT/wrk.txt" &
LOAD_PID=$!
measure_cpu "$DURATION"
GW_CPU=$CPU
GW_RPS=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$OUT/wrk.txt")
[[ -n $GW_RPS ]] || { cat "$OUT/wrk.txt" >&2; echo "wrk failed" >&2; exit 1; }
GW_P50=$(awk '$1=="50%"{print $2}' "$OUT/wrk.txt" | to_ms)
GW_P99=$(awk '$1=="99%"{print $2}' "$OUT/wrk.txt" | to_ms)
GW_REQ=$(awk '/requests in/{print $1}' "$OUT/wrk.txt")
GW_BAD=$(awk '/^not-valid-answers:/{print $2}' "$OUT/wrk.txt")
GW_ERR=$(awk '/Socket errors|Non-2xx/{print}' "$OUT/wrk.txt" | tr '\n' ' ')
RATIO=$(awk -v g="$GW_RPS" -v p="$PG_TPS" 'BEGIN{printf "%.2f", g/p}')

# ---- (g) bare Vert.x ceilings, same wrk load ----------------------------------------------------
BARE_ROWS=""
wrk_row() { # label, wrk output, cpu -> a table row
  local rps p50 p99 req bad
  rps=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$2")
  p50=$(awk '$1=="50%"{print $2}' "$2" | to_ms)
  p99=$(awk '$1=="99%"{print $2}' "$2" | to_ms)
  req=$(awk '/requests in/{print $1}' "$2")
  bad=$(awk '/^not-valid-answers:/{print $2}' "$2")
  printf '| %s | %s req/s | %s | %s | wrk %s conns, %ss, %s requests, %s not valid; %s |\n' "$1" "${rps:-?}" "$p50" "$p99" \
    "$WRK_CONNECTIONS" "$DURATION" "${req:-?}" "${bad:-?}" "$(cpu_note "$3" wrk "${rps:-1}")"
}
bare_run() { # mode, label -> appends a row to BARE_ROWS, sets BARE_RPS_<mode>
  local port=$((HTTP_PORT + 1)) i
  (cd "$OUT" && exec java -cp payg-gateway.jar "$ROOT/load-tests/bare/BareVertxServer.java" "$1" "$port" \
    "${EVENT_LOOPS:-$CORES}" "$DB_POOL_SIZE" payg_demo "$LOOKUP" >"bare-$1.log" 2>&1) &
  BARE_PID=$!
  for ((i = 0; i < 120; i++)); do
    grep -q 'listening' "$OUT/bare-$1.log" 2>/dev/null && break
    kill -0 "$BARE_PID" 2>/dev/null || break
    sleep 0.5
  done
  grep -q 'listening' "$OUT/bare-$1.log" || { cat "$OUT/bare-$1.log" >&2; echo "bare Vert.x ($1) did not start" >&2; exit 1; }
  # the same warm-up as the gateway got, then the measurement
  (run_wrk "$WARMUP" "$OUT/wrk-bare-$1-warmup.txt" "http://127.0.0.1:$port")
  run_wrk "$DURATION" "$OUT/wrk-bare-$1.txt" "http://127.0.0.1:$port" &
  LOAD_PID=$!
  local saved=$GW_PID
  GW_PID=$BARE_PID # cpu_split's "gateway" column is the process under test
  measure_cpu "$DURATION"
  GW_PID=$saved
  BARE_ROWS+=$(wrk_row "$2" "$OUT/wrk-bare-$1.txt" "$CPU")$'\n'
  printf -v "BARE_RPS_$1" '%s' "$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$OUT/wrk-bare-$1.txt")"
  stop_bare
}
BARE_RPS_http=0
BARE_RPS_lookup=0
if [[ $BARE == 1 ]]; then
  log "(g) bare Vert.x HTTP route: ${DURATION}s, same wrk load"
  bare_run http "(g) bare Vert.x route, fixed answer"
  log "(g) bare Vert.x route + the same lookup through a pg pool of $DB_POOL_SIZE: ${DURATION}s"
  bare_run lookup "(g) bare Vert.x route + lookup"
fi

# ---- (d), (e) Gatling ------------------------------------------------------------------------
GATLING_ROWS=""
declare -A RATE_OF
cell() { # report page, row title, column (total|ok|ko) -> the value
  awk -v t="$2" -v c="$3" 'index($0, "class=\"title\">" t) {f=1; next}
    f && index($0, "class=\"" c "\"") {gsub(/.*class="[a-z]*">|<.*/, ""); print; exit}' "$1"
}
run_gatling() { # label, simulation class, seconds, -Dname=value...
  local label=$1 cls=$2 seconds=$3 rc report f req i ops
  shift 3
  touch "$OUT/.gatling-start"
  (cd "$ROOT" && exec timeout $((seconds + 240)) mvn -B -q -pl load-tests gatling:test \
    -Dgatling.simulationClass="io.payg.load.$cls" -DbaseUrl="$BASE" -DcompanyId="$COMPANY" -Dsecret="$SECRET" \
    -DserialsFile="$OUT/serials.txt" -Dduration="$seconds" "$@" >"$OUT/gatling-$cls.txt" 2>&1) &
  LOAD_PID=$!
  CPU=""
  for ((i = 0; i < 360; i++)); do # Maven compiles and forks Gatling first: sample once the load runs
    grep -q 'Simulation .* started' "$OUT/gatling-$cls.txt" 2>/dev/null && break
    kill -0 "$LOAD_PID" 2>/dev/null || break
    sleep 0.5
  done
  if grep -q 'Simulation .* started' "$OUT/gatling-$cls.txt" 2>/dev/null; then
    sleep 1; snap S0; sleep $((seconds - 3)); snap S1
    CPU=$(cpu_split)
  fi
  rc=0
  wait "$LOAD_PID" || rc=$?
  report=$(find "$ROOT/load-tests/target/gatling" -maxdepth 1 -name "${cls,,}-*" -newer "$OUT/.gatling-start" \
    2>/dev/null | sort | tail -1)
  ops=0
  for req in validate process; do
    f=$(ls "$report"/req_"$req"-*.html 2>/dev/null | head -1 || true)
    [[ -n $f && -n $report ]] || continue
    ops=$(awk -v a="$ops" -v b="$(cell "$f" 'Mean count/s' total)" 'BEGIN{print a + b}')
    RATE_OF[$label:$req]=$(cell "$f" 'Mean count/s' total)
    GATLING_ROWS+=$(printf '| %s: %s | %s/s | %s | %s | %s of %s failed |' "$label" "$req" \
      "$(cell "$f" 'Mean count/s' total)" "$(cell "$f" '50th percentile' total)" "$(cell "$f" '99th percentile' total)" \
      "$(cell "$f" 'Total count' ko)" "$(cell "$f" 'Total count' total)")$'\n'
  done
  [[ $rc -eq 0 ]] || GATLING_ROWS+="| $label | Gatling exited $rc (assertion failed or error): see ${OUT#"$ROOT"/}/gatling-$cls.txt | | | |"$'\n'
  [[ -z $CPU ]] || GATLING_ROWS+="| | $(cpu_note "$CPU" Gatling "$ops") | | | |"$'\n'
  [[ -z $report ]] || GATLING_ROWS+="| | report: ${report#"$ROOT"/}/index.html | | | |"$'\n'
}
if (( MIX_RATE > 0 )); then
  log "(d) Gatling ProviderMixSimulation: $MIX_RATE payments/s, $MIX_VALIDATIONS_PER_PAYMENT validations each, ${MIX_DURATION}s"
  run_gatling "(d) mix ${MIX_RATE}/s" ProviderMixSimulation "$MIX_DURATION" -Drate="$MIX_RATE" \
    -DvalidationsPerPayment="$MIX_VALIDATIONS_PER_PAYMENT"
fi
if (( PROCESS_USERS > 0 )); then
  log "(e) Gatling ProcessSaturationSimulation: $PROCESS_USERS concurrent payers, ${PROCESS_DURATION}s"
  run_gatling "(e) process, $PROCESS_USERS payers" ProcessSaturationSimulation "$PROCESS_DURATION" -Dusers="$PROCESS_USERS"
  sleep 2
  OUTBOX=$(psql -At -F ' ' -c "SELECT count(*) FILTER (WHERE status = 'PENDING'), count(*) FROM outbox
    WHERE company_id = '$COMPANY'")
  GATLING_ROWS+="| | outbox of the company 2 s after (e): ${OUTBOX% *} pending of ${OUTBOX#* } jobs | | | |"$'\n'
fi

# ---- (f) 80 % of saturation ------------------------------------------------------------------
if [[ $AT80 == 1 ]]; then
  V80=$(awk -v r="$GW_RPS" 'BEGIN{printf "%d", r * 0.8}')
  log "(f) Gatling FixedRateSimulation: validate at $V80/s (80 % of (b)), ${DURATION}s"
  run_gatling "(f) validate at 80 %" FixedRateSimulation "$DURATION" -Doperation=validate -Drate="$V80"
  P_SAT=${RATE_OF["(e) process, $PROCESS_USERS payers:process"]:-}
  if [[ -n $P_SAT ]]; then
    P80=$(awk -v r="$P_SAT" 'BEGIN{printf "%d", r * 0.8}')
    log "(f) Gatling FixedRateSimulation: process at $P80/s (80 % of (e)), ${DURATION}s"
    run_gatling "(f) process at 80 %" FixedRateSimulation "$DURATION" -Doperation=process -Drate="$P80"
  fi
fi

# ---- (h) pgbench of the exact process statements ---------------------------------------------
# The gateway's process is two statements: the snapshot (PaymentStore.SNAPSHOT) and the record
# (PaymentStore.RECORD, one CTE). pgbench runs both, texts taken from the source, for a new
# payment of a random seeded meter (no debts: the allocation is one ENERGY line), with the same
# client count as the gateway's pool. Two unavoidable differences, both in pgbench's favour by a
# few microseconds at most: the snapshot is wrapped in a SELECT that also draws the new uuid and
# hands the ids to the record (\gset), and the agent parameter ($25) is the literal NULL
# (pgbench cannot bind a NULL). The gateway is stopped first, so that its outbox worker does not
# vend tokens for these rows; they are deleted afterwards (provider 'pgbench').
PGP_ROW=""
PGP_TPS=""
if [[ $PGBENCH_PROCESS == 1 ]]; then
  cleanup
  GW_PID=
  SNAPSHOT=$(java "$ROOT/load-tests/src/test/java/io/payg/load/SqlConstant.java" \
    "$ROOT/gateway/src/main/java/io/payg/gateway/payment/PaymentStore.java" SNAPSHOT)
  RECORD=$(java "$ROOT/load-tests/src/test/java/io/payg/load/SqlConstant.java" \
    "$ROOT/gateway/src/main/java/io/payg/gateway/payment/PaymentStore.java" RECORD)
  CURRENCY=$(sed -n 's/^currency=//p' "$OUT/fixture.properties")
  SNAP_SQL=$(sed 's/\$1/:company/g; s/\$2/:serial/g; s/\$3/:provider/g; s/\$4/:probe/g' <<<"$SNAPSHOT")
  # highest numbers first, so that $2 does not eat the start of $25
  REC_SQL=$RECORD
  VARS=(tid company provider tid dev cust serial amount currency msisdn paidat status unit qty pos kinds amounts refs
    credit arpaid kind instids instamts ver agent cbase)
  REC_SQL=${REC_SQL//\$25/NULL}
  for ((n = ${#VARS[@]}; n >= 1; n--)); do
    (( n == 25 )) && continue
    REC_SQL=${REC_SQL//\$$n/:${VARS[n - 1]}}
  done
  # a parameter the mapping above does not know means RECORD changed: stop rather than mislead
  if grep -q '\$[0-9]' <<<"$REC_SQL"; then echo "PaymentStore.RECORD has parameters bench.sh does not map" >&2; exit 1; fi
  {
    echo "\\set serial random($FIRST_SERIAL, $LAST_SERIAL)"
    echo "SELECT gen_random_uuid() AS tid, s.id AS dev, s.customer_id AS cust, s.debt_version AS ver FROM ($SNAP_SQL) s"
    echo "\\gset"
    echo "$REC_SQL;"
  } >"$OUT/process.sql"
  log "(h) pgbench of the process statements: ${DURATION}s, $DB_POOL_SIZE clients, -M prepared"
  (cd "$OUT" && exec timeout $((DURATION + 30)) pgbench -n -M prepared -c "$DB_POOL_SIZE" -j "$PGBENCH_THREADS" \
    -T "$DURATION" -D company="$COMPANY" -D provider=pgbench -D probe=pgbench-new -D amount=10000 \
    -D currency="$CURRENCY" -D msisdn=+254712000001 -D paidat=2026-01-01T00:00:00Z -D status=PROCESSED -D unit=KWH_TENTHS \
    -D qty=100 -D pos='{0}' -D kinds='{ENERGY}' -D amounts='{10000}' -D refs='{NULL}' -D credit=0 -D arpaid=0 \
    -D kind=TOKEN -D instids='{}' -D instamts='{}' -D cbase=10000 -f process.sql -l --sampling-rate 0.1 \
    >pgbench-process.txt 2>&1) &
  LOAD_PID=$!
  rm -f "$OUT"/pgbench_log.*
  measure_cpu "$DURATION"
  PGP_TPS=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$OUT/pgbench-process.txt")
  PGP_FAILED=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$OUT/pgbench-process.txt")
  if [[ -n $PGP_TPS ]]; then
    read -r PGP_P50 PGP_P99 < <(cat "$OUT"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {
      printf "%.2f %.2f\n", a[int(NR*0.50)+1]/1000, a[int(NR*0.99)+1]/1000}')
    PGP_ROW=$(printf '| (h) pgbench, process (snapshot + record) | %.0f tps | %s | %s | %s clients, -M prepared, %ss, %s failed; %s |' \
      "$PGP_TPS" "$PGP_P50" "$PGP_P99" "$DB_POOL_SIZE" "$DURATION" "${PGP_FAILED:-0}" "$(cpu_note "$CPU" pgbench "$PGP_TPS")")
  else
    PGP_ROW="| (h) pgbench, process | failed: see ${OUT#"$ROOT"/}/pgbench-process.txt | | | |"
  fi
  psql -q -c "DELETE FROM outbox WHERE transaction_id IN (SELECT id FROM transactions WHERE provider = 'pgbench');
    DELETE FROM allocations WHERE transaction_id IN (SELECT id FROM transactions WHERE provider = 'pgbench');
    DELETE FROM transactions WHERE provider = 'pgbench';" >/dev/null
fi

# ---- the table -------------------------------------------------------------------------------
JAVA_V=$(java -version 2>&1 | head -1 || true)
PG_V=$(psql -At -c 'SHOW server_version')
{
  echo
  echo "payg-gateway validation benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $CORES cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "PostgreSQL $PG_V on $PGHOST, $JAVA_V, $METERS seeded meters, DB_POOL_SIZE=$DB_POOL_SIZE, EVENT_LOOPS=${EVENT_LOOPS:-$CORES (default)}"
  echo "machine busy before the run: $BACKGROUND% of ${CORES}00% (other work skews the numbers; 'rest' below is that work during each measurement)"
  echo
  echo "| measurement | throughput | p50 ms | p99 ms | notes |"
  echo "| --- | --- | --- | --- | --- |"
  printf '| (a) pgbench, validation lookup | %.0f tps | %s | %s | %s clients, -M prepared, %ss, %s failed; %s |\n' \
    "$PG_TPS" "$PG_P50" "$PG_P99" "$DB_POOL_SIZE" "$DURATION" "${PG_FAILED:-0}" "$(cpu_note "$PG_CPU" pgbench "$PG_TPS")"
  printf '| (b) gateway, signed validate | %s req/s | %s | %s | wrk %s conns, %ss, %s requests, %s not valid %s; %s |\n' \
    "$GW_RPS" "$GW_P50" "$GW_P99" "$WRK_CONNECTIONS" "$DURATION" "$GW_REQ" "${GW_BAD:-?}" "$GW_ERR" "$(cpu_note "$GW_CPU" wrk "$GW_RPS")"
  printf '| (c) ratio gateway / pgbench, validate | %s | | | target 0.70 |\n' "$RATIO"
  printf '%s' "$BARE_ROWS"
  if [[ $BARE == 1 ]]; then
    printf '| (c) ratio gateway / bare Vert.x + lookup | %s | | | what the gateway keeps of what Vert.x + pg-client reach with the same query |\n' \
      "$(awk -v g="$GW_RPS" -v b="$BARE_RPS_lookup" 'BEGIN{if (b > 0) printf "%.2f", g/b; else print "?"}')"
  fi
  printf '%s' "$GATLING_ROWS"
  if [[ -n $PGP_ROW ]]; then
    echo "$PGP_ROW"
    P_SAT=${RATE_OF["(e) process, $PROCESS_USERS payers:process"]:-}
    [[ -z $P_SAT || -z $PGP_TPS ]] || printf '| (c) ratio gateway / pgbench, process | %s | | | target 0.60; (e) / (h) |\n' \
      "$(awk -v g="$P_SAT" -v p="$PGP_TPS" 'BEGIN{printf "%.2f", g/p}')"
  fi
  echo
  echo "lookup (from $LOOKUP_SOURCE; same as PaymentStore.LOOKUP in the source: $SAME_AS_SOURCE):"
  echo "  $LOOKUP"
  echo "raw outputs: ${OUT#"$ROOT"/}/{pgbench.txt,wrk.txt,gatling-*.txt,gateway.log}"
} | tee "$OUT/results.md"
