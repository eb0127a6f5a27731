"""Settings: model folders per stage, the engine, the cache's size. OK checks and saves them (the file is
written atomically); they apply to projects opened after."""

from pathlib import Path

from dubstudio.engine.registry import Registry, default_registry
from dubstudio.ui.settings.models import ModelsPage
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dubstudio import cache_size
from dubstudio import settings as user_settings
from dubstudio.settings import EngineSettings, SettingsError, UserSettings

MAX_LOCAL = 64


def _gb(size: int) -> str:
    return f"{size / 1e9:.2f} GB"


class EnginePage(QWidget):
    def __init__(self, engine: EngineSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.local = QRadioButton("Local engine on this machine")
        self.farm = QRadioButton("A render farm (Dask scheduler)")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.farm)
        self.workers = QSpinBox(minimum=1, maximum=MAX_LOCAL, value=engine.workers)
        self.threads = QSpinBox(minimum=1, maximum=MAX_LOCAL, value=engine.threads)
        self.scheduler = QLineEdit(engine.scheduler)
        self.scheduler.setPlaceholderText("tcp://farm:8786")
        self.shared = QCheckBox("The farm's workers read this machine's files (shared storage)")
        self.shared.setChecked(engine.shared_storage)
        form = QFormLayout(self)
        form.addRow(self.local)
        form.addRow("Worker processes:", self.workers)
        form.addRow("Threads per worker:", self.threads)
        form.addRow(self.farm)
        form.addRow("Scheduler address:", self.scheduler)
        form.addRow(self.shared)
        note = QLabel("Start a farm with 'dubstudio engine scheduler' and 'dubstudio engine worker'. "
                      "Changes apply to the next project opened.")
        note.setWordWrap(True)
        form.addRow(note)
        (self.farm if engine.scheduler else self.local).setChecked(True)
        self.local.toggled.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        local = self.local.isChecked()
        for widget in (self.workers, self.threads):
            widget.setEnabled(local)
        for widget in (self.scheduler, self.shared):
            widget.setEnabled(not local)

    def settings(self) -> EngineSettings:
        return EngineSettings(scheduler="" if self.local.isChecked() else self.scheduler.text().strip(),
                              shared_storage=self.shared.isChecked(), workers=self.workers.value(),
                              threads=self.threads.value())


class CachePage(QWidget):
    def __init__(self, limit_gb: float, root: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.root = root
        self.limit = QDoubleSpinBox(minimum=0.5, maximum=10_000, decimals=1, suffix=" GB", value=limit_gb)
        self.usage = QLabel()
        free = QPushButton("Free space now")
        free.clicked.connect(self.prune)
        row = QHBoxLayout()
        row.addWidget(self.usage, 1)
        row.addWidget(free)
        form = QFormLayout(self)
        form.addRow("Size limit:", self.limit)
        form.addRow("In use:", row)
        note = QLabel("Decoded audio, waveforms, stems and model files assembled from packages are kept in the "
                      "cache; they can always be rebuilt. Beyond the limit, the least recently used go first.")
        note.setWordWrap(True)
        form.addRow(note)
        self.refresh()

    def refresh(self) -> None:
        self.usage.setText(_gb(cache_size.usage(self.root)))

    def prune(self) -> cache_size.Pruned:
        pruned = cache_size.prune(int(self.limit.value() * 1e9), self.root)
        self.refresh()
        self.usage.setText(f"{self.usage.text()} ({pruned.files} files deleted, {_gb(pruned.freed)} freed)")
        return pruned


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, path: Path | None = None,
                 registry: Registry | None = None, cache_root: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.path = path
        problem = ""
        try:
            current = user_settings.load(path)
        except SettingsError as error:  # shown; saving writes a good file in its place
            current, problem = UserSettings(), str(error)
        self.models = ModelsPage(current, registry or default_registry())
        self.engine = EnginePage(current.engine)
        self.cache = CachePage(current.cache_limit_gb, cache_root)
        tabs = QTabWidget()
        tabs.addTab(self.models, "Models")
        tabs.addTab(self.engine, "Engine")
        tabs.addTab(self.cache, "Cache")
        self.problem = QLabel(problem)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.setVisible(bool(problem))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(780, 760)

    def settings(self) -> UserSettings:
        return UserSettings(folders=self.models.folders(), use=self.models.choices(), engine=self.engine.settings(),
                            cache_limit_gb=self.cache.limit.value())

    def accept(self) -> None:
        chosen = self.settings()
        try:
            user_settings.options(chosen)  # a stage set to a backend with no folder is said now
            if self.engine.farm.isChecked() and not chosen.engine.scheduler:
                raise SettingsError("a farm needs its scheduler's address: type it (e.g. tcp://farm:8786), or "
                                    "choose the local engine.")
        except SettingsError as error:
            QMessageBox.warning(self, "Settings", str(error)[:1].upper() + str(error)[1:])
            return
        user_settings.save(chosen, self.path)
        if cache_size.usage(self.cache.root) > chosen.cache_limit_bytes:
            self.cache.prune()
        super().accept()
