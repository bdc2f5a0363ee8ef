#!/usr/bin/env bash
# What a foreign key to the single companies row costs each payment-like transaction (issue 19, V30_1):
# pgbench runs the same transaction (three inserts of one company's rows) into a table with a foreign key to
# companies and into one without, CLIENTS clients, SECONDS s each, ROUNDS alternating rounds, on a private
# PostgreSQL cluster; per transaction: the rate, the WAL records on the companies row (heap LOCK: FOR KEY SHARE)
# and the MultiXact records (several lockers of one row), from pg_waldump. Loopback only.
set -euo pipefail
CLIENTS=${CLIENTS:-8}
SECONDS_=${SECONDS_:-5}
ROUNDS=${ROUNDS:-2}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
D=$(mktemp -d /tmp/payg-lock-pg.XXXXXX); chmod 755 "$D"; [[ $(id -u) == 0 ]] && chown postgres "$D"
P=58432; while ! port_free $P; do P=$((P + 1)); done
trap 'as_pg "$PGBIN/pg_ctl" -D "$D/data" stop -m fast >/dev/null 2>&1 || true; rm -rf "$D"' EXIT
as_pg "$PGBIN/initdb" -D "$D/data" -U postgres -A trust >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$D/data" -l "$D/log" -w -o "-p $P -k $D -c listen_addresses=127.0.0.1" start >/dev/null
q() { "$PGBIN/psql" -h 127.0.0.1 -p $P -U postgres -d postgres -At -v ON_ERROR_STOP=1 -c "$1"; }
q "CREATE TABLE companies (id uuid PRIMARY KEY, name text);
   INSERT INTO companies VALUES ('00000000-0000-0000-0000-000000000001', 'one');
   CREATE TABLE with_fk (id bigserial PRIMARY KEY, company_id uuid NOT NULL REFERENCES companies (id), amount bigint);
   CREATE TABLE without_fk (id bigserial PRIMARY KEY, company_id uuid NOT NULL, amount bigint);" >/dev/null
REL=$(q "SELECT '1663/' || (SELECT oid FROM pg_database WHERE datname = 'postgres') || '/' || pg_relation_filenode('companies')")
for t in with_fk without_fk; do
  printf 'BEGIN;\n' >"$D/$t.sql"
  for a in 1 2 3; do
    printf "INSERT INTO %s (company_id, amount) VALUES ('00000000-0000-0000-0000-000000000001', %d);\n" "$t" "$a" >>"$D/$t.sql"
  done
  printf 'COMMIT;\n' >>"$D/$t.sql"
done
echo "| round | table | transactions | tps | heap LOCK records on the companies row per transaction | MultiXact records per transaction |"
echo "| --- | --- | --- | --- | --- | --- |"
for ((r = 1; r <= ROUNDS; r++)); do
  for t in with_fk without_fk; do
    l0=$(q 'SELECT pg_current_wal_lsn()')
    out=$("$PGBIN/pgbench" -h 127.0.0.1 -p $P -U postgres -n -M prepared -c "$CLIENTS" -j 2 -T "$SECONDS_" -f "$D/$t.sql" postgres 2>&1)
    l1=$(q 'SELECT pg_current_wal_lsn()')
    n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
    lock=$(as_pg "$PGBIN/pg_waldump" -p "$D/data/pg_wal" -s "$l0" -e "$l1" --relation="$REL" 2>/dev/null | grep -c 'desc: LOCK' || true)
    mx=$(as_pg "$PGBIN/pg_waldump" -p "$D/data/pg_wal" -s "$l0" -e "$l1" -r MultiXact 2>/dev/null | grep -c 'desc: CREATE_ID' || true)
    echo "| $r | $t | $n | ${tps%.*} | $(awk -v a="$lock" -v n="$n" 'BEGIN{printf "%.2f", a / n}') | $(awk -v a="$mx" -v n="$n" 'BEGIN{printf "%.2f", a / n}') |"
  done
done
