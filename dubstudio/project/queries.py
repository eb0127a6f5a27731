"""Reading the project: rows to immutable snapshots (models)."""

import json
import sqlite3
from fractions import Fraction
from pathlib import Path

from dubstudio.project.models import (
    Consent,
    GlossaryEntry,
    Line,
    Lipsync,
    Settings,
    SourceMedia,
    Speaker,
    SpeakerReference,
    Take,
    Translation,
    Voice,
    Word,
)

_LINE_COLUMNS = "id, start_sample, end_sample, speaker_id, source_text, words"


def settings(conn: sqlite3.Connection) -> Settings:
    row = conn.execute("SELECT * FROM settings").fetchone()
    languages = tuple(code for (code,) in conn.execute("SELECT code FROM target_languages ORDER BY position"))
    return Settings(row["title"], row["source_language"], languages, row["sample_rate"],
                    Fraction(row["frame_rate_num"], row["frame_rate_den"]))


def source_media(conn: sqlite3.Connection) -> SourceMedia | None:
    row = conn.execute("SELECT * FROM source_media").fetchone()
    if row is None:
        return None
    return SourceMedia(Path(row["path"]), row["relative_path"], row["size"], row["content_hash"],
                       json.loads(row["probe"]))


def _line(row: sqlite3.Row, number: int) -> Line:
    words = tuple(Word(*word) for word in json.loads(row["words"]))
    return Line(row["id"], number, row["start_sample"], row["end_sample"], row["speaker_id"],
                row["source_text"], words)


def lines(conn: sqlite3.Connection) -> list[Line]:
    """The script: live lines in time order, numbered from 1."""
    rows = conn.execute(f"SELECT {_LINE_COLUMNS} FROM lines WHERE removed = 0 ORDER BY start_sample, id")
    return [_line(row, number) for number, row in enumerate(rows, start=1)]


def line_number(conn: sqlite3.Connection, line_id: int) -> int | None:
    """The line's position in the script, or None if it is not in it (merged away or unknown)."""
    row = conn.execute("SELECT start_sample FROM lines WHERE id = ? AND removed = 0", (line_id,)).fetchone()
    if row is None:
        return None
    return conn.execute("SELECT count(*) FROM lines WHERE removed = 0 AND (start_sample, id) <= (?, ?)",
                        (row[0], line_id)).fetchone()[0]


def line(conn: sqlite3.Connection, line_id: int) -> Line | None:
    number = line_number(conn, line_id)
    if number is None:
        return None
    row = conn.execute(f"SELECT {_LINE_COLUMNS} FROM lines WHERE id = ?", (line_id,)).fetchone()
    return _line(row, number)


def _translation(row: sqlite3.Row) -> Translation:
    return Translation(row["line_id"], row["language"], row["text"], row["status"],
                       tuple(json.loads(row["candidates"])), row["fit_strategy"], row["chosen_take_id"])


def translation(conn: sqlite3.Connection, line_id: int, language: str) -> Translation | None:
    row = conn.execute("SELECT * FROM translations WHERE line_id = ? AND language = ?",
                       (line_id, language)).fetchone()
    return _translation(row) if row else None


def translations(conn: sqlite3.Connection, language: str) -> dict[int, Translation]:
    """Translations into one language of the lines in the script, by line id."""
    rows = conn.execute("SELECT t.* FROM translations t JOIN lines l ON l.id = t.line_id "
                        "WHERE t.language = ? AND l.removed = 0", (language,))
    return {row["line_id"]: _translation(row) for row in rows}


def _take(row: sqlite3.Row) -> Take:
    return Take(row["id"], row["line_id"], row["language"], row["audio_hash"], row["text"], row["backend"],
                row["voice_id"], json.loads(row["params"]), json.loads(row["fit"]), json.loads(row["qa"]),
                row["created_at"])


def take(conn: sqlite3.Connection, take_id: int) -> Take | None:
    row = conn.execute("SELECT * FROM takes WHERE id = ?", (take_id,)).fetchone()
    return _take(row) if row else None


