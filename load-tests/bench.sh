#!/usr/bin/env bash
# The benchmark of payg-gateway against pgbench running the same SQL, on this machine, in one run (issue 19):
#   validation  pgbench of PaymentStore.LOOKUP  vs  the gateway's signed validate (OpenLoad, closed model)
#   payment     pgbench of every statement one payment causes end to end (process snapshot + record, which
#               inserts the TOKEN job leased, the token store, which inserts the SMS job leased, the SMS
#               context and store, each store with one job; PaymentScript writes it from the jar's own SQL
#               constants)  vs  the gateway's signed process with its token and SMS jobs,
#               the Calin simulator in a process of its own, until the outbox is drained
#   at 80 %     p50/p99/p99.9 of each path at 80 % of the gateway's median saturation, open model, measured
#               from each request's intended send time (OpenLoad --rate); beside it pgbench of the same statements
#               at 80 % of pgbench's median saturation (-R), the machine's own p99 floor
#   bare        (BARE=1) the same validation load against a bare Vert.x route running only the lookup through the
#               same read client (load-tests/bare/BareVertxServer.java): what Vert.x + pg-client cost without the gateway
# REPS rounds, interleaved (pgbench validation, gateway validation, bare validation, pgbench payment, gateway payment), each
# phase after VACUUM ANALYZE + CHECKPOINT and WARMUP s of the same load; then REPS rounds at 80 %.
# Per phase: operations/s; CPU µs per operation of the gateway JVM, PostgreSQL (every process of the
# cluster, exited backends through the postmaster's children times), the simulator and the load generator
# (pgbench: the shell's children times; OpenLoad: its JVM's process CPU); statements per operation
# (pg_stat_statements), commits per operation (COMMIT records in the WAL, pg_waldump) and WAL bytes per
# operation (pg_current_wal_lsn). Medians and ranges in target/bench/results.md and results.json.
# Everything runs on a PostgreSQL cluster of its own (initdb in a temp dir, a free port,
# shared_preload_libraries=pg_stat_statements), loopback only, and is stopped at the end.
# Usage: load-tests/bench.sh   (parameters in the environment: see load-tests/README.md)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/load-tests/target/bench
REPS=${REPS:-5}
DURATION=${DURATION:-20}              # measured seconds per phase
WARMUP=${WARMUP:-10}                  # seconds of the same load before each measured phase
METERS=${METERS:-1000}
DB_POOL_SIZE=${DB_POOL_SIZE:-16}      # the gateway's pool, and pgbench's client count
PGBENCH_THREADS=${PGBENCH_THREADS:-2}
VALIDATE_CONCURRENCY=${VALIDATE_CONCURRENCY:-64}  # OpenLoad requests outstanding at saturation
PAYMENT_CONCURRENCY=${PAYMENT_CONCURRENCY:-32}
CLAIM_LIMIT=${CLAIM_LIMIT:-1}         # unused since jobs are inserted leased (no claim in the payment script)
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-60}
JIT_WARMUP=${JIT_WARMUP:-30}          # seconds of each path through the gateway before the first round (0: none)
AT80=${AT80:-1}
AT2X=${AT2X:-1}                       # payments offered at twice the saturation rate: shed, not queued
VALIDATE_RATE_AT_2X=${VALIDATE_RATE_AT_2X:-50}  # validations/s offered meanwhile (they must still be answered)
AT2X_RATE=${AT2X_RATE:-}              # payments/s of the 2x phase; empty: twice the median saturation measured
V80_RATE=${V80_RATE:-}                # validations/s and payments/s of the 80 % phases; empty: 80 % of the medians
P80_RATE=${P80_RATE:-}                # measured (set both to compare two runs at the same rates)
PGBENCH=${PGBENCH:-1}                 # 0: the gateway's phases only (no ratios)
BARE=${BARE:-1}                       # 1: each validation round also runs a bare Vert.x route with only the lookup
                                      # (load-tests/bare/BareVertxServer.java): the stack's own ceiling
PG_SOCKET=${PG_SOCKET:-1}             # 1: the gateway (DB_SOCKET_DIR) and pgbench both reach PostgreSQL through its
                                      # Unix-domain socket; 0: both over loopback TCP
GATEWAY_ENV=${GATEWAY_ENV:-}          # more of the gateway's settings, e.g. "TELCO_PAYMENTS_MAX_IN_FLIGHT=16"
JFR=${JFR:-0}                         # 1: a JFR recording (settings=profile) of each measured gateway phase of JFR_PATHS,
                                      # summarised by jfr-top.py into jfr-<path>-<rep>.txt (costs the JVM some CPU)
JFR_PATHS=${JFR_PATHS:-payment}       # which: payment, validate, bare (the bare route's JVM), at80-payment, at80-validate
                                      # (the 80 % windows, also read second by second: seconds-*.txt), or several
JFR_SETTINGS=${JFR_SETTINGS:-profile} # the JDK's JFR settings: profile (10 ms samples, allocation events) or default (20 ms)
PROFILER=${PROFILER:-jfr}             # jfr: the JDK's JFR (Java threads only, about 20 samples a second in all); async:
                                      # async-profiler (Maven Central), itimer samples of every thread (250 a second per busy
                                      # core: native frames, GC, JIT, epoll), written as JFR for jfr-top.py and seconds.py
OPENLOAD_JAVA_OPTS=${OPENLOAD_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}  # the load generator's JVM (a new one per phase)
# for the payments, C1 only: at hundreds of payments a second a fresh generator JVM spent more CPU compiling with C2
# than sending; C1 took its CPU per payment from 1,019 to 413 µs at 300/s and from 529 to 146 at saturation, below
# the gateway's 835 (A/B, docs/performance.md); the validations, thousands a second, keep C2 (48 against 77 µs)
OPENLOAD_PAYMENT_JAVA_OPTS=${OPENLOAD_PAYMENT_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
# the JVM as the Dockerfile runs it: fixed heap, G1 with a pause goal; GC log of the run beside the results
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20}
# PostgreSQL as a deployment runs it (docs/operations.md, "PostgreSQL settings"); synchronous_commit stays on
PG_SETTINGS=${PG_SETTINGS:-"-c shared_buffers=512MB -c max_wal_size=4GB -c min_wal_size=1GB -c checkpoint_timeout=15min"}
PG_SETTINGS+=" -c checkpoint_completion_target=0.9 -c wal_compression=on -c wal_buffers=16MB -c jit=off -c synchronous_commit=on"
SKIP_BUILD=${SKIP_BUILD:-0}
HDR=${HDR:-$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x $PGBIN/initdb && -x $PGBIN/pgbench && -x $PGBIN/pg_waldump ]] || { echo "initdb/pgbench/pg_waldump not found (Debian: postgresql); set PGBIN" >&2; exit 1; }
for v in DURATION WARMUP; do
  if (( ${!v} < 3 || ${!v} > 600 )); then echo "$v=${!v}: between 3 and 600 s" >&2; exit 2; fi
