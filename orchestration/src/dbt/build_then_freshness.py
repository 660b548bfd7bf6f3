"""`dbt build`, then `dbt source freshness`, in one Python process.

A separate `dbt source freshness` costs seconds of fixed work for a query per table: importing dbt
(~3 s) and writing manifest.json twice (~2-3 s for a 700-node project). Here the second command
reuses the first's imported dbt and its saved parse state, writes no manifest, and writes only
sources.json (dbt's own artifact writer).

Usage: python build_then_freshness.py <freshness target path> <selection: JSON list of dbt
arguments, e.g. ["--select", "source:*.orders"], or [] for every source> -- <dbt build arguments,
as given to the dbt CLI>

Prints the build's events on stdout as the dbt CLI would and exits with its exit code (0 success,
1 failed nodes, 2 an error), whatever freshness does: freshness is informational, and Rebar checks
it with a separate dbt command when sources.json is missing.
"""

import json
import os
import shutil
import sys

from dbt.cli.main import dbtRunner


def exit_code(result):
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def option(args, name):
    return args[args.index(name) + 1] if name in args else None


def freshness_args(build_args, freshness_target, selection):
    """The build's connection, project and target options, this command's selection and target path."""
    args = ["source", "freshness", *selection]
    # The same vars as the build, or dbt would find its saved parse state stale and parse the whole project.
    for name in ("--project-dir", "--profiles-dir", "--target", "--vars"):
        value = option(build_args, name)
        if value is not None:
            args += [name, value]
    return args + [
        "--target-path",
        freshness_target,
        "--no-write-json",
        "--log-level",
        "none",
        "--log-level-file",
        "none",
    ]


def main(argv):
    separator = argv.index("--")
    freshness_target, selection = argv[0], json.loads(argv[1])
    build_args = argv[separator + 1 :]
    build = dbtRunner().invoke(build_args)
    code = exit_code(build)
    sys.stdout.flush()

    os.makedirs(freshness_target, exist_ok=True)
    partial_parse = os.path.join(option(build_args, "--target-path") or "target", "partial_parse.msgpack")
    if os.path.exists(partial_parse):
        shutil.copyfile(partial_parse, os.path.join(freshness_target, "partial_parse.msgpack"))
    freshness = dbtRunner().invoke(freshness_args(build_args, freshness_target, selection))
    if freshness.result is not None and hasattr(freshness.result, "write"):
        written = os.path.join(freshness_target, "sources.json")
        freshness.result.write(written + ".tmp")
        os.replace(written + ".tmp", written)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
