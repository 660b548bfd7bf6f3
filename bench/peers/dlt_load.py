#!/usr/bin/env python3
"""Peer benchmark: load Postgres tables into DuckDB with dlt's sql_database source.

Usage (run with /work/main/.venv-bench/bin/python):

    dlt_load.py --source-url postgresql://user@127.0.0.1:PORT/db --tables tables.json \
        --duckdb /path/out.duckdb --state-dir /path/dlt-state --mode full|incremental \
        [--backend connectorx|pyarrow]

tables.json: [{"name": str, "primary_key": [str], "cursor": str, "mode": "merge" | "append"}, ...]

full        every table is read whole and written with write_disposition=replace (the tables are
            truncated and refilled). An incremental cursor is attached even here, so that dlt
            records the cursor's high-water mark in the pipeline state: dlt resets a replace
            resource's incremental state before extracting, so a full run always reads everything.
incremental each table is read from its last recorded cursor value (dlt.sources.incremental) and
            merged on its primary key (merge tables, strategy delete-insert) or appended (append
            tables). It must follow a full or incremental run with the same --state-dir/--duckdb.

Prints exactly one JSON line on stdout at the end:
    {"tool": "dlt", "backend": ..., "mode": ..., "rows": N, "seconds": S}
rows: rows written to the destination tables this run, from dlt's normalize row counts (dlt's own
      _dlt_* bookkeeping tables excluded). seconds: wall time from building the source (which
      reflects the tables) to the end of pipeline.run (extract, normalize, load); interpreter
      start-up and `import dlt` are not included. Everything else goes to stderr.

See README.md next to this file for why these settings.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from peer_common import add_common_arguments, load_tables, print_result


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(p, "dlt pipelines_dir (pipeline state lives here)", "DuckDB schema dlt loads into")
    p.add_argument("--backend", default="connectorx", choices=["pyarrow", "connectorx"],
                   help="table backend (default connectorx: dlt's documented fastest for Postgres)")
    p.add_argument("--pipeline-name", default="rebar_bench_dlt")
    p.add_argument("--chunk-size", type=int, default=50_000,
                   help="rows per Arrow batch (pyarrow backend; connectorx only with --cx-stream)")
    p.add_argument("--range-start", default="open", choices=["open", "closed"],
                   help="open: cursor > last value (no overlap, no dedup; same as Sling's default); "
                        "closed: cursor >= last value with dlt's overlap de-duplication (dlt's default)")
    p.add_argument("--parallelize", action="store_true",
                   help="extract the tables concurrently in dlt's thread pool (source.parallelize()); "
                        "off by default: no faster on the 2-core bench machine, see README")
    p.add_argument("--cx-stream", action="store_true",
                   help="connectorx: return_type=arrow_stream (batches of --chunk-size) instead of "
                        "reading each table into one Arrow table")
    return p.parse_args(argv)


def sqlalchemy_url(url: str) -> str:
    """SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; this bench pins psycopg2 (C driver)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def configure_env(state_dir: str) -> None:
    """dlt reads its configuration from the environment; set it before dlt is imported."""
    defaults = {
        # no network but the package registries here: never try to phone home
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "RUNTIME__LOG_LEVEL": "WARNING",
        # replace = truncate the destination table and insert (no staging copy); dlt's default,
        # pinned so a config file elsewhere cannot change it
        "DESTINATION__REPLACE_STRATEGY": "truncate-and-insert",
        # keep finished load packages out of the way (they would pile up in --state-dir)
        "LOAD__DELETE_COMPLETED_JOBS": "true",
        "LOAD__TRUNCATE_STAGING_DATASET": "true",
    }
    for k, v in defaults.items():
        os.environ.setdefault(k, v)
    # no stray .dlt/ project config from the working directory, nothing written to ~/.dlt
    os.environ.setdefault("DLT_PROJECT_DIR", state_dir)
    os.environ.setdefault("DLT_DATA_DIR", state_dir)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    tables = load_tables(args.tables)
    state_dir = os.path.abspath(args.state_dir)
    duckdb_path = os.path.abspath(args.duckdb)
    os.makedirs(state_dir, exist_ok=True)
    os.makedirs(os.path.dirname(duckdb_path), exist_ok=True)
    configure_env(state_dir)

    import dlt
    from dlt.sources.sql_database import sql_database
    from dlt.sources.sql_database.helpers import unwrap_json_connector_x

    pipeline = dlt.pipeline(
        pipeline_name=args.pipeline_name,
        pipelines_dir=state_dir,
        destination=dlt.destinations.duckdb(duckdb_path),
        dataset_name=args.dataset,
        progress=None,
    )
    if args.mode == "incremental" and pipeline.first_run:
        print(f"dlt: pipeline {args.pipeline_name!r} in {state_dir} has no previous run: this "
              "incremental run reads every table in full", file=sys.stderr)

    backend_kwargs: dict = {}
    if args.backend == "pyarrow":
        backend_kwargs = {"tz": "UTC"}
    else:
        # connectorx reads with its own (Rust) Postgres client; plain postgresql:// URL
        backend_kwargs = {"conn": args.source_url}
        if args.cx_stream:
            backend_kwargs["return_type"] = "arrow_stream"

    t0 = time.perf_counter()
    source = sql_database(
        credentials=sqlalchemy_url(args.source_url),
        schema=args.source_schema,
        table_names=[t["name"] for t in tables],
        backend=args.backend,
        chunk_size=args.chunk_size,
        reflection_level="full",
        backend_kwargs=backend_kwargs,
    )
    for t in tables:
        resource = source.resources[t["name"]]
        if args.mode == "full":
            disposition = "replace"
        elif t["mode"] == "merge":
            disposition = {"disposition": "merge", "strategy": "delete-insert"}
        else:
            disposition = "append"
        resource.apply_hints(
            primary_key=t["primary_key"],
            write_disposition=disposition,
            incremental=dlt.sources.incremental(t["cursor"], range_start=args.range_start),
        )
        if args.backend == "connectorx":
            # connectorx hands json/jsonb over as JSON-encoded strings with SQL NULL as "null"
            for col, hint in resource.compute_table_schema()["columns"].items():
                if hint.get("data_type") == "json":
                    resource.add_map(unwrap_json_connector_x(col))
    if args.parallelize:
        source = source.parallelize()

    pipeline.run(source, loader_file_format="parquet")
    seconds = time.perf_counter() - t0

    trace = pipeline.last_trace
    row_counts = dict(trace.last_normalize_info.row_counts) if trace and trace.last_normalize_info else {}
    names = {pipeline.default_schema.naming.normalize_table_identifier(t["name"]) for t in tables}
    per_table = {k: v for k, v in row_counts.items() if k in names}
    rows = sum(per_table.values())
    print(f"dlt: {args.mode} via {args.backend}: {per_table} (all counts: {row_counts}) in {seconds:.2f}s",
          file=sys.stderr)
    print_result("dlt", args.backend, args.mode, rows, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
