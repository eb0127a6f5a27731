"""The undo history, kept in the project file so it survives closing and reopening.

Linear: entries not undone form the undo stack, undone ones the redo stack; a new operation drops
the redo stack. Job results (new takes, machine translations) are not on the stack, so Undo always
means "my last action". They can still touch a row an entry would restore; every step therefore first
checks that the row is as the entry left it, and a step that would overwrite newer work is refused
and dropped rather than applied.
"""

import json
import sqlite3

from dubstudio.project import queries
from dubstudio.project.changes import TRACKED, Change, Touched, read_row
from dubstudio.project.db import utc_now
from dubstudio.project.models import UndoStatus

HISTORY_LIMIT = 1000  # entries kept for undo; older ones are dropped as new ones come


class Conflict(Exception):
    """A step cannot be applied: `what` changed since the entry was made."""

    def __init__(self, entry_id: int, name: str, what: str):
        super().__init__(what)
        self.entry_id, self.name, self.what = entry_id, name, what


def push(conn: sqlite3.Connection, op: str, name: str, changes: list[Change]) -> None:
    conn.execute("DELETE FROM history WHERE undone = 1")
    encoded = json.dumps([list(change) for change in changes], separators=(",", ":"))
    conn.execute("INSERT INTO history (name, op, changes, created_at) VALUES (?, ?, ?, ?)",
                 (name, op, encoded, utc_now()))
    conn.execute("DELETE FROM history WHERE undone = 0 AND id <= (SELECT id FROM history WHERE undone = 0 "
                 "ORDER BY id DESC LIMIT 1 OFFSET ?)", (HISTORY_LIMIT,))


def status(conn: sqlite3.Connection) -> UndoStatus:
    undo = conn.execute("SELECT name FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
    redo = conn.execute("SELECT name FROM history WHERE undone = 1 ORDER BY id LIMIT 1").fetchone()
    return UndoStatus(undo[0] if undo else None, redo[0] if redo else None)


def undo(conn: sqlite3.Connection) -> Touched | None:
    """Restore the state before the latest entry; None when there is nothing to undo."""
    entry = conn.execute("SELECT * FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
    if entry is None:
        return None
    touched = Touched()
    for change in reversed(_changes(entry)):
        _step(conn, entry, change.table, change.row_id, change.after, change.before, touched)
    conn.execute("UPDATE history SET undone = 1 WHERE id = ?", (entry["id"],))
    return touched


def redo(conn: sqlite3.Connection) -> Touched | None:
    """Apply again the earliest undone entry; None when there is nothing to redo."""
    entry = conn.execute("SELECT * FROM history WHERE undone = 1 ORDER BY id LIMIT 1").fetchone()
    if entry is None:
        return None
    touched = Touched()
    for change in _changes(entry):
        _step(conn, entry, change.table, change.row_id, change.before, change.after, touched)
    conn.execute("UPDATE history SET undone = 0 WHERE id = ?", (entry["id"],))
    return touched


def drop(conn: sqlite3.Connection, entry_id: int) -> None:
    conn.execute("DELETE FROM history WHERE id = ?", (entry_id,))


def _changes(entry: sqlite3.Row) -> list[Change]:
    changes = [Change(*item) for item in json.loads(entry["changes"])]
    # The file may come from elsewhere: only our own table and column names may reach SQL text.
    for change in changes:
        if change.table not in TRACKED:
            raise ValueError(f"history entry {entry['id']} names an unknown table {change.table!r}")
    return changes


def _step(conn: sqlite3.Connection, entry: sqlite3.Row, table: str, row_id: int,
          expect: dict | None, restore: dict | None, touched: Touched) -> None:
    """Turn the row from `expect` into `restore` (None: no such row), if it is still `expect`."""
    allowed = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    if not set(expect or {}) | set(restore or {}) <= allowed:
        raise ValueError(f"history entry {entry['id']} names unknown columns of {table}")
    current = read_row(conn, table, row_id)
    if expect is None:
        unchanged = current is None
    elif restore is None:
        unchanged = current == expect
    else:
        unchanged = current is not None and all(current[name] == value for name, value in expect.items())
    # a whole row to name the thing by: the current one, or the one a delete or insert recorded
    row = current if current is not None else (expect if restore is None else None)
    what = _describe(conn, table, row) if row is not None else f"a row of {table}"
    if not unchanged:
        raise Conflict(entry["id"], entry["name"], what)
    try:
        if expect is None:
            names = ", ".join(restore)
            conn.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(restore))})",
                         tuple(restore.values()))
            touched.add(table, restore, None)
        elif restore is None:
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
            touched.add(table, current, None)
        else:
            assignments = ", ".join(f"{name} = ?" for name in restore)
            conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*restore.values(), row_id))
            touched.add(table, current | restore, frozenset(restore))
    except sqlite3.IntegrityError:
        # e.g. a take arrived for a line this step would remove
        raise Conflict(entry["id"], entry["name"], what) from None


def _describe(conn: sqlite3.Connection, table: str, row: dict) -> str:
    """The changed thing, in the user's words."""
    if table == "lines":
        return _line_words(conn, row["id"])
    if table == "translations":
        return f"the {row['language']} translation of {_line_words(conn, row['line_id'])}"
    if table == "casting":
        speaker = conn.execute("SELECT name FROM speakers WHERE id = ?", (row["speaker_id"],)).fetchone()
        return f"the {row['language']} voice of {speaker[0] if speaker else 'a speaker'}"
    return f"the {row['language']} glossary entry '{row['source_term']}'"


def _line_words(conn: sqlite3.Connection, line_id: int) -> str:
    number = queries.line_number(conn, line_id)
    return f"line {number}" if number else "a merged line"