done
(( REPS >= 1 )) || { echo "REPS >= 1" >&2; exit 2; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_ms() { date +%s%3N; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for ((p = $1; p < $1 + 500; p++)); do port_free "$p" && { echo "$p"; return; }; done; return 1; }
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
CLK_TCK=$(getconf CLK_TCK)
CORES=$(nproc)

mkdir -p "$OUT"
# an earlier run's OpenLoad files too: a phase waits for "warmed" in its file, and a stale one would start the
# measured window (statements, CPU) before the warm-up had run
rm -f "$OUT"/phases.tsv "$OUT"/*.log "$OUT"/results.md "$OUT"/results.json "$OUT"/gc-gateway-*.log "$OUT"/jfr-* \
  "$OUT"/openload-*.txt "$OUT"/foreign-*.txt "$OUT"/at2x-ack-*.txt "$OUT"/cpu-*.tsv "$OUT"/seconds-*.txt
if [[ $SKIP_BUILD != 1 ]]; then
  log "building the gateway jar (SKIP_BUILD=1 reuses gateway/target/payg-gateway.jar)"
  (cd "$ROOT" && mvn -B -q -DskipTests -pl gateway -am package)
fi
[[ -f $HDR ]] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2 >/dev/null)
if [[ $JFR == 1 && $PROFILER == async ]]; then
  AP_VERSION=$(sed -n 's:.*<async-profiler.version>\(.*\)</async-profiler.version>.*:\1:p' "$ROOT/pom.xml")
  AP_JAR=$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar
  [[ -f $AP_JAR ]] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >/dev/null)
  mkdir -p "$OUT/async-profiler"
  (cd "$OUT/async-profiler" && unzip -o -q "$AP_JAR" linux-x64/libasyncProfiler.so)
  AP_LIB=$OUT/async-profiler/linux-x64/libasyncProfiler.so
fi
# a private copy: a rebuild of the tree during the run changes nothing measured
cp "$ROOT/gateway/target/payg-gateway.jar" "$OUT/payg-gateway.jar"
JAR=$OUT/payg-gateway.jar
CP=$OUT/classes:$JAR:$HDR
rm -rf "$OUT/classes"; mkdir -p "$OUT/classes"
javac -d "$OUT/classes" -cp "$JAR:$HDR" "$ROOT/load-tests/src/test/java/io/payg/load/OpenLoad.java" \
  "$ROOT/load-tests/src/test/java/io/payg/load/PaymentScript.java"

# ---- processes we start, and their cleanup ---------------------------------------------------
PGDIR=$(mktemp -d /tmp/payg-bench-pg.XXXXXX)
PGPORT=$(free_port 56432)
GW_PID=
SIM_PID=
BARE_PID=
LOAD_PID=
VAL_PID=
pg_ctl_() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" "$@"; }
stop_gw() {
  [[ -n $GW_PID ]] || return 0
  kill "$GW_PID" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$GW_PID" 2>/dev/null || true
  GW_PID=
}
cleanup() {
  [[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null || true
  [[ -n $VAL_PID ]] && kill "$VAL_PID" 2>/dev/null || true
  stop_gw
  [[ -n $SIM_PID ]] && kill "$SIM_PID" 2>/dev/null || true
  [[ -n $BARE_PID ]] && kill "$BARE_PID" 2>/dev/null || true
  pg_ctl_ stop -m fast >/dev/null 2>&1 || true
  cp "$PGDIR/postgres.log" "$OUT/postgres.log" 2>/dev/null || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- a private PostgreSQL cluster with pg_stat_statements ------------------------------------
log "private PostgreSQL: initdb in $PGDIR, port $PGPORT"
chmod 755 "$PGDIR"
[[ $(id -u) == 0 ]] && chown postgres "$PGDIR"
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust >"$OUT/initdb.log" 2>&1
pg_ctl_ -w -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=200 \
  -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=1000 $PG_SETTINGS \
  -c log_checkpoints=on -c log_autovacuum_min_duration=0" start >/dev/null  # seconds.py reads them per second
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
# the observer: every query of this script runs as it, so pg_stat_statements can leave them out
"$PGBIN/psql" -q -d postgres -c 'CREATE EXTENSION pg_stat_statements' -c 'CREATE ROLE observer LOGIN SUPERUSER' \
  -c 'CREATE DATABASE payg_bench'
q() { "$PGBIN/psql" -U observer -d "${2:-postgres}" -At -F ' ' -v ON_ERROR_STOP=1 -c "$1"; }
PM_PID=$(head -1 "$PGDIR/data/postmaster.pid")
# where the gateway's request and worker connections and pgbench's clients go: the same way for both
if [[ $PG_SOCKET == 1 ]]; then SOCKET_DIR=$PGDIR PGB_HOST=$PGDIR; else SOCKET_DIR= PGB_HOST=127.0.0.1; fi

# ---- the Calin simulator, a process of its own -----------------------------------------------
java -Xmx256m -cp "$JAR" io.payg.gateway.demo.SimulatorProcess 0 0 >"$OUT/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 120); do grep -q '^admin ' "$OUT/simulator.log" && break; sleep 0.5; done
read -r _ CALIN_URL CALIN_USER CALIN_KEY < <(grep -m1 '^calin ' "$OUT/simulator.log")
[[ -n ${CALIN_URL:-} ]] || { cat "$OUT/simulator.log" >&2; echo "the simulator did not start" >&2; exit 1; }

# ---- the gateway (production mode) -----------------------------------------------------------
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$OUT/jwt.key"
openssl ec -in "$OUT/jwt.key" -pubout -out "$OUT/jwt.pub" 2>/dev/null
SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
HTTP_PORT=$(free_port 18280)
METRICS_PORT=$(free_port $((HTTP_PORT + 1000)))
BASE=http://127.0.0.1:$HTTP_PORT
# the simulator is on loopback over plain http: allowed explicitly, as faults.sh does
start_gw() {
  DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/payg_bench" SECRETS_KEY=$SECRETS_KEY \
    JWT_PRIVATE_KEY_FILE="$OUT/jwt.key" JWT_PUBLIC_KEY_FILE="$OUT/jwt.pub" \
    HTTP_HOST=127.0.0.1 HTTP_PORT=$HTTP_PORT METRICS_PORT=$METRICS_PORT BCRYPT_COST=4 DB_POOL_SIZE=$DB_POOL_SIZE \
    OUTBOUND_ALLOWED_NETWORKS=127.0.0.0/8 OUTBOUND_PLAIN_HTTP_HOSTS=127.0.0.1 DB_SOCKET_DIR="$SOCKET_DIR" \
    env $GATEWAY_ENV java $GATEWAY_JAVA_OPTS "-Xlog:gc:file=$OUT/gc-gateway-%p.log:time,uptime,level,tags:filecount=0" -jar "$JAR" \
    >>"$OUT/gateway.log" 2>&1 &
  GW_PID=$!
  local t0; t0=$(now_ms)
  while ! curl -sf -o /dev/null --max-time 3 "$BASE/health/ready"; do
    kill -0 "$GW_PID" 2>/dev/null || { tail -30 "$OUT/gateway.log" >&2; echo "the gateway died" >&2; exit 1; }
    (( $(now_ms) - t0 < 120000 )) || { echo "gateway not ready in 120 s" >&2; exit 1; }
    sleep 0.2
  done
  log "gateway up on $BASE (pid $GW_PID)"
}
start_gw
log "seeding a company with $METERS Calin meters (SetupFixture)"
timeout 300 java "$ROOT/load-tests/src/test/java/io/payg/load/SetupFixture.java" --baseUrl "$BASE" --meters "$METERS" \
  --calinBaseUrl "$CALIN_URL" --calinUserId "$CALIN_USER" --calinApiKey "$CALIN_KEY" --out "$OUT/fixture" >"$OUT/fixture.log"
COMPANY=$(sed -n 's/^companyId=//p' "$OUT/fixture/fixture.properties")
SECRET=$(sed -n 's/^secret=//p' "$OUT/fixture/fixture.properties")
FIRST=$(sed -n 's/^firstSerial=//p' "$OUT/fixture/fixture.properties")
LAST=$((FIRST + METERS - 1))
SERIALS=$OUT/fixture/serials.txt
# pgbench works on a copy of the seeded database: the gateway's outbox workers must not run its jobs
stop_gw
q 'CREATE DATABASE payg_pgbench TEMPLATE payg_bench' >/dev/null
start_gw
java -cp "$CP" io.payg.load.PaymentScript "$OUT" "$FIRST" "$LAST" "$CLAIM_LIMIT" >/dev/null
CURRENCY=$(sed -n 's/^currency=//p' "$OUT/fixture/fixture.properties")
Z=00000000-0000-0000-0000-000000000000
PGB_VARS=(-D company="$COMPANY" -D provider=pgbench -D amount=10000 -D currency=$CURRENCY -D msisdn=+254712000001
  -D paidat=2026-01-01T00:00:00Z -D status=PROCESSED -D unit=KWH_TENTHS -D qty=100 -D pos='{0}' -D kinds='{ENERGY}'
  -D amounts='{10000}' -D refs='{NULL}' -D credit=0 -D arpaid=0 -D kind=TOKEN -D instids='{}' -D instamts='{}'
  -D cbase=10000 -D rdids='{}' -D rdamts='{}' -D lease=60 -D id=0 -D claim_token=$Z -D transaction_id=$Z
  -D company_id="$COMPANY" -D device_id=$Z -D kid=$Z -D mid=$Z -D token_unit=KWH_TENTHS -D token_quantity=0
  -D manufacturer=calin -D tokenvalue=12345678901234567890 -D phone=+254712000001 -D smsprovider=log
  -D smsbody='Dear customer, we received KES 100.00 for your meter. Token: 1234-5678-9012-3456-7890 (10.0 kWh).')

# ---- measuring -------------------------------------------------------------------------------
ticks() { local f; read -r -a f 2>/dev/null <"/proc/$1/stat" && echo $((f[13] + f[14])) || echo 0; }
pg_ticks() { # every process of the cluster, plus what its exited children (backends) used
  local f p s=0
  read -r -a f <"/proc/$PM_PID/stat"; s=$((f[13] + f[14] + f[15] + f[16]))
  for p in $(pgrep -P "$PM_PID" || true); do s=$((s + $(ticks "$p"))); done
  echo "$s"
}
snap() { echo "$(ticks "$GW_PID") $(pg_ticks) $(ticks "$SIM_PID") $(q 'SELECT pg_current_wal_lsn()')"; }
prepare() { # database: vacuum, checkpoint (before the warm-up)
  "$PGBIN/psql" -U observer -d "$1" -q -c 'VACUUM ANALYZE' -c 'CHECKPOINT' >/dev/null
}
reset_stats() { q 'SELECT pg_stat_statements_reset()' >/dev/null; }
statements() { # database -> calls of every statement but the observer's
  q "SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$1')
    AND userid <> 'observer'::regrole"
}
commits() { # lsn0 lsn1 -> COMMIT records between (read-only transactions write none)
  as_pg "$PGBIN/pg_waldump" -p "$PGDIR/data/pg_wal" -s "$1" -e "$2" -r Transaction 2>/dev/null | grep -c 'desc: COMMIT' || true
}
top_statements() { # database file: what ran, per statement, most execution time first (for results.md)
  { echo "# calls rows total_exec_ms mean_exec_us shared_blks_hit+read wal_bytes query"
    q "SELECT calls, rows, round(total_exec_time::numeric, 0), round((1000 * total_exec_time / calls)::numeric, 0),
      shared_blks_hit + shared_blks_read, wal_bytes, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$1')
      AND userid <> 'observer'::regrole ORDER BY total_exec_time DESC LIMIT 20"; } >"$2"
}
pending() { q "SELECT count(*) FROM outbox WHERE status = 'PENDING'" payg_bench; }
# a phase's row: path side rep ops seconds gw_ticks pg_ticks sim_ticks gen_cpu_ms statements commits wal_bytes p50 p99 p999 failed
record() { printf '%s\n' "$*" | tr ' ' '\t' >>"$OUT/phases.tsv"; }
# the machine's CPU time stolen by the hypervisor (steal, /proc/stat): "steal total" in jiffies; a phase's share of
# it says how much of its tail was this host's neighbours (vmstat showed 10-26 % in seconds of one run)
cpu_jiffies() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
per_second() { # file: twice a second, the CPU ticks of the gateway, PostgreSQL and the simulator, and the machine's
  # busy, idle, iowait and steal ticks (/proc/stat), until killed; seconds.py lines them up with the window's seconds
  local b i w st
  echo "# ms gw pg sim busy idle iowait steal" >"$1"
  while :; do
    read -r b i w st < <(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5, $6, $9}' /proc/stat)
    echo "$(now_ms) $(ticks "$GW_PID") $(pg_ticks) $(ticks "$SIM_PID") $b $i $w $st" >>"$1"
    sleep 0.5
  done
}
stolen() { # "steal total" before, then after -> percent of the machine's CPU time stolen in between
  awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN {printf "%.1f", (d > b ? 100 * (c - a) / (d - b) : 0)}'
}

openload() { # file operation prefix args... (the measured run's stats on the file's last line); OL_BASE: another server
  local file=$1 op=$2 prefix=$3 opts=$OPENLOAD_JAVA_OPTS; shift 3
  [[ $op == validate ]] || opts=$OPENLOAD_PAYMENT_JAVA_OPTS
  java $opts -cp "$CP" io.payg.load.OpenLoad --baseUrl "${OL_BASE:-$BASE}" --companyId "$COMPANY" \
    --secret "$SECRET" --serialsFile "$SERIALS" --currency "$CURRENCY" --operation "$op" --prefix "$prefix" "$@" >"$file" 2>&1
}
val() { sed -nE "s/.*(^| )$1=([^ ]+).*/\2/p" "$2" | tail -1; }
prof_start() { # pid file.jfr: a CPU profile of that JVM until prof_stop (JFR or async-profiler: PROFILER)
  if [[ $PROFILER == async ]]; then
    # jcmd splits key=value arguments: the agent's options go quoted as one
    jcmd "$1" JVMTI.agent_load "$AP_LIB" "\"start,event=itimer,interval=1ms,file=$2,jfr\"" >/dev/null
  else
    jcmd "$1" JFR.start name=bench settings="$JFR_SETTINGS" >/dev/null
  fi
}
prof_stop() { # pid file.jfr, then its summary beside it (file.txt)
  if [[ $PROFILER == async ]]; then
    jcmd "$1" JVMTI.agent_load "$AP_LIB" '"stop"' >/dev/null
  else
    jcmd "$1" JFR.stop name=bench filename="$2" >/dev/null
  fi
  python3 "$ROOT/load-tests/jfr-top.py" "$2" >"${2%.jfr}.txt" || true
}

gateway_phase() { # path rep
  local path=$1 rep=$2 op c s0 s1 lsn0 t0 t1 f=$OUT/openload-$1-$2.txt
  if [[ $path == validate ]]; then op=validate c=$VALIDATE_CONCURRENCY; else op=process c=$PAYMENT_CONCURRENCY; fi
  prepare payg_bench
  # one generator run: WARMUP s of the same load (its JIT warms up too), then the measured DURATION s
  rm -f "$OUT/go" "$f"
  openload "$f" "$op" "M$rep-$path" --concurrency "$c" --warmup "$WARMUP" --duration "$DURATION" --goFile "$OUT/go" &
  LOAD_PID=$!
  until grep -q '^warmed' "$f" 2>/dev/null; do
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$f" >&2; echo "OpenLoad failed" >&2; exit 1; }
    sleep 0.1
  done
  # the measured payments' statements and CPU only: the warm-up's token and SMS jobs finish first
  [[ $path == validate ]] || drain
  reset_stats
  local jfr=0; [[ $JFR == 1 && " $JFR_PATHS " == *" $path "* ]] && jfr=1
  [[ $jfr == 0 ]] || prof_start "$GW_PID" "$OUT/jfr-$path-$rep.jfr"
  read -r -a s0 < <(snap); t0=$(now_ms); read -r st0 tt0 < <(cpu_jiffies)
  touch "$OUT/go"
  wait "$LOAD_PID"; LOAD_PID=
  [[ $path == validate ]] || drain
  t1=$(now_ms); read -r -a s1 < <(snap); read -r st1 tt1 < <(cpu_jiffies)
  [[ $jfr == 0 ]] || prof_stop "$GW_PID" "$OUT/jfr-$path-$rep.jfr"
  local ok; ok=$(val ok "$f"); [[ -n $ok ]] || { cat "$f" >&2; echo "OpenLoad failed" >&2; exit 1; }
  [[ $rep != 1 ]] || top_statements payg_bench "$OUT/statements-gateway-$path.txt"
  record "$path" gateway "$rep" "$ok" "$(val ops_per_s "$f")" $((s1[0] - s0[0])) $((s1[1] - s0[1])) $((s1[2] - s0[2])) \
    "$(val cpu_ms "$f")" "$(statements payg_bench)" "$(commits "${s0[3]}" "${s1[3]}")" \
    "$(q "SELECT pg_wal_lsn_diff('${s1[3]}', '${s0[3]}')")" "$(val p50_ms "$f")" "$(val p99_ms "$f")" "$(val p999_ms "$f")" \
    "$(val failed "$f")" $((t1 - t0)) "$(stolen "$st0" "$tt0" "$st1" "$tt1")"
  if [[ $path == payment ]]; then
    # every payment booked in the window must be this generator's measured one: foreign traffic would
    # inflate the statements and CPU per payment
    local booked
    booked=$(q "SELECT count(*) FROM transactions WHERE created_at >= to_timestamp($t0 / 1000.0)" payg_bench)
    if (( booked > ok + ok / 100 + 5 )); then
      log "WARNING: $booked transactions booked in the window, $ok answered to OpenLoad (by id prefix: $OUT/foreign-$rep.txt)"
      q "SELECT regexp_replace(provider_txn_id, '-[0-9]+$', ''), count(*), min(created_at), max(created_at)
        FROM transactions WHERE created_at >= to_timestamp($t0 / 1000.0) GROUP BY 1 ORDER BY 3" payg_bench \
        >"$OUT/foreign-$rep.txt"
    fi
  fi
  log "gateway $path rep $rep: $(tail -2 "$f" | tr "\n" " ")"
}
drain() { # the payment path is done when its token and SMS jobs are
  local t0; t0=$(now_ms)
  while (( $(pending) > 0 )); do
    (( $(now_ms) - t0 < DRAIN_TIMEOUT * 1000 )) || { log "outbox not drained in ${DRAIN_TIMEOUT}s"; return 0; }
    sleep 0.5
  done
}
pgbench_cpu_ms() { # times file -> pgbench's CPU ms: the second line of `times` is the shell's children's
  awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000}' "$1"
}
pgbench_latencies() { # log prefix -> p50 p99 p99.9 ms of pgbench's per-transaction logs (column 3, µs); removes them
  cat "$1"* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {
    printf "%.3f %.3f %.3f", a[int(NR*0.50)+1]/1000, a[int(NR*0.99)+1]/1000, a[int(NR*0.999)+1]/1000}'
  rm -f "$1"*
}
pgbench_phase() { # path rep
  local path=$1 rep=$2 script s0 s1 t0 t1 f=$OUT/pgbench-$1-$2.txt
  if [[ $path == validate ]]; then script=lookup.sql; else script=payment.sql; fi
  prepare payg_pgbench
  (cd "$OUT" && timeout $((WARMUP + 30)) "$PGBIN/pgbench" -h "$PGB_HOST" -n -M prepared -c "$DB_POOL_SIZE" -j "$PGBENCH_THREADS" \
    -T "$WARMUP" "${PGB_VARS[@]}" -f "$script" payg_pgbench >"$OUT/pgbench-warmup.txt" 2>&1) || true
  reset_stats
  read -r -a s0 < <(snap); t0=$(now_ms); read -r st0 tt0 < <(cpu_jiffies)
  # `times` after pgbench: its second line is the CPU of the shell's children, i.e. pgbench's own
  (cd "$OUT" && timeout $((DURATION + 30)) "$PGBIN/pgbench" -h "$PGB_HOST" -n -M prepared -c "$DB_POOL_SIZE" -j "$PGBENCH_THREADS" \
    -T "$DURATION" "${PGB_VARS[@]}" -f "$script" -l --sampling-rate 0.2 --log-prefix="pgblog-$path-$rep" payg_pgbench \
    >"$f" 2>&1; times >"$f.times")
  t1=$(now_ms); read -r -a s1 < <(snap); read -r st1 tt1 < <(cpu_jiffies)
  local tps n cpu lat
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$f")
  n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$f")
  [[ -n $tps ]] || { cat "$f" >&2; echo "pgbench failed" >&2; exit 1; }
  cpu=$(pgbench_cpu_ms "$f.times")
  lat=$(pgbench_latencies "$OUT/pgblog-$path-$rep")
  [[ $rep != 1 ]] || top_statements payg_pgbench "$OUT/statements-pgbench-$path.txt"
  # shellcheck disable=SC2086
  record "$path" pgbench "$rep" "$n" "$tps" $((s1[0] - s0[0])) $((s1[1] - s0[1])) $((s1[2] - s0[2])) "$cpu" \
    "$(statements payg_pgbench)" "$(commits "${s0[3]}" "${s1[3]}")" "$(q "SELECT pg_wal_lsn_diff('${s1[3]}', '${s0[3]}')")" \
    $lat "$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$f")" $((t1 - t0)) \
    "$(stolen "$st0" "$tt0" "$st1" "$tt1")"
  log "pgbench $path rep $rep: $tps tps"
}
pgbench_at80_phase() { # path rep rate: the same statements as pgbench_phase at a fixed rate (-R): PostgreSQL's own
  # p99 at 80 % of its saturation on this machine, the floor under the gateway's. pgbench's -R schedules Poisson
  # arrivals (burstier than OpenLoad's even spacing) and its log's latency counts from the scheduled start, lag
  # included (https://www.postgresql.org/docs/15/pgbench.html, "-R rate"), as OpenLoad counts from the intended send
  local path=$1 rep=$2 rate=$3 script f=$OUT/pgbench-at80-$1-$2.txt st0 tt0 st1 tt1 lat cpu n
  if [[ $path == validate ]]; then script=lookup.sql; else script=payment.sql; fi
  prepare payg_pgbench
  (cd "$OUT" && timeout $((WARMUP + 30)) "$PGBIN/pgbench" -h "$PGB_HOST" -n -M prepared -c "$DB_POOL_SIZE" -j "$PGBENCH_THREADS" \
    -R "$rate" -T "$WARMUP" "${PGB_VARS[@]}" -f "$script" payg_pgbench >"$OUT/pgbench-warmup.txt" 2>&1) || true
  read -r st0 tt0 < <(cpu_jiffies)
  (cd "$OUT" && timeout $((DURATION + 30)) "$PGBIN/pgbench" -h "$PGB_HOST" -n -M prepared -c "$DB_POOL_SIZE" -j "$PGBENCH_THREADS" \
    -R "$rate" -T "$DURATION" "${PGB_VARS[@]}" -f "$script" -l --log-prefix="pgblog80-$path-$rep" payg_pgbench \
    >"$f" 2>&1; times >"$f.times")
  read -r st1 tt1 < <(cpu_jiffies)
  n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$f")
  [[ -n $n ]] || { cat "$f" >&2; echo "pgbench -R failed" >&2; exit 1; }
  cpu=$(pgbench_cpu_ms "$f.times")
  lat=$(pgbench_latencies "$OUT/pgblog80-$path-$rep")
  record "$path" pgbench_at80 "$rep" "$n" "$(awk -v n="$n" -v d="$DURATION" 'BEGIN {printf "%.1f", n / d}')" 0 0 0 "$cpu" 0 0 0 \
    $lat "$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$f")" 0 "$(stolen "$st0" "$tt0" "$st1" "$tt1")"
  log "pgbench at 80 % $path rep $rep ($rate/s): p50/p99/p99.9 ms $lat stolen=$(tail -1 "$OUT/phases.tsv" | cut -f18)%"
}
at80_phase() { # path rep rate
  local op f=$OUT/openload-at80-$1-$2.txt
  [[ $1 == validate ]] && op=validate || op=process
  prepare payg_bench
  rm -f "$OUT/go" "$f"
  # seamless: the arrivals go on through go (the window is the steady state, not a restart after a pause), so
  # the warm-up's token and SMS jobs run on into it as the window's own would
  openload "$f" "$op" "A$2-$1" --rate "$3" --warmup "$WARMUP" --duration "$DURATION" --goFile "$OUT/go" --seamless true &
  LOAD_PID=$!
  until grep -q '^warmed' "$f" 2>/dev/null; do
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$f" >&2; echo "OpenLoad failed" >&2; exit 1; }
    sleep 0.1
  done
  local st0 tt0 st1 tt1 sec jfr=0 tag=at80-$1-$2
  [[ $JFR == 1 && " $JFR_PATHS " == *" at80-$1 "* ]] && jfr=1
  [[ $jfr == 0 ]] || prof_start "$GW_PID" "$OUT/jfr-$tag.jfr"
  per_second "$OUT/cpu-$tag.tsv" &
  sec=$!
  read -r st0 tt0 < <(cpu_jiffies)
  touch "$OUT/go"
  wait "$LOAD_PID"; LOAD_PID=
  read -r st1 tt1 < <(cpu_jiffies)
  kill "$sec" 2>/dev/null || true; wait "$sec" 2>/dev/null || true
  [[ $jfr == 0 ]] || prof_stop "$GW_PID" "$OUT/jfr-$tag.jfr"
  # the window second by second: its worst latency beside the CPU of each process, GC pauses, JIT and
  # PostgreSQL's checkpoints and autovacuum runs
  python3 "$ROOT/load-tests/seconds.py" "$f" "$OUT/cpu-$tag.tsv" "$CLK_TCK" "$PGDIR/postgres.log" \
    "$OUT/gc-gateway-$GW_PID.log" "$([[ $jfr == 0 ]] || echo "$OUT/jfr-$tag.jfr")" >"$OUT/seconds-$tag.txt" 2>&1 || true
  record "$1" at80 "$2" "$(val ok "$f")" "$(val ops_per_s "$f")" 0 0 0 "$(val cpu_ms "$f")" 0 0 0 \
    "$(val p50_ms "$f")" "$(val p99_ms "$f")" "$(val p999_ms "$f")" "$(val failed "$f")" 0 "$(stolen "$st0" "$tt0" "$st1" "$tt1")"
  [[ $1 == validate ]] || drain
  log "at 80 % $1 rep $2 ($3/s): $(tail -1 "$f") stolen=$(tail -1 "$OUT/phases.tsv" | cut -f18)%"
}