def takes(conn: sqlite3.Connection, line_id: int, language: str) -> list[Take]:
    """All takes of a line in one language, oldest first."""
    rows = conn.execute("SELECT * FROM takes WHERE line_id = ? AND language = ? ORDER BY id",
                        (line_id, language))
    return [_take(row) for row in rows]


def speakers(conn: sqlite3.Connection) -> list[Speaker]:
    return [Speaker(row["id"], row["name"]) for row in conn.execute("SELECT * FROM speakers ORDER BY id")]


def speaker_references(conn: sqlite3.Connection, speaker_id: int) -> list[SpeakerReference]:
    rows = conn.execute("SELECT * FROM speaker_references WHERE speaker_id = ? ORDER BY id", (speaker_id,))
    return [SpeakerReference(row["id"], row["speaker_id"], row["audio_hash"], row["source_start"],
                             row["source_end"]) for row in rows]


def voices(conn: sqlite3.Connection) -> list[Voice]:
    rows = conn.execute("SELECT v.*, EXISTS (SELECT 1 FROM consents c WHERE c.voice_id = v.id) AS consented "
                        "FROM voices v ORDER BY v.id")
    return [Voice(row["id"], row["name"], row["backend"], row["kind"], row["backend_voice"], row["speaker_id"],
                  json.loads(row["params"]), bool(row["consented"])) for row in rows]


def consents(conn: sqlite3.Connection, voice_id: int) -> list[Consent]:
    rows = conn.execute("SELECT * FROM consents WHERE voice_id = ? ORDER BY id", (voice_id,))
    return [Consent(row["id"], row["voice_id"], row["person"], row["scope"], row["evidence"],
                    row["recorded_by"], row["recorded_at"]) for row in rows]


def casting(conn: sqlite3.Connection, language: str) -> dict[int, int]:
    """Voice id by speaker id, for one language."""
    rows = conn.execute("SELECT speaker_id, voice_id FROM casting WHERE language = ?", (language,))
    return {speaker_id: voice_id for speaker_id, voice_id in rows}


def glossary(conn: sqlite3.Connection, language: str) -> list[GlossaryEntry]:
    rows = conn.execute("SELECT * FROM glossary WHERE language = ? ORDER BY source_term COLLATE NOCASE",
                        (language,))
    return [GlossaryEntry(row["id"], row["language"], row["source_term"], row["target_term"], row["note"])
            for row in rows]


# The take a line's lip-sync must follow now: its chosen take, placed at the line's start plus its fit offset.
_LIPSYNC = ("SELECT s.*, t.chosen_take_id, l.start_sample, k.fit FROM lipsync s "
            "JOIN lines l ON l.id = s.line_id AND l.removed = 0 "
            "JOIN translations t ON t.line_id = s.line_id AND t.language = s.language "
            "LEFT JOIN takes k ON k.id = t.chosen_take_id")


def _lipsync(row: sqlite3.Row) -> Lipsync:
    placed = None if row["fit"] is None else row["start_sample"] + int(json.loads(row["fit"]).get("offset", 0))
    stale = row["chosen_take_id"] != row["take_id"] or placed != row["dub_start"]
    return Lipsync(row["line_id"], row["language"], row["take_id"], row["dub_start"], row["method"],
                   json.loads(row["params"]), row["first_frame"], row["end_frame"], row["segment_key"],
                   json.loads(row["scores"]), row["created_at"], stale)


def lipsync(conn: sqlite3.Connection, line_id: int, language: str) -> Lipsync | None:
    row = conn.execute(f"{_LIPSYNC} WHERE s.line_id = ? AND s.language = ?", (line_id, language)).fetchone()
    return _lipsync(row) if row else None


def lipsyncs(conn: sqlite3.Connection, language: str) -> dict[int, Lipsync]:
    """Lip-sync results in one language of the lines in the script, by line id, in frame order."""
    rows = conn.execute(f"{_LIPSYNC} WHERE s.language = ? ORDER BY s.first_frame, s.line_id", (language,))
    return {row["line_id"]: _lipsync(row) for row in rows}
