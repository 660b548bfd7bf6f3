#!/usr/bin/env python3
"""Peer benchmark: load Postgres tables into DuckDB with the Sling CLI (one replication).

Usage (run with /work/main/.venv-bench/bin/python, which has the pinned sling binary and DuckDB CLI):

    sling_load.py --source-url postgresql://user@127.0.0.1:PORT/db --tables tables.json \
        --duckdb /path/out.duckdb --state-dir /path/sling-state --mode full|incremental

tables.json: [{"name": str, "primary_key": [str], "cursor": str, "mode": "merge" | "append"}, ...]

full        one replication, every stream `mode: full-refresh` (target table dropped and rebuilt).
incremental one replication, every stream `mode: incremental` with `update_key: <cursor>`; merge
            tables also get `primary_key` (Sling upserts: delete matching keys + insert), append
            tables get none (Sling appends the new rows). Sling keeps no state of its own for a
            database target: each stream reads `where cursor > (select max(cursor) from target)`,
            so the incremental run must follow a full (or incremental) run into the same --duckdb.

--state-dir holds the generated sling-replication.yaml, Sling's home (sling-home/, SLING_HOME_DIR) and
its temp files (sling-tmp/); nothing else, so it may be shared with dlt_load.py.

Prints exactly one JSON line on stdout at the end:
    {"tool": "sling", "backend": <copy method>, "mode": ..., "rows": N, "seconds": S}
rows: sum over streams of Sling's own "inserted N rows into ..." count. seconds: wall time of the
`sling run` process (start-up, connecting, reading, loading). Sling's log goes to stderr.

See README.md next to this file for why these settings.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

from peer_common import add_common_arguments, load_tables, print_result

SOURCE_CONN = "REBAR_BENCH_PG"
TARGET_CONN = "REBAR_BENCH_DUCKDB"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(p, "working dir: replication.yaml, Sling home, temp files", "DuckDB schema Sling loads into")
    p.add_argument("--copy-method", default="csv_files", choices=["csv_files", "named_pipes", "csv_http"],
                   help="how Sling hands rows to the DuckDB CLI. csv_http (Sling's default) needs the "
                        "DuckDB httpfs extension, which the CLI downloads on first use and which "
                        "cannot be downloaded here; see README")
    p.add_argument("--no-direct-insert", action="store_true",
                   help="do not set SLING_DIRECT_INSERT (load every stream through a temp table)")
    p.add_argument("--sling-bin", default=os.environ.get("SLING_BINARY"),
                   help="sling binary (default: the one in the sling-linux-amd64 wheel)")
    p.add_argument("--duckdb-cli", default=os.environ.get("DUCKDB_PATH"),
                   help="DuckDB CLI binary Sling drives (default: the one in the duckdb-cli wheel)")
    return p.parse_args(argv)


def find_sling_bin(explicit: str | None) -> str:
    if explicit:
        return explicit
    try:
        import sling_linux_amd64  # the wheel that ships the Go binary (no download at run time)
    except ImportError as e:
        raise SystemExit("sling binary not found: install bench/peers/requirements-bench.txt "
                         "or pass --sling-bin / SLING_BINARY") from e
    return sling_linux_amd64.SLING_BIN


def find_duckdb_cli(explicit: str | None) -> tuple[str, str]:
    """Sling drives the DuckDB CLI; without DUCKDB_PATH it would download one from GitHub."""
    path = explicit
    if not path:
        try:
            import duckdb_cli
        except ImportError as e:
            raise SystemExit("DuckDB CLI not found: install bench/peers/requirements-bench.txt "
                             "or pass --duckdb-cli / DUCKDB_PATH") from e
        path = os.path.join(os.path.dirname(duckdb_cli.__file__), "duckdb")
    out = subprocess.run([path, "-version"], capture_output=True, text=True, check=True).stdout
    m = re.match(r"v(\d+\.\d+\.\d+)", out.strip())
    if not m:
        raise SystemExit(f"could not read the DuckDB CLI version from {out!r}")
    return path, m.group(1)


def sling_pg_url(url: str) -> str:
    """Sling's Postgres driver (pgx) tries TLS first by default; the bench server is plain TCP."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    if "sslmode" not in query:
        q = parts.query + ("&" if parts.query else "") + "sslmode=disable"
        parts = parts._replace(query=q)
    return urllib.parse.urlunsplit(parts)


