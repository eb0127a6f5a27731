"""Voice casting: the speakers on the left (their lines, their reference audio to play), the voices they can
be given on the right, with each voice's similarity to the selected speaker, a preview of one of the
speaker's lines in a candidate voice, and the consent form a clone needs.

Applying a voice is one undoable operation (Edit > Undo names it); the speaker's lines are then queued for
regeneration in the new voice, after the dialog has said how long that should take. Everything slow runs in
the engine (similarity, previews), shows in the jobs panel, and lands here on the main thread.
"""

import logging

import soundfile
from dubstudio.engine.registry import Registry, default_registry
from dubstudio.ui.casting import catalog
from dubstudio.ui.casting.consent import ConsentDialog
from dubstudio.ui.casting.similarity import SimilarityCache
from dubstudio.ui.casting.tables import SpeakersTable, VoicesTable
from dubstudio.ui.playback import Player
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dubstudio.errors import DubStudioError
from dubstudio.jobs import INTERACTIVE
from dubstudio.pipeline import voices as voices_stage
from dubstudio.pipeline.render import language_name
from dubstudio.project import OpChanges, Voice
from dubstudio.timing import SAMPLE_RATE

log = logging.getLogger(__name__)

REGENERATE, CAST_ONLY = "Cast and regenerate", "Cast only"


