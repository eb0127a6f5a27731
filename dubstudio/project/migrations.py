"""Schema versions: MIGRATIONS[i] takes a project file from schema i to schema i + 1.

A new project is built by running them all from 0, so the path an old file takes to the current
schema is the path every new file takes too. A later schema appends one SQL script here, never edits
an earlier one.
"""

import sqlite3

from dubstudio.project import schema

MIGRATIONS: list[str] = [schema.V1, schema.V2]


def schema_version() -> int:
    """The schema this version of DubStudio writes (read at call time, so tests can add a step)."""
    return len(MIGRATIONS)


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one inside the caller's transaction (executescript would commit it)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {statement.strip()[:80]}")


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Bring the file to the current schema in one transaction: all steps or none."""
    # Table rebuilds in later steps need foreign keys off (SQLite's documented procedure); the
    # foreign_key_check below still refuses a step that leaves a dangling reference.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for step in MIGRATIONS[from_version:]:
                run_script(conn, step)
            dangling = conn.execute("PRAGMA foreign_key_check").fetchone()
            if dangling:
                raise sqlite3.IntegrityError(f"migration left a dangling reference in {dangling[0]}")
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {schema_version()}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
