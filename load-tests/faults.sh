#!/usr/bin/env bash
# Process-level fault scenarios of payg-gateway (issue 9), on this machine, loopback only:
#   crash         kill -9 the gateway with 1,000 payments in flight, restart, replay the unanswered ones:
#                 every answered payment stored once, every stored one ends with one token or a FAILED job
#   postgres      stop/start a PRIVATE PostgreSQL cluster mid-load: readiness false while it is down, no
#                 wrong success, ready again <= 5 s after it returns
#   manufacturer  a 10x slower manufacturer, then a 60 s manufacturer outage: breaker opens, event loop
#                 never blocked, every token delivered after recovery
#   duplicates    50 concurrent deliveries of each of 1,000 payments over two gateway processes on one
#                 database: exactly 1,000 transactions and 1,000 tokens
#   manufacturers the crash scenario once per manufacturer of MANUFACTURERS (a company of its own each, its
#                 simulator in the simulator process; OpenPAYGO tokens are generated in the gateway):
#                 vends per token issued per manufacturer
# Usage: load-tests/faults.sh [all|crash|postgres|manufacturer|duplicates|manufacturers ...]   (default all: the
# first four, ~8 minutes; manufacturers ~2 minutes per manufacturer)
# Each scenario prints its figures and PASS/FAIL; the script exits 1 when any failed. Everything runs
# against a PostgreSQL cluster of its own (initdb in a temp dir, a free port) and is stopped at the end:
# the machine's shared PostgreSQL is never touched. Figures: load-tests/target/faults/results.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/load-tests/target/faults
SKIP_BUILD=${SKIP_BUILD:-0}
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -eq 0 || ${SCENARIOS[0]} == all ]] && SCENARIOS=(crash postgres manufacturer duplicates)
for s in "${SCENARIOS[@]}"; do
  case $s in crash|postgres|manufacturer|duplicates|manufacturers) ;; *) echo "unknown scenario '$s' (crash, postgres, manufacturer, duplicates, manufacturers, all)" >&2; exit 2 ;; esac
done
PAYMENTS=${PAYMENTS:-1000}          # crash and duplicates: payments (and meters seeded)
COPIES=${COPIES:-50}                # duplicates: concurrent deliveries of each payment
OUTAGE_SECONDS=${OUTAGE_SECONDS:-60}
# the scenarios keep their 100 (crash) and 50 x 1,000 (duplicates) deliveries in flight at the gateway:
# FaultDriver does not retry a shed 503 as a provider would, so shedding is set out of their way
PAYMENTS_IN_FLIGHT=${PAYMENTS_IN_FLIGHT:-100000}
MANUFACTURERS=${MANUFACTURERS:-calin sparkmeter steama sunking angaza openpaygo}  # the manufacturers scenario
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x $PGBIN/initdb && -x $PGBIN/pg_ctl && -x $PGBIN/psql ]] || { echo "initdb/pg_ctl/psql not found (Debian: postgresql); set PGBIN" >&2; exit 1; }

