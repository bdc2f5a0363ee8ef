#!/usr/bin/env bash
# Two gateway instances on one PostgreSQL under the same payment load as bench.sh (issue 19):
#   one   instance A alone: OpenLoad closed model, CONCURRENCY payments outstanding, DURATION s
#   two   instances A and B at once, each with its own OpenLoad of CONCURRENCY outstanding
# REPS rounds, alternating. Each window ends when the outbox is drained, so every figure includes the payments'
# token and SMS jobs (run by whichever instance claims them). Per instance: payments/s and JVM CPU µs per payment
# (its own payments), PostgreSQL CPU µs per payment (all payments), the simulator apart. A private PostgreSQL
# cluster (initdb, free port, bench.sh's PG_SETTINGS) so that its CPU is this run's alone; the Calin simulator in
# its own process. Writes target/two-instances/results.md and results.json. Loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/load-tests/target/two-instances
REPS=${REPS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
METERS=${METERS:-1000}
CONCURRENCY=${CONCURRENCY:-32}
DB_POOL_SIZE=${DB_POOL_SIZE:-8}        # per instance: two instances hold twice as many backends
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-60}
SKIP_BUILD=${SKIP_BUILD:-0}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20}
PG_SETTINGS=${PG_SETTINGS:-"-c shared_buffers=512MB -c max_wal_size=4GB -c min_wal_size=1GB -c checkpoint_timeout=15min"}
PG_SETTINGS+=" -c checkpoint_completion_target=0.9 -c wal_compression=on -c wal_buffers=16MB -c jit=off -c synchronous_commit=on"
HDR=${HDR:-$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x $PGBIN/initdb ]] || { echo "initdb not found (Debian: postgresql); set PGBIN" >&2; exit 1; }

