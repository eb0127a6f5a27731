"""The editor's open project: the one place that changes it, and the engine work it waits for.

Views read the project and emit requests; the window turns requests into Session calls. Every user
edit is a core operation run here (undoable, named in the Edit menu), and every change — an edit,
undo, redo or a job's result — is announced once through `changed` so each view redraws only that.
Engine work is submitted from here and its results are stored on the main thread (JobList); a first
pass runs the pipeline's stages on a worker thread (the project serialises its connection), and the
window stays usable while it runs.
"""

import logging
import threading
from collections.abc import Callable, Iterable

from dubstudio.ui.background import PostedReporter, run_in_thread
from dubstudio.ui.jobs import JobList, sentence
from PySide6.QtCore import QObject, Qt, Signal

from dubstudio.errors import DubStudioError
from dubstudio.jobs import BATCH, INTERACTIVE, Engine, open_engine
from dubstudio.pipeline import checks
from dubstudio.pipeline import transcribe as transcribe_stage
from dubstudio.pipeline import translate as translate_stage
from dubstudio.pipeline import voices as voices_stage
from dubstudio.pipeline.run import Options, Run
from dubstudio.project import OpChanges, Project
from dubstudio.voices.spec import EMBEDDED_BACKENDS

log = logging.getLogger(__name__)

# What a job result or a whole stage may have changed, for views that cannot be told exactly.
EVERYTHING = OpChanges(line_order=True)


