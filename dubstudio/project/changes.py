"""Row-level change recording: how every operation becomes undoable without undo code of its own.

Operations write the tracked tables only through a Tx, which records for each row what it was and
what it became (only the columns that changed). The undo history stores that list; undo writes the
"before" values back, redo the "after" values. The same record says what changed, so views redraw
only that (OpChanges, after Anki).
"""

import sqlite3
from dataclasses import dataclass, fields
from typing import NamedTuple

# The tables user operations change. Takes, audio and consents are append-only and never undone.
TRACKED = ("lines", "translations", "casting", "glossary")


@dataclass(frozen=True, slots=True)
class OpChanges:
    """What an operation (or undo, redo, job result) changed."""

    lines: frozenset[int] = frozenset()  # lines whose times, speaker or source changed, appeared or went
    line_order: bool = False  # lines appeared, went or moved: renumber and re-sort the script
    translations: frozenset[tuple[int, str]] = frozenset()  # (line_id, language): text, status,
    #                                         candidates, fit strategy or chosen take
    takes: frozenset[tuple[int, str]] = frozenset()  # (line_id, language) with a new take
    casting: frozenset[tuple[int, str]] = frozenset()  # (speaker_id, language)
    glossary: frozenset[str] = frozenset()  # languages whose glossary changed
    lipsync: frozenset[tuple[int, str]] = frozenset()  # (line_id, language) with a new lip-sync result

    def __bool__(self) -> bool:
        return any(getattr(self, field.name) for field in fields(self))


class Change(NamedTuple):
    """One row: before is None for an insert, after is None for a delete; for an update both hold
    only the columns that changed."""

    table: str
    row_id: int
    before: dict | None
    after: dict | None


def read_row(conn: sqlite3.Connection, table: str, row_id: int) -> dict | None:
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return dict(row) if row is not None else None


class Touched:
    """Collects the rows a transaction touched, with whole-row context, and says what that changed."""

    def __init__(self):
        self._rows: list[tuple[str, dict, frozenset[str] | None]] = []
        self.takes: set[tuple[int, str]] = set()
        self.lipsync: set[tuple[int, str]] = set()

    def add(self, table: str, row: dict, columns: frozenset[str] | None) -> None:
        """columns: those an update changed; None for a row that appeared or went."""
        self._rows.append((table, row, columns))

    def op_changes(self) -> OpChanges:
        found = {table: set() for table in TRACKED}
        line_order = False
        for table, row, columns in self._rows:
            if table == "lines":
                found["lines"].add(row["id"])
                line_order |= columns is None or bool(columns & {"start_sample", "removed"})
            elif table == "glossary":
                found["glossary"].add(row["language"])
            else:
                owner = "line_id" if table == "translations" else "speaker_id"
                found[table].add((row[owner], row["language"]))
        return OpChanges(line_order=line_order, takes=frozenset(self.takes), lipsync=frozenset(self.lipsync),
                         **{name: frozenset(keys) for name, keys in found.items()})


class Tx:
    """The write side of one operation: its connection inside a transaction, and the changes made."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.changes: list[Change] = []
        self.touched = Touched()

    def insert(self, table: str, values: dict) -> int:
        names = ", ".join(values)
        marks = ", ".join("?" * len(values))
        row_id = self.conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                   tuple(values.values())).lastrowid
        row = read_row(self.conn, table, row_id)
        self.changes.append(Change(table, row_id, None, row))
        self.touched.add(table, row, None)
        return row_id

    def update(self, table: str, row_id: int, values: dict) -> None:
        """Set the columns that differ; a write that changes nothing records nothing."""
        row = read_row(self.conn, table, row_id)
        diff = {name: value for name, value in values.items() if row[name] != value}
        if not diff:
            return
        assignments = ", ".join(f"{name} = ?" for name in diff)
        self.conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*diff.values(), row_id))
        self.changes.append(Change(table, row_id, {name: row[name] for name in diff}, diff))
        self.touched.add(table, row | diff, frozenset(diff))

    def delete(self, table: str, row_id: int) -> None:
        row = read_row(self.conn, table, row_id)
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        self.changes.append(Change(table, row_id, row, None))
        self.touched.add(table, row, None)