def replication_config(args: argparse.Namespace, tables: list[dict]) -> dict:
    streams: dict[str, dict] = {}
    for t in tables:
        stream: dict = {}
        if args.mode == "incremental":
            stream["update_key"] = t["cursor"]
            if t["mode"] == "merge":
                stream["primary_key"] = list(t["primary_key"])
        streams[f"{args.source_schema}.{t['name']}"] = stream
    return {
        "source": SOURCE_CONN,
        "target": TARGET_CONN,
        "defaults": {
            "mode": "full-refresh" if args.mode == "full" else "incremental",
            "object": args.dataset + ".{stream_table}",
        },
        "streams": streams,
    }


INSERTED_RE = re.compile(r"inserted (\d+) rows into (\S+)")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    tables = load_tables(args.tables)
    state_dir = os.path.abspath(args.state_dir)
    duckdb_path = os.path.abspath(args.duckdb)
    os.makedirs(state_dir, exist_ok=True)
    os.makedirs(os.path.dirname(duckdb_path), exist_ok=True)
    # names prefixed with sling-: the harness may give dlt_load.py the same --state-dir
    sling_home = os.path.join(state_dir, "sling-home")
    sling_tmp = os.path.join(state_dir, "sling-tmp")
    os.makedirs(sling_home, exist_ok=True)
    shutil.rmtree(sling_tmp, ignore_errors=True)
    os.makedirs(sling_tmp, exist_ok=True)

    sling_bin = find_sling_bin(args.sling_bin)
    duckdb_cli, duckdb_version = find_duckdb_cli(args.duckdb_cli)

    # JSON is valid YAML: no PyYAML needed
    repl_path = os.path.join(state_dir, "sling-replication.yaml")
    with open(repl_path, "w") as f:
        json.dump(replication_config(args, tables), f, indent=2)

    env = dict(os.environ)
    env.update({
        SOURCE_CONN: sling_pg_url(args.source_url),
        TARGET_CONN: json.dumps({"type": "duckdb", "instance": duckdb_path,
                                 "copy_method": args.copy_method}),
        "SLING_HOME_DIR": sling_home,
        "SLING_TEMP_DIR": sling_tmp,
        # use the DuckDB CLI from the duckdb-cli wheel (same engine version as Rebar's DuckDB)
        "DUCKDB_PATH": duckdb_cli,
        "DUCKDB_VERSION": duckdb_version,
        # json is statically linked in the CLI; Sling's default `INSTALL json` would try to
        # download it again (no network here), `LOAD json` is all that is needed
        "DUCKDB_USE_INSTALLED_EXTENSIONS": "true",
        "SLING_DISABLE_TELEMETRY": "true",
        "SLING_LOADED_AT_COLUMN": "false",
    })
    if not args.no_direct_insert:
        # write full-refresh and append streams straight into the final table instead of a temp
        # table that is then copied over (Sling falls back to the temp table for upserts)
        env["SLING_DIRECT_INSERT"] = "true"
    env.pop("SLING_THREADS", None)  # not honoured by the open-source CLI's replication loop anyway

    cmd = [sling_bin, "run", "-r", repl_path]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - t0
    log = ANSI_RE.sub("", proc.stdout)
    sys.stderr.write(log)
    if proc.returncode != 0:
        print(f"sling: `{' '.join(cmd)}` exited {proc.returncode}", file=sys.stderr)
        return proc.returncode or 1

    per_table: dict[str, int] = {}
    for n, table in INSERTED_RE.findall(log):
        per_table[table] = per_table.get(table, 0) + int(n)
    rows = sum(per_table.values())
    print(f"sling: {args.mode}: {per_table} in {seconds:.2f}s", file=sys.stderr)
    print_result("sling", args.copy_method, args.mode, rows, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
