"""The Snowflake compatibility gate: SQL that DuckDB accepts but Snowflake would not must fail CI.

Two sources of SQL, both parsed with sqlglot's Snowflake dialect:
  1. every node dbt compiles for the prod target (models, snapshots, data tests, analyses), compiled
     offline against the fakesnow emulator (it answers dbt's introspection; no account is reached);
  2. every statement the emulator received during the test suite (the Snowflake loader's, and dbt's
     in the nightly tests), as the test shim logged them (tests/support/fakesnow/fakesnowJsonServer.py
     writes one JSON line per statement).

A statement fails the gate when it does not parse as Snowflake SQL, or when it calls a function, by
the name written, that DuckDB has and Snowflake does not: a DuckDB function that sqlglot's Snowflake
dialect does not know, or renames (regexp_extract -> REGEXP_SUBSTR). Functions DuckDB lacks
(Snowflake-only or user-defined) are left alone: that is what the dispatched macros' snowflake__
variants call.

usage: .venv-fakesnow/bin/python scripts/snowflake_compat.py [--project-dir DIR] [--statements DIR | --no-statements]
Exit 0 when every statement passes; 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATEMENTS = ROOT / ".test-output" / "snowflake-statements"

@dataclass
class Problem:
    where: str
    message: str


def duckdb_function_names() -> set[str]:
    """DuckDB's functions: this venv's engine and, if present, the engine the warehouse runs (.venv)."""
    query = "select distinct lower(function_name) from duckdb_functions()"
    import duckdb

    names = {row[0] for row in duckdb.sql(query).fetchall()}
    warehouse_python = ROOT / ".venv" / "bin" / "python"
    if warehouse_python.exists():
        listed = subprocess.run(
            [str(warehouse_python), "-c", f"import duckdb, json; print(json.dumps([r[0] for r in duckdb.sql({query!r}).fetchall()]))"],
            capture_output=True,
            text=True,
            check=True,
        )
        names |= set(json.loads(listed.stdout))
    return names


def written_name(sql: str, node: exp.Func) -> str | None:
    """The function's name as the SQL spells it (sqlglot records where its name token is)."""
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    start, end = node.meta.get("start"), node.meta.get("end")
    if start is None or end is None:
        return None
    return sql[start : end + 1].lower()


def native_spelling(node: exp.Func, name: str) -> bool:
    """Whether sqlglot's Snowflake dialect writes this function back under the name it was written with."""
    if isinstance(node, exp.Anonymous):
        return False
    try:
        return node.sql(dialect="snowflake").lower().startswith(f"{name}(")
    except Exception:  # noqa: BLE001 - a node sqlglot cannot write for Snowflake is not native
        return False


def check_statement(sql: str, where: str, duckdb_names: set[str], commands_allowed: bool) -> list[Problem]:
    try:
        trees = sqlglot.parse(sql, read="snowflake")
    except (ParseError, TokenError) as error:
        first = str(error).splitlines()[0][:200]
        return [Problem(where, f"does not parse as Snowflake SQL: {first}")]
    problems: list[Problem] = []
    for tree in trees:
        if tree is None:
            continue
        if isinstance(tree, exp.Command) and not commands_allowed:
            problems.append(Problem(where, f"sqlglot reads it only as an opaque command: {sql.strip()[:120]}"))
            continue
        for node in tree.find_all(exp.Func):
            name = written_name(sql, node)
            if not name or name not in duckdb_names:
                continue
            if native_spelling(node, name):
                continue
            problems.append(Problem(where, f"calls {name}(), a DuckDB function Snowflake does not have"))
    return problems


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def compile_prod(project_dir: Path, target_path: Path) -> None:
    """dbt compile --target prod against a fakesnow emulator on a free loopback port."""
    port = free_port()
    fakesnow = subprocess.Popen(
        [str(ROOT / ".venv-fakesnow" / "bin" / "fakesnow"), "-s", "-p", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or fakesnow.poll() is not None:
                    raise SystemExit(f"snowflake gate: the fakesnow emulator did not start on port {port}")
                time.sleep(0.2)
        env = {
            **os.environ,
            "SNOWFLAKE_ACCOUNT": "fakesnow",
            "SNOWFLAKE_USER": "rebar_gate",
            "SNOWFLAKE_PASSWORD": "gate-only",
            "SNOWFLAKE_DATABASE": "REBAR",
            "SNOWFLAKE_WAREHOUSE": "REBAR_WH",
            "SNOWFLAKE_SCHEMA": "ANALYTICS",
            "SNOWFLAKE_HOST": "127.0.0.1",
            "SNOWFLAKE_PORT": str(port),
            "SNOWFLAKE_PROTOCOL": "http",
            "DBT_PROFILES_DIR": str(project_dir),
        }
        dbt = ROOT / ".venv" / "bin" / "dbt"
        for args in (["seed"], ["compile"]):
            result = subprocess.run(
                [str(dbt), *args, "--target", "prod", "--project-dir", str(project_dir), "--target-path", str(target_path), "--quiet"],
                env=env,
                capture_output=True,
                text=True,
                cwd=project_dir,
            )
            if result.returncode != 0:
                raise SystemExit(f"snowflake gate: dbt {args[0]} --target prod failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    finally:
        fakesnow.terminate()
        fakesnow.wait(timeout=30)


def compiled_nodes(target_path: Path) -> list[tuple[str, str]]:
    compiled = target_path / "compiled"
    return [(str(path.relative_to(compiled)), path.read_text()) for path in sorted(compiled.rglob("*.sql"))]


def loader_statements(directory: Path) -> list[tuple[str, str]]:
    statements: dict[str, str] = {}
    for log in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(log.read_text().splitlines(), start=1):
            text = json.loads(line).get("sqlText")  # other lines: a login's session parameters
            if text:
                statements.setdefault(text, f"{log.name}:{number}")
    return [(where, text) for text, where in statements.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="the dbt project to compile (default: this one)")
    parser.add_argument("--statements", type=Path, default=DEFAULT_STATEMENTS, help="the statement logs the emulator tests wrote")
    parser.add_argument("--no-statements", action="store_true", help="check the compiled dbt project only")
    options = parser.parse_args()
    # sqlglot warns for every statement it reads as a command; the gate decides what a command may be.
    logging.getLogger("sqlglot").setLevel(logging.ERROR)

    duckdb_names = duckdb_function_names()
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="rebar-gate-") as target:
        compile_prod(options.project_dir.resolve(), Path(target))
        nodes = compiled_nodes(Path(target))
        for where, sql in nodes:
            problems += check_statement(sql, f"dbt {where}", duckdb_names, commands_allowed=False)
    statements: list[tuple[str, str]] = []
    if not options.no_statements:
        if not options.statements.is_dir() or not any(options.statements.glob("*.jsonl")):
            print(
                f"snowflake gate: no statements logged under {options.statements}: run the emulator tests first "
                "(npm test runs them before this gate), or pass --no-statements",
                file=sys.stderr,
            )
            return 1
        statements = loader_statements(options.statements)
        for where, sql in statements:
            # PUT, REMOVE, LIST and session settings are commands sqlglot does not model.
            problems += check_statement(sql, f"statement {where}", duckdb_names, commands_allowed=True)
    for problem in problems:
        print(f"{problem.where}: {problem.message}", file=sys.stderr)
    verdict = "FAILED" if problems else "passed"
    print(
        f"snowflake gate {verdict}: {len(nodes)} compiled dbt nodes and {len(statements)} distinct statements sent to the emulator "
        f"parsed as Snowflake SQL; {len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
