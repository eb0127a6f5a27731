"""Project: an open *.dubproj file, the Python API the CLI and the GUI share.

Reading returns immutable snapshots. Every user action is a named operation that runs in one
transaction, goes on the undo history kept in the file, and returns an OpChanges saying what to redraw.
Job results (lines, machine translations, takes) are written the same way but are not undoable.
One Project per file and per process: the file stays locked until close().
"""

import getpass
import json
import os
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Self

from dubstudio import __version__, timing
from dubstudio.hashing import content_hash
from dubstudio.project import audio, history, ops, queries, relink, results
from dubstudio.project.changes import OpChanges, Tx
from dubstudio.project.db import Database, create_database, open_database, utc_now
from dubstudio.project.errors import (
    InvalidEditError,
    MediaNotFoundError,
    ProjectError,
    ProjectExistsError,
    UndoConflictError,
)
from dubstudio.project.jobs import JobJournal
from dubstudio.project.models import (
    Consent,
    GlossaryEntry,
    Line,
    Lipsync,
    NewLine,
    Settings,
    SourceMedia,
    Speaker,
    SpeakerReference,
    Take,
    Translation,
    UndoStatus,
    Voice,
)
from dubstudio.project.ops.common import LANGUAGE_CODE


def _check_languages(source_language: str, target_languages: list[str]) -> None:
    for code in (source_language, *target_languages):
        if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
            raise InvalidEditError(f"'{code}' is not a language code: use ISO 639 codes such as en, es or pt-BR.")
    if not target_languages or len(set(target_languages)) != len(target_languages):
        raise InvalidEditError("A project needs one or more different target languages: list each once.")


