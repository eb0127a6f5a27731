"""Writes that come from the pipeline and the setup, not from an edit: lines from transcription,
machine translations, new takes and their figures, lip-sync results, speakers, voices, consents.

They are not on the undo stack (Undo means "my last action", not "the last job result"), but each runs
in one transaction and reports what it changed like an operation does. A machine result never
replaces a person's work: a translation someone edited or approved keeps its text.
"""

import json
from collections.abc import Iterable, Mapping

from dubstudio.project import audio
from dubstudio.project.changes import Tx
from dubstudio.project.db import utc_now
from dubstudio.project.errors import InvalidEditError
from dubstudio.project.models import NewLine
from dubstudio.project.ops.common import check_language, line_number, sample, speaker_name, translation_row


def add_lines(tx: Tx, lines: Iterable[NewLine]) -> list[int]:
    ids = []
    for line in lines:
        start, end = sample(line.start), sample(line.end)
        if not 0 <= start < end:
            raise InvalidEditError(f"A line cannot run from sample {start} to {end}: it must start at 0 or "
                                   "later and end after it starts.")
        if line.speaker_id is not None:
            speaker_name(tx.conn, line.speaker_id)
        words = [[sample(word[0]), sample(word[1]), str(word[2])] for word in line.words]
        ids.append(tx.insert("lines", {"start_sample": start, "end_sample": end, "speaker_id": line.speaker_id,
                                       "source_text": line.source_text, "words": json.dumps(words)}))
    return ids


def set_machine_translations(tx: Tx, language: str, texts: Mapping[int, str],
                             candidates: Mapping[int, Iterable[str]]) -> None:
    check_language(tx.conn, language)
    for line_id, text in texts.items():
        _set_machine_translation(tx, line_id, language, text, candidates.get(line_id, ()))


def _set_machine_translation(tx: Tx, line_id: int, language: str, text: str, candidates: Iterable[str]) -> None:
    """The translator's text and alternatives. If a person has edited or approved the line, their text
    stays and the machine's joins the candidates."""
    line_number(tx.conn, line_id)
    candidates = [str(candidate) for candidate in candidates]
    row = translation_row(tx.conn, line_id, language)
    if row is None:
        tx.insert("translations", {"line_id": line_id, "language": language, "text": text, "status": "machine",
                                   "candidates": json.dumps(candidates)})
    elif row["status"] == "machine":
        tx.update("translations", row["id"], {"text": text, "candidates": json.dumps(candidates)})
    else:
        kept = [c for c in dict.fromkeys([text, *candidates]) if c != row["text"]]
        tx.update("translations", row["id"], {"candidates": json.dumps(kept)})


def add_take(tx: Tx, line_id: int, language: str, samples, sample_rate: int, *, text: str, backend: str,
             voice_id: int | None, params: dict, fit: dict, qa: dict, choose: bool) -> int:
    """A new take, never replacing one. The first take of a line is chosen; a later one is chosen
    when `choose` (a regenerate the user asked for), otherwise the user's choice stands."""
    number = line_number(tx.conn, line_id)
    check_language(tx.conn, language)
    row = translation_row(tx.conn, line_id, language)
    if row is None:
        raise InvalidEditError(f"Line {number} has no {language} translation: translate it before adding a take.")
    if voice_id is not None and tx.conn.execute("SELECT 1 FROM voices WHERE id = ?", (voice_id,)).fetchone() is None:
        raise InvalidEditError(f"Voice id {voice_id} is not in this project: add the voice before its takes.")
    audio_hash = audio.store(tx.conn, samples, sample_rate)
    take_id = tx.conn.execute(
        "INSERT INTO takes (line_id, language, audio_hash, text, backend, voice_id, params, fit, qa, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (line_id, language, audio_hash, text, backend, voice_id, json.dumps(params), json.dumps(fit),
         json.dumps(qa), utc_now())).lastrowid
    if choose or row["chosen_take_id"] is None:
        tx.update("translations", row["id"], {"chosen_take_id": take_id})
    tx.touched.takes.add((line_id, language))
    return take_id


