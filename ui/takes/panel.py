"""TakesPanel: the takes of the current line in one language, newest first with the chosen one marked,
and what can be done with them (choose, play, A/B compare, regenerate, fit strategy, approve), with
the translation's n-best candidates to pick from and a retranslate button.

Like every view it only reads the project and asks by signal; the window runs the operations and calls
apply_changes.
"""

from dubstudio.ui.script.model import STATUS_WORDS
from dubstudio.ui.takes.rows import TakeRow, take_rows
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dubstudio.project import OpChanges, Project, Translation
from dubstudio.voices.fitting import PROJECT_STRATEGIES

HEADERS = ("", "Created", "Voice", "Duration", "Pace", "Fit", "CER", "Heard")
CHOSEN_MARK = "\u25cf"  # the chosen take's mark in the first column
STRATEGIES = tuple(PROJECT_STRATEGIES)  # the fit strategies synthesis can do, as the project names them
_ID_ROLE = Qt.ItemDataRole.UserRole


class TakesPanel(QWidget):
    chooseRequested = Signal(int)          # take id
    playRequested = Signal(int)            # take id
    compareRequested = Signal(int, int)    # take A, take B
    regenerateRequested = Signal()
    strategyRequested = Signal(str)        # a project fit strategy the fitter can do (PROJECT_STRATEGIES)
    approveRequested = Signal()
    candidateChosen = Signal(str)          # a candidate's text, to become the translation
    retranslateRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._project: Project | None = None
        self._line_id: int | None = None
        self._language = ""
        self._translation: Translation | None = None
        self._rows: list[TakeRow] = []

        self.title = QLabel(self)
        self.text = QLabel(self, wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.takes = QTreeWidget(self, rootIsDecorated=False, uniformRowHeights=True, allColumnsShowFocus=True)
        self.takes.setHeaderLabels(HEADERS)
        for column in range(len(HEADERS) - 1):  # a line has a handful of takes: sizing to them is cheap
            self.takes.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.takes.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.takes.itemSelectionChanged.connect(self._enable)
        self.takes.itemDoubleClicked.connect(lambda item: self.playRequested.emit(item.data(0, _ID_ROLE)))

        self.choose_button = self._button("&Choose", "Use the selected take for this line (Enter)", self._choose)
        self.play_button = self._button("&Play", "Play the selected take (double-click)", self._play)
        self.compare_button = self._button("A/&B", "Play the chosen take, then the selected one (or two "
                                           "selected takes, older first)", self._compare)
        self.regenerate_button = self._button("&Regenerate", "Make a new take of this line",
                                              self.regenerateRequested.emit)
        self.approve_button = self._button("Appro&ve", "Approve this line's translation", self.approveRequested.emit)
        self.strategy = QComboBox(self, toolTip="How the take is fitted to the line's slot")
        self.strategy.addItems(STRATEGIES)
        self.strategy.activated.connect(lambda position: self.strategyRequested.emit(STRATEGIES[position]))

        self.candidates = QListWidget(self, wordWrap=True)
        self.candidates.itemActivated.connect(lambda item: self.candidateChosen.emit(item.text()))
        self.candidates.itemSelectionChanged.connect(self._enable)
        self.use_button = self._button("&Use candidate", "Make the selected candidate the translation",
                                       self._use_candidate)
        self.retranslate_button = self._button("Re&translate", "Ask the translator again, with candidates",
                                               self.retranslateRequested.emit)

        actions = QHBoxLayout()
        for widget in (self.choose_button, self.play_button, self.compare_button, self.regenerate_button,
                       QLabel("Fit:", self), self.strategy, self.approve_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        candidate_actions = QHBoxLayout()
        candidate_actions.addWidget(QLabel("Translation candidates", self), 1)
        candidate_actions.addWidget(self.use_button)
        candidate_actions.addWidget(self.retranslate_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.takes, 3)
        layout.addLayout(actions)
        layout.addLayout(candidate_actions)
        layout.addWidget(self.candidates, 1)
        self.takes.installEventFilter(self)
        self.candidates.installEventFilter(self)
        self.set_line(None, None, "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the takes list chooses the selected take, in the candidates list uses the candidate:
        these lists take Enter before the window's shortcut (which edits the line) does."""
        if (watched in (self.takes, self.candidates) and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress and watched is self.takes:
                self._choose()
                return True
        return super().eventFilter(watched, event)

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, self, toolTip=tip)
        button.clicked.connect(lambda: slot())
        return button

    # -- what the window calls -----------------------------------------------------------------------

    def set_line(self, project: Project | None, line_id: int | None, language: str) -> None:
        """Show this line's takes in this language (None: nothing); the same line keeps its selected takes."""
        same = (project, line_id, language) == (self._project, self._line_id, self._language)
        keep = self.selected_takes() if same else ()
        self._project, self._line_id, self._language = project, line_id, language
        self._read(keep)

    def apply_changes(self, changes: OpChanges) -> None:
        key = (self._line_id, self._language)
        if self._project is None or self._line_id is None:
            return
        if changes.line_order or self._line_id in changes.lines or key in changes.translations | changes.takes:
            self._read(keep=self.selected_takes())

    def selected_takes(self) -> tuple[int, ...]:
        """Selected take ids, newest first."""
        return tuple(row.take_id for row, item in self._items() if item.isSelected())

    def select_takes(self, take_ids) -> None:
        wanted = set(take_ids)
        for row, item in self._items():
            item.setSelected(row.take_id in wanted)

    # -- inside --------------------------------------------------------------------------------------

    def _items(self):
        return [(row, self.takes.topLevelItem(position)) for position, row in enumerate(self._rows)]

    def _read(self, keep: tuple[int, ...]) -> None:
        project, line_id, language = self._project, self._line_id, self._language
        line = project.line(line_id) if project is not None and line_id is not None else None
        if line is None:
            self._project = self._line_id = None
        self._translation = project.translation(line_id, language) if line is not None else None
        translation = self._translation
        takes = project.takes(line_id, language) if line is not None else []
        voices = {voice.id: voice.name for voice in project.voices()} if takes else {}
        self._rows = take_rows(takes, translation.chosen_take_id if translation else None, voices)

        status = STATUS_WORDS.get(translation.status, "") if translation else STATUS_WORDS[""]
        self.title.setText(f"Line {line.number} \u00b7 {language} \u00b7 {status}" if line else "No line selected")
        self.text.setText(translation.text if translation else "")
        self.takes.clear()
        bold = QFont()
        bold.setBold(True)
        for row in self._rows:
            item = QTreeWidgetItem([CHOSEN_MARK if row.chosen else "", row.created, row.voice, row.duration,
                                    row.pace, row.fit, row.cer, row.heard])
            item.setData(0, _ID_ROLE, row.take_id)
            for column in range(len(HEADERS)):
                item.setToolTip(column, ("Chosen take\n" if row.chosen else "") + row.details)
                if row.chosen:
                    item.setFont(column, bold)
            self.takes.addTopLevelItem(item)
        self.select_takes(keep)
        self.strategy.setCurrentIndex(STRATEGIES.index(translation.fit_strategy)
                                      if translation and translation.fit_strategy in STRATEGIES else 0)
        self.candidates.clear()
        for text in translation.candidates if translation else ():
            self.candidates.addItem(QListWidgetItem(text))
        self._enable()

    def _chosen(self) -> int | None:
        return next((row.take_id for row in self._rows if row.chosen), None)

    def _target(self) -> int | None:
        """The take Play acts on: the selected one, else the chosen one."""
        selected = self.selected_takes()
        return selected[0] if selected else self._chosen()

    def _pair(self) -> tuple[int, int] | None:
        """A/B: the chosen take against the selected one, or two selected takes (the chosen one, or
        else the older, first)."""
        selected, chosen = self.selected_takes(), self._chosen()
        if len(selected) == 1 and chosen is not None and selected[0] != chosen:
            return chosen, selected[0]
        if len(selected) == 2:
            newer, older = selected
            return (chosen, newer if older == chosen else older) if chosen in selected else (older, newer)
        return None

    def _enable(self) -> None:
        translation, selected = self._translation, self.selected_takes()
        has_line = self._line_id is not None
        has_text = translation is not None and bool(translation.text.strip())
        self.choose_button.setEnabled(len(selected) == 1 and selected[0] != self._chosen())
        self.play_button.setEnabled(self._target() is not None)
        self.compare_button.setEnabled(self._pair() is not None)
        self.regenerate_button.setEnabled(has_text)
        self.approve_button.setEnabled(has_text and translation.status != "approved")
        self.strategy.setEnabled(has_line)
        self.retranslate_button.setEnabled(has_line)
        self.use_button.setEnabled(bool(self.candidates.selectedItems()))

    def _choose(self) -> None:
        selected = self.selected_takes()
        if len(selected) == 1 and selected[0] != self._chosen():
            self.chooseRequested.emit(selected[0])

    def _play(self) -> None:
        if (take_id := self._target()) is not None:
            self.playRequested.emit(take_id)

    def _compare(self) -> None:
        if (pair := self._pair()) is not None:
            self.compareRequested.emit(*pair)

    def _use_candidate(self) -> None:
        items = self.candidates.selectedItems()
        if items:
            self.candidateChosen.emit(items[0].text())