log() { printf '[two-instances %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_ms() { date +%s%3N; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for ((p = $1; p < $1 + 500; p++)); do port_free "$p" && { echo "$p"; return; }; done; return 1; }
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
CLK_TCK=$(getconf CLK_TCK)
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.log "$OUT"/*.tsv "$OUT"/results.*
if [[ $SKIP_BUILD != 1 ]]; then (cd "$ROOT" && mvn -B -q -DskipTests -pl gateway -am package); fi
[[ -f $HDR ]] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2 >/dev/null)
cp "$ROOT/gateway/target/payg-gateway.jar" "$OUT/payg-gateway.jar"
JAR=$OUT/payg-gateway.jar
rm -rf "$OUT/classes"; mkdir -p "$OUT/classes"
javac -nowarn -d "$OUT/classes" -cp "$JAR:$HDR" "$ROOT/load-tests/src/test/java/io/payg/load/OpenLoad.java" 2>/dev/null
CP=$OUT/classes:$JAR:$HDR

PGDIR=$(mktemp -d /tmp/payg-two-pg.XXXXXX)
PGPORT=$(free_port 57432)
declare -A GW_PID=()
SIM_PID=
LOADS=()
pg_ctl_() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" "$@"; }
cleanup() {
  local p
  for p in "${LOADS[@]}" "${GW_PID[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n $SIM_PID ]] && kill "$SIM_PID" 2>/dev/null || true
  pg_ctl_ stop -m fast >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

chmod 755 "$PGDIR"; [[ $(id -u) == 0 ]] && chown postgres "$PGDIR"
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust >"$OUT/initdb.log" 2>&1
pg_ctl_ -w -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=200 $PG_SETTINGS" start >/dev/null
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
"$PGBIN/psql" -q -d postgres -c 'CREATE DATABASE payg_two'
q() { "$PGBIN/psql" -d payg_two -At -F ' ' -v ON_ERROR_STOP=1 -c "$1"; }
PM_PID=$(head -1 "$PGDIR/data/postmaster.pid")

java -Xmx256m -cp "$JAR" io.payg.gateway.demo.SimulatorProcess 0 0 >"$OUT/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 120); do grep -q '^admin ' "$OUT/simulator.log" && break; sleep 0.5; done
read -r _ CALIN_URL CALIN_USER CALIN_KEY < <(grep -m1 '^calin ' "$OUT/simulator.log")

openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$OUT/jwt.key"
openssl ec -in "$OUT/jwt.key" -pubout -out "$OUT/jwt.pub" 2>/dev/null
SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
declare -A PORT=()
start_gw() { # name
  local name=$1 port mport t0
  port=$(free_port $((18580 + ${#GW_PID[@]} * 10))); mport=$(free_port $((port + 1000)))
  PORT[$name]=$port
  DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/payg_two" SECRETS_KEY=$SECRETS_KEY \
    JWT_PRIVATE_KEY_FILE="$OUT/jwt.key" JWT_PUBLIC_KEY_FILE="$OUT/jwt.pub" HTTP_HOST=127.0.0.1 HTTP_PORT=$port \
    METRICS_PORT=$mport BCRYPT_COST=4 DB_POOL_SIZE=$DB_POOL_SIZE OUTBOUND_ALLOWED_NETWORKS=127.0.0.0/8 \
    OUTBOUND_PLAIN_HTTP_HOSTS=127.0.0.1 java $GATEWAY_JAVA_OPTS "-Xlog:gc:file=$OUT/gc-$name.log:uptime,level,tags:filecount=0" \
    -jar "$JAR" >>"$OUT/gateway-$name.log" 2>&1 &
  GW_PID[$name]=$!
  t0=$(now_ms)
  while ! curl -sf -o /dev/null --max-time 3 "http://127.0.0.1:$port/health/ready"; do
    kill -0 "${GW_PID[$name]}" 2>/dev/null || { tail -30 "$OUT/gateway-$name.log" >&2; exit 1; }
    (( $(now_ms) - t0 < 120000 )) || { echo "gateway $name not ready in 120 s" >&2; exit 1; }
    sleep 0.2
  done
  log "gateway $name up on 127.0.0.1:$port (pid ${GW_PID[$name]})"
}
start_gw A
start_gw B
timeout 300 java "$ROOT/load-tests/src/test/java/io/payg/load/SetupFixture.java" --baseUrl "http://127.0.0.1:${PORT[A]}" \
  --meters "$METERS" --calinBaseUrl "$CALIN_URL" --calinUserId "$CALIN_USER" --calinApiKey "$CALIN_KEY" \
  --out "$OUT/fixture" >"$OUT/fixture.log"
COMPANY=$(sed -n 's/^companyId=//p' "$OUT/fixture/fixture.properties")
SECRET=$(sed -n 's/^secret=//p' "$OUT/fixture/fixture.properties")

ticks() { local f; read -r -a f 2>/dev/null <"/proc/$1/stat" && echo $((f[13] + f[14])) || echo 0; }
pg_ticks() {
  local f p s=0
  read -r -a f <"/proc/$PM_PID/stat"; s=$((f[13] + f[14] + f[15] + f[16]))
  for p in $(pgrep -P "$PM_PID" || true); do s=$((s + $(ticks "$p"))); done
  echo "$s"
}
pending() { q "SELECT count(*) FROM outbox WHERE status = 'PENDING'"; }
drain() {
  local t0; t0=$(now_ms)
  while (( $(pending) > 0 )); do
    (( $(now_ms) - t0 < DRAIN_TIMEOUT * 1000 )) || { log "outbox not drained in ${DRAIN_TIMEOUT}s"; return 0; }
    sleep 0.5
  done
}
val() { sed -nE "s/.*(^| )$1=([^ ]+).*/\2/p" "$2" | tail -1; }

phase() { # mode rep instances...
  local mode=$1 rep=$2; shift 2
  local n i f a0 b0 p0 s0 a1 b1 p1 s1 t0 t1
  "$PGBIN/psql" -d payg_two -q -c 'VACUUM ANALYZE' -c 'CHECKPOINT' >/dev/null
  rm -f "$OUT/go"; LOADS=()
  for n in "$@"; do
    f=$OUT/openload-$mode-$rep-$n.txt
    rm -f "$f" # a stale "warmed" would start the measured window before the warm-up ran
    java -Xmx256m -XX:+UseSerialGC -cp "$CP" io.payg.load.OpenLoad --baseUrl "http://127.0.0.1:${PORT[$n]}" \
      --companyId "$COMPANY" --secret "$SECRET" --serialsFile "$OUT/fixture/serials.txt" --operation process \
      --prefix "$mode$rep$n" --concurrency "$CONCURRENCY" --warmup "$WARMUP" --duration "$DURATION" --goFile "$OUT/go" >"$f" 2>&1 &
    LOADS+=($!)
  done
  for n in "$@"; do
    until grep -q '^warmed' "$OUT/openload-$mode-$rep-$n.txt" 2>/dev/null; do sleep 0.1; done
  done
  drain
  a0=$(ticks "${GW_PID[A]}"); b0=$(ticks "${GW_PID[B]}"); p0=$(pg_ticks); s0=$(ticks "$SIM_PID"); t0=$(now_ms)
  touch "$OUT/go"
  for i in "${LOADS[@]}"; do wait "$i"; done; LOADS=()
  drain
  t1=$(now_ms); a1=$(ticks "${GW_PID[A]}"); b1=$(ticks "${GW_PID[B]}"); p1=$(pg_ticks); s1=$(ticks "$SIM_PID")
  local okA okB rA rB p99A p99B
  okA=$(val ok "$OUT/openload-$mode-$rep-A.txt"); rA=$(val ops_per_s "$OUT/openload-$mode-$rep-A.txt"); p99A=$(val p99_ms "$OUT/openload-$mode-$rep-A.txt")
  if [[ $mode == two ]]; then
    okB=$(val ok "$OUT/openload-$mode-$rep-B.txt"); rB=$(val ops_per_s "$OUT/openload-$mode-$rep-B.txt"); p99B=$(val p99_ms "$OUT/openload-$mode-$rep-B.txt")
  else okB=0 rB=0 p99B=0; fi
  printf '%s\t' "$mode" "$rep" "$okA" "$okB" "$rA" "$rB" "$p99A" "$p99B" $((a1 - a0)) $((b1 - b0)) $((p1 - p0)) $((s1 - s0)) >>"$OUT/phases.tsv"
  echo $((t1 - t0)) >>"$OUT/phases.tsv"
  log "$mode rep $rep: A ok=$okA ${rA}/s p99 ${p99A} ms; B ok=$okB ${rB}/s p99 ${p99B} ms; window $((t1 - t0)) ms"
}

BUSY0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= REPS; r++)); do
  phase one "$r" A
  phase two "$r" A B
