#!/usr/bin/env bash
# Do random (v4) ids scatter a hot table's primary-key index where time-ordered ones (UUIDv7, RFC 9562 §5.7) do
# not, measurably (issue 19, "ids that do not scatter index pages ... where it measurably helps")?
#   Two tables shaped like transactions' key (uuid primary key, company, amount, time), each preloaded with
#   PRELOAD rows of its own kind of id, then the same INSERT through pgbench with the id from the same function,
#   uuid_v7(ms): on one side ms is the time (clock_timestamp(), a version 7 id in time order), on the other a
#   random 48-bit number (ids in random order, as version 4 ones land), so both sides run the same statements
#   and only the order of the ids differs. Each phase starts after a CHECKPOINT, so the first change of each page
#   writes a full-page image into the WAL, as after every checkpoint in production.
# Per phase: inserts/s, WAL bytes and full-page images per insert (pg_stat_wal, PostgreSQL 14+), the primary-key
# index's size. REPS interleaved rounds; medians in target/uuid-ids/results.md and results.json.
# Loopback only, on the local PostgreSQL (PGHOST/PGPORT/PGUSER); its database is dropped at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/load-tests/target/uuid-ids}
PRELOAD=${PRELOAD:-2000000}    # rows in each table before the first phase
DURATION=${DURATION:-20}       # seconds per phase
CLIENTS=${CLIENTS:-8}
REPS=${REPS:-3}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=payg_uuid_$$
command -v pgbench >/dev/null || PATH=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1):$PATH
pg_isready -q || { echo "PostgreSQL is not up at $PGHOST:$PGPORT" >&2; exit 1; }
mkdir -p "$OUT"; rm -f "$OUT"/*.txt "$OUT"/results.*
log() { printf '[uuid-ids %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
q() { psql -d "$DB" -At -v ON_ERROR_STOP=1 -c "$1"; }
trap 'psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT

psql -q -d postgres -c "CREATE DATABASE $DB"
q "
-- RFC 9562 §5.7: 48 bits of Unix time in milliseconds, then the version (7) and variant bits, the rest random;
-- built on gen_random_uuid() (random, variant set) with its first 6 bytes replaced and its version 4 made 7
CREATE FUNCTION uuid_v7(ms bigint) RETURNS uuid LANGUAGE sql VOLATILE AS \$\$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
         PLACING substring(int8send(ms) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
\$\$;
CREATE FUNCTION ms(ts timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE AS \$\$
  SELECT floor(extract(epoch FROM ts) * 1000)::bigint
\$\$;
CREATE TABLE ids_random (id uuid PRIMARY KEY, company_id uuid NOT NULL, amount bigint NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE ids_v7     (id uuid PRIMARY KEY, company_id uuid NOT NULL, amount bigint NOT NULL, created_at timestamptz NOT NULL);" >/dev/null
[[ $(q "SELECT substr(uuid_v7(ms(now()))::text, 15, 1)") == 7 ]] || { echo "uuid_v7() is not version 7" >&2; exit 1; }
log "preloading $PRELOAD rows into each table"
COMPANY=$(q "SELECT gen_random_uuid()")
q "INSERT INTO ids_random SELECT uuid_v7(floor(random() * 2^48)::bigint), '$COMPANY', 10000, now()
   FROM generate_series(1, $PRELOAD)" >/dev/null
# time-ordered as if inserted over the last PRELOAD seconds
q "INSERT INTO ids_v7 SELECT uuid_v7(ms(now() - make_interval(secs => $PRELOAD - g))), '$COMPANY', 10000, now()
   FROM generate_series(1, $PRELOAD) g" >/dev/null
q "VACUUM ANALYZE ids_random" >/dev/null; q "VACUUM ANALYZE ids_v7" >/dev/null
for kind in random v7; do
  id=$([[ $kind == random ]] && echo "uuid_v7(floor(random() * 2^48)::bigint)" || echo "uuid_v7(ms(clock_timestamp()))")
  printf 'INSERT INTO ids_%s (id, company_id, amount, created_at) VALUES (%s, '"'%s'"', 10000, now());\n' \
    "$kind" "$id" "$COMPANY" >"$OUT/insert-$kind.sql"
done

echo "# kind rep inserts_per_s wal_bytes_per_insert fpi_per_insert pk_index_mb" >"$OUT/phases.txt"
for rep in $(seq 1 "$REPS"); do
  # ABBA: each kind runs first in every other round
  order="random v7"; (( rep % 2 == 0 )) && order="v7 random"
  for kind in $order; do
    # the checkpoint's writes reach the disk before the phase (sync), not during the next phase's WAL flushes
    q "CHECKPOINT" >/dev/null; sync
    read -r wal0 fpi0 < <(q "SELECT wal_bytes, wal_fpi FROM pg_stat_wal" | tr '|' ' ')
    n0=$(q "SELECT count(*) FROM ids_$kind")
    pgbench -n -c "$CLIENTS" -j 2 -T "$DURATION" -f "$OUT/insert-$kind.sql" "$DB" >"$OUT/pgbench-$kind-$rep.txt" 2>&1
    read -r wal1 fpi1 < <(q "SELECT wal_bytes, wal_fpi FROM pg_stat_wal" | tr '|' ' ')
    n=$(( $(q "SELECT count(*) FROM ids_$kind") - n0 ))
    mb=$(q "SELECT round(pg_relation_size('ids_${kind}_pkey') / 1048576.0, 1)")
    line=$(awk -v k="$kind" -v r="$rep" -v n="$n" -v d="$DURATION" -v w=$((wal1 - wal0)) -v f=$((fpi1 - fpi0)) -v mb="$mb" \
      'BEGIN {printf "%s %d %.0f %.0f %.3f %s\n", k, r, n / d, w / n, f / n, mb}')
    echo "$line" >>"$OUT/phases.txt"
    log "rep $rep $kind: $n inserts; $line"
  done
done

python3 - "$OUT" "$PRELOAD" "$DURATION" "$CLIENTS" <<'PY'
import json, os, statistics, sys
out, preload, duration, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = [l.split() for l in open(os.path.join(out, "phases.txt")) if not l.startswith("#")]
res = {"preload_rows": preload, "duration_s": duration, "clients": clients, "repetitions": len(rows) // 2}
for kind in ("random", "v7"):
    mine = [r for r in rows if r[0] == kind]
    for i, name in ((2, "inserts_per_s"), (3, "wal_bytes_per_insert"), (4, "fpi_per_insert"), (5, "pk_index_mb")):
        v = [float(r[i]) for r in mine]
        res[f"{kind}_{name}"] = {"median": statistics.median(v), "min": min(v), "max": max(v)}
res["v7_to_random_inserts_per_s"] = round(res["v7_inserts_per_s"]["median"] / res["random_inserts_per_s"]["median"], 2)
res["v7_to_random_wal_bytes"] = round(res["v7_wal_bytes_per_insert"]["median"] / res["random_wal_bytes_per_insert"]["median"], 2)
open(os.path.join(out, "results.json"), "w").write(json.dumps(res, indent=2) + "\n")
with open(os.path.join(out, "results.md"), "w") as f:
    f.write(f"uuid-ids.sh: {preload:,} rows preloaded per table, {clients} clients, {duration} s per phase, medians (range) of {res['repetitions']}\n\n")
    f.write("| ids | inserts/s | WAL bytes per insert | full-page images per insert | primary-key index, MB at the end |\n| --- | --- | --- | --- | --- |\n")
    for kind in ("random", "v7"):
        cells = []
        for name, fmt in (("inserts_per_s", "{:,.0f}"), ("wal_bytes_per_insert", "{:,.0f}"), ("fpi_per_insert", "{:.3f}"), ("pk_index_mb", "{:,.1f}")):
            m = res[f"{kind}_{name}"]
            cells.append(f"{fmt.format(m['median'])} ({fmt.format(m['min'])}–{fmt.format(m['max'])})")
        f.write(f"| {'uuid_v7(random 48 bits): random order' if kind == 'random' else 'uuid_v7(ms(clock_timestamp())): time order'} | " + " | ".join(cells) + " |\n")
PY
cat "$OUT/results.md"; echo; cat "$OUT/results.json"