at2x_phase() { # rep rate: payments at twice the saturation, validations at VALIDATE_RATE_AT_2X/s beside them
  local rep=$1 rate=$2 f=$OUT/openload-at2x-payment-$1.txt v=$OUT/openload-at2x-validate-$1.txt ack=$OUT/at2x-ack-$1.txt lost
  prepare payg_bench
  rm -f "$OUT/go" "$f" "$v"
  openload "$f" process "X$rep-payment" --rate "$rate" --warmup "$WARMUP" --duration "$DURATION" --goFile "$OUT/go" \
    --ackFile "$ack" --connections 512 --seamless true &
  LOAD_PID=$!
  openload "$v" validate "X$rep-validate" --rate "$VALIDATE_RATE_AT_2X" --warmup "$WARMUP" --duration "$DURATION" \
    --goFile "$OUT/go" --seamless true &
  VAL_PID=$!
  until grep -q '^warmed' "$f" 2>/dev/null && grep -q '^warmed' "$v" 2>/dev/null; do
    kill -0 "$LOAD_PID" 2>/dev/null && kill -0 "$VAL_PID" 2>/dev/null || { cat "$f" "$v" >&2; echo "OpenLoad failed" >&2; exit 1; }
    sleep 0.1
  done
  local st0 tt0 st1 tt1
  read -r st0 tt0 < <(cpu_jiffies)
  touch "$OUT/go"
  wait "$LOAD_PID"; LOAD_PID=
  wait "$VAL_PID"; VAL_PID=
  read -r st1 tt1 < <(cpu_jiffies)
  drain
  # every payment answered 200 must be stored: the acknowledged ids that no transaction carries
  lost=$("$PGBIN/psql" -U observer -d payg_bench -At -v ON_ERROR_STOP=1 \
    -c "CREATE TEMP TABLE ack (id text)" -c "\\copy ack FROM '$ack'" \
    -c "SELECT count(*) FROM ack LEFT JOIN transactions t ON t.company_id = '$COMPANY' AND t.provider = 'generic'
        AND t.provider_txn_id = ack.id WHERE t.id IS NULL" | tail -1)
  printf '%s\n' "$rep" "$rate" "$(val ok "$f")" "$(val failed "$f")" "$(val shed "$f")" "$(val ops_per_s "$f")" \
    "$(val ok_p50_ms "$f")" "$(val ok_p99_ms "$f")" "$(val ok_p999_ms "$f")" "$(val p99_ms "$f")" "$lost" \
    "$(val ok "$v")" "$(val failed "$v")" "$(val p99_ms "$v")" "$(val cpu_us_per_op "$f")" "$(stolen "$st0" "$tt0" "$st1" "$tt1")" | paste -sd '\t' >>"$OUT/at2x.tsv"
  log "at 2x payment rep $rep ($rate/s): $(tail -2 "$f" | tr '\n' ' ')acknowledged but not stored: $lost; validations: $(head -c 200 <(tail -2 "$v" | tr '\n' ' '))"
}

# ---- the bare Vert.x route with only the lookup (BARE=1) ------------------------------------------
# the same Vert.x and pg-client (the gateway's jar), the same event loops, JVM options, lookup statement and read
# connections as the gateway's validation reads (PgBuilder.client(), DB_READ_CONNECTIONS' default, pipelining 1),
# the same way to PostgreSQL; none of the gateway's own work (signature, settings, rules, metrics, answer)
if [[ $BARE == 1 ]]; then
  BARE_PORT=$(free_port $((HTTP_PORT + 2)))
  BARE_SQL=$(sed -n 2p "$OUT/lookup.sql" | sed 's/:company/$1/; s/:serial/$2/')
  BARE_CONNECTIONS=${BARE_CONNECTIONS:-$(( 2 * CORES < 4 ? 4 : 2 * CORES ))}
  # shellcheck disable=SC2086
  (cd "$OUT" && exec java $GATEWAY_JAVA_OPTS -cp "$JAR" "$ROOT/load-tests/bare/BareVertxServer.java" lookup "$BARE_PORT" \
    "$CORES" "$BARE_CONNECTIONS" payg_bench "$BARE_SQL" "${SOCKET_DIR:-127.0.0.1}" "$PGPORT" client >"$OUT/bare.log" 2>&1) &
  BARE_PID=$!
  for _ in $(seq 1 120); do grep -q 'listening' "$OUT/bare.log" 2>/dev/null && break; sleep 0.5; done
  grep -q 'listening' "$OUT/bare.log" || { cat "$OUT/bare.log" >&2; echo "the bare Vert.x route did not start" >&2; exit 1; }
  log "bare Vert.x route + lookup on 127.0.0.1:$BARE_PORT (pid $BARE_PID, $BARE_CONNECTIONS read connections)"
fi
bare_phase() { # rep: the validation load of gateway_phase against the bare route; its JVM in the "JVM" column
  local rep=$1 s0 s1 t0 t1 f=$OUT/openload-bare-$1.txt ok st0 tt0 st1 tt1
  prepare payg_bench
  rm -f "$OUT/go" "$f"
  OL_BASE=http://127.0.0.1:$BARE_PORT openload "$f" validate "B$rep-validate" --concurrency "$VALIDATE_CONCURRENCY" \
    --warmup "$WARMUP" --duration "$DURATION" --goFile "$OUT/go" &
  LOAD_PID=$!
  until grep -q '^warmed' "$f" 2>/dev/null; do
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$f" >&2; echo "OpenLoad failed" >&2; exit 1; }
    sleep 0.1
  done
  reset_stats
  local jfr=0; [[ $JFR == 1 && " $JFR_PATHS " == *" bare "* ]] && jfr=1
  [[ $jfr == 0 ]] || prof_start "$BARE_PID" "$OUT/jfr-bare-$rep.jfr"
  s0=("$(ticks "$BARE_PID")" "$(pg_ticks)" 0 "$(q 'SELECT pg_current_wal_lsn()')"); t0=$(now_ms); read -r st0 tt0 < <(cpu_jiffies)
  touch "$OUT/go"
  wait "$LOAD_PID"; LOAD_PID=
  t1=$(now_ms); s1=("$(ticks "$BARE_PID")" "$(pg_ticks)" 0 "$(q 'SELECT pg_current_wal_lsn()')"); read -r st1 tt1 < <(cpu_jiffies)
  [[ $jfr == 0 ]] || prof_stop "$BARE_PID" "$OUT/jfr-bare-$rep.jfr"
  ok=$(val ok "$f"); [[ -n $ok ]] || { cat "$f" >&2; echo "OpenLoad failed" >&2; exit 1; }
  record validate bare "$rep" "$ok" "$(val ops_per_s "$f")" $((s1[0] - s0[0])) $((s1[1] - s0[1])) 0 \
    "$(val cpu_ms "$f")" "$(statements payg_bench)" "$(commits "${s0[3]}" "${s1[3]}")" \
    "$(q "SELECT pg_wal_lsn_diff('${s1[3]}', '${s0[3]}')")" "$(val p50_ms "$f")" "$(val p99_ms "$f")" "$(val p999_ms "$f")" \
    "$(val failed "$f")" $((t1 - t0)) "$(stolen "$st0" "$tt0" "$st1" "$tt1")"
  log "bare validate rep $rep: $(tail -2 "$f" | tr "\n" " ")"
}

BUSY0=$(awk '{print $1}' /proc/loadavg)
# the gateway's JIT before the first round: without it the first round's gateway phases ran at half the later
# rounds' rate (C2 still compiling the hot path), and a median of few rounds carried that cold round
if (( JIT_WARMUP > 0 )); then
  log "JIT warm-up: ${JIT_WARMUP} s of validations, then of payments, then of the bare route's validations (not measured)"
  openload "$OUT/openload-jit-validate.txt" validate J-validate --concurrency "$VALIDATE_CONCURRENCY" --duration "$JIT_WARMUP"
  openload "$OUT/openload-jit-payment.txt" process J-payment --concurrency "$PAYMENT_CONCURRENCY" --duration "$JIT_WARMUP"
  [[ $BARE == 0 ]] || OL_BASE=http://127.0.0.1:$BARE_PORT openload "$OUT/openload-jit-bare.txt" validate J-bare \
    --concurrency "$VALIDATE_CONCURRENCY" --duration "$JIT_WARMUP"
  drain
fi
rm -f "$OUT/at2x.tsv"
for ((r = 1; r <= REPS; r++)); do
  [[ $PGBENCH == 0 ]] || pgbench_phase validate "$r"
  gateway_phase validate "$r"
  [[ $BARE == 0 ]] || bare_phase "$r"
  [[ $PGBENCH == 0 ]] || pgbench_phase payment "$r"
  gateway_phase payment "$r"
done
if [[ $AT80 == 1 ]]; then
  # the rate each path sustains end to end: a payment phase's window ends when its token and SMS jobs are done,
  # so its payments per second of window + drain (OpenLoad's rate counts the window only: 80 % of it was about
  # 105 % of what the pipeline sustains, and the phase shed)
  med() { awk -F'\t' -v p="$1" '$1 == p && $2 == "gateway" {print (p == "payment" ? $4 / ($17 / 1000) : $5)}' "$OUT/phases.tsv" \
    | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  medb() { awk -F'\t' -v p="$1" '$1 == p && $2 == "pgbench" {print $5}' "$OUT/phases.tsv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  V80=${V80_RATE:-$(awk -v r="$(med validate)" 'BEGIN{printf "%d", r * 0.8}')}
  P80=${P80_RATE:-$(awk -v r="$(med payment)" 'BEGIN{printf "%d", r * 0.8}')}
  [[ $PGBENCH == 0 ]] || { BV80=$(awk -v r="$(medb validate)" 'BEGIN{printf "%d", r * 0.8}'); BP80=$(awk -v r="$(medb payment)" 'BEGIN{printf "%d", r * 0.8}'); }
  for ((r = 1; r <= REPS; r++)); do
    [[ $PGBENCH == 0 ]] || pgbench_at80_phase validate "$r" "$BV80"
    at80_phase validate "$r" "$V80"
    [[ $PGBENCH == 0 ]] || pgbench_at80_phase payment "$r" "$BP80"
    at80_phase payment "$r" "$P80"
  done
fi
if [[ $AT2X == 1 ]]; then
  P2X=$(awk -F'\t' '$1 == "payment" && $2 == "gateway" {print $4 / ($17 / 1000)}' "$OUT/phases.tsv" | sort -n \
    | awk '{a[NR]=$1} END {printf "%d", a[int((NR+1)/2)] * 2}')
  P2X=${AT2X_RATE:-$P2X}
  for ((r = 1; r <= REPS; r++)); do at2x_phase "$r" "$P2X"; done
fi

# ---- the summary -----------------------------------------------------------------------------
gc_summary() { # pauses in the gateway's GC logs (-Xlog:gc): count, total and longest
  cat "$OUT"/gc-gateway-*.log 2>/dev/null | awk '/Pause/ && / [0-9.]+ms$/ {v = $NF; sub(/ms$/, "", v); n++; t += v; if (v > m) m = v}
    END {printf "%d pauses, %.0f ms in all, longest %.1f ms (%s)", n, t, m, "gc-gateway-*.log"}'
}
TRANSPORT=$(grep -m1 -o 'transport: native (epoll)\|transport: NIO' "$OUT/gateway.log" | sed 's/^transport: //' || true)
PG_SOCKET=$PG_SOCKET TRANSPORT=$TRANSPORT python3 - "$OUT" "$CLK_TCK" "$VALIDATE_RATE_AT_2X" <<'PY'
import json, statistics, sys, os
out, tck, VR = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cols = "path side rep ops rate gw pg sim gen statements commits wal p50 p99 p999 failed ms steal".split()
rows = [dict(zip(cols, l.rstrip("\n").split("\t"))) for l in open(os.path.join(out, "phases.tsv"))]
def f(x):
    try: return float(x)
    except: return float("nan")
def per_op(r, k):  # CPU µs per operation; ticks -> µs, or generator ms -> µs
    n = f(r["ops"])
    return (f(r[k]) * 1e6 / tck if k != "gen" else f(r[k]) * 1e3) / n
derived = {}
for r in rows:
    key = (r["path"], r["side"])
    d = {"rate": f(r["rate"]), "e2e": f(r["ops"]) / (f(r["ms"]) / 1000) if f(r["ms"]) > 0 else float("nan"), "p50": f(r["p50"]), "p99": f(r["p99"]), "p999": f(r["p999"]), "failed": f(r["failed"] or 0),
         "steal": f(r.get("steal", "nan"))}
    if r["side"] not in ("at80", "pgbench_at80"):
        d.update({"gw_us": per_op(r, "gw"), "pg_us": per_op(r, "pg"), "sim_us": per_op(r, "sim"), "gen_us": per_op(r, "gen"),
                  "stmts": f(r["statements"]) / f(r["ops"]), "commits": f(r["commits"]) / f(r["ops"]),
                  "wal": f(r["wal"]) / f(r["ops"])})
        d["service_us"] = (d["pg_us"] + d["gen_us"]) if r["side"] == "pgbench" else (d["gw_us"] + d["pg_us"])
    else:
        d["gen_us"] = per_op(r, "gen")
    derived.setdefault(key, []).append(d)
def agg(key, field):
    v = [d[field] for d in derived.get(key, [])]
    return (statistics.median(v), min(v), max(v), len(v)) if v else None
def ratios_to(path, side, base):  # per round, paired (the rounds are interleaved): throughput and CPU efficiency
    g, p = derived.get((path, side), []), derived.get((path, base), [])
    return [x["rate"] / y["rate"] for x, y in zip(g, p)], [y["service_us"] / x["service_us"] for x, y in zip(g, p)]
def e2e_ratio():  # payments sustained end to end (window + drain) / pgbench's (all its statements in its window)
    g, p = derived.get(("payment", "gateway"), []), derived.get(("payment", "pgbench"), [])
    return [x["e2e"] / y["e2e"] for x, y in zip(g, p)]
def ratios(path, side="gateway"):  # side / pgbench
    return ratios_to(path, side, "pgbench")
res = {}
lines = []
fmt = lambda a, p=0: "n/a" if a is None else (f"{a[0]:.{p}f} ({a[1]:.{p}f}–{a[2]:.{p}f})")
m = lambda v: (statistics.median(v), min(v), max(v), len(v)) if v else None
lines.append("| path | side | ops/s | CPU µs/op: JVM | PostgreSQL | simulator | load generator | service total | statements/op | commits/op | WAL bytes/op | p50 ms | p99 ms | p99.9 ms | CPU stolen % |")
lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for path in ("validate", "payment"):
    for side in ("pgbench", "gateway", "bare"):
        k = (path, side)
        if k not in derived: continue
        a = lambda fld, p=0: fmt(agg(k, fld), p)
        jvm = "—" if side == "pgbench" else a("gw_us")
        if side == "bare": side = "bare Vert.x route + lookup"
        sim = "—" if side == "pgbench" or path == "validate" else a("sim_us")
        lines.append(f"| {path} | {side} | {a('rate')} | {jvm} | {a('pg_us')} | {sim} | {a('gen_us')} | {a('service_us')} | {a('stmts', 2)} | {a('commits', 2)} | {a('wal')} | {a('p50', 2)} | {a('p99', 2)} | {a('p999', 2)} | {a('steal', 1)} |")
    t, e = ratios(path)
    lines.append(f"| {path} | **ratio** gateway / pgbench | {fmt(m(t), 2)} | | | | | CPU efficiency {fmt(m(e), 2)} | | | | | | | |")
    if path == "payment":
        lines.append(f"| payment | gateway end to end: payments / (window + drain of their jobs) s | {fmt(agg(('payment', 'gateway'), 'e2e'))} | | | | | | | | | | | | |")
        lines.append(f"| payment | **ratio end to end** gateway / pgbench | {fmt(m(e2e_ratio()), 2)} | | | | | | | | | | | | |")
    if (path, "bare") in derived and (path, "pgbench") in derived:
        bt, be = ratios(path, "bare")
        gt, ge = ratios_to(path, "gateway", "bare")
        lines.append(f"| {path} | **ratio** bare route / pgbench | {fmt(m(bt), 2)} | | | | | CPU efficiency {fmt(m(be), 2)} | | | | | | | |")
        lines.append(f"| {path} | **ratio** gateway / bare route | {fmt(m(gt), 2)} | | | | | CPU efficiency {fmt(m(ge), 2)} | | | | | | | |")
for path in ("validate", "payment"):
    for side, label in (("pgbench_at80", "pgbench at 80 % of its saturation (-R, Poisson)"), ("at80", "gateway at 80 % (open model)")):
        k = (path, side)
        if k in derived:
            a = lambda fld, p=0: fmt(agg(k, fld), p)
            lines.append(f"| {path} | {label} | {a('rate')} | | | | {a('gen_us')} | | | | | {a('p50', 2)} | {a('p99', 2)} | {a('p999', 2)} | {a('steal', 1)} |")
med = lambda a: None if a is None else round(a[0], 4)
vt, ve = ratios("validate"); pt, pe = ratios("payment")
g = lambda path, fld: med(agg((path, "gateway"), fld))
b = lambda path, fld: med(agg((path, "pgbench"), fld))
res = {
    "validate_ratio": med(m(vt)), "payment_ratio": med(m(pt)),
    "validate_cpu_efficiency": med(m(ve)), "payment_cpu_efficiency": med(m(pe)),
    "payment_ratio_end_to_end": med(m(e2e_ratio())), "payment_end_to_end_per_s": g("payment", "e2e"),
    "validate_p99_ms_at_80": med(agg(("validate", "at80"), "p99")), "payment_p99_ms_at_80": med(agg(("payment", "at80"), "p99")),
    "validate_pgbench_p99_ms_at_80": med(agg(("validate", "pgbench_at80"), "p99")),
    "payment_pgbench_p99_ms_at_80": med(agg(("payment", "pgbench_at80"), "p99")),
    "tokens_in_flight_peak": None, "heap_live_peak_mb": None,
    "statements_per_payment": g("payment", "stmts"), "commits_per_payment": g("payment", "commits"),
    "wal_bytes_per_payment": g("payment", "wal"),
    "pgbench_statements_per_payment": b("payment", "stmts"), "pgbench_commits_per_payment": b("payment", "commits"),
    "pgbench_wal_bytes_per_payment": b("payment", "wal"),
    "validate_rps": g("validate", "rate"), "validate_pgbench_tps": b("validate", "rate"),
    "payment_per_s": g("payment", "rate"), "payment_pgbench_tps": b("payment", "rate"),
    "validate_bare_ratio": med(m(ratios("validate", "bare")[0])), "validate_bare_cpu_efficiency": med(m(ratios("validate", "bare")[1])),
    "validate_gateway_to_bare_cpu": med(m(ratios_to("validate", "gateway", "bare")[1])),
    "validate_bare_cpu_us": {"jvm": med(agg(("validate", "bare"), "gw_us")), "postgres": med(agg(("validate", "bare"), "pg_us"))},
    "validate_cpu_us": {"jvm": g("validate", "gw_us"), "postgres": g("validate", "pg_us"), "load_generator": g("validate", "gen_us"),
                        "pgbench_postgres": b("validate", "pg_us"), "pgbench": b("validate", "gen_us")},
    "payment_cpu_us": {"jvm": g("payment", "gw_us"), "postgres": g("payment", "pg_us"), "simulator": g("payment", "sim_us"),
                       "load_generator": g("payment", "gen_us"), "pgbench_postgres": b("payment", "pg_us"), "pgbench": b("payment", "gen_us")},
    "steal_pct": {f"{p}_{sd}": med(agg((p, sd), "steal")) for p in ("validate", "payment") for sd in ("pgbench", "gateway", "at80", "pgbench_at80")
                  if (p, sd) in derived},
    "steal_pct_max": {f"{p}_{sd}": round(agg((p, sd), "steal")[2], 1) for p in ("validate", "payment") for sd in ("pgbench", "gateway", "at80", "pgbench_at80")
                      if (p, sd) in derived},
    "postgres_connection": "unix socket" if os.environ.get("PG_SOCKET") == "1" else "tcp loopback",
    "gateway_transport": os.environ.get("TRANSPORT") or None,
    "repetitions": len(vt),
    "note": "medians over the repetitions; tokens_in_flight_peak and heap_live_peak_mb are token-storm.sh figures, not measured here",
}
x = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "at2x.tsv"))] if os.path.exists(os.path.join(out, "at2x.tsv")) else []
xc = "rep rate ok failed shed ok_rate ok_p50 ok_p99 ok_p999 all_p99 lost v_ok v_failed v_p99 gen_us steal".split()
x = [dict(zip(xc, [f(v) for v in r])) for r in x]
if x:
    xm = lambda k: m([r[k] for r in x])
    shed_frac = m([r["shed"] / (r["ok"] + r["failed"]) for r in x if r["ok"] + r["failed"] > 0])
    lines.append(f"| payment | gateway at 2x saturation ({x[0]['rate']:.0f}/s offered, open model) | {fmt(xm('ok_rate'))} answered 200 | | | | {fmt(xm('gen_us'))} | | | | | {fmt(xm('ok_p50'), 2)} | {fmt(xm('ok_p99'), 2)} | {fmt(xm('ok_p999'), 2)} | {fmt(xm('steal'), 1)} |")
    lines.append(f"| payment | at 2x: shed (503 + Retry-After) / other failures / acknowledged but not stored | {fmt(shed_frac, 3)} of offered / {fmt(m([r['failed'] - r['shed'] for r in x]))} / {int(sum(r['lost'] for r in x))} in all | | | | | | | | | p99 of every answer, shed included: {fmt(xm('all_p99'), 2)} | | |")
    lines.append(f"| validate | beside the 2x payments ({VR}/s) | {fmt(xm('v_ok'))} ok, {fmt(xm('v_failed'))} failed | | | | | | | | | | {fmt(xm('v_p99'), 2)} | |")
    res.update({"payment_offered_per_s_at_2x": x[0]["rate"], "payment_p99_ms_at_2x_answered": med(xm("ok_p99")),
                "payment_p99_ms_at_2x_all_answers": med(xm("all_p99")), "payment_shed_fraction_at_2x": med(shed_frac),
                "payment_acknowledged_not_stored_at_2x": int(sum(r["lost"] for r in x)),
                "steal_pct_at_2x": med(xm("steal")),
                "validate_p99_ms_beside_2x": med(xm("v_p99")), "validate_failed_beside_2x": int(sum(r["v_failed"] for r in x))})
