"""File > New: a project from a video, its source language (or automatic) and the target languages.

Creating hashes the whole source (a film is gigabytes), so it runs on a worker thread; the dialog
only collects the choices and says what is wrong with them.
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from dubstudio.translation.languages import LANGUAGES

VIDEO_FILTER = "Video (*.mp4 *.mov *.mkv *.mxf *.avi *.webm *.m4v);;All files (*)"


class NewProjectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, video: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("New dubbing project")
        self.video, row = _path_row(str(video or ""), "the video to dub", self._choose_video)
        self.project_path, project_row = _path_row("", "where the project file goes", self._choose_project)
        self.source = QComboBox()
        self.source.addItem("Detect automatically", None)
        names = sorted((name, code) for code, (name, _, _) in LANGUAGES.items())
        for name, code in names:
            self.source.addItem(f"{name} ({code})", code)
        self.targets = QListWidget()
        for name, code in names:
            item = QListWidgetItem(f"{name} ({code})")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Checked if code == "es" else Qt.CheckState.Unchecked)
            self.targets.addItem(item)
        self.targets.setMinimumHeight(160)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create and dub")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Video", row)
        form.addRow("Project file", project_row)
        form.addRow("Spoken language", self.source)
        form.addRow("Dub into", self.targets)
        form.addRow(self.problem)
        form.addRow(buttons)
        self.video.textChanged.connect(self._suggest_project_path)
        self._suggest_project_path(self.video.text())

    def _choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Video to dub", "", VIDEO_FILTER)
        if path:
            self.video.setText(path)

    def _choose_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Project file", self.project_path.text(),
                                              "DubStudio project (*.dubproj)")
        if path:
            self.project_path.setText(path if path.endswith(".dubproj") else path + ".dubproj")

    def _suggest_project_path(self, text: str) -> None:
        if text.strip() and not self.project_path.isModified():
            video = Path(text.strip())
            self.project_path.setText(str(video.with_suffix(".dubproj")))

    def choices(self) -> tuple[Path, Path, str | None, tuple[str, ...]]:
        """(video, project path, source language or None, target languages)."""
        targets = tuple(self.targets.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.targets.count())
                        if self.targets.item(i).checkState() == Qt.CheckState.Checked)
        return (Path(self.video.text().strip()), Path(self.project_path.text().strip()),
                self.source.currentData(), targets)

    def accept(self) -> None:
        problem = self._check()
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

    def _check(self) -> str:
        video, project, source, targets = self.choices()
        if not video.is_file():
            return f"{video} is not a file: choose the video to dub."
        if project.exists():
            return f"{project} exists: choose another name, or open it with File > Open."
        if not project.parent.is_dir():
            return f"{project.parent} is not a folder: choose where the project goes."
        if not targets:
            return "Tick at least one language to dub into."
        if source is not None and source in targets:
            return f"The video is already in {LANGUAGES[source][0]}: untick it from the languages to dub into."
        return ""


def _path_row(text: str, placeholder: str, choose) -> tuple[QLineEdit, QHBoxLayout]:
    """A path field with its Choose… button."""
    field = QLineEdit(text)
    field.setPlaceholderText(placeholder)
    button = QPushButton("Choose…")
    button.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return field, row
