"""Checks and names shared by the operations: each refusal is one sentence that says what to do."""

import operator
import re
import sqlite3
from collections.abc import Iterable

from dubstudio.project import queries
from dubstudio.project.errors import InvalidEditError

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def sample(value) -> int:
    """A time in samples: an integer, never a float (exact time only)."""
    return operator.index(value)


def line_number(conn: sqlite3.Connection, line_id: int) -> int:
    """The number of a line in the script; refuses a line that is not in it."""
    number = queries.line_number(conn, line_id)
    if number is None:
        raise InvalidEditError(f"Line id {line_id} is not in the script (merged away or never there): "
                               "refresh the view and try again.")
    return number


def line_numbers(conn: sqlite3.Connection, line_ids: Iterable[int]) -> list[int]:
    numbers = [line_number(conn, line_id) for line_id in dict.fromkeys(line_ids)]
    if not numbers:
        raise InvalidEditError("No lines were given: select one or more lines first.")
    return numbers


def lines_words(numbers: list[int]) -> str:
    """'line 12' or '3 lines', for operation names."""
    return f"line {numbers[0]}" if len(numbers) == 1 else f"{len(numbers)} lines"


def check_language(conn: sqlite3.Connection, language: str) -> None:
    if conn.execute("SELECT 1 FROM target_languages WHERE code = ?", (language,)).fetchone() is None:
        targets = ", ".join(code for (code,) in conn.execute("SELECT code FROM target_languages ORDER BY position"))
        raise InvalidEditError(f"'{language}' is not a target language of this project: use one of "
                               f"{targets}.")


def translation_row(conn: sqlite3.Connection, line_id: int, language: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM translations WHERE line_id = ? AND language = ?",
                        (line_id, language)).fetchone()


def speaker_name(conn: sqlite3.Connection, speaker_id: int) -> str:
    row = conn.execute("SELECT name FROM speakers WHERE id = ?", (speaker_id,)).fetchone()
    if row is None:
        raise InvalidEditError(f"Speaker id {speaker_id} is not in this project: refresh the view and "
                               "choose a listed speaker.")
    return row[0]
