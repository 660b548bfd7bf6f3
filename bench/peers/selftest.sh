#!/usr/bin/env bash
# Self-test of the peer loaders against a throwaway Postgres:
#   seed 3 tables (N + N/2 + N rows) -> full load with each peer -> check against Postgres ->
#   update 1% of the mutable rows and append N/50 events -> incremental load -> check that each
#   peer reported exactly the changed rows and that its DuckDB matches Postgres -> one more
#   incremental run with no changes (must report 0 rows).
#
#   bench/peers/selftest.sh [N]          (default N=100000; needs .venv-bench, see README.md)
#
# Env: PGBIN (default /usr/lib/postgresql/15/bin), PGPORT_SELFTEST (default 55439),
#      KEEP=1 keeps the work dir (Postgres is stopped either way),
#      DLT_ARGS / SLING_ARGS: extra arguments for dlt_load.py / sling_load.py (e.g. "--range-start closed").
# Prints a summary of every run (rows, seconds); exits non-zero on any mismatch.
set -euo pipefail

N=${1:-100000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=${PY:-$ROOT/.venv-bench/bin/python}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${PGPORT_SELFTEST:-55439}
WORK=$(mktemp -d /tmp/rebar-peers-selftest.XXXXXX)
PGDATA=$WORK/pg
URL="postgresql://postgres@127.0.0.1:$PORT/benchsrc"
TABLES=$HERE/selftest_tables.json
RESULTS=$WORK/results.jsonl

as_pg() {  # initdb/pg_ctl refuse to run as root
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
pg_stop() { as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -m fast stop" >/dev/null 2>&1 || true; }
cleanup() {
  pg_stop
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

[ -x "$PY" ] || { echo "no $PY: create .venv-bench first (bench/peers/README.md)" >&2; exit 2; }
mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres "$WORK" "$PGDATA"
as_pg "'$PGBIN/initdb' -D '$PGDATA' -A trust -U postgres" >"$WORK/initdb.log" 2>&1
as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -o \"-p $PORT -k '$WORK' -c listen_addresses=127.0.0.1\" -l '$PGDATA/server.log' -w start" >/dev/null
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "create database benchsrc" >/dev/null
echo "seeding: crew_checkins=$N tm_ticket_items=$((N / 2)) platform_events=$N" >&2
"${PSQL[@]}" -d benchsrc -v n_checkins="$N" -v n_items="$((N / 2))" -v n_events="$N" \
  -f "$HERE/selftest_seed.sql" 2>/dev/null
warm() {  # read every table once so no peer pays for a cold cache
  "${PSQL[@]}" -d benchsrc -At -c "select sum(length(t::text)) from crew_checkins t; \
    select sum(length(t::text)) from tm_ticket_items t; select sum(length(t::text)) from platform_events t" >/dev/null
}

PEERS=("dlt-connectorx" "dlt-pyarrow" "sling")
state_dir() {  # like bench/harness/peers.ts, dlt and Sling share one state dir (a second dlt needs its own)
  if [ "$1" = dlt-pyarrow ]; then echo "$WORK/state-pyarrow"; else echo "$WORK/state"; fi
}
run_peer() {  # peer mode
  local peer=$1 mode=$2 out
  case $peer in
    dlt-*) out=$("$PY" "$HERE/dlt_load.py" --source-url "$URL" --tables "$TABLES" --mode "$mode" \
             --backend "${peer#dlt-}" --duckdb "$WORK/$peer.duckdb" --state-dir "$(state_dir "$peer")" \
             ${DLT_ARGS:-} 2>>"$WORK/$peer.log") ;;
    sling) out=$("$PY" "$HERE/sling_load.py" --source-url "$URL" --tables "$TABLES" --mode "$mode" \
             --duckdb "$WORK/$peer.duckdb" --state-dir "$(state_dir "$peer")" ${SLING_ARGS:-} \
             2>>"$WORK/$peer.log") ;;
  esac
  echo "$out" >>"$RESULTS"
  echo "$out"
}
rows_of() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["rows"])' "$1"; }
fail=0
check() {  # peer expected_rows json_line
  local peer=$1 want=$2 got
  got=$(rows_of "$3")
  if [ "$got" != "$want" ]; then echo "FAIL $peer: reported $got rows, expected $want" >&2; fail=1; fi
  if ! "$PY" "$HERE/selftest_check.py" --source-url "$URL" --tables "$TABLES" \
       --duckdb "$WORK/$peer.duckdb" 2>>"$WORK/$peer.log"; then
    echo "FAIL $peer: DuckDB differs from Postgres (see below)" >&2
    tail -5 "$WORK/$peer.log" >&2
    fail=1
  fi
}

total=$((N + N / 2 + N))
for peer in "${PEERS[@]}"; do
  warm
  check "$peer" "$total" "$(run_peer "$peer" full)"
done

new_events=$((N / 50))
"${PSQL[@]}" -d benchsrc -v n_new_events="$new_events" -f "$HERE/selftest_changes.sql"
changed=$("${PSQL[@]}" -d benchsrc -At -c "select (select count(*) from crew_checkins where id % 100 = 0) \
  + (select count(*) from tm_ticket_items where id % 100 = 0) + $new_events")
echo "changed rows: $changed (1% of crew_checkins and tm_ticket_items updated, $new_events events appended)" >&2

for peer in "${PEERS[@]}"; do
  warm
  check "$peer" "$changed" "$(run_peer "$peer" incremental)"
done
for peer in "${PEERS[@]}"; do
  check "$peer" 0 "$(run_peer "$peer" incremental)"
done

echo "--- summary (N=$N) ---" >&2
"$PY" - "$RESULTS" <<'EOF' >&2
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
seen = {}
for r in runs:
    key = (r["tool"], r["backend"], r["mode"])
    seen[key] = seen.get(key, 0) + 1
    label = r["mode"] + ("" if seen[key] == 1 else " (no changes)")
    print(f'{r["tool"]:6} {r["backend"]:11} {label:26} rows={r["rows"]:>8}  seconds={r["seconds"]:.2f}')
EOF
if [ "$fail" = 0 ]; then echo "selftest: all peers match Postgres" >&2; else echo "selftest: FAILED" >&2; fi
exit "$fail"
