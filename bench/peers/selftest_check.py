#!/usr/bin/env python3
"""Compare a peer's DuckDB output with the Postgres source (used by selftest.sh).

    selftest_check.py --source-url URL --tables tables.json --duckdb out.duckdb [--dataset raw]

Per table: row count, distinct primary keys (a failed merge shows up as duplicates), min/max of the
cursor, the sum of every numeric column (the self-test's updates change those), and the number
of true and of non-null values of every boolean column. Exits 1 and
says what differs when anything does.
"""
from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal

import duckdb
import psycopg2

NUMERIC_PG = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--source-url", required=True)
    p.add_argument("--tables", required=True)
    p.add_argument("--duckdb", required=True)
    p.add_argument("--dataset", default="raw")
    p.add_argument("--source-schema", default="public")
    args = p.parse_args()

    tables = json.load(open(args.tables))
    pg = psycopg2.connect(args.source_url)
    dk = duckdb.connect(args.duckdb, read_only=True)
    bad = []
    for t in tables:
        name, pk, cursor = t["name"], t["primary_key"], t["cursor"]
        pk = [pk] if isinstance(pk, str) else pk
        with pg.cursor() as cur:
            cur.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (args.source_schema, name))
            cols = cur.fetchall()
            numeric = [c for c, ty in cols if ty in NUMERIC_PG]
            boolean = [c for c, ty in cols if ty == "boolean"]
        pk_expr = "(" + ", ".join(q(c) for c in pk) + ")" if len(pk) > 1 else q(pk[0])
        exprs = ["count(*)", f"count(distinct {pk_expr})", f"min({q(cursor)})", f"max({q(cursor)})"]
        labels = ["rows", "distinct_pk", "min_cursor", "max_cursor"]
        for c in numeric:
            exprs.append(f"sum({q(c)})")
            labels.append(f"sum_{c}")
        for c in boolean:
            exprs.append(f"count(*) filter (where {q(c)})")
            labels.append(f"true_{c}")
            exprs.append(f"count({q(c)})")
            labels.append(f"nonnull_{c}")
        sql_pg = f"select {', '.join(exprs)} from {q(args.source_schema)}.{q(name)}"
        sql_dk = f"select {', '.join(exprs)} from {q(args.dataset)}.{q(name)}"
        with pg.cursor() as cur:
            cur.execute(sql_pg)
            want = cur.fetchone()
        got = dk.execute(sql_dk).fetchone()
        for label, w, g in zip(labels, want, got):
            if isinstance(w, Decimal) or isinstance(g, Decimal):
                same = w is not None and g is not None and Decimal(str(w)) == Decimal(str(g))
                same = same or (w is None and g is None)
            else:
                same = w == g
            if not same:
                bad.append(f"{name}.{label}: postgres={w!r} duckdb={g!r}")
        print(f"check {args.duckdb}: {name}: " + ", ".join(f"{l}={g}" for l, g in zip(labels[:2], got[:2])),
              file=sys.stderr)
    if bad:
        print("MISMATCH in " + args.duckdb + ":\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
