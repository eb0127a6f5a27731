"""The main window: preview and script on top, the timeline below, takes and jobs docked at the side.

It owns no state of its own beyond layout: the Session holds the project, selection and playhead;
views show them and send requests, which the window turns into Session calls (see ui/actions.py for
the menus and keys, ui/transport.py for playback).
"""

import logging
from pathlib import Path

from dubstudio.ui import viewstate
from dubstudio.ui.actions import Actions
from dubstudio.ui.jobs import sentence
from dubstudio.ui.jobs_panel import JobsPanel
from dubstudio.ui.session import Session
from PySide6.QtCore import QByteArray, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QSplitter, QWidget

from dubstudio.errors import DubStudioError
from dubstudio.project import OpChanges, Project

log = logging.getLogger(__name__)

APP_TITLE = "DubStudio"


class _Loaded(QObject):
    done = Signal(object, object)  # (what was loaded, error)


class _Load(QRunnable):
    """Slow reading (decoding a film's audio for its waveform) off the main thread."""

    def __init__(self, fn):
        super().__init__()
        self.fn, self.signals = fn, _Loaded()

    def run(self):
        value = error = None
        try:
            value = self.fn()
        except Exception as failure:  # noqa: BLE001 - reported through the signal, on the main thread
            error = failure
        self.signals.done.emit(value, error)


