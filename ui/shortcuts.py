"""The editor's keyboard map, in one table: the window's actions take their keys from here and the
help dialog (F1) lists it, so the two never disagree. Keyboard first: every review step has a key.

Single letters only act when no text field has the focus (an editor takes its own keys first).
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

# action name -> (keys, group, what it does)
SHORTCUTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "play_pause": (("Space",), "Transport", "Play / pause the dub mix from the playhead"),
    "shuttle_back": (("J",), "Transport", "Play backwards; again: faster"),
    "stop": (("K",), "Transport", "Pause"),
    "shuttle_forward": (("L",), "Transport", "Play forwards; again: faster"),
    "frame_back": (("Left",), "Transport", "One frame back"),
    "frame_forward": (("Right",), "Transport", "One frame forward"),
    "second_back": (("Shift+Left",), "Transport", "One second back"),
    "second_forward": (("Shift+Right",), "Transport", "One second forward"),
    "go_start": (("Home",), "Transport", "Go to the start"),
    "go_end": (("End",), "Transport", "Go to the end"),
    "previous_line": (("Up",), "Lines", "Select the previous line (playhead to its start)"),
    "next_line": (("Down",), "Lines", "Select the next line (playhead to its start)"),
    "edit": (("Return", "Enter"), "Lines", "Edit the translation of the selected line"),
    "play_line": (("S",), "Playback", "Play the selection"),
    "play_before": (("Q",), "Playback", "Play the 500 ms before the selection"),
    "play_after": (("W",), "Playback", "Play the 500 ms after the selection"),
    "play_take": (("P",), "Playback", "Play the chosen take alone"),
    "compare_takes": (("B",), "Playback", "A/B: the chosen take, then the previous one"),
    "loop_line": (("Ctrl+L",), "Playback", "Loop the selected line"),
    "regenerate": (("Ctrl+R",), "Lines", "Regenerate the selected lines (a new take each)"),
    "retranslate": (("Ctrl+T",), "Lines", "Retranslate with candidates to pick from"),
    "approve": (("Ctrl+Shift+A",), "Lines", "Approve the selected lines"),
    "split": (("Ctrl+K",), "Lines", "Split the line at the playhead"),
    "merge": (("Ctrl+M",), "Lines", "Merge the selected line with the next"),
    "undo": (("Ctrl+Z",), "Edit", "Undo"),
    "redo": (("Ctrl+Shift+Z", "Ctrl+Y"), "Edit", "Redo"),
    "find": (("Ctrl+F",), "Edit", "Find in the script"),
    "zoom_in": (("Ctrl+=", "Ctrl++"), "View", "Zoom the timeline in"),
    "zoom_out": (("Ctrl+-",), "View", "Zoom the timeline out"),
    "zoom_fit": (("Ctrl+0",), "View", "Show the whole film"),
    "zoom_selection": (("Ctrl+Shift+0",), "View", "Zoom to the selection"),
    "new": (("Ctrl+N",), "File", "New project from a video"),
    "open": (("Ctrl+O",), "File", "Open a project"),
    "render": (("Ctrl+Shift+R",), "File", "Render masters"),
    "casting": (("Ctrl+Shift+V",), "Voices", "Cast voices"),
    "settings": (("Ctrl+,",), "File", "Settings"),
    "quit": (("Ctrl+Q",), "File", "Quit"),
    "help": (("F1",), "Help", "This list"),
}


class ShortcutsDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        from dubstudio.ui.timeline import SHORTCUTS as TIMELINE

        taken = {key for keys, _, _ in SHORTCUTS.values() for key in keys}
        rows = sorted(SHORTCUTS.values(), key=lambda row: row[1]) + [
            ((keys,), "Timeline", text) for keys, text in TIMELINE if keys not in taken]
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["Keys", "Group", "Does"])
        for i, (keys, group, text) in enumerate(rows):
            for column, value in enumerate((" / ".join(keys), group, text)):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                table.setItem(i, column, item)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(640, 620)
