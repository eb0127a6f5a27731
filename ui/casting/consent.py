"""The consent form for a cloned voice: who consented, to what, and where the proof is. Recorded with
Project.record_consent (kept for good, never edited); the core refuses to cast or synthesize a clone
without one, and the form opens with that refusal's sentence."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from dubstudio.errors import DubStudioError
from dubstudio.project import Project, Voice

DEFAULT_SCOPE = "Synthetic dubbing of this production in {languages}, with disclosure in the delivered files."


class ConsentDialog(QDialog):
    def __init__(self, project: Project, voice: Voice, reason: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.project, self.voice = project, voice
        self.setWindowTitle(f"Consent to clone a voice — {voice.name}")
        self.reason = QLabel(reason)
        self.reason.setWordWrap(True)
        self.person = QLineEdit()
        self.person.setPlaceholderText("the person whose voice is cloned, as they name themselves")
        self.scope = QPlainTextEdit(DEFAULT_SCOPE.format(
            languages=", ".join(project.settings.target_languages)))
        self.scope.setFixedHeight(70)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("where the signed form is: a file, a contract number, an e-mail")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow("Person:", self.person)
        form.addRow("Agreed to:", self.scope)
        form.addRow("Evidence:", self.evidence)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Record consent", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def accept(self) -> None:
        try:
            self.project.record_consent(self.voice.id, person=self.person.text().strip(),
                                        scope=self.scope.toPlainText().strip(), evidence=self.evidence.text().strip())
        except DubStudioError as error:  # a field left empty: said here, nothing recorded
            self.problem.setText(str(error))
            return
        super().accept()
