"""Operations on a line's translation: edit, approve, fit strategy, chosen take.

Each takes a Tx, changes rows through it and returns the operation's name for the Edit menu.
"""

from collections.abc import Iterable

from dubstudio.project.changes import Tx
from dubstudio.project.errors import InvalidEditError
from dubstudio.project.ops.common import (
    check_language,
    line_number,
    line_numbers,
    lines_words,
    translation_row,
)
from dubstudio.project.schema import FIT_STRATEGIES


def edit_translation(tx: Tx, line_id: int, language: str, text: str) -> str:
    """A person's text: status 'edited', which also withdraws an approval."""
    number = line_number(tx.conn, line_id)
    check_language(tx.conn, language)
    row = translation_row(tx.conn, line_id, language)
    if row is None:
        tx.insert("translations", {"line_id": line_id, "language": language, "text": text, "status": "edited"})
    elif row["text"] != text:
        tx.update("translations", row["id"], {"text": text, "status": "edited"})
    return f"Edit translation of line {number} ({language})"


def approve(tx: Tx, line_ids: Iterable[int], language: str) -> str:
    line_ids = list(line_ids)
    numbers = line_numbers(tx.conn, line_ids)
    check_language(tx.conn, language)
    for line_id, number in zip(dict.fromkeys(line_ids), numbers):
        row = translation_row(tx.conn, line_id, language)
        if row is None or not row["text"].strip():
            raise InvalidEditError(f"Line {number} has no {language} translation to approve: translate it "
                                   "first.")
        tx.update("translations", row["id"], {"status": "approved"})
    return f"Approve {lines_words(numbers)} ({language})"


def set_fit_strategy(tx: Tx, line_ids: Iterable[int], language: str, strategy: str) -> str:
    if strategy not in FIT_STRATEGIES:
        raise InvalidEditError(f"'{strategy}' is not a fit strategy: use one of {', '.join(FIT_STRATEGIES)}.")
    line_ids = list(line_ids)
    numbers = line_numbers(tx.conn, line_ids)
    check_language(tx.conn, language)
    for line_id in dict.fromkeys(line_ids):
        row = translation_row(tx.conn, line_id, language)
        if row is None:
            tx.insert("translations", {"line_id": line_id, "language": language, "text": "", "status": "machine",
                                       "fit_strategy": strategy})
        else:
            tx.update("translations", row["id"], {"fit_strategy": strategy})
    return f"Set fit strategy of {lines_words(numbers)} to {strategy} ({language})"


def choose_take(tx: Tx, take_id: int) -> str:
    take = tx.conn.execute("SELECT id, line_id, language FROM takes WHERE id = ?", (take_id,)).fetchone()
    if take is None:
        raise InvalidEditError(f"Take id {take_id} is not in this project: refresh the view and try again.")
    number = line_number(tx.conn, take["line_id"])
    row = translation_row(tx.conn, take["line_id"], take["language"])
    tx.update("translations", row["id"], {"chosen_take_id": take_id})
    ordinal = tx.conn.execute("SELECT count(*) FROM takes WHERE line_id = ? AND language = ? AND id <= ?",
                              (take["line_id"], take["language"], take_id)).fetchone()[0]
    return f"Choose take {ordinal} of line {number} ({take['language']})"