class Session(QObject):
    changed = Signal(object)           # OpChanges
    selectionChanged = Signal(tuple)   # line ids
    playheadChanged = Signal(int)      # samples
    languageChanged = Signal(str)
    undoChanged = Signal()             # the Edit menu's names may have changed
    engineReady = Signal()
    failed = Signal(str)               # one sentence for the user: what went wrong and what to do
    _call = Signal(object)             # a callable to run on the main thread (from worker threads)

    def __init__(self, project: Project, *, options: Options | None = None,
                 engine_factory: Callable[[], Engine] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        settings = project.settings
        source = None if settings.source_language == transcribe_stage.UNDETERMINED else settings.source_language
        self.options = options or Options(source=source, targets=settings.target_languages)
        self.language = settings.target_languages[0]
        self.selection: tuple[int, ...] = ()
        self.playhead = 0
        self.jobs = JobList(self)
        self.engine: Engine | None = None
        self._engine_factory = engine_factory or open_engine
        self._engine_error: str | None = None
        self._waiting: list[Callable[[], None]] = []
        self._call.connect(lambda fn: fn(), Qt.ConnectionType.QueuedConnection)
        self._closed = False

    # -- the engine ---------------------------------------------------------------------------------

    @classmethod
    def from_settings(cls, project: Project, parent: QObject | None = None) -> "Session":
        """A session with the user's settings: studio model folders and the engine (local or a farm)."""
        from dubstudio import settings

        loaded = settings.load()
        language = project.settings.source_language
        options = settings.options(loaded, source=None if language == transcribe_stage.UNDETERMINED else language,
                                   targets=project.settings.target_languages)
        return cls(project, options=options, engine_factory=lambda: settings.open_engine(loaded), parent=parent)

    def start_engine(self) -> None:
        """Start (or connect to) the engine on a worker thread: a local cluster takes seconds."""
        def start():
            try:
                engine = self._engine_factory()
            except Exception as error:  # shown to the user; the editor keeps working without it
                log.exception("starting the engine")
                message = sentence(error)
                self.later(lambda: self._engine_failed(message))
                return
            self.later(lambda: self._engine_started(engine))
        threading.Thread(target=start, name="dubstudio-engine-start", daemon=True).start()

    def _engine_started(self, engine: Engine) -> None:
        if self._closed:
            engine.close()
            return
        self.engine = engine
        self.engineReady.emit()
        waiting, self._waiting = self._waiting, []
        for fn in waiting:
            fn()
        self._warm()

    def _warm(self) -> None:
        """Load the embedded voices the project casts, and the ASR its checks use, behind any work
        already asked for: the first regenerate then waits for no model."""
        voices = {voice.id: voice.backend for voice in self.project.voices()}
        cast = {voices.get(voice_id) for language in self.options.targets
                for voice_id in self.project.casting(language).values()}
        names = sorted(cast & set(EMBEDDED_BACKENDS)) + (["whisper-base"] if self.options.qa else [])
        if names:
            handle = self.engine.submit("warm", {"backends": names}, priority=BATCH)
            self.jobs.track(handle, "Load the voice models", lambda result: None)

    def _engine_failed(self, message: str) -> None:
        self._engine_error = message
        self._waiting.clear()
        self.failed.emit(f"The engine did not start: {message}")

    def with_engine(self, fn: Callable[[], None]) -> None:
        """Run fn now if the engine is up, else as soon as it is."""
        if self.engine is not None:
            fn()
        elif self._engine_error is not None:
            self.failed.emit(f"The engine is not running ({self._engine_error}): restart DubStudio.")
        else:
            self._waiting.append(fn)

    @property
    def run(self) -> Run:
        return Run(self.project, self.engine, self.options)

    def later(self, fn: Callable[[], None]) -> None:
        """Run fn on the main thread (safe to call from any thread)."""
        self._call.emit(fn)

    # -- state views share --------------------------------------------------------------------------

    def select(self, line_ids: Iterable[int], origin: object | None = None) -> None:
        ids = tuple(line_ids)
        if ids != self.selection:
            self.selection = ids
            self.selectionChanged.emit(ids)

    def seek(self, samples: int) -> None:
        samples = max(0, int(samples))
        if samples != self.playhead:
            self.playhead = samples
            self.playheadChanged.emit(samples)

    def set_language(self, language: str) -> None:
        if language not in self.project.settings.target_languages:
            raise ValueError(f"{language} is not a target language of this project")
        if language != self.language:
            self.language = language
            self.languageChanged.emit(language)

    # -- operations ---------------------------------------------------------------------------------

    def run_op(self, fn: Callable[[], OpChanges]) -> OpChanges | None:
        """Run one project operation; a refused edit is said in one sentence and changes nothing."""
        try:
            changes = fn()
        except DubStudioError as error:
            self.failed.emit(str(error))
            return None
        self.announce(changes)
        self.undoChanged.emit()
        return changes

    def announce(self, changes: OpChanges) -> None:
        if changes:
            self.changed.emit(changes)

    def undo(self) -> OpChanges | None:
        return self.run_op(self.project.undo)

    def redo(self) -> OpChanges | None:
        return self.run_op(self.project.redo)

    def edit_translation(self, line_id: int, text: str, language: str | None = None) -> OpChanges | None:
        language = language or self.language
        current = self.project.translation(line_id, language)
        if current is not None and current.text == text:
            return None
        return self.run_op(lambda: self.project.edit_translation(line_id, language, text))

    # -- engine work --------------------------------------------------------------------------------

    def regenerate(self, line_ids: Iterable[int], language: str | None = None) -> None:
        """A new take for each line, as interactive jobs that overtake batch work; each take becomes the
        chosen one when it arrives (older takes stay, to compare and restore)."""
        language = language or self.language
        ids = set(line_ids)
        self.with_engine(lambda: self._regenerate(ids, language))

    def _regenerate(self, line_ids: set[int], language: str) -> None:
        run = self.run
        translations = self.project.translations(language)
        lines = [line for line in self.project.lines() if line.id in line_ids]
        missing = [line.number for line in lines if not translations.get(line.id) or
                   not translations[line.id].text.strip()]
        if missing:
            self.failed.emit(f"Line {', '.join(map(str, missing))} has no {language} translation yet: "
                             f"translate it before regenerating.")
            lines = [line for line in lines if line.number not in missing]
        if not lines:
            return
        neighbours = voices_stage.Neighbours(run, language)
        for line in lines:
            self._submit_take(run, line, language, neighbours)

    def _submit_take(self, run: Run, line, language: str, neighbours) -> None:
        try:
            inputs, handle = voices_stage.submit_line(run, line, language, interactive=True, neighbours=neighbours)
        except (KeyError, DubStudioError) as error:
            self.failed.emit(sentence(error) if isinstance(error, DubStudioError) else
                             f"Line {line.number}'s speaker has no {language} voice: cast one first.")
            return

        def done(result):
            take_id = voices_stage.store(self.run, inputs, result, choose=True)
            key = (line.id, language)
            self.announce(OpChanges(takes=frozenset({key}), translations=frozenset({key})))
            if self.options.qa:  # the take plays now; its back-transcription follows
                self._check_take(take_id, line.number, key)

        def retry():
            fresh = self.project.line(line.id)
            if fresh is not None:
                self._regenerate({fresh.id}, language)

        self.jobs.track(handle, f"Regenerate line {line.number} ({language})", done, retry=retry)

    def _check_take(self, take_id: int, number: int, key: tuple[int, str]) -> None:
        handle = checks.submit_check(self.run, take_id, interactive=True)

        def done(qa):
            checks.store_check(self.run, take_id, qa)
            self.announce(OpChanges(takes=frozenset({key})))

        self.jobs.track(handle, f"Check line {number} ({key[1]})", done,
                        retry=lambda: self._check_take(take_id, number, key))

    def retranslate(self, line_ids: Iterable[int], language: str | None = None, n_best: int = 4) -> None:
        """Translate the lines again with n-best candidates to pick from (a person's text stands: the
        machine's candidates join it)."""
        language = language or self.language
        ids = set(line_ids)
        self.with_engine(lambda: self._retranslate(ids, language, n_best))

    def _retranslate(self, ids: set[int], language: str, n_best: int) -> None:
        lines = [line for line in self.project.lines() if line.id in ids and line.source_text.strip()]
        if not lines:
            return
        handle = translate_stage.submit_translate(self.run, language, lines, n_best=n_best, priority=INTERACTIVE)

        def done(candidates):
            self.announce(translate_stage.store_translations(self.run, language, lines, candidates))

        numbers = ", ".join(str(line.number) for line in lines[:5]) + ("…" if len(lines) > 5 else "")
        self.jobs.track(handle, f"Retranslate line {numbers} ({language})", done,
                        retry=lambda: self._retranslate(ids, language, n_best))

    def first_pass(self) -> None:
        """Transcribe, translate, cast and synthesize what is not done yet, on a worker thread; the views
        refresh after each stage, and the pass can be cancelled between items."""
        self.with_engine(self._first_pass)

    def _first_pass(self) -> None:
        stop = threading.Event()
        work = self.jobs.task("First pass", cancel=stop.set)

        def progress(stage: str, done: int, total: int | None, message: str) -> None:
            self.jobs.update(work, done, total, f"{stage}: {message}" if message else stage)

        reporter = PostedReporter(self.later, stop, progress, lambda stage: self.announce(EVERYTHING),
                                  lambda text: log.info("first pass: %s", text))
        run = Run(self.project, self.engine, self.options, reporter)

        def body() -> None:
            voices_stage.resume_jobs(run)
            if transcribe_stage.transcribe(run):
                for language in self.options.targets:
                    translate_stage.translate(run, language)
                    voices_stage.cast(run, language)
                    voices_stage.synthesize(run, language)

        def finished(status: str, value) -> None:
            self.jobs.end(work, status, value if status == "error" else "")
            if status == "error":
                self.failed.emit(value)
            self.announce(EVERYTHING)

        work.retry = self.first_pass
        run_in_thread(body, self.later, finished, "dubstudio-first-pass")

    def close(self) -> None:
        self._closed = True
        for work in self.jobs.rows:
            if work.active and work.cancel is not None:
                work.cancel()
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        self.project.close()