class CastingDialog(QDialog):
    def __init__(self, session, parent: QWidget | None = None, *, registry: Registry | None = None,
                 cache: SimilarityCache | None = None):
        super().__init__(parent)
        self.setWindowTitle("Voice casting")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.project = session, session.project
        self.registry = registry or default_registry()
        self.cache = cache or SimilarityCache()
        self.xtts = session.options.xtts  # from Settings > Models, as the session's options carry it
        self.player = Player(self)
        self.candidates: list[catalog.Candidate] = []
        self.measured: dict[str, float] = {}  # voice key -> seconds of work per second of speech (previews)
        self.last_estimate: catalog.Estimate | None = None
        self._measuring: set[tuple[str, str]] = set()
        self._previews: list = []  # preview jobs to cancel if the dialog closes first
        self._closed = False

        self.language = QComboBox()
        for code in self.project.settings.target_languages:
            self.language.addItem(f"{language_name(code)} ({code})", code)
        self.language.setCurrentIndex(max(0, self.language.findData(session.language)))
        self.speakers = SpeakersTable()
        self.voices = VoicesTable()
        self.line = QComboBox()
        self.line.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.line.setMinimumContentsLength(30)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip("Synthesize the chosen line in the selected voice and play it (nothing is "
                                       "stored)")
        self.similarity_button = QPushButton("Measure similarity")
        self.apply_button = QPushButton("Cast this voice")
        self.apply_button.setDefault(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout()

        self.language.currentIndexChanged.connect(lambda _: self.refresh())
        self.speakers.itemSelectionChanged.connect(self._speaker_changed)
        self.voices.itemSelectionChanged.connect(self._enable)
        self.speakers.playRequested.connect(self.play_reference)
        self.preview_button.clicked.connect(self.preview)
        self.similarity_button.clicked.connect(self.measure)
        self.apply_button.clicked.connect(self.apply)
        session.changed.connect(self._project_changed)
        self.finished.connect(self._on_finished)
        self.refresh()
        if self.speakers.rowCount():
            self.speakers.selectRow(0)

    # -- layout -------------------------------------------------------------------------------------

    def _layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("Speakers"))
        column.addWidget(self.speakers)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("Voices (similarity to the selected speaker, 1 = the same voice)"))
        column.addWidget(self.voices, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Line:"))
        row.addWidget(self.line, 1)
        row.addWidget(self.preview_button)
        column.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.similarity_button)
        row.addStretch(1)
        row.addWidget(self.apply_button)
        column.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([470, 790])
        top = QHBoxLayout()
        top.addWidget(QLabel("Language:"))
        top.addWidget(self.language)
        top.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(1280, 640)

    # -- what is selected ---------------------------------------------------------------------------

    @property
    def current_language(self) -> str:
        return self.language.currentData()

    def current_speaker(self):
        speaker_id = self.speakers.current_id()
        return next((s for s in self.project.speakers() if s.id == speaker_id), None)

    def current_candidate(self) -> catalog.Candidate | None:
        key = self.voices.current_key()
        return next((c for c in self.candidates if c.key == key), None)

    def select_voice(self, key: str) -> None:
        if not self.voices.select_data(0, key):
            raise KeyError(f"no voice {key} in the list")

    def speaker_lines(self, speaker_id: int) -> list:
        return [line for line in self.project.lines() if line.speaker_id == speaker_id]

    # -- filling the tables -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the speakers and their casting (keeping the selection), then the voices."""
        casting = self.project.casting(self.current_language)
        voices = {voice.id: voice for voice in self.project.voices()}
        counts: dict[int, int] = {}
        for line in self.project.lines():
            counts[line.speaker_id] = counts.get(line.speaker_id, 0) + 1
        self.speakers.fill([(speaker.id, speaker.name, counts.get(speaker.id, 0),
                             voices[casting[speaker.id]].name if speaker.id in casting else "(not cast)",
                             bool(self.project.speaker_references(speaker.id)))
                            for speaker in self.project.speakers()])
        self._speaker_changed()

    def _speaker_changed(self) -> None:
        speaker = self.current_speaker()
        language = self.current_language
        self.line.clear()
        if speaker is None:
            self.candidates = []
        else:
            translations = self.project.translations(language)
            for line in self.speaker_lines(speaker.id):
                translation = translations.get(line.id)
                text = translation.text if translation and translation.text.strip() else f"({line.source_text})"
                self.line.addItem(f"{line.number}  {self.project.timecode(line.start)}  {text}", line.id)
            self.candidates = catalog.candidates(self.project, speaker.id, language, self.registry, self.xtts)
        self.voices.setCurrentCell(-1, -1)  # a new speaker starts on the voice it has
        self._fill_voices()
        if speaker is not None:
            self.measure()

    def scores(self) -> dict[str, float]:
        """Similarity to the selected speaker, by voice key: measured, or automatic casting's figure."""
        speaker = self.current_speaker()
        if speaker is None:
            return {}
        found = {}
        for candidate in self.candidates:  # what automatic casting measured when it chose a voice
            params = candidate.voice.params if candidate.voice else {}
            if params.get("speaker_id") == speaker.id and params.get("similarity") is not None:
                found[candidate.key] = params["similarity"]
        reference = self._reference(speaker.id)
        if reference is not None:
            found |= self.cache.scores(reference.path, self.current_language)
        return found

    def _cast_key(self) -> str | None:
        """The list key of the voice the selected speaker has now."""
        speaker = self.current_speaker()
        voice_id = self.project.casting(self.current_language).get(speaker.id) if speaker else None
        voice = next((v for v in self.project.voices() if v.id == voice_id), None)
        return catalog.spec_key(catalog.voice_spec(voice)) if voice else None

    def _fill_voices(self) -> None:
        selected = self.current_candidate()
        keep = selected.key if selected is not None else self._cast_key()
        self.voices.fill(self.candidates, self.scores(), keep, pending=bool(self._measuring))
        self._enable()

    def _enable(self) -> None:
        chosen = self.current_speaker() is not None and self.current_candidate() is not None
        self.apply_button.setEnabled(chosen)
        self.preview_button.setEnabled(chosen and self.line.count() > 0)
        self.similarity_button.setEnabled(self.current_speaker() is not None)

    def _project_changed(self, changes: OpChanges) -> None:
        if not self._closed and (changes.casting or changes.line_order):
            self.refresh()

    def tell(self, text: str) -> None:
        if not self._closed:
            self.status.setText(text)

    # -- reference audio ----------------------------------------------------------------------------

    def _reference(self, speaker_id: int):
        return voices_stage.reference_file(self.session.run, speaker_id)

    def play_reference(self, speaker_id: int) -> None:
        reference = self._reference(speaker_id)
        if reference is None:
            self.tell("This speaker has no reference audio: transcribe the source first.")
            return
        audio, _ = soundfile.read(reference.path, dtype="float32")
        self.player.play_clip(audio, 0)

    # -- similarity ---------------------------------------------------------------------------------

    def measure(self) -> None:
        """Ask the engine for the similarity of every listed voice not measured yet (cached after)."""
        speaker, language = self.current_speaker(), self.current_language
        reference = self._reference(speaker.id) if speaker else None
        if reference is None:
            return
        scores = self.scores()
        todo = [c for c in self.candidates if c.key not in scores and (not c.clone or (c.consented and self.xtts))]
        key = (reference.path, language)
        if not todo or key in self._measuring:
            return
        self._measuring.add(key)
        self._fill_voices()  # "…" where a score is coming
        self.session.with_engine(lambda: self._submit_similarity(speaker, language, reference, todo))

    def _submit_similarity(self, speaker, language: str, reference, todo: list[catalog.Candidate]) -> None:
        inputs = {"reference": reference, "language": language, "voices": [c.spec.as_dict() for c in todo]}
        clone = next((c.voice for c in todo if c.clone), None)
        key = (reference.path, language)
        try:
            if clone is not None:
                inputs |= voices_stage.xtts_inputs(self.session.run, clone)
            handle = self.session.engine.submit("similarity", inputs, priority=INTERACTIVE)
        except DubStudioError as error:
            self._measuring.discard(key)
            self.tell(str(error))
            self._fill_voices()
            return

        def done(result: dict) -> None:
            self._measuring.discard(key)
            measured = {c.key: s for c, s in zip(todo, result["similarity"], strict=True) if s is not None}
            self.cache.add(reference.path, language, measured)
            if result.get("errors"):
                self.tell("Not measured: " + "; ".join(result["errors"].values()))
            if not self._closed:
                self._fill_voices()

        def failed(_error) -> None:  # the jobs panel says why
            self._measuring.discard(key)
            if not self._closed:
                self._fill_voices()

        self.session.jobs.track(handle, f"Voice similarity to {speaker.name} ({language})", done, failed)

    # -- preview ------------------------------------------------------------------------------------

    def _voice_for(self, candidate: catalog.Candidate, speaker) -> Voice:
        """The project's voice for a candidate, or a stand-in record for one not added yet (a preview
        stores nothing, so it needs no id)."""
        voice = candidate.voice or catalog.find_voice(self.project, candidate.spec, speaker.id)
        if voice is not None:
            return voice
        return Voice(0, candidate.name, candidate.spec.backend, "clone" if candidate.clone else "stock",
                     candidate.spec.voice, speaker.id if candidate.clone else None,
                     {"spec": candidate.spec.as_dict()}, False)

    def preview(self) -> None:
        speaker, candidate = self.current_speaker(), self.current_candidate()
        line = self.project.line(self.line.currentData()) if self.line.count() else None
        if speaker is None or candidate is None or line is None:
            return
        language = self.current_language
        translation = self.project.translation(line.id, language)
        if translation is None or not translation.text.strip():
            self.tell(f"Line {line.number} has no {language} translation yet: translate it before previewing.")
            return
        voice = self._voice_for(candidate, speaker)
        if voice.kind == "clone" and not voice.has_consent:
            self.ask_consent(candidate, speaker, then=self.preview)
            return
        self.session.with_engine(lambda: self._submit_preview(line, language, voice, candidate.key))

    def _submit_preview(self, line, language: str, voice: Voice, key: str) -> None:
        run = self.session.run
        try:
            neighbours = voices_stage.Neighbours(run, language)
            neighbours.voice[line.speaker_id] = voice
            inputs = voices_stage.line_inputs(run, line, language, neighbours) | {"qa": False}
            handle = run.engine.submit("synthesize", inputs, priority=INTERACTIVE)  # not journaled: kept nowhere
        except DubStudioError as error:
            self.tell(str(error))
            return
        self._previews.append(handle)

        def done(result: dict) -> None:
            self._previews.remove(handle)
            audio = result["audio"]
            stats = handle.stats
            if stats is not None and len(audio):
                work = max(0.0, stats.seconds - sum(stats.loads.values()))  # a first load is not the voice's pace
                self.measured[key] = work / (len(audio) / SAMPLE_RATE)
            if not self._closed:
                self.tell(f"Preview of line {line.number} in {voice.name}: {len(audio) / SAMPLE_RATE:.1f} s"
                          + (f", made in {stats.seconds:.1f} s" if stats else "") + ".")
                self.player.play_clip(audio, 0)

        self.session.jobs.track(handle, f"Preview line {line.number} in {voice.name}", done)

    # -- consent ------------------------------------------------------------------------------------

    def ask_consent(self, candidate: catalog.Candidate, speaker, then) -> ConsentDialog:
        """The consent form for a clone (added to the project as a voice first); `then` runs once the consent
        is recorded. It opens with the core's own refusal of the clone."""
        voice = candidate.voice or catalog.find_voice(self.project, candidate.spec, speaker.id)
        if voice is None:
            voice = self._add_voice(candidate, speaker)
        reason = ""
        if not voice.has_consent:
            try:  # what the core says to casting a clone without consent (it refuses: nothing changes)
                self.project.cast_voice(speaker.id, self.current_language, voice.id)
            except DubStudioError as error:
                reason = str(error)
        form = ConsentDialog(self.project, voice, reason, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(result: int) -> None:
            self._speaker_changed()
            if result == QDialog.DialogCode.Accepted:
                self.select_voice(candidate.key)
                then()
            else:
                self.tell(reason or "No consent was recorded, so the clone cannot be used.")

        form.finished.connect(finished)
        form.open()
        return form

    def _add_voice(self, candidate: catalog.Candidate, speaker) -> Voice:
        spec = candidate.spec
        voice_id = self.project.add_voice(candidate.name, spec.backend, kind="clone" if candidate.clone else "stock",
                                          backend_voice=spec.voice, speaker_id=speaker.id if candidate.clone else None,
                                          params={"spec": spec.as_dict()})
        return next(voice for voice in self.project.voices() if voice.id == voice_id)

    # -- applying -----------------------------------------------------------------------------------

    def apply(self) -> QMessageBox | None:
        """Cast the selected voice for the selected speaker: the consent form first for a clone without one,
        then a question with the time regenerating the speaker's lines should take."""
        speaker, candidate = self.current_speaker(), self.current_candidate()
        if speaker is None or candidate is None:
            return None
        voice = candidate.voice or catalog.find_voice(self.project, candidate.spec, speaker.id)
        if candidate.clone and (voice is None or not voice.has_consent):
            self.ask_consent(candidate, speaker, then=self.apply)
            return None
        language = self.current_language
        translations = self.project.translations(language)
        lines = [line for line in self.speaker_lines(speaker.id)
                 if line.id in translations and translations[line.id].text.strip()]
        self.last_estimate = catalog.estimate(lines, candidate.spec, self.session.options.qa,
                                              self.measured.get(candidate.key))
        box = QMessageBox(QMessageBox.Icon.Question, "Cast a voice",
                          f"Cast {candidate.name} as {speaker.name} ({language})?", parent=self)
        box.setInformativeText(f"Regenerating {speaker.name}'s {len(lines)} translated lines in this voice takes "
                               f"{self.last_estimate.text()}. Their old takes are kept.")
        regenerate = box.addButton(REGENERATE, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(CAST_ONLY, QMessageBox.ButtonRole.ApplyRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(regenerate)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button) -> None:
            text = button.text()
            if text in (REGENERATE, CAST_ONLY):
                self.cast(speaker, candidate, [line.id for line in lines] if text == REGENERATE else [])

        box.buttonClicked.connect(answered)
        box.open()
        return box

    def cast(self, speaker, candidate: catalog.Candidate, regenerate: list[int]) -> OpChanges | None:
        """Cast (one undoable operation), then queue a new take of each line in `regenerate`."""
        language = self.current_language
        voice = candidate.voice or catalog.find_voice(self.project, candidate.spec, speaker.id)
        if voice is None:
            voice = self._add_voice(candidate, speaker)
        changes = self.session.run_op(lambda: self.project.cast_voice(speaker.id, language, voice.id))
        if changes is None:
            return None
        if regenerate:
            self.session.regenerate(regenerate, language)
        self.tell(f"{speaker.name} now speaks {language} with {voice.name}"
                  + (f"; {len(regenerate)} lines queued ({self.last_estimate.text()})."
                     if regenerate and self.last_estimate else "."))
        self.refresh()
        return changes

    def _on_finished(self, _result: int) -> None:
        self._closed = True
        self.player.pause()
        for handle in self._previews:
            handle.cancel()
        try:
            self.session.changed.disconnect(self._project_changed)
        except (RuntimeError, TypeError):  # the session went first
            log.debug("casting dialog: session already gone")