done

python3 - "$OUT" "$CLK_TCK" <<'PY'
import json, os, statistics, sys
out, tck = sys.argv[1], int(sys.argv[2])
cols = "mode rep okA okB rA rB p99A p99B gwA gwB pg sim ms".split()
rows = [dict(zip(cols, l.rstrip("\n").split("\t"))) for l in open(os.path.join(out, "phases.tsv"))]
def f(x): return float(x)
def m(v): return (statistics.median(v), min(v), max(v)) if v else None
fmt = lambda a, p=0: "n/a" if a is None else f"{a[0]:.{p}f} ({a[1]:.{p}f}–{a[2]:.{p}f})"
us = lambda t, n: f(t) * 1e6 / tck / n if n else float("nan")
one = [r for r in rows if r["mode"] == "one"]; two = [r for r in rows if r["mode"] == "two"]
lines = ["| setting | instance | payments/s (OpenLoad) | JVM CPU µs per own payment | PostgreSQL CPU µs per payment (all) | simulator µs per payment | p99 ms |",
         "| --- | --- | --- | --- | --- | --- | --- |"]
lines.append(f"| one instance | A | {fmt(m([f(r['rA']) for r in one]))} | {fmt(m([us(r['gwA'], f(r['okA'])) for r in one]))} | "
             f"{fmt(m([us(r['pg'], f(r['okA'])) for r in one]))} | {fmt(m([us(r['sim'], f(r['okA'])) for r in one]))} | {fmt(m([f(r['p99A']) for r in one]), 1)} |")
for n in "AB":
    lines.append(f"| two instances | {n} | {fmt(m([f(r['r' + n]) for r in two]))} | {fmt(m([us(r['gw' + n], f(r['ok' + n])) for r in two]))} | | | {fmt(m([f(r['p99' + n]) for r in two]), 1)} |")
tot = lambda r: f(r["okA"]) + f(r["okB"])
lines.append(f"| two instances | A + B | {fmt(m([f(r['rA']) + f(r['rB']) for r in two]))} | {fmt(m([us(f(r['gwA']) + f(r['gwB']), tot(r)) for r in two]))} (both JVMs) | "
             f"{fmt(m([us(r['pg'], tot(r)) for r in two]))} | {fmt(m([us(r['sim'], tot(r)) for r in two]))} | |")
ratio = m([(f(t["rA"]) + f(t["rB"])) / f(o["rA"]) for o, t in zip(one, two)])
lines.append(f"| **two / one**, total payments/s | | {fmt(ratio, 2)} | | | | |")
res = {"one_instance_per_s": m([f(r["rA"]) for r in one])[0], "two_instances_per_s": m([f(r["rA"]) + f(r["rB"]) for r in two])[0],
       "two_over_one": ratio[0], "one_jvm_cpu_us_per_payment": m([us(r["gwA"], f(r["okA"])) for r in one])[0],
       "one_postgres_cpu_us_per_payment": m([us(r["pg"], f(r["okA"])) for r in one])[0],
       "two_jvm_cpu_us_per_payment": m([us(f(r["gwA"]) + f(r["gwB"]), tot(r)) for r in two])[0],
       "two_postgres_cpu_us_per_payment": m([us(r["pg"], tot(r)) for r in two])[0], "repetitions": len(two)}
open(os.path.join(out, "results.json"), "w").write(json.dumps(res, indent=2) + "\n")
open(os.path.join(out, "table.md"), "w").write("\n".join(lines) + "\n")
PY
{
  echo
  echo "payg-gateway two instances on one PostgreSQL, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average before $BUSY0"
  echo "REPS=$REPS DURATION=$DURATION WARMUP=$WARMUP CONCURRENCY=$CONCURRENCY per instance, DB_POOL_SIZE=$DB_POOL_SIZE per instance; JVM $GATEWAY_JAVA_OPTS"
  echo "medians (range); each window ends when the outbox is drained (token + SMS jobs included, run by either instance)"
  echo
  cat "$OUT/table.md"
  echo
  echo "results.json:"; cat "$OUT/results.json"
} | tee "$OUT/results.md"