def set_take_figures(tx: Tx, take_id: int, fit: dict | None, qa: dict | None) -> None:
    """Fill in figures measured after synthesis (fit, QA); the take's audio and origin never change."""
    take = tx.conn.execute("SELECT line_id, language FROM takes WHERE id = ?", (take_id,)).fetchone()
    if take is None:
        raise InvalidEditError(f"Take id {take_id} is not in this project: refresh the view and try again.")
    for column, figures in (("fit", fit), ("qa", qa)):
        if figures is not None:
            tx.conn.execute(f"UPDATE takes SET {column} = ? WHERE id = ?", (json.dumps(figures), take_id))
    tx.touched.takes.add((take["line_id"], take["language"]))


def set_lipsync(tx: Tx, line_id: int, language: str, take_id: int, dub_start: int, method: str, params: dict,
                frames: tuple[int, int], segment_key: str, scores: dict) -> None:
    """A line's lip-sync result in one language, replacing the earlier one (its frames are a cache)."""
    number = line_number(tx.conn, line_id)
    check_language(tx.conn, language)
    take = tx.conn.execute("SELECT 1 FROM takes WHERE id = ? AND line_id = ? AND language = ?",
                           (take_id, line_id, language)).fetchone()
    if take is None:
        raise InvalidEditError(f"Take id {take_id} is not one of the {language} takes of line {number}: lip-sync it "
                               "again from its chosen take.")
    first, end = sample(frames[0]), sample(frames[1])
    if not 0 <= first < end:
        raise InvalidEditError(f"A lip-sync cannot cover frames {first} to {end}: it must start at frame 0 or "
                               "later and end after it starts.")
    tx.conn.execute(
        "INSERT INTO lipsync (line_id, language, take_id, dub_start, method, params, first_frame, end_frame, "
        "segment_key, scores, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (line_id, language) DO UPDATE SET take_id = excluded.take_id, dub_start = excluded.dub_start, "
        "method = excluded.method, params = excluded.params, first_frame = excluded.first_frame, "
        "end_frame = excluded.end_frame, segment_key = excluded.segment_key, scores = excluded.scores, "
        "created_at = excluded.created_at",
        (line_id, language, take_id, sample(dub_start), method, json.dumps(params), first, end, segment_key,
         json.dumps(scores), utc_now()))
    tx.touched.lipsync.add((line_id, language))


def add_speaker_reference(tx: Tx, speaker_id: int, samples, sample_rate: int,
                          source_range: tuple[int, int] | None) -> int:
    speaker_name(tx.conn, speaker_id)
    start, end = (None, None) if source_range is None else (sample(source_range[0]), sample(source_range[1]))
    if start is not None and not 0 <= start < end:
        raise InvalidEditError(f"A reference cannot come from sample {start} to {end} of the source: give a "
                               "range inside it.")
    audio_hash = audio.store(tx.conn, samples, sample_rate)
    return tx.conn.execute("INSERT INTO speaker_references (speaker_id, audio_hash, source_start, source_end) "
                           "VALUES (?, ?, ?, ?)", (speaker_id, audio_hash, start, end)).lastrowid


def add_voice(tx: Tx, name: str, backend: str, kind: str, backend_voice: str, speaker_id: int | None,
              params: dict) -> int:
    if kind not in ("stock", "clone"):
        raise InvalidEditError(f"'{kind}' is not a kind of voice: use 'stock' or 'clone'.")
    if kind == "clone":
        if speaker_id is None:
            raise InvalidEditError(f"The cloned voice '{name}' needs the speaker it was cloned from.")
        speaker_name(tx.conn, speaker_id)
    return tx.conn.execute("INSERT INTO voices (name, backend, kind, backend_voice, speaker_id, params, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (name, backend, kind, backend_voice, speaker_id, json.dumps(params), utc_now())).lastrowid


def record_consent(tx: Tx, voice_id: int, person: str, scope: str, evidence: str, recorded_by: str) -> int:
    """An audit record, kept for good: who consented, to what, and where the signed proof is."""
    if tx.conn.execute("SELECT 1 FROM voices WHERE id = ?", (voice_id,)).fetchone() is None:
        raise InvalidEditError(f"Voice id {voice_id} is not in this project: refresh the view and try again.")
    fields = {"person": person.strip(), "scope": scope.strip(), "evidence": evidence.strip()}
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise InvalidEditError(f"A consent record needs the {' and the '.join(missing)}: fill them in, "
                               "as written on the signed consent.")
    return tx.conn.execute("INSERT INTO consents (voice_id, person, scope, evidence, recorded_by, recorded_at) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           (voice_id, *fields.values(), recorded_by, utc_now())).lastrowid
