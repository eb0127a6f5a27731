"""Operations on the script's lines: retime, split, merge, reassign speaker.

Lines are never deleted: a merged-away line is hidden (removed = 1) and keeps its takes.
"""

import json
import re
from collections.abc import Iterable, Mapping

from dubstudio.project.changes import Tx
from dubstudio.project.errors import InvalidEditError
from dubstudio.project.ops.common import (
    check_language,
    line_number,
    line_numbers,
    lines_words,
    sample,
    speaker_name,
    translation_row,
)


def _line_row(tx: Tx, line_id: int):
    return tx.conn.execute("SELECT * FROM lines WHERE id = ?", (line_id,)).fetchone()


def retime_line(tx: Tx, line_id: int, start: int, end: int) -> str:
    start, end = sample(start), sample(end)
    number = line_number(tx.conn, line_id)
    if not 0 <= start < end:
        raise InvalidEditError(f"Line {number} cannot run from sample {start} to {end}: it must start at 0 "
                               "or later and end after it starts.")
    tx.update("lines", line_id, {"start_sample": start, "end_sample": end})
    return f"Retime line {number}"


def _default_source_split(text: str, words: list, at: int) -> int:
    """Where the text splits when the caller does not say: between the words before and after `at`,
    when the words match the text's tokens one for one; otherwise the whole text stays in the first part."""
    tokens = list(re.finditer(r"\S+", text))
    if not words or len(tokens) != len(words):
        return len(text)
    before = sum(1 for word in words if word[0] < at)
    return tokens[before].start() if before < len(tokens) else len(text)


def split_line(tx: Tx, line_id: int, at: int, source_at: int | None = None,
               translation_at: Mapping[str, int] | None = None) -> str:
    """Split at sample `at`: the line keeps [start, at), a new line gets [at, end). The source text splits
    at character `source_at` (default: at the word boundary), each translation named in
    `translation_at` at its character index; other translations stay with the first part."""
    at = sample(at)
    number = line_number(tx.conn, line_id)
    line = _line_row(tx, line_id)
    if not line["start_sample"] < at < line["end_sample"]:
        raise InvalidEditError(f"Line {number} runs from sample {line['start_sample']} to {line['end_sample']}: "
                               "split it at a time inside it.")
    text, words = line["source_text"], json.loads(line["words"])
    cut = _default_source_split(text, words, at) if source_at is None else source_at
    if not 0 <= cut <= len(text):
        raise InvalidEditError(f"Line {number}'s source text has {len(text)} characters: split it at a "
                               "position inside it.")
    splits = []
    for language, index in (translation_at or {}).items():
        check_language(tx.conn, language)
        row = translation_row(tx.conn, line_id, language)
        if row is None or not 0 <= index <= len(row["text"]):
            raise InvalidEditError(f"Line {number}'s {language} translation has no character {index}: split it "
                                   "at a position inside its text.")
        splits.append((row, index))
    new_id = tx.insert("lines", {
        "start_sample": at, "end_sample": line["end_sample"], "speaker_id": line["speaker_id"],
        "source_text": text[cut:].strip(), "words": json.dumps([w for w in words if w[0] >= at]),
    })
    tx.update("lines", line_id, {"end_sample": at, "source_text": text[:cut].strip(),
                                 "words": json.dumps([w for w in words if w[0] < at])})
    for row, index in splits:
        tx.insert("translations", {"line_id": new_id, "language": row["language"],
                                   "text": row["text"][index:].strip(), "status": "edited",
                                   "fit_strategy": row["fit_strategy"]})
        tx.update("translations", row["id"], {"text": row["text"][:index].strip(), "status": "edited"})
    return f"Split line {number}"


def _joined(first: str, second: str) -> str:
    return " ".join(part for part in (first.strip(), second.strip()) if part)


def merge_lines(tx: Tx, first_id: int, second_id: int) -> str:
    """Merge two neighbouring lines of the same speaker into the earlier one; the later one is hidden
    and keeps its takes. A joined translation is 'edited' unless a part of it is still machine text."""
    numbers = sorted((line_number(tx.conn, first_id), line_number(tx.conn, second_id)))
    if numbers[1] != numbers[0] + 1:
        raise InvalidEditError(f"Lines {numbers[0]} and {numbers[1]} are not neighbours: merge a line with the "
                               "one right after it.")
    first, second = sorted((_line_row(tx, first_id), _line_row(tx, second_id)),
                           key=lambda row: (row["start_sample"], row["id"]))
    if first["speaker_id"] != second["speaker_id"]:
        raise InvalidEditError(f"Lines {numbers[0]} and {numbers[1]} have different speakers: give them the "
                               "same speaker first.")
    tx.update("lines", second["id"], {"removed": 1})
    tx.update("lines", first["id"], {
        "end_sample": max(first["end_sample"], second["end_sample"]),
        "source_text": _joined(first["source_text"], second["source_text"]),
        "words": json.dumps(json.loads(first["words"]) + json.loads(second["words"])),
    })
    for (language,) in tx.conn.execute("SELECT code FROM target_languages").fetchall():
        ours, theirs = (translation_row(tx.conn, row["id"], language) for row in (first, second))
        if ours is None and theirs is None:
            continue
        text = _joined(ours["text"] if ours else "", theirs["text"] if theirs else "")
        machine = any(row["status"] == "machine" for row in (ours, theirs) if row is not None)
        values = {"text": text, "status": "machine" if machine else "edited", "candidates": "[]"}
        if ours is None:
            tx.insert("translations", {"line_id": first["id"], "language": language, **values})
        else:
            tx.update("translations", ours["id"], values)
    return f"Merge lines {numbers[0]} and {numbers[1]}"


def reassign_speaker(tx: Tx, line_ids: Iterable[int], speaker_id: int) -> str:
    line_ids = list(line_ids)
    numbers = line_numbers(tx.conn, line_ids)
    name = speaker_name(tx.conn, speaker_id)
    for line_id in dict.fromkeys(line_ids):
        tx.update("lines", line_id, {"speaker_id": speaker_id})
    return f"Assign {lines_words(numbers)} to {name}"
