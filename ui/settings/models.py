"""The Models page of the settings: one group per stage, with the embedded default and each studio backend,
a folder picker per studio backend and its status as the folder is typed or chosen ("installed", or what
is missing). The status comes from the registry's check, which only looks at files.
"""

from html import escape

from dubstudio.engine.registry import STAGES, Backend, Registry
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dubstudio.settings import CHOICES, UserSettings

STAGE_TITLES = {"transcribe": "Speech to text", "diarize": "Speakers (diarization)", "translate": "Translation",
                "synthesize": "Voices", "separate": "Dialogue / music and effects", "lipsync": "Lip-sync",
                "lipsync-score": "Lip-sync scores"}
# What a stage does with no studio backend, where the registry has no embedded entry for it.
BUILT_IN = {"separate": "DubStudio's spectral separator (built in)",
            "lipsync": "DubStudio's mouth re-shaping from the face mesh (built in)",
            "lipsync-score": "mouth opening against the dub's loudness (built in)"}
STAGE_NOTES = {"synthesize": "Casting chooses a voice per speaker; an XTTS-v2 folder makes clones available.",
               "lipsync-score": "With a SyncNet folder, renders also report LSE-D / LSE-C."}
OK_STYLE, MISSING_STYLE = "color: #1e8c3c", "color: #c0392b"
CHECK_DELAY_MS = 250  # after the last keystroke in a folder field


def status_text(installed: bool, missing: str) -> str:
    return "installed" if installed else f"missing: {missing}"


class FolderRow:
    """A studio backend's folder field, Choose… button and live status."""

    def __init__(self, backend: Backend, folder: str, parent: QWidget):
        self.backend = backend
        self.edit = QLineEdit(folder)
        self.edit.setPlaceholderText("model folder")
        self.edit.setMinimumWidth(320)
        self.choose = QPushButton("Choose…")
        self.choose.clicked.connect(lambda: self._choose(parent))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name = QLabel(f"<b>{escape(backend.title)}</b> <span style='color: gray'>· "
                           f"{escape(backend.licence)}</span>")
        self.name.setWordWrap(True)
        self.name.setToolTip(f"Licence: {backend.licence}\nDevice: {backend.device}"
                             + ("\nClones voices" if backend.clones_voices else ""))
        self._timer = QTimer(parent, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.edit.textChanged.connect(lambda _: self._timer.start())
        self.refresh()

    @property
    def folder(self) -> str:
        return self.edit.text().strip()

    def _choose(self, parent: QWidget) -> None:
        folder = QFileDialog.getExistingDirectory(parent, f"Model folder for {self.backend.title}", self.folder)
        if folder:
            self.edit.setText(folder)
            self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        installed, missing = self.backend.check(self.folder or None)
        self.status.setText(status_text(installed, missing))
        self.status.setStyleSheet(OK_STYLE if installed else MISSING_STYLE)


class ModelsPage(QScrollArea):
    def __init__(self, settings: UserSettings, registry: Registry, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: dict[str, FolderRow] = {}
        self.use: dict[str, QComboBox] = {}
        body = QWidget()
        layout = QVBoxLayout(body)
        for stage in STAGES:
            backends = registry.for_stage(stage)
            if backends or stage in BUILT_IN:
                layout.addWidget(self._stage(stage, backends, settings))
        layout.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)

    def _stage(self, stage: str, backends: list[Backend], settings: UserSettings) -> QGroupBox:
        box = QGroupBox(STAGE_TITLES.get(stage, stage))
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        row = 0
        embedded = [b for b in backends if not b.needs_folder]
        studio = [b for b in backends if b.needs_folder]
        if stage in CHOICES:
            combo = QComboBox()
            combo.addItem("Embedded default", "")
            for backend in studio:
                combo.addItem(backend.title, backend.name)
            combo.setCurrentIndex(max(0, combo.findData(settings.use.get(stage, ""))))
            self.use[stage] = combo
            grid.addWidget(QLabel("Use:"), row, 0)
            grid.addWidget(combo, row, 1, 1, 2)
            row += 1
        if stage in STAGE_NOTES:
            note = QLabel(STAGE_NOTES[stage])
            note.setWordWrap(True)
            grid.addWidget(note, row, 0, 1, 3)
            row += 1
        if embedded:
            defaults = [(backend.title, *backend.check()) for backend in embedded]
        else:
            defaults = [(BUILT_IN[stage], True, "")] if stage in BUILT_IN else []
        for title, installed, missing in defaults:
            label = QLabel(f"Embedded: {title}")
            label.setWordWrap(True)
            status = QLabel(status_text(installed, missing))
            status.setWordWrap(True)
            status.setStyleSheet(OK_STYLE if installed else MISSING_STYLE)
            grid.addWidget(label, row, 0, 1, 2)
            grid.addWidget(status, row, 2)
            row += 1
        for backend in studio:
            folder = FolderRow(backend, settings.folders.get(backend.name, ""), self)
            self.rows[backend.name] = folder
            grid.addWidget(folder.name, row, 0, 1, 3)
            grid.addWidget(folder.edit, row + 1, 0, 1, 2)
            grid.addWidget(folder.choose, row + 1, 2)
            grid.addWidget(folder.status, row + 2, 0, 1, 3)
            row += 3
        return box

    def folders(self) -> dict[str, str]:
        return {name: row.folder for name, row in self.rows.items() if row.folder}

    def choices(self) -> dict[str, str]:
        return {stage: combo.currentData() for stage, combo in self.use.items() if combo.currentData()}