open(os.path.join(out, "results.json"), "w").write(json.dumps(res, indent=2) + "\n")
open(os.path.join(out, "table.md"), "w").write("\n".join(lines) + "\n")
PY
{
  echo
  echo "payg-gateway bench.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), $CORES cores, load average before the run $BUSY0"
  echo "REPS=$REPS DURATION=$DURATION WARMUP=$WARMUP METERS=$METERS DB_POOL_SIZE=$DB_POOL_SIZE VALIDATE_CONCURRENCY=$VALIDATE_CONCURRENCY PAYMENT_CONCURRENCY=$PAYMENT_CONCURRENCY CLAIM_LIMIT=$CLAIM_LIMIT PG_SOCKET=$PG_SOCKET GATEWAY_ENV=$GATEWAY_ENV"
  echo "PostgreSQL $(q 'SHOW server_version') (private cluster, pg_stat_statements), $(java -version 2>&1 | head -1)"
  echo "medians (range) of $REPS interleaved repetitions; the payment rows of the gateway include draining its token and SMS jobs"
  echo "gateway JVM: $GATEWAY_JAVA_OPTS; GC over the whole run: $(gc_summary)"
  echo "PostgreSQL settings: $PG_SETTINGS"
  echo
  cat "$OUT/table.md"
  echo
  echo "results.json:"; cat "$OUT/results.json"
  echo
  echo "statements per path, first repetition (calls, rows, total ms, text): ${OUT#"$ROOT"/}/statements-*.txt"
  for s in "$OUT"/statements-*.txt; do echo "--- $(basename "$s")"; sed 's/^/    /' "$s"; done
} | tee "$OUT/results.md"