class MainWindow(QMainWindow):
    def __init__(self, session_factory=Session.from_settings):
        super().__init__()
        self._session_factory = session_factory
        self.session: Session | None = None
        self.views: dict[str, QWidget] = {}
        self._loads: list[_Load] = []
        self._save_view = QTimer(self, singleShot=True, interval=500)
        self._save_view.timeout.connect(self.save_view_state)
        self.setWindowTitle(APP_TITLE)
        self.resize(1600, 1000)
        self.actions = Actions(self)
        self._show_empty()

    # -- projects -----------------------------------------------------------------------------------

    def _show_empty(self) -> None:
        hint = QLabel("Open a project (Ctrl+O) or start one from a video (Ctrl+N).")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(hint)
        self.actions.update_enabled()

    def open_project(self, path: Path, *, first_pass: bool = False, start_engine: bool = True) -> bool:
        """Open a project (closing the current one); False with the reason shown if it cannot be."""
        try:
            project = Project.open(path)
        except DubStudioError as error:
            self.tell(str(error))
            return False
        self.set_session(self._session_for(project), start_engine=start_engine)
        if first_pass or not project.lines():
            self.session.first_pass()
        return True

    def create_project(self, video: Path, path: Path, source: str | None, targets: tuple[str, ...]) -> None:
        """Make the project on a worker thread (it hashes the whole video), then open it and start the
        first pass in the engine; the window stays usable throughout."""
        from dubstudio.pipeline.dub import create_project

        self.statusBar().showMessage(f"Reading {video.name} …")
        load = _Load(lambda: create_project(video, path, targets, source))

        def created(project, error):
            self._loads.remove(load)
            if error is not None:
                self.tell(sentence(error))
                return
            self.statusBar().showMessage(f"Created {path}", 5_000)
            self.set_session(self._session_for(project))
            self.session.first_pass()

        load.signals.done.connect(created, Qt.ConnectionType.QueuedConnection)
        self._loads.append(load)
        QThreadPool.globalInstance().start(load)

    def _session_for(self, project: Project) -> Session:
        try:
            return self._session_factory(project)
        except DubStudioError as error:  # damaged settings: say so, and work with the embedded models
            self.tell(f"{error} The embedded models are used until then.")
            return Session(project)

    def set_session(self, session: Session, start_engine: bool = True) -> None:
        self.close_project()
        self.session = session
        session.failed.connect(self.tell)
        session.changed.connect(self._apply_changes)
        session.selectionChanged.connect(self._selection_changed)
        session.playheadChanged.connect(self._playhead_changed)
        session.languageChanged.connect(lambda _: self._reload_views())
        session.undoChanged.connect(self.actions.update_undo)
        self._build_views(session)
        self.setWindowTitle(f"{session.project.settings.title or session.project.path.stem} — {APP_TITLE}")
        self.restore_view_state()
        self.actions.update_enabled()
        self.actions.update_undo()
        if start_engine:
            session.start_engine()

    def close_project(self) -> None:
        if self.session is None:
            return
        self.save_view_state()
        self.actions.transport.stop_all()
        for dock in self.findChildren(QDockWidget):
            self.removeDockWidget(dock)
            dock.deleteLater()
        session, self.session = self.session, None
        self.views = {}
        session.close()
        self._show_empty()

    # -- views --------------------------------------------------------------------------------------

    def _build_views(self, session: Session) -> None:
        from dubstudio.ui.preview import PreviewWidget
        from dubstudio.ui.script import ScriptView
        from dubstudio.ui.takes import TakesPanel
        from dubstudio.ui.timeline import TimelineView

        project, language = session.project, session.language
        preview, script, timeline, takes = PreviewWidget(), ScriptView(), TimelineView(), TakesPanel()
        jobs = JobsPanel(session.jobs)
        self.views = {"preview": preview, "script": script, "timeline": timeline, "takes": takes, "jobs": jobs}
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(preview)
        top.addWidget(script)
        top.setSizes([self.width() * 7 // 20, self.width() * 13 // 20])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(timeline)
        main.setSizes([self.height() * 11 // 20, self.height() * 9 // 20])
        self.splitters = {"top": top, "main": main}
        self.setCentralWidget(main)
        for name, title, widget, area in (("takes", "Takes", takes, Qt.DockWidgetArea.RightDockWidgetArea),
                                          ("jobs", "Jobs", jobs, Qt.DockWidgetArea.RightDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock-{name}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
        QTimer.singleShot(0, self._size_docks)  # once the window has its size

        media = project.media()
        video = media.path if media is not None and media.path.is_file() else None
        preview.set_project(project, video, language)
        script.set_project(project, language)
        timeline.set_project(project, language, dialogue=None, effects=None, video_path=video)
        self.actions.transport.set_session(session, video)

        script.selectionRequested.connect(lambda ids: session.select(ids, origin=script))
        script.editRequested.connect(lambda line_id, lang, text: session.edit_translation(line_id, text, lang))
        timeline.selectionRequested.connect(lambda ids: session.select(ids, origin=timeline))
        timeline.seekRequested.connect(session.seek)
        timeline.retimeRequested.connect(
            lambda line_id, start, end: session.run_op(lambda: project.retime_line(line_id, start, end)))
        timeline.splitRequested.connect(
            lambda line_id, at: session.run_op(lambda: project.split_line(line_id, at)))
        timeline.mergeRequested.connect(
            lambda first, second: session.run_op(lambda: project.merge_lines(first, second)))
        timeline.viewChanged.connect(self._save_view.start)
        takes.chooseRequested.connect(lambda take_id: session.run_op(lambda: project.choose_take(take_id)))
        takes.playRequested.connect(self.actions.transport.play_take)
        takes.compareRequested.connect(self.actions.transport.compare)
        takes.regenerateRequested.connect(lambda: session.regenerate(session.selection))
        takes.strategyRequested.connect(
            lambda strategy: session.run_op(
                lambda: project.set_fit_strategy(session.selection, session.language, strategy)))
        takes.approveRequested.connect(self.actions.approve)
        takes.candidateChosen.connect(self._candidate_chosen)
        takes.retranslateRequested.connect(lambda: session.retranslate(session.selection))
        self._load_waveforms(session, video)

    def _size_docks(self) -> None:
        """The script gets the room: the docks start narrow (a saved view state overrides this)."""
        docks = self.findChildren(QDockWidget)
        if docks and self.session is not None and not viewstate.load(self.session.project.path).get("window"):
            self.resizeDocks(docks, [self.width() // 5] * len(docks), Qt.Orientation.Horizontal)
            self.resizeDocks(docks, [self.height() * 3 // 5, self.height() * 2 // 5], Qt.Orientation.Vertical)

    def _candidate_chosen(self, text: str) -> None:
        session = self.session
        if session is not None and session.selection:
            session.edit_translation(session.selection[0], text)

    def _load_waveforms(self, session: Session, video: Path | None) -> None:
        if video is None:
            return
        from dubstudio.media import waveform_of

        load = _Load(lambda: waveform_of(video))

        def loaded(waveform, error):
            self._loads.remove(load)
            if self.session is not session:
                return
            if error is not None:
                self.statusBar().showMessage(f"No waveform: {sentence(error)}", 10_000)
                return
            self.views["timeline"].set_project(session.project, session.language, dialogue=waveform,
                                               effects=None, video_path=video)
            self.restore_view_state()

        load.signals.done.connect(loaded, Qt.ConnectionType.QueuedConnection)
        self._loads.append(load)
        QThreadPool.globalInstance().start(load)

    def _reload_views(self) -> None:
        session = self.session
        self.views["script"].set_project(session.project, session.language)
        self.views["preview"].set_language(session.language)
        self._apply_changes(OpChanges(line_order=True))

    def _apply_changes(self, changes: OpChanges) -> None:
        for name in ("script", "timeline", "takes", "preview"):
            self.views[name].apply_changes(changes)
        self.actions.transport.apply_changes(changes)
        session = self.session
        if (changes.line_order or changes.lines) and session.selection:  # a selected line may have gone
            known = {line.id for line in session.project.lines()}
            if any(line_id not in known for line_id in session.selection):
                session.select([line_id for line_id in session.selection if line_id in known])

    def _selection_changed(self, ids: tuple) -> None:
        session = self.session
        if session is None:
            return
        self.views["script"].set_selection(ids)
        self.views["timeline"].set_selection(ids)
        self.views["takes"].set_line(session.project, ids[0] if ids else None, session.language)
        self.actions.update_enabled()
        self._save_view.start()

    def _playhead_changed(self, samples: int) -> None:
        self.views["timeline"].set_playhead(samples)
        self.views["preview"].set_playhead(samples)
        if not self.actions.transport.playing:
            self._save_view.start()

    # -- view state ---------------------------------------------------------------------------------

    def view_state(self) -> dict:
        session = self.session
        return {"language": session.language, "selection": list(session.selection), "playhead": session.playhead,
                "timeline": self.views["timeline"].view_state(),
                "window": bytes(self.saveState().toBase64()).decode(),
                "splitters": {name: bytes(s.saveState().toBase64()).decode() for name, s in self.splitters.items()}}

    def save_view_state(self) -> None:
        if self.session is not None and self.views:
            try:
                viewstate.save(self.session.project.path, self.view_state())
            except OSError:
                log.warning("could not save the view state", exc_info=True)

    def restore_view_state(self) -> None:
        session = self.session
        state = viewstate.load(session.project.path)
        if not state:
            return
        if state.get("language") in session.project.settings.target_languages:
            session.set_language(state["language"])
        if state.get("window"):
            self.restoreState(QByteArray.fromBase64(state["window"].encode()))
        for name, saved in state.get("splitters", {}).items():
            if name in self.splitters:
                self.splitters[name].restoreState(QByteArray.fromBase64(saved.encode()))
        known = {line.id for line in session.project.lines()}
        session.select([line_id for line_id in state.get("selection", []) if line_id in known])
        session.seek(int(state.get("playhead", 0)))
        self.views["timeline"].restore_view_state(state.get("timeline", {}))

    # -- messages -----------------------------------------------------------------------------------

    def tell(self, message: str) -> None:
        """One sentence for the user, in the status bar and a dialog they must see."""
        log.info("told the user: %s", message)
        self.statusBar().showMessage(message, 15_000)
        box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, message, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.last_message = message

    def closeEvent(self, event) -> None:
        self.close_project()
        super().closeEvent(event)
