"""The window's menus and keys. Each action's keys come from ui/shortcuts.py; each handler turns the
user's intent into a Session call, so every edit is a core operation with its name in the Edit menu."""

from pathlib import Path

from dubstudio.ui.shortcuts import SHORTCUTS, ShortcutsDialog
from dubstudio.ui.transport import Transport
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from dubstudio.voices.fitting import PROJECT_STRATEGIES

# Actions that need an open project, and those that also need a selected line.
_NEEDS_PROJECT = {"render", "casting", "play_pause", "shuttle_back", "stop", "shuttle_forward", "frame_back",
                  "frame_forward", "second_back", "second_forward", "go_start", "go_end", "previous_line",
                  "next_line", "find", "zoom_in", "zoom_out", "zoom_fit", "zoom_selection", "split"}
_NEEDS_LINE = {"edit", "play_line", "play_before", "play_after", "play_take", "compare_takes", "loop_line",
               "regenerate", "retranslate", "approve", "merge", "zoom_selection"}


class Actions:
    def __init__(self, window):
        self.window = window
        self.transport = Transport(window)
        self.by_name: dict[str, QAction] = {}
        handlers = {
            "new": self.new_project, "open": self.open_dialog, "render": self.render, "settings": self.settings,
            "quit": window.close, "undo": self.undo, "redo": self.redo, "find": self.find,
            "casting": self.casting, "help": lambda: ShortcutsDialog(window).exec(),
            "edit": self.edit, "regenerate": self.regenerate, "retranslate": self.retranslate,
            "approve": self.approve, "split": self.split, "merge": self.merge,
            "previous_line": lambda: self.step_line(-1), "next_line": lambda: self.step_line(1),
            "zoom_in": lambda: self._timeline("zoom_in"), "zoom_out": lambda: self._timeline("zoom_out"),
            "zoom_fit": lambda: self._timeline("zoom_to_fit"),
            "zoom_selection": lambda: self._timeline("zoom_to_selection"),
        } | self.transport.handlers()
        for name, (keys, _, text) in SHORTCUTS.items():
            action = QAction(text, window)
            action.setShortcuts([QKeySequence(key) for key in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(handlers[name])
            window.addAction(action)
            self.by_name[name] = action
        self._menus(window)

    def _menus(self, window) -> None:
        bar = window.menuBar()
        names = {
            "&File": ["new", "open", None, "render", None, "settings", None, "quit"],
            "&Edit": ["undo", "redo", None, "find"],
            "&Line": ["edit", "regenerate", "retranslate", "approve", None, "split", "merge"],
            "&Playback": ["play_pause", "shuttle_back", "stop", "shuttle_forward", None, "play_line", "play_before",
                          "play_after", "loop_line", "play_take", "compare_takes", None, "frame_back",
                          "frame_forward", "previous_line", "next_line"],
            "&View": ["zoom_in", "zoom_out", "zoom_fit", "zoom_selection"],
            "&Voices": ["casting"],
            "&Help": ["help"],
        }
        for title, items in names.items():
            menu = bar.addMenu(title)
            for name in items:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.by_name[name])
            if title == "&Line":
                menu.addSeparator()
                self.fit_menu = self._fit_menu(menu)
            if title == "&View":
                self.language_menu = menu.addMenu("Language")
                self.language_menu.aboutToShow.connect(self._fill_languages)

    def _fit_menu(self, parent: QMenu) -> QMenu:
        menu = parent.addMenu("Fit strategy")
        for strategy in PROJECT_STRATEGIES:
            action = menu.addAction(strategy)
            action.triggered.connect(lambda _=False, s=strategy: self.set_fit_strategy(s))
        return menu

    def _fill_languages(self) -> None:
        self.language_menu.clear()
        session = self.window.session
        if session is None:
            return
        for code in session.project.settings.target_languages:
            action = self.language_menu.addAction(code)
            action.setCheckable(True)
            action.setChecked(code == session.language)
            action.triggered.connect(lambda _=False, c=code: session.set_language(c))

    # -- state --------------------------------------------------------------------------------------

    def update_enabled(self) -> None:
        session = self.window.session
        for name, action in self.by_name.items():
            if name in _NEEDS_LINE:
                action.setEnabled(session is not None and bool(session.selection))
            elif name in _NEEDS_PROJECT:
                action.setEnabled(session is not None)
        self.fit_menu.setEnabled(session is not None and bool(session.selection))
        self.update_undo()

    def update_undo(self) -> None:
        session = self.window.session
        status = session.project.undo_status() if session is not None else None
        for name, label in (("undo", status and status.undo), ("redo", status and status.redo)):
            action = self.by_name[name]
            action.setEnabled(bool(label))
            action.setText(f"{name.capitalize()} {label}" if label else name.capitalize())

    # -- handlers -----------------------------------------------------------------------------------

    def new_project(self) -> None:
        from dubstudio.ui.newproject import NewProjectDialog

        dialog = NewProjectDialog(self.window)
        if dialog.exec():
            self.window.create_project(*dialog.choices())

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", "", "DubStudio project (*.dubproj)")
        if path:
            self.window.open_project(Path(path))

    def render(self) -> None:
        from dubstudio.ui.render import RenderDialog

        RenderDialog(self.window.session, self.window).open()

    def casting(self) -> None:
        from dubstudio.ui.casting import CastingDialog

        CastingDialog(self.window.session, self.window).open()

    def settings(self) -> None:
        from dubstudio.ui.settings import SettingsDialog

        SettingsDialog(self.window).open()

    def undo(self) -> None:
        if self.window.session is not None:
            self.window.session.undo()

    def redo(self) -> None:
        if self.window.session is not None:
            self.window.session.redo()

    def find(self) -> None:
        self.window.views["script"].focus_find()

    def edit(self) -> None:
        self.window.views["script"].edit_current()

    def regenerate(self) -> None:
        session = self.window.session
        session.regenerate(session.selection)

    def retranslate(self) -> None:
        session = self.window.session
        session.retranslate(session.selection)

    def approve(self) -> None:
        session = self.window.session
        session.run_op(lambda: session.project.approve(session.selection, session.language))

    def set_fit_strategy(self, strategy: str) -> None:
        session = self.window.session
        session.run_op(lambda: session.project.set_fit_strategy(session.selection, session.language, strategy))

    def split(self) -> None:
        """Split the selected line (or the one under the playhead) at the playhead."""
        session = self.window.session
        at = session.playhead
        lines = session.project.lines()
        chosen = [line for line in lines if line.id in session.selection and line.start < at < line.end]
        line = chosen[0] if chosen else next((line for line in lines if line.start < at < line.end), None)
        if line is None:
            self.window.tell("Put the playhead inside the line to split it there.")
            return
        session.run_op(lambda: session.project.split_line(line.id, at))

    def merge(self) -> None:
        session = self.window.session
        lines = session.project.lines()
        index = {line.id: i for i, line in enumerate(lines)}
        chosen = sorted(index[line_id] for line_id in session.selection if line_id in index)
        if not chosen or chosen[0] + 1 >= len(lines):
            self.window.tell("Select a line that has a next line to merge them.")
            return
        first = lines[chosen[0]]
        second = lines[chosen[1]] if len(chosen) > 1 else lines[chosen[0] + 1]
        session.run_op(lambda: session.project.merge_lines(first.id, second.id))

    def step_line(self, step: int) -> None:
        """Select the previous/next line and put the playhead at its start."""
        session = self.window.session
        lines = session.project.lines()
        if not lines:
            return
        ids = [line.id for line in lines]
        if session.selection and session.selection[0] in ids:
            i = ids.index(session.selection[0] if step < 0 else session.selection[-1]) + step
        else:
            i = next((k for k, line in enumerate(lines) if line.start >= session.playhead), len(lines) - 1)
            i = i if step > 0 else max(0, i - 1)
        line = lines[max(0, min(len(lines) - 1, i))]
        session.select([line.id])
        session.seek(line.start)

    def _timeline(self, method: str) -> None:
        getattr(self.window.views["timeline"], method)()