class Project:
    """An open project file (Project.open or Project.create; close it, or use it as a context manager)."""

    def __init__(self, db: Database):
        self._db = db
        self.jobs = JobJournal(db)

    # -- files ---------------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike, *, source_language: str, target_languages: Iterable[str],
               frame_rate: str | int | Fraction, title: str = "") -> "Project":
        """A new project file, opened. It is built under a temporary name and renamed when complete,
        so an interrupted creation never leaves a half-made project under the real name."""
        path = Path(path)
        if path.exists():
            raise ProjectExistsError(f"{path} already exists: open it, or choose another name for the new project.")
        if not path.parent.is_dir():
            raise ProjectError(f"The folder {path.parent} does not exist: create it, or save the project elsewhere.")
        target_languages = list(target_languages)
        _check_languages(source_language, target_languages)
        rate = timing.parse_frame_rate(frame_rate)
        building = path.with_name(f".{path.name}.{os.getpid()}.creating")
        try:
            db = create_database(building)
            try:
                with db.transaction() as conn:
                    conn.execute("INSERT INTO settings (id, title, source_language, sample_rate, frame_rate_num, "
                                 "frame_rate_den, created_at, created_by) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                                 (title, source_language, timing.SAMPLE_RATE, rate.numerator, rate.denominator,
                                  utc_now(), f"DubStudio {__version__}"))
                    conn.executemany("INSERT INTO target_languages (code, position) VALUES (?, ?)",
                                     [(code, position) for position, code in enumerate(target_languages)])
            finally:
                db.close()
            os.replace(building, path)
        finally:
            for leftover in (building, Path(f"{building}-wal")):
                leftover.unlink(missing_ok=True)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike) -> "Project":
        """Open a project for editing; a file that cannot be opened is left untouched."""
        return cls(open_database(Path(path)))

    @property
    def path(self) -> Path:
        return self._db.path

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------------

    def _read(self, query, *args):
        with self._db.reading() as conn:
            return query(conn, *args)

    @property
    def settings(self) -> Settings:
        return self._read(queries.settings)

    def media(self) -> SourceMedia | None:
        return self._read(queries.source_media)

    def lines(self) -> list[Line]:
        """The script in time order, numbered from 1."""
        return self._read(queries.lines)

    def line(self, line_id: int) -> Line | None:
        return self._read(queries.line, line_id)

    def translation(self, line_id: int, language: str) -> Translation | None:
        return self._read(queries.translation, line_id, language)

    def translations(self, language: str) -> dict[int, Translation]:
        """By line id, for the lines in the script."""
        return self._read(queries.translations, language)

    def takes(self, line_id: int, language: str) -> list[Take]:
        return self._read(queries.takes, line_id, language)

    def take(self, take_id: int) -> Take | None:
        return self._read(queries.take, take_id)

    def lipsync(self, line_id: int, language: str) -> Lipsync | None:
        """The line's latest lip-sync in that language (check its `stale` flag before showing it)."""
        return self._read(queries.lipsync, line_id, language)

    def lipsyncs(self, language: str) -> dict[int, Lipsync]:
        """Lip-sync results of the lines in the script, by line id, in frame order."""
        return self._read(queries.lipsyncs, language)

    def speakers(self) -> list[Speaker]:
        return self._read(queries.speakers)

    def speaker_references(self, speaker_id: int) -> list[SpeakerReference]:
        return self._read(queries.speaker_references, speaker_id)

    def voices(self) -> list[Voice]:
        return self._read(queries.voices)

    def consents(self, voice_id: int) -> list[Consent]:
        return self._read(queries.consents, voice_id)

    def casting(self, language: str) -> dict[int, int]:
        """Voice id by speaker id."""
        return self._read(queries.casting, language)

    def glossary(self, language: str) -> list[GlossaryEntry]:
        return self._read(queries.glossary, language)

    def load_audio(self, audio_hash: str):
        """(samples, sample_rate) of a take or reference, exactly as stored; None if unknown."""
        return self._read(audio.load, audio_hash)

    def timecode(self, samples: int) -> str:
        """The timecode of the frame holding this sample, at the project's frame rate."""
        settings = self.settings
        return timing.samples_to_timecode(samples, settings.frame_rate, settings.sample_rate)

    # -- operations (undoable) -----------------------------------------------------------------------

    def _run(self, operation, *args, undoable: bool = True) -> OpChanges:
        with self._db.transaction() as conn:
            tx = Tx(conn)
            name = operation(tx, *args)
            if undoable and tx.changes:
                history.push(conn, operation.__name__, name, tx.changes)
        return tx.touched.op_changes()

    def edit_translation(self, line_id: int, language: str, text: str) -> OpChanges:
        return self._run(ops.edit_translation, line_id, language, text)

    def approve(self, line_ids: Iterable[int], language: str) -> OpChanges:
        return self._run(ops.approve, line_ids, language)

    def set_fit_strategy(self, line_ids: Iterable[int], language: str, strategy: str) -> OpChanges:
        return self._run(ops.set_fit_strategy, line_ids, language, strategy)

    def choose_take(self, take_id: int) -> OpChanges:
        return self._run(ops.choose_take, take_id)

    def retime_line(self, line_id: int, start: int, end: int) -> OpChanges:
        return self._run(ops.retime_line, line_id, start, end)

    def split_line(self, line_id: int, at: int, source_at: int | None = None,
                   translation_at: Mapping[str, int] | None = None) -> OpChanges:
        return self._run(ops.split_line, line_id, at, source_at, translation_at)

    def merge_lines(self, first_id: int, second_id: int) -> OpChanges:
        return self._run(ops.merge_lines, first_id, second_id)

    def reassign_speaker(self, line_ids: Iterable[int], speaker_id: int) -> OpChanges:
        return self._run(ops.reassign_speaker, line_ids, speaker_id)

    def cast_voice(self, speaker_id: int, language: str, voice_id: int | None) -> OpChanges:
        return self._run(ops.cast_voice, speaker_id, language, voice_id)

    def set_glossary_entry(self, language: str, source_term: str, target_term: str, note: str = "") -> OpChanges:
        return self._run(ops.set_glossary_entry, language, source_term, target_term, note)

    def remove_glossary_entry(self, entry_id: int) -> OpChanges:
        return self._run(ops.remove_glossary_entry, entry_id)

    def undo_status(self) -> UndoStatus:
        return self._read(history.status)

    def undo(self) -> OpChanges:
        return self._step(history.undo, "undo")

    def redo(self) -> OpChanges:
        return self._step(history.redo, "redo")

    def _step(self, step, verb: str) -> OpChanges:
        try:
            with self._db.transaction() as conn:
                touched = step(conn)
        except history.Conflict as conflict:
            with self._db.transaction() as conn:
                history.drop(conn, conflict.entry_id)
            raise UndoConflictError(f"Cannot {verb} \u201c{conflict.name}\u201d because {conflict.what} has "
                                    "changed since (a job result was saved there), so that step was dropped "
                                    "from the history: redo the change by hand if you still want it.") from None
        return touched.op_changes() if touched else OpChanges()

    # -- job results and setup (not undoable) --------------------------------------------------------

    def add_lines(self, lines: Iterable[NewLine]) -> OpChanges:
        return self._run(results.add_lines, lines, undoable=False)

    def set_machine_translations(self, language: str, texts: Mapping[int, str],
                                 candidates: Mapping[int, Iterable[str]] | None = None) -> OpChanges:
        """Translator results by line id, in one transaction (a whole film's worth is one commit).
        A translation a person edited or approved keeps its text; the machine's joins its candidates."""
        return self._run(results.set_machine_translations, language, texts, candidates or {}, undoable=False)

    def add_take(self, line_id: int, language: str, samples, sample_rate: int, *, text: str, backend: str,
                 voice_id: int | None = None, params: dict | None = None, fit: dict | None = None,
                 qa: dict | None = None, choose: bool = False) -> int:
        """Store a new take (lossless, never overwritten); returns its id."""
        with self._db.transaction() as conn:
            return results.add_take(Tx(conn), line_id, language, samples, sample_rate, text=text, backend=backend,
                                    voice_id=voice_id, params=params or {}, fit=fit or {}, qa=qa or {},
                                    choose=choose)

    def set_take_figures(self, take_id: int, *, fit: dict | None = None, qa: dict | None = None) -> OpChanges:
        return self._run(results.set_take_figures, take_id, fit, qa, undoable=False)

    def set_lipsync(self, line_id: int, language: str, *, take_id: int, dub_start: int, method: str,
                    frames: tuple[int, int], segment_key: str, scores: dict, params: dict | None = None) -> OpChanges:
        """Keep a line's lip-sync result (frames = (first, end), end exclusive), replacing the earlier one."""
        return self._run(results.set_lipsync, line_id, language, take_id, dub_start, method, params or {}, frames,
                         segment_key, scores, undoable=False)

    def set_source_language(self, code: str) -> None:
        """The source language once transcription has detected it (a project made with 'und')."""
        _check_languages(code, list(self.settings.target_languages))
        with self._db.transaction() as conn:
            conn.execute("UPDATE settings SET source_language = ? WHERE id = 1", (code,))

    def add_speaker(self, name: str) -> int:
        with self._db.transaction() as conn:
            return conn.execute("INSERT INTO speakers (name) VALUES (?)", (name,)).lastrowid

    def add_speaker_reference(self, speaker_id: int, samples, sample_rate: int,
                              source_range: tuple[int, int] | None = None) -> int:
        """Reference audio for a speaker's voice (lossless); source_range: where in the source, in samples."""
        with self._db.transaction() as conn:
            return results.add_speaker_reference(Tx(conn), speaker_id, samples, sample_rate, source_range)

    def add_voice(self, name: str, backend: str, *, kind: str = "stock", backend_voice: str = "",
                  speaker_id: int | None = None, params: dict | None = None) -> int:
        """A voice to cast: a backend's stock voice, or a clone of a speaker (which needs a consent)."""
        with self._db.transaction() as conn:
            return results.add_voice(Tx(conn), name, backend, kind, backend_voice, speaker_id, params or {})

    def record_consent(self, voice_id: int, *, person: str, scope: str, evidence: str,
                       recorded_by: str | None = None) -> int:
        """Record consent to a cloned voice (kept for good); recorded_by defaults to the logged-in user."""
        with self._db.transaction() as conn:
            return results.record_consent(Tx(conn), voice_id, person, scope, evidence,
                                          recorded_by or getpass.getuser())

    # -- source media --------------------------------------------------------------------------------

    def set_source_media(self, path: str | os.PathLike, probe: dict) -> SourceMedia:
        """The video this project dubs: its path, size, content hash and probe info (a JSON dict)."""
        path = Path(path).absolute()
        if not path.is_file():
            raise MediaNotFoundError(f"There is no file at {path}: choose the video this project dubs.")
        size, digest = path.stat().st_size, content_hash(path)
        with self._db.transaction() as conn:
            conn.execute("INSERT INTO source_media (id, path, relative_path, size, content_hash, probe) "
                         "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path, "
                         "relative_path = excluded.relative_path, size = excluded.size, "
                         "content_hash = excluded.content_hash, probe = excluded.probe",
                         (str(path), relink.relative_to_project(self.path, path), size, digest, json.dumps(probe)))
        return self.media()

    def _media_or_raise(self) -> SourceMedia:
        media = self.media()
        if media is None:
            raise MediaNotFoundError(f"{self.path} has no source media yet: set the video it dubs first.")
        return media

    def locate_media(self) -> Path:
        """Where the source media is now, checked by size and content hash."""
        media = self._media_or_raise()
        found = relink.locate(self.path, media)
        if found is not None:
            return found
        if media.path.is_file():
            raise MediaNotFoundError(f"The file at {media.path} is not this project's source media (its content "
                                     "differs): relink the project to the original file.")
        raise MediaNotFoundError(f"The source media {media.path.name} is no longer at {media.path}: relink the "
                                 "project to the folder that holds it now (dubstudio project relink).")

    def relink_media(self, places: Iterable[str | os.PathLike]) -> Path:
        """Find the source media among files or folders (searched recursively) by content hash, and
        remember where it is."""
        media = self._media_or_raise()
        places = [Path(place) for place in places]
        found = relink.search(media, places)
        if found is None:
            where = ", ".join(str(place) for place in places) or "no folder"
            raise MediaNotFoundError(f"No file in {where} is the source media {media.path.name} "
                                     f"({media.size:,} bytes): point to the folder that holds the original file.")
        found = found.absolute()
        with self._db.transaction() as conn:
            conn.execute("UPDATE source_media SET path = ?, relative_path = ?",
                         (str(found), relink.relative_to_project(self.path, found)))
        return found
