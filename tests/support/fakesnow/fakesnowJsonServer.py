"""Test-only compatibility shim: fakesnow's HTTP server, answering in the JSON result format snowflake-sdk reads.

Used only by the test suite (tests/support/fakesnow.ts) to run the Snowflake loader against the
fakesnow emulator (installed into .venv-fakesnow by scripts/setup). Never part of a deployment.
It bridges what fakesnow 0.12.1 does not yet offer the Node driver (see fakesnow PR #313, JSON
result sets); drop it once fakesnow answers in JSON itself.

snowflake-sdk (Node) only reads JSON result sets (data.rowset); fakesnow always answers SELECTs with
queryResultFormat=arrow + rowsetBase64. This wraps fakesnow.server.app in an ASGI middleware that
decodes the Arrow IPC stream with pyarrow (a fakesnow dependency) and re-encodes each value the way
Snowflake's JSON result format does (every value a string or null).

usage: python fakesnowJsonServer.py [--host 127.0.0.1] [--port 0]
Prints "LISTENING <port>" on stdout once the server is up.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import decimal
import gzip
import json
import os
import re
import socket
import sys
from typing import Any

import pyarrow as pa
import snowflake.connector.errors

import fakesnow.copy_into
import fakesnow.server


def _strict_read_csv() -> None:
    """fakesnow passes read_csv no delimiter (when it is ",") and no escape, so DuckDB sniffs them from
    the file and can guess wrong (e.g. \\ as the escape of a JSON text holding \\"). Snowflake never
    guesses: the delimiter is the FIELD_DELIMITER and, inside enclosed fields, the quote is escaped by
    doubling it. Pin both."""
    original = fakesnow.copy_into.ReadCSV.read_expression

    def read_expression(self, url):  # type: ignore[no-untyped-def]
        expression = original(self, url)
        make_eq = fakesnow.copy_into.ReadCSV.make_eq
        expression.append("expressions", make_eq("delim", self.sep or ","))
        if self.quote:
            expression.append("expressions", make_eq("escape", self.quote))
        return expression

    fakesnow.copy_into.ReadCSV.read_expression = read_expression


_strict_read_csv()


def _clone_keeps_or_replace() -> None:
    """fakesnow rewrites `create or replace table t clone s` to `create table t as select * from s`, dropping
    OR REPLACE, so replacing an existing table by a clone fails ("already exists"). Keep it."""
    import fakesnow.transforms

    original = fakesnow.transforms.create_clone

    def create_clone(expression):  # type: ignore[no-untyped-def]
        replace = bool(expression.args.get("replace"))
        result = original(expression)
        if replace and result is not expression:
            result.set("replace", True)
        return result

    fakesnow.transforms.create_clone = create_clone


_clone_keeps_or_replace()


def _no_comment_without_comment() -> None:
    """fakesnow records a table comment for every CREATE with properties, 'None' when there is none, in its
    global catalog database; DuckDB lets one transaction write only one database, so any CREATE TEMPORARY
    TABLE inside a transaction fails, including the temporary table fakesnow builds to emulate MERGE.
    Snowflake runs MERGE in a transaction. Record a comment only when there is one."""
    import fakesnow.transforms

    original = fakesnow.transforms.extract_comment_on_table

    def extract_comment_on_table(expression):  # type: ignore[no-untyped-def]
        result = original(expression)
        comment = result.args.get("table_comment")
        if comment is not None and comment[1] is None:
            result.set("table_comment", None)
        return result

    fakesnow.transforms.extract_comment_on_table = extract_comment_on_table


_no_comment_without_comment()


SWAP = re.compile(r"^\s*alter\s+schema\s+(?:if\s+exists\s+)?([A-Za-z_][\w$]*)\s+swap\s+with\s+([A-Za-z_][\w$]*)\s*;?\s*$", re.IGNORECASE)


def _swap_schemas() -> None:
    """fakesnow cannot parse `alter schema a swap with b` (DuckDB cannot rename schemas). Emulate it: in one
    DuckDB transaction, move every table of a through a scratch schema to b and every table of b to a, by
    copy. Only tables (what Rebar publishes); comments and declared text lengths are not carried."""
    from fakesnow.cursor import FakeSnowflakeCursor
    from fakesnow.transforms import SUCCESS_NOP

    original = FakeSnowflakeCursor.execute

    def execute(self, command, *args, **kwargs):  # type: ignore[no-untyped-def]
        match = SWAP.match(command) if isinstance(command, str) else None
        if not match:
            return original(self, command, *args, **kwargs)
        database = self._conn.database
        first, second = (name.upper() for name in match.groups())
        duck = self._duck_conn
        tables = lambda schema: [row[0] for row in duck.execute(  # noqa: E731
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ?", [database, schema]).fetchall()]
        if not duck.execute("select 1 from duckdb_schemas() where database_name = ? and schema_name = ?", [database, second]).fetchall():
            raise snowflake.connector.errors.ProgrammingError(msg=f"Schema '{database}.{second}' does not exist or not authorized.", errno=2003, sqlstate="02000")
        scratch = "_FS_SWAP"
        duck.execute("begin transaction")
        try:
            duck.execute(f'create schema "{database}"."{scratch}"')
            for source, target in ((first, scratch), (second, first), (scratch, second)):
                for name in tables(source):
                    duck.execute(f'create table "{database}"."{target}"."{name}" as select * from "{database}"."{source}"."{name}"')
                    duck.execute(f'drop table "{database}"."{source}"."{name}"')
            duck.execute(f'drop schema "{database}"."{scratch}"')
            duck.execute("commit")
        except Exception:
            duck.execute("rollback")
            raise
        self._execute(SUCCESS_NOP.copy())
        return self

    FakeSnowflakeCursor.execute = execute


_swap_schemas()

REMOVE = re.compile(r"^\s*(?:remove|rm)\s+@([A-Za-z_][\w$.]*)(/\S*)?\s*;?\s*$", re.IGNORECASE)


def _remove_stage_files() -> None:
    """fakesnow 0.12.1 has no REMOVE (a parser error). Emulate `remove @stage[/prefix]` on its internal
    stages: every file whose path in the stage starts with the prefix is deleted, as Snowflake does."""
    from fakesnow.cursor import FakeSnowflakeCursor
    from fakesnow.transforms import SUCCESS_NOP
    from fakesnow.transforms.stage import internal_dir, parts_from_var

    original = FakeSnowflakeCursor.execute

    def execute(self, command, *args, **kwargs):  # type: ignore[no-untyped-def]
        match = REMOVE.match(command) if isinstance(command, str) else None
        if not match:
            return original(self, command, *args, **kwargs)
        catalog, schema, stage = parts_from_var(match.group(1), self._conn.database, self._conn.schema)
        root = internal_dir(f"{catalog}.{schema}.{stage}")
        prefix = (match.group(2) or "/").lstrip("/")
        for directory, _, files in os.walk(root):
            for name in files:
                path = os.path.join(directory, name)
                if os.path.relpath(path, root).startswith(prefix):
                    os.remove(path)
        self._execute(SUCCESS_NOP.copy())
        return self

    FakeSnowflakeCursor.execute = execute


_remove_stage_files()

QUALIFIED_TEMPORARY_RELATION = re.compile(
    r'^(\s*create\s+(?:or\s+replace\s+)?)temporary\s+((?:table|view)\s+(?:"?[\w$]+"?\.){2})', re.IGNORECASE
)
# A view's column list of persist_docs comments: `("A" COMMENT $$...$$, "B" COMMENT $$...$$) as (`
VIEW_COLUMN_COMMENTS = re.compile(r'\(\s*(?:"[^"]+"\s+COMMENT\s+\$\$.*?\$\$\s*,?\s*)+\)(?=\s*as\s*\()', re.IGNORECASE | re.DOTALL)


def _qualified_temporary_tables() -> None:
    """dbt-snowflake names the temporary tables and views of snapshots, unit tests and incremental
    models database.schema.name, which fakesnow 0.12.1 cannot create (DuckDB keeps temporary relations
    in a catalog of their own). Here they become ordinary ones, replaced by the next CREATE OR REPLACE.
    A view's persist_docs column comments (a list fakesnow cannot parse) are dropped: documentation only."""
    from fakesnow.cursor import FakeSnowflakeCursor

    original = FakeSnowflakeCursor.execute

    def execute(self, command, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(command, str):
            command = QUALIFIED_TEMPORARY_RELATION.sub(r"\1\2", command)
            if VIEW_COLUMN_COMMENTS.search(command):
                command = VIEW_COLUMN_COMMENTS.sub("", command)
        return original(self, command, *args, **kwargs)

    FakeSnowflakeCursor.execute = execute


_qualified_temporary_tables()

def _transient_clone_rule() -> None:
    """fakesnow ignores TRANSIENT. Snowflake refuses to clone a transient table (what dbt-snowflake builds
    marts as) into a permanent one, and a table created in a transient schema is transient. Track which
    schemas and tables are transient (CREATE, DROP SCHEMA, ALTER SCHEMA ... SWAP WITH) and refuse such a
    clone as Snowflake does, so a publish that would fail on a real account fails here too."""
    import sqlglot
    from sqlglot import exp as sqlexp
    from fakesnow.cursor import FakeSnowflakeCursor

    transient_schemas: set[str] = set()
    transient_tables: set[str] = set()
    original = FakeSnowflakeCursor.execute

    def part(identifier) -> str:  # type: ignore[no-untyped-def]
        return identifier.name if identifier.args.get("quoted") else identifier.name.upper()

    def schema_name(self, node) -> str:  # type: ignore[no-untyped-def]
        parts = [part(p) for p in node.parts]
        return ".".join(([self._conn.database] + parts)[-2:]) if len(parts) < 2 else ".".join(parts[-2:])

    def table_name(self, node) -> str:  # type: ignore[no-untyped-def]
        parts = [part(p) for p in node.parts]
        full = [self._conn.database, self._conn.schema][: max(0, 3 - len(parts))] + parts
        return ".".join(str(p) for p in full[-3:])

    def is_transient(name: str) -> bool:
        return name in transient_tables or name.rsplit(".", 1)[0] in transient_schemas

    def execute(self, command, *args, **kwargs):  # type: ignore[no-untyped-def]
        text = command if isinstance(command, str) else ""
        swap = SWAP.match(text)
        lowered = text.lstrip().lower()
        if not (swap or lowered.startswith("create") or lowered.startswith("drop schema")):
            return original(self, command, *args, **kwargs)
        try:
            tree = None if swap else sqlglot.parse_one(text, read="snowflake")
        except Exception:  # noqa: BLE001 - statements sqlglot cannot read are fakesnow's to judge
            return original(self, command, *args, **kwargs)
        record = lambda: None  # noqa: E731
        if swap:
            first, second = (f"{self._conn.database}.{name.upper()}" for name in swap.groups())
            def record():  # type: ignore[no-redef]
                flags = (first in transient_schemas, second in transient_schemas)
                for name, flag in zip((second, first), flags):
                    (transient_schemas.add if flag else transient_schemas.discard)(name)
                moved = {t for t in transient_tables if t.rsplit(".", 1)[0] in (first, second)}
                transient_tables.difference_update(moved)
                for t in moved:
                    schema, table = t.rsplit(".", 1)
                    transient_tables.add(f"{second if schema == first else first}.{table}")
        elif isinstance(tree, sqlexp.Drop) and (tree.args.get("kind") or "").upper() == "SCHEMA":
            name = schema_name(self, (tree.args.get("tables") or [tree.this])[0])
            def record():  # type: ignore[no-redef]
                transient_schemas.discard(name)
                transient_tables.difference_update({t for t in transient_tables if t.rsplit(".", 1)[0] == name})
        elif isinstance(tree, sqlexp.Create) and (tree.args.get("kind") or "").upper() in ("SCHEMA", "TABLE"):
            properties = tree.args.get("properties")
            transient = bool(properties and properties.find(sqlexp.TransientProperty))
            temporary = bool(properties and properties.find(sqlexp.TemporaryProperty))
            target = tree.this.this if isinstance(tree.this, sqlexp.Schema) else tree.this
            if tree.args["kind"].upper() == "SCHEMA":
                name = schema_name(self, target)
                exists = bool(self._duck_conn.execute(
                    "select 1 from duckdb_schemas() where database_name = ? and schema_name = ?", name.split(".")).fetchall())
                if tree.args.get("exists") and exists:
                    pass
                else:
                    def record():  # type: ignore[no-redef]
                        (transient_schemas.add if transient else transient_schemas.discard)(name)
            else:
                name = table_name(self, target)
                transient = transient or temporary or name.rsplit(".", 1)[0] in transient_schemas
                clone = tree.args.get("clone")
                if clone is not None and not transient and is_transient(table_name(self, clone.this)):
                    raise snowflake.connector.errors.ProgrammingError(
                        msg="SQL compilation error: Transient object cannot be cloned to a permanent object.",
                        errno=2002, sqlstate="42601")
                def record():  # type: ignore[no-redef]
                    (transient_tables.add if transient else transient_tables.discard)(name)
        result = original(self, command, *args, **kwargs)
        record()
        return result

    FakeSnowflakeCursor.execute = execute


# fakesnow has no roles or grants; Rebar's publish grants its reader role, which passes here untested.
# Nor does it take session parameters beyond two (NotImplementedError): the loader's TIMEZONE and
# STATEMENT_TIMEOUT_IN_SECONDS pass here unapplied (fakesnow's DuckDB runs in UTC anyway).
fakesnow.server.shared_fs.nop_regexes = [
    r"^\s*grant\s",
    # persist_docs' table and column comments, $$-quoted, which fakesnow cannot parse (documentation only)
    r"^\s*comment\s+on\s",
    r'^\s*alter\s+table\s+\S+\s+alter\s+"[^"]+"\s+comment\s',
    r"^\s*alter\s+session\s+set\s+timezone\s*=\s*'UTC'\s+statement_timeout_in_seconds\s*=\s*\d+\s*$",
]

# Installed last: it must see each statement as the client sent it (the other patches rewrite some).
_transient_clone_rule()


def _ts(value: dict[str, int]) -> str | None:
    if value.get("epoch") is None:  # fakesnow builds the struct without a validity bitmap: nulls are in the fields
        return None
    ns = int(value["epoch"]) * 1_000_000_000 + int(value["fraction"])
    return format(decimal.Decimal(ns).scaleb(-9), "f")


def to_json_value(value: Any, sf_type: str) -> str | None:
    if value is None:
        return None
    if sf_type == "boolean":
        return "1" if value else "0"
    if sf_type == "date":
        if isinstance(value, datetime.date):
            return str((value - datetime.date(1970, 1, 1)).days)
        return str(value)
    if sf_type == "time":
        # fakesnow sends time as int64 nanoseconds (scale 9)
        return format(decimal.Decimal(int(value)).scaleb(-9), "f")
    if sf_type in ("timestamp_ntz", "timestamp_ltz"):
        return _ts(value)
    if sf_type == "timestamp_tz":
        ts = _ts(value)
        return None if ts is None else f"{ts} {value.get('timezone') or 1440}"
    if sf_type == "binary":
        return bytes(value).hex().upper()
    if sf_type == "real":
        return repr(float(value))
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def arrow_to_rowset(b64: str, rowtype: list[dict[str, Any]]) -> list[list[str | None]]:
    if not b64:
        return []
    table = pa.ipc.open_stream(base64.b64decode(b64)).read_all()
    columns = [c.to_pylist() for c in table.columns]
    types = [c["type"] for c in rowtype]
    return [[to_json_value(v, t) for v, t in zip(row, types)] for row in zip(*columns)]


# Session parameters real Snowflake returns with every result; the Node driver reads them to convert values
# (BINARY_OUTPUT_FORMAT is required for BINARY columns, it throws without it).
RESULT_PARAMETERS = {
    "BINARY_OUTPUT_FORMAT": "HEX",
    "DATE_OUTPUT_FORMAT": "YYYY-MM-DD",
    "TIME_OUTPUT_FORMAT": "HH24:MI:SS",
    "TIMESTAMP_OUTPUT_FORMAT": "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM",
    "TIMESTAMP_NTZ_OUTPUT_FORMAT": "YYYY-MM-DD HH24:MI:SS.FF3",
    "TIMESTAMP_LTZ_OUTPUT_FORMAT": "",
    "TIMESTAMP_TZ_OUTPUT_FORMAT": "",
    "TIMEZONE": "Etc/UTC",
}


def rewrite(body: bytes, status: int) -> tuple[bytes, int]:
    doc = json.loads(body)
    if status >= 500 and isinstance(doc, dict) and doc.get("success") is False:
        # fakesnow answers an unsupported statement with HTTP 500, which the driver retries for minutes;
        # answer like Snowflake answers a failed statement (HTTP 200, success false) so it fails at once
        doc["data"] = {"errorCode": doc.get("code") or "261000", "sqlState": "XX000"}
        return json.dumps(doc).encode(), 200
    data = doc.get("data") or {}
    if isinstance(data, dict) and isinstance(data.get("stageInfo"), dict):
        # PUT: the Node driver's GCS client reads stageInfo.region (TypeError on undefined)
        data["stageInfo"].setdefault("region", "")
    if doc.get("success") and isinstance(data, dict):
        if data.get("queryResultFormat") == "arrow":
            data["rowset"] = arrow_to_rowset(data.pop("rowsetBase64", ""), data.get("rowtype", []))
            data["queryResultFormat"] = "json"
        if "rowset" in data:
            data.setdefault("returned", len(data["rowset"]))
            data.setdefault("total", len(data["rowset"]))
            data.setdefault("version", 1)
        if "rowtype" in data:
            params = {p["name"]: p for p in data.get("parameters") or []}
            for name, value in RESULT_PARAMETERS.items():
                params.setdefault(name, {"name": name, "value": value})
            data["parameters"] = list(params.values())
    return json.dumps(doc).encode(), status


class JsonResults:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/fs_bucket/") and scope["method"] in ("GET", "HEAD"):
            # the Node driver GETs the presigned url before a PUT without OVERWRITE to see if the file exists;
            # fakesnow only routes PUT there (405), which the driver treats as an upload failure
            return await self.bucket_get(scope, send)
        if scope["type"] == "http" and scope["path"].startswith("/session/v1/login-request"):
            if os.environ.get("FAKESNOW_STATEMENT_LOG"):
                receive = await self.logged_login(scope, receive)
            if os.environ.get("FAKESNOW_PASSWORD") or os.environ.get("FAKESNOW_PUBLIC_KEY_FILE"):
                return await self.check_login(scope, receive, send)
        if scope["type"] != "http" or not scope["path"].startswith("/queries/v1/query-request"):
            return await self.app(scope, receive, send)
        if os.environ.get("FAKESNOW_STATEMENT_LOG"):
            receive = await self.logged_statement(receive)

        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def buffering_send(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                status = start["status"]
                try:
                    new_body, status = rewrite(body, status)
                except Exception as e:  # leave non-json bodies alone
                    print(f"rewrite failed: {e!r}", file=sys.stderr)
                    new_body = body
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(new_body)).encode()))
                await send({**start, "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": new_body})

        await self.app(scope, receive, buffering_send)


    @staticmethod
    async def logged_login(scope, receive):
        """Appends what a login asks for, never its credentials, to FAKESNOW_STATEMENT_LOG as
        `{"login": {"warehouse": ..., "sessionParameters": {...}}}`, and replays the request body."""
        from urllib.parse import parse_qs

        body, replay = await JsonResults.buffered(receive)
        try:
            data = json.loads(JsonResults.unzipped(body) or b"{}").get("data") or {}
        except ValueError:
            data = {}
        query = parse_qs(scope.get("query_string", b"").decode())
        login = {"warehouse": (query.get("warehouse") or [None])[0], "sessionParameters": data.get("SESSION_PARAMETERS") or {}}
        with open(os.environ["FAKESNOW_STATEMENT_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"login": login}) + "\n")
        return replay

    @staticmethod
    def unzipped(body: bytes) -> bytes:
        try:
            return gzip.decompress(body)
        except OSError:
            return body

    @staticmethod
    async def buffered(receive):
        """The request's whole body, and a receive() that replays it to the app."""
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay():
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return body, replay

    @staticmethod
    async def logged_statement(receive):
        """Appends the statement's text (one JSON line) to FAKESNOW_STATEMENT_LOG, for the Snowflake
        compatibility gate (scripts/snowflake_compat.py), and replays the request body to fakesnow."""
        body, replay = await JsonResults.buffered(receive)
        try:
            sql_text = json.loads(JsonResults.unzipped(body) or b"{}").get("sqlText")
        except ValueError:
            sql_text = None
        if sql_text:
            with open(os.environ["FAKESNOW_STATEMENT_LOG"], "a", encoding="utf-8") as log:
                log.write(json.dumps({"sqlText": sql_text}) + "\n")
        return replay

    async def check_login(self, scope, receive, send):
        """fakesnow accepts any login. With FAKESNOW_PASSWORD set, a login with another password is refused; with
        FAKESNOW_PUBLIC_KEY_FILE set, a key-pair login (SNOWFLAKE_JWT) is accepted only with a JWT signed by the
        matching private key for ACCOUNT.USER, as Snowflake checks it (RS256, sub = ACCOUNT.USER). Refusals look
        like Snowflake's (HTTP 200, success false, code 390100 or 390144)."""
        body, replay = await JsonResults.buffered(receive)
        text = JsonResults.unzipped(body)
        data = json.loads(text or b"{}").get("data") or {}
        refusal = self.login_refusal(data)
        if refusal:
            code, text = refusal
            payload = json.dumps({"data": {"nextAction": "RETRY_LOGIN", "authnMethod": data.get("AUTHENTICATOR") or "USERNAME_PASSWORD"},
                                  "code": code, "message": text, "success": False}).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
            return
        await self.app(scope, replay, send)

    @staticmethod
    def login_refusal(data: dict[str, Any]) -> tuple[str, str] | None:
        if public_key_file := os.environ.get("FAKESNOW_PUBLIC_KEY_FILE"):
            import jwt

            if data.get("AUTHENTICATOR") != "SNOWFLAKE_JWT" or not data.get("TOKEN"):
                return "390144", "JWT token is invalid (a key-pair login is required)."
            import hashlib

            from cryptography.hazmat.primitives import serialization

            public_pem = open(public_key_file, "rb").read()
            der = serialization.load_pem_public_key(public_pem).public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            fingerprint = base64.b64encode(hashlib.sha256(der).digest()).decode()
            subject = f"{data.get('ACCOUNT_NAME', '')}.{data.get('LOGIN_NAME', '')}".upper()
            try:
                # The signature, the subject and the key's fingerprint in the issuer are what pick and prove the key;
                # the Node driver writes iat/exp in milliseconds, so their check is left to Snowflake.
                claims = jwt.decode(data["TOKEN"], public_pem, algorithms=["RS256"], options={"verify_iat": False, "verify_exp": False})
            except jwt.PyJWTError:
                return "390144", "JWT token is invalid."
            if claims.get("sub") != subject or claims.get("iss") != f"{subject}.SHA256:{fingerprint}":
                return "390144", "JWT token is invalid."
            return None
        if data.get("PASSWORD") != os.environ["FAKESNOW_PASSWORD"]:
            return "390100", "Incorrect username or password was specified."
        return None

    async def bucket_get(self, scope, send):
        from urllib.parse import unquote

        from fakesnow.transforms.stage import LOCAL_BUCKET_PATH

        target = os.path.normpath(os.path.join(LOCAL_BUCKET_PATH, unquote(scope["path"][len("/fs_bucket/"):])))
        found = target.startswith(LOCAL_BUCKET_PATH + os.sep) and os.path.isfile(target)
        body = open(target, "rb").read() if found else b""
        await send({"type": "http.response.start", "status": 200 if found else 404,
                    "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def main() -> None:
    import uvicorn

    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    port = a.port
    if not port:
        with socket.socket() as s:
            s.bind((a.host, 0))
            port = s.getsockname()[1]
    config = uvicorn.Config(JsonResults(fakesnow.server.app), host=a.host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    print(f"LISTENING {port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