log() { printf '[faults %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_ms() { date +%s%3N; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for ((p = $1; p < $1 + 500; p++)); do port_free "$p" && { echo "$p"; return; }; done; return 1; }
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT/results.md"
if [[ $SKIP_BUILD != 1 ]]; then
  log "building the gateway jar (SKIP_BUILD=1 reuses gateway/target/payg-gateway.jar)"
  (cd "$ROOT" && mvn -B -q -DskipTests -pl gateway -am package)
fi
cp "$ROOT/gateway/target/payg-gateway.jar" "$OUT/payg-gateway.jar"
JAR=$OUT/payg-gateway.jar
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" "$ROOT/load-tests/src/test/java/io/payg/load/FaultDriver.java"

# ---- processes we start, and their cleanup ---------------------------------------------------
PGDIR=$(mktemp -d /tmp/payg-faults-pg.XXXXXX)
PGPORT=$(free_port 55432)
declare -A GW_PID=()
SIM_PID=
BG_PIDS=()
pg_ctl_() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" "$@"; }
stop_gw() {
  local name=$1 pid=${GW_PID[$1]:-}
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  GW_PID[$name]=
}
cleanup() {
  local p
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${!GW_PID[@]}"; do stop_gw "$p"; done
  [[ -n $SIM_PID ]] && kill "$SIM_PID" 2>/dev/null || true
  pg_ctl_ stop -m fast >/dev/null 2>&1 || true
  cp "$PGDIR/postgres.log" "$OUT/postgres.log" 2>/dev/null || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- a private PostgreSQL cluster ------------------------------------------------------------
log "private PostgreSQL: initdb in $PGDIR, port $PGPORT"
chmod 755 "$PGDIR"
[[ $(id -u) == 0 ]] && chown postgres "$PGDIR"
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust >"$OUT/initdb.log" 2>&1
pg_ctl_ -w -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=120" start >/dev/null
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=payg_faults
"$PGBIN/psql" -q -d postgres -c 'CREATE DATABASE payg_faults'
q() { "$PGBIN/psql" -At -F ' ' -v ON_ERROR_STOP=1 -c "$1"; }

# ---- the Calin simulator, a process of its own (a gateway crash must not take it down) --------
java -Xmx256m -cp "$JAR" io.payg.gateway.demo.SimulatorProcess 0 0 >"$OUT/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 120); do grep -q '^admin ' "$OUT/simulator.log" && break; sleep 0.5; done
read -r _ CALIN_URL CALIN_USER CALIN_KEY < <(grep -m1 '^calin ' "$OUT/simulator.log")
ADMIN=$(awk '/^admin /{print $2; exit}' "$OUT/simulator.log")
[[ -n $ADMIN ]] || { cat "$OUT/simulator.log" >&2; echo "the simulator did not start" >&2; exit 1; }
calin() { curl -sf --max-time 20 -X POST "$ADMIN/calin?$1" >/dev/null; }
vends() { # [manufacturer]: vends its simulator made so far (calin by default)
  local m=${1:-calin}
  if [[ $m == calin ]]; then curl -sf --max-time 20 "$ADMIN/calin" | sed -E 's/.*"vends":([0-9]+).*/\1/'
  elif [[ $m == openpaygo ]]; then echo 0 # generated in the gateway: no peer to vend
  else curl -sf --max-time 20 "$ADMIN/peer/$m" | sed -E 's/.*"vends":([0-9]+).*/\1/'; fi
}
peer_settings() { awk -v m="$1" '$1 == m {sub(/^[^ ]+ /, ""); print; exit}' "$OUT/simulator.log"; }

# ---- gateways (production mode, not demo) ----------------------------------------------------
# access tokens are ES256 outside demo mode: a fresh P-256 pair for this run, as an operator makes one
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$OUT/jwt.key"
openssl ec -in "$OUT/jwt.key" -pubout -out "$OUT/jwt.pub" 2>/dev/null
SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
PORT_A=$(free_port 18181)
PORT_B=$(free_port $((PORT_A + 1)))
# OUTBOX_LEASE_SECONDS=30: the jobs a killed gateway had claimed come back after 30 s (default 60);
# a lease that short needs OUTBOUND_TIMEOUT_MAX_MS=4000 (the start refuses a lease one attempt can
# outlive: 5 s permit wait + 5 requests x 4 s + poll < 30 s; was 10 s before that check existed).
# The simulator is on loopback over plain http: allowed here explicitly. /metrics is on port + 1000.
# The private cluster has no TLS: sslmode=disable, as a deployment with a plain local server should set it.
# With the default (prefer) every connection starts with an SSLRequest, and the connections the gateway
# opens while PostgreSQL shuts down keep dead-end backends until authentication_timeout, so pg_ctl stop
# waited 60 s and gave up (scenario postgres, 2026-12-01; docs/reliability.md).
start_gw() { # name port
  local name=$1 port=$2
  DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/payg_faults?sslmode=disable" SECRETS_KEY=$SECRETS_KEY \
    JWT_PRIVATE_KEY_FILE="$OUT/jwt.key" JWT_PUBLIC_KEY_FILE="$OUT/jwt.pub" \
    HTTP_HOST=127.0.0.1 HTTP_PORT=$port BCRYPT_COST=4 OUTBOX_LEASE_SECONDS=30 EVENT_LOOPS=2 \
    OUTBOUND_ALLOWED_NETWORKS=127.0.0.0/8 OUTBOUND_PLAIN_HTTP_HOSTS=127.0.0.1 OUTBOUND_TIMEOUT_MAX_MS=4000 \
    METRICS_PORT=$((port + 1000)) TELCO_PAYMENTS_MAX_IN_FLIGHT=$PAYMENTS_IN_FLIGHT \
    java -Xmx512m -jar "$JAR" >>"$OUT/gateway-$name.log" 2>&1 &
  GW_PID[$name]=$!
  local t0; t0=$(now_ms)
  while ! curl -sf -o /dev/null --max-time 3 "http://127.0.0.1:$port/health/ready"; do
    kill -0 "${GW_PID[$name]}" 2>/dev/null || { tail -30 "$OUT/gateway-$name.log" >&2; echo "gateway $name died" >&2; exit 1; }
    (( $(now_ms) - t0 < 120000 )) || { echo "gateway $name not ready in 120 s" >&2; exit 1; }
    sleep 0.2
  done
  log "gateway $name up on 127.0.0.1:$port (pid ${GW_PID[$name]}) in $(( $(now_ms) - t0 )) ms"
}
A=http://127.0.0.1:$PORT_A
A_METRICS=http://127.0.0.1:$((PORT_A + 1000))
B=http://127.0.0.1:$PORT_B
start_gw a "$PORT_A"

log "seeding a company with $PAYMENTS Calin meters (SetupFixture)"
timeout 300 java "$ROOT/load-tests/src/test/java/io/payg/load/SetupFixture.java" --baseUrl "$A" --meters "$PAYMENTS" \
  --calinBaseUrl "$CALIN_URL" --calinUserId "$CALIN_USER" --calinApiKey "$CALIN_KEY" --out "$OUT/fixture" >"$OUT/fixture.log"
COMPANY=$(sed -n 's/^companyId=//p' "$OUT/fixture/fixture.properties")
SECRET=$(sed -n 's/^secret=//p' "$OUT/fixture/fixture.properties")
SERIALS=$OUT/fixture/serials.txt
RUN=$(date +%H%M%S)

driver() { # prefix outdir args...
  local prefix=$1 dir=$2; shift 2
  java -Xmx512m -cp "$OUT/classes" io.payg.load.FaultDriver --companyId "$COMPANY" --secret "$SECRET" \
    --serialsFile "$SERIALS" --prefix "$prefix" --out "$dir" "$@"
}
field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

# the TOKEN jobs of a scenario's payments: pending, done, failed
jobs() { q "SELECT count(*) FILTER (WHERE o.status = 'PENDING'), count(*) FILTER (WHERE o.status = 'DONE'),
  count(*) FILTER (WHERE o.status = 'FAILED') FROM outbox o JOIN transactions t ON t.id = o.transaction_id
  WHERE o.kind = 'TOKEN' AND t.company_id = '$COMPANY' AND t.provider_txn_id LIKE '$1-%'"; }
wait_drained() { # prefix timeout_s -> prints seconds waited, returns 1 on timeout
  local t0 pending; t0=$(now_ms)
  while :; do
    read -r pending _ < <(jobs "$1")
    [[ $pending == 0 ]] && { echo $(( ($(now_ms) - t0) / 1000 )); return 0; }
    (( $(now_ms) - t0 < $2 * 1000 )) || { echo "timeout"; return 1; }
    sleep 1
  done
}
# per stored transaction of a scenario: stored, distinct provider ids, with exactly one token, without a
# token but with a FAILED job, with neither (lost: must be 0)
ledger() { q "SELECT count(*), count(DISTINCT t.provider_txn_id),
  count(*) FILTER (WHERE k.n = 1), count(*) FILTER (WHERE k.n IS NULL AND o.status = 'FAILED'),
  count(*) FILTER (WHERE k.n IS NULL AND o.status IS DISTINCT FROM 'FAILED')
  FROM transactions t LEFT JOIN (SELECT transaction_id, count(*) AS n FROM tokens GROUP BY 1) k ON k.transaction_id = t.id
  LEFT JOIN outbox o ON o.transaction_id = t.id AND o.kind = 'TOKEN'
  WHERE t.company_id = '$COMPANY' AND t.provider = 'generic' AND t.provider_txn_id LIKE '$1-%'"; }
# every (provider id, transaction id) answered 200 must be stored as answered: prints answered, missing
answered_in_db() { # answers.txt [from_ms to_ms]
  awk -v f="${2:-0}" -v t="${3:-99999999999999}" '$2 == 200 && $4 >= f && $4 <= t {print $1 "," $3}' "$1" | sort -u >"$1.ok.csv"
  "$PGBIN/psql" -At -F ' ' -v ON_ERROR_STOP=1 <<SQL | tail -1
CREATE TEMP TABLE answered (txn text, id uuid);
\copy answered FROM '$1.ok.csv' WITH (FORMAT csv)
SELECT count(*), count(*) FILTER (WHERE t.id IS NULL) FROM answered a
  LEFT JOIN transactions t ON t.id = a.id AND t.provider_txn_id = a.txn AND t.company_id = '$COMPANY';
SQL
}
blocked() { cat "$OUT"/gateway-*.log | grep -c 'has been blocked for' || true; }

FAILED=()
ROWS=()
verdict() { # scenario ok(0/1) figures
  local v=PASS; [[ $2 == 1 ]] || { v=FAIL; FAILED+=("$1"); }
  ROWS+=("| $1 | $v | $3 |")
  log "$1: $v — $3"
}

# ---- 1. crash ----------------------------------------------------------------------------------
scenario_crash() { # [manufacturer]: the company seeded for it (default: the Calin company seeded above)
  local m=${1:-calin} p=crash-$RUN d=$OUT/crash r r2 v0 v1 ledger_ drained ans ok=1 restart_ms t0
  [[ $m == calin ]] || p=crash-$m-$RUN d=$OUT/crash-$m
  rm -rf "$d"; mkdir -p "$d" # the figures of this run only
  v0=$(vends "$m")
  log "crash: $PAYMENTS payments, 100 in flight; kill -9 gateway a after 300 answered"
  r=$(driver "$p" "$d" --baseUrls "$A" --count "$PAYMENTS" --concurrency 100 --timeoutSeconds 10 \
      --killPid "${GW_PID[a]}" --killAfter 300 | tee -a "$d/driver.txt" | grep '^RESULT')
  # a driver that never reached its kill (every call refused, say) must not leave the script waiting
  [[ $(field killed "$r") == true ]] || kill -9 "${GW_PID[a]}" 2>/dev/null || true
  wait "${GW_PID[a]}" 2>/dev/null || true
  GW_PID[a]=
  t0=$(now_ms); start_gw a "$PORT_A"; restart_ms=$(( $(now_ms) - t0 ))
  cp "$d/answers.txt" "$d/answers-first.txt"
  log "crash: replaying $(wc -l <"$d/unanswered.txt") unanswered payments"
  mkdir -p "$d/replay"
  r2=$(driver "$p" "$d/replay" --baseUrls "$A" --replay "$d/unanswered.txt" --concurrency 50 | tee -a "$d/driver.txt" | grep '^RESULT')
  drained=$(wait_drained "$p" 180) || ok=0
  read -r stored distinct one_token failed_job lost < <(ledger "$p")
  cat "$d/answers-first.txt" "$d/replay/answers.txt" >"$d/answers-all.txt"
  read -r ans missing < <(answered_in_db "$d/answers-all.txt")
  v1=$(vends "$m")
  [[ $(field killed "$r") == true && $stored == "$PAYMENTS" && $distinct == "$PAYMENTS" && $lost == 0 && $missing == 0 \
     && $(field unanswered "$r2") == 0 && $((one_token + failed_job)) == "$PAYMENTS" ]] || ok=0
  if [[ $m == openpaygo ]]; then
    PER_TOKEN[$m]="n/a: generated in the gateway, no manufacturer call ($one_token tokens, $failed_job FAILED)"
  else
    PER_TOKEN[$m]="$(per_token $((v1 - v0)) "$one_token") ($((v1 - v0)) vends for $one_token tokens, $failed_job FAILED)"
  fi
  verdict "crash${1:+ $m}" $ok "killed after 300 answered; first run: $(field success "$r") answered, $(field unanswered "$r") unanswered (statuses $(field statuses "$r")); restart to ready ${restart_ms} ms; replay: $(field success "$r2") answered; stored $stored (distinct ids $distinct), answered ids missing from DB $missing of $ans; one token $one_token, FAILED job $failed_job, neither $lost; outbox drained ${drained}s after replay; manufacturer vends $((v1 - v0)) for $one_token tokens; vends per token issued: $m $(per_token $((v1 - v0)) "$one_token")$([[ $m != calin ]] || echo ' (Calin has no \"did this vend happen?\" query: a vend whose answer the kill lost is vended again on retry)')"
}
declare -A PER_TOKEN=()
# the crash once per manufacturer, each with a company of its own (serials of their own range)
scenario_manufacturers() {
  local m i=0 fixture
  for m in $MANUFACTURERS; do
    i=$((i + 1))
    fixture=$OUT/fixture-$m
    local first=$((47000000001 + i * 100000))
    [[ $m != steama ]] || curl -sf -X POST "$ADMIN/peer/steama/register?first=$first&count=$PAYMENTS" >/dev/null
    log "manufacturers: seeding a company with $PAYMENTS $m devices"
    timeout 300 java "$ROOT/load-tests/src/test/java/io/payg/load/SetupFixture.java" --baseUrl "$A" --meters "$PAYMENTS" \
      --firstSerial "$first" --manufacturer "$m" --pluginSettings "$(peer_settings "$m")" \
      --calinBaseUrl "$CALIN_URL" --calinUserId "$CALIN_USER" --calinApiKey "$CALIN_KEY" --out "$fixture" >"$OUT/fixture-$m.log"
    local COMPANY SECRET SERIALS
    COMPANY=$(sed -n 's/^companyId=//p' "$fixture/fixture.properties")
    SECRET=$(sed -n 's/^secret=//p' "$fixture/fixture.properties")
    SERIALS=$fixture/serials.txt
    scenario_crash "$m"
  done
  local line="vends per token issued after kill -9:"
  for m in $MANUFACTURERS; do line+=" $m ${PER_TOKEN[$m]:-n/a};"; done
  ROWS+=("| manufacturers | | $line |")
  log "$line"
}
per_token() { awk -v v="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.4f", v / t; else print "n/a" }'; }

# ---- 2. postgres restart -------------------------------------------------------------------------
scenario_postgres() {
  local p=pg-$RUN d=$OUT/postgres ok=1 dpid spid t_down t_start t_up t_ready ready_ms r outage_ok during_ok after_ok ans missing
  rm -rf "$d"; mkdir -p "$d" # the figures of this run only
  log "postgres: 40 payments/s for 20 s; PostgreSQL stopped at 5 s for 8 s"
  driver "$p" "$d" --baseUrls "$A" --count 800 --ratePerSec 40 --concurrency 200 --timeoutSeconds 10 >"$d/driver.txt" 2>&1 &
  dpid=$!; BG_PIDS+=("$dpid")
  ( while :; do echo "$(now_ms) $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$A/health/ready")"; sleep 0.2; done ) >"$d/ready.txt" &
  spid=$!; BG_PIDS+=("$spid")
  for _ in $(seq 1 300); do [[ -s $d/answers.txt ]] && break; sleep 0.1; done # the driver's JVM is up and paying
  sleep 4
  pg_ctl_ -w -m fast stop >/dev/null; t_down=$(now_ms)
  log "postgres: stopped"
  sleep 8
  t_start=$(now_ms) # the server cannot answer before this; pg_ctl -w returns some time after it does
  pg_ctl_ -w -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=120" start >/dev/null; t_up=$(now_ms)
  log "postgres: accepting connections again"
  t_ready=
  while (( $(now_ms) - t_up < 30000 )); do
    if curl -sf -o /dev/null --max-time 3 "$A/health/ready"; then t_ready=$(now_ms); break; fi
    sleep 0.1
  done
  ready_ms=$([[ -n $t_ready ]] && echo $((t_ready - t_up)) || echo "not in 30000")
  if [[ -z $t_ready ]] || (( ready_ms > 5000 )); then # evidence for the report: threads and the server's sessions
    jstack "${GW_PID[a]}" >"$d/jstack.txt" 2>&1 || true
    q "SELECT state, wait_event_type, wait_event, count(*) FROM pg_stat_activity WHERE datname = 'payg_faults' GROUP BY 1, 2, 3" >"$d/pg_stat_activity.txt" 2>&1 || true
    curl -s --max-time 5 "$A_METRICS/metrics" | grep -E '^(vertx_pool|vertx_sql)' >"$d/pool-metrics.txt" || true
  fi
  wait "$dpid" || true
  kill "$spid" 2>/dev/null || true
  r=$(grep '^RESULT' "$d/driver.txt")
  # readiness while PostgreSQL was down (from 0.5 s after the stop to the start command): every sample not 200
  outage_ok=$(awk -v f=$((t_down + 500)) -v t="$t_start" '$1 >= f && $1 < t {n++; if ($2 == 200) bad++} END {print n + 0, bad + 0}' "$d/ready.txt")
  read -r ans missing < <(answered_in_db "$d/answers.txt")
  during_ok=$(awk -v f="$t_down" -v t="$t_up" '$2 == 200 && $4 >= f && $4 <= t' "$d/answers.txt" | wc -l)
  after_ok=$(awk -v t="${t_ready:-$t_up}" '$2 == 200 && $4 > t' "$d/answers.txt" | wc -l)
  [[ -n $t_ready ]] && (( ready_ms <= 5000 )) || ok=0
  [[ ${outage_ok% *} -gt 0 && ${outage_ok#* } == 0 && $missing == 0 && $after_ok -gt 0 ]] || ok=0
  verdict postgres $ok "ready again ${ready_ms} ms after PostgreSQL accepted connections (limit 5000); readiness samples during the outage: ${outage_ok% *}, of which ready ${outage_ok#* }; payments: $(field success "$r") answered success of $(field payments "$r") (statuses $(field statuses "$r")), $during_ok success answers during the outage, $after_ok after recovery; answered ids missing from DB: $missing of $ans"
}

# ---- 3. slow manufacturer, then a 60 s outage --------------------------------------------------
breaker() { # payg_manufacturer_breaker_state of calin: 0 closed, 1 half-open, 2 open
  local m; m=$(curl -s --max-time 2 "$A_METRICS/metrics" || true)
  awk '/^payg_manufacturer_breaker_state\{.*manufacturer="calin"/{print $NF + 0; exit}' <<<"$m"
}
scenario_manufacturer() {
  local d=$OUT/manufacturer ok=1 b0 base slow r1 r2 r3 t0 max_state=0 s drained stored one failed lost
  rm -rf "$d"; mkdir -p "$d" # the figures of this run only
  b0=$(blocked)
  calin "latencyMs=200&down=false"
  t0=$(now_ms)
  r1=$(driver "mfr-base-$RUN" "$d/base" --baseUrls "$A" --count 200 --ratePerSec 50 --concurrency 100 | grep '^RESULT')
  base=$(wait_drained "mfr-base-$RUN" 120) || ok=0
  base=$(( ($(now_ms) - t0) ))
  calin "latencyMs=2000"
  t0=$(now_ms)
  log "manufacturer: 10x latency (2000 ms instead of 200 ms), 200 payments"
  r2=$(driver "mfr-slow-$RUN" "$d/slow" --baseUrls "$A" --first 200 --count 200 --ratePerSec 50 --concurrency 100 | grep '^RESULT')
  slow=$(wait_drained "mfr-slow-$RUN" 120) || ok=0
  slow=$(( ($(now_ms) - t0) ))
  calin "latencyMs=0&down=true"
  t0=$(now_ms)
  log "manufacturer: down for ${OUTAGE_SECONDS} s, 300 payments during it"
  r3=$(driver "mfr-down-$RUN" "$d/down" --baseUrls "$A" --first 400 --count 300 --ratePerSec 20 --concurrency 100 | grep '^RESULT')
  while (( $(now_ms) - t0 < OUTAGE_SECONDS * 1000 )); do
    s=$(breaker); [[ -n $s ]] && (( s > max_state )) && max_state=$s
    echo "$(( ($(now_ms) - t0) / 1000 )) breaker=$s jobs=$(jobs "mfr-down-$RUN")" >>"$d/samples.txt"
    sleep 1
  done
  calin "down=false"
  log "manufacturer: back; waiting for every token"
  t0=$(now_ms)
  drained=$(wait_drained "mfr-down-$RUN" 300) || ok=0
  read -r stored _ one failed lost < <(ledger "mfr-down-$RUN")
  read -r s1 _ o1 f1 l1 < <(ledger "mfr-base-$RUN"); read -r s2 _ o2 f2 l2 < <(ledger "mfr-slow-$RUN")
  local nb=$(( $(blocked) - b0 ))
  [[ $max_state == 2 && $nb == 0 && $stored == 300 && $one == 300 && $o1 == 200 && $o2 == 200 ]] || ok=0
  verdict manufacturer $ok "200 tokens at 200 ms latency delivered in ${base} ms ($o1/200); 200 at 2000 ms in ${slow} ms ($o2/200); outage ${OUTAGE_SECONDS}s with $(field success "$r3") payments answered: breaker state max $max_state (2 = open), all tokens ${drained}s after the manufacturer returned: $one/300 tokens, $failed FAILED jobs, $lost lost; event-loop blocked warnings: $nb"
}

# ---- 4. duplicate storm over two gateways ------------------------------------------------------
scenario_duplicates() {
  local p=dup-$RUN d=$OUT/duplicates ok=1 r v0 v1 drained stored distinct one failed lost
  rm -rf "$d"; mkdir -p "$d" # the figures of this run only
  start_gw b "$PORT_B"
  v0=$(vends)
  log "duplicates: $PAYMENTS payments x $COPIES concurrent deliveries over gateways a and b"
  r=$(driver "$p" "$d" --baseUrls "$A,$B" --count "$PAYMENTS" --copies "$COPIES" --concurrency 200 --timeoutSeconds 30 | tee "$d/driver.txt" | grep '^RESULT')
  drained=$(wait_drained "$p" 180) || ok=0
  read -r stored distinct one failed lost < <(ledger "$p")
  v1=$(vends)
  stop_gw b
  [[ $stored == "$PAYMENTS" && $distinct == "$PAYMENTS" && $one == "$PAYMENTS" && $(field differentIdsForOneTxn "$r") == 0 \
     && $(field success "$r") == "$PAYMENTS" && $((v1 - v0)) == "$PAYMENTS" ]] || ok=0
  verdict duplicates $ok "$(field deliveries "$r") deliveries in $(field seconds "$r") s ($(field perSecond "$r")/s, statuses $(field statuses "$r")), $(field differentIdsForOneTxn "$r") payments answered two different ids; stored $stored transactions ($distinct distinct), $one with one token, $failed FAILED; manufacturer vends $((v1 - v0)); outbox drained ${drained}s after the storm"
}

T_ALL=$(now_ms)
for s in "${SCENARIOS[@]}"; do "scenario_$s"; done
{
  echo
  echo "payg-gateway fault scenarios, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), PostgreSQL $(q 'SHOW server_version') (private cluster), $(( ($(now_ms) - T_ALL) / 1000 )) s"
  echo
  echo "| scenario | result | figures |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/results.md"
[[ ${#FAILED[@]} == 0 ]] || { echo "FAILED: ${FAILED[*]}" >&2; exit 1; }
