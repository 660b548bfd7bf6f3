"""What dlt_load.py and sling_load.py share: their common arguments, tables.json, the result line."""
from __future__ import annotations

import argparse
import json


def add_common_arguments(p: argparse.ArgumentParser, state_dir_help: str, dataset_help: str) -> None:
    p.add_argument("--source-url", required=True, help="postgresql://user[:pw]@host:port/db")
    p.add_argument("--tables", required=True, help="path to tables.json")
    p.add_argument("--duckdb", required=True, help="DuckDB database file to load into")
    p.add_argument("--state-dir", required=True, help=state_dir_help)
    p.add_argument("--mode", required=True, choices=["full", "incremental"])
    p.add_argument("--source-schema", default="public", help="Postgres schema of the tables")
    p.add_argument("--dataset", default="raw", help=dataset_help)


def load_tables(path: str) -> list[dict]:
    with open(path) as f:
        tables = json.load(f)
    if not isinstance(tables, list) or not tables:
        raise SystemExit(f"{path}: expected a non-empty JSON list of tables")
    for t in tables:
        for key in ("name", "primary_key", "cursor", "mode"):
            if key not in t:
                raise SystemExit(f"{path}: table {t!r} lacks {key!r}")
        if t["mode"] not in ("merge", "append"):
            raise SystemExit(f"{path}: table {t['name']}: mode must be merge or append")
        if isinstance(t["primary_key"], str):
            t["primary_key"] = [t["primary_key"]]
    return tables


def print_result(tool: str, backend: str, mode: str, rows: int, seconds: float) -> None:
    """The one JSON line on stdout the benchmark harness reads (bench/harness/peers.ts)."""
    print(json.dumps({"tool": tool, "backend": backend, "mode": mode, "rows": rows, "seconds": round(seconds, 3)}))
