"""ScriptView: the script editor. A filter bar (all / flagged / over-long / not approved, a speaker,
find) over a table of the lines, whose selection follows the session's and asks to change it when
the user selects.

The view reads the project and asks for changes by signal; the window runs the operations and calls
apply_changes. A selection set from outside (set_selection) is never echoed back.
"""

from contextlib import contextmanager

from dubstudio.ui.script.delegate import TranslationDelegate
from dubstudio.ui.script.filters import ANY_SPEAKER, Show, matches, passes
from dubstudio.ui.script.model import Column, ScriptModel
from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dubstudio.project import OpChanges, Project

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# widths in characters of the narrow columns; Source and Translation share what is left
TEXT_MIN_CHARACTERS = 16
_WIDTHS = {Column.NUMBER: 5, Column.IN: 12, Column.OUT: 12, Column.SPEAKER: 12, Column.VOICE: 14,
           Column.FIT: 10, Column.QA: 17, Column.TAKES: 6}
ROW_LINES = 2  # rows are two lines of text tall (word-wrapped); the tooltip has the whole text


class ScriptFilter(QSortFilterProxyModel):
    """The filter bar's choice, applied by filters.passes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show = Show.ALL
        self.speaker: int | None = ANY_SPEAKER

    def set_filter(self, show: Show, speaker: int | None) -> None:
        self.beginFilterChange()
        self.show, self.speaker = show, speaker
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        return passes(self.sourceModel().row_at(source_row), self.show, self.speaker)


class _Table(QTableView):
    """Enter (or F2) edits the translation of the current row, whichever cell is current."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() in (*_ENTER, Qt.Key.Key_F2) and not event.modifiers()
                and self.state() != QAbstractItemView.State.EditingState):
            self.edit_translation()
            return
        super().keyPressEvent(event)

    def edit_translation(self) -> None:
        current = self.currentIndex()
        if current.isValid():
            target = current.siblingAtColumn(Column.TRANSLATION)
            self.setCurrentIndex(target)
            self.edit(target)


class ScriptView(QWidget):
    selectionRequested = Signal(tuple)  # line ids in script order, when the user changed the selection
    editRequested = Signal(int, str, str)  # line_id, language, text

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ScriptModel(parent=self)
        self.proxy = ScriptFilter(self)
        self.proxy.setSourceModel(self.model)
        self._selected: tuple[int, ...] = ()
        self._quiet = 0  # > 0 while the view changes the selection itself: nothing is echoed

        self.table = _Table(self)
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(Column.TRANSLATION, TranslationDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self._size_columns()
        self.table.selectionModel().selectionChanged.connect(self._user_selected)

        self._show_buttons = QButtonGroup(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(2, 2, 6, 2)
        for number, show in enumerate(Show):
            button = QToolButton(self, text=show.value, checkable=True, autoRaise=True)
            button.setChecked(show is Show.ALL)
            self._show_buttons.addButton(button, number)
            bar.addWidget(button)
        self._show_buttons.idToggled.connect(lambda _, on: on and self._refilter())
        self.speaker_combo = QComboBox(self)
        self.speaker_combo.activated.connect(self._refilter)
        bar.addWidget(self.speaker_combo)
        self.find_field = QLineEdit(self, placeholderText="Find in source or translation (Enter, F3)",
                                    clearButtonEnabled=True)
        self.find_field.returnPressed.connect(self.find_next)
        self.find_field.installEventFilter(self)
        bar.addWidget(self.find_field, 1)
        self.status = QLabel(self)
        bar.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        for keys, backwards in ((QKeySequence(Qt.Key.Key_F3), False),
                                (QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F3), True)):
            shortcut = QShortcut(keys, self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda backwards=backwards: self.find_next(backwards))
        self.model.editRequested.connect(self.editRequested)
        self.model.modelReset.connect(self._after_reset)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.rowsRemoved.connect(self._count)
        self._after_reset()

    # -- what the window calls -----------------------------------------------------------------------

    def set_project(self, project: Project | None, language: str = "") -> None:
        self._selected = ()
        self.model.set_project(project, language)

    def apply_changes(self, changes: OpChanges) -> None:
        with self._silently():
            self.model.apply_changes(changes)  # a row leaving the filter would drop it from the selection
            self._select(self._selected, scroll=False)

    def set_selection(self, line_ids) -> None:
        """Select these lines (those the filter shows) and scroll to them, without emitting back."""
        self._selected = tuple(line_ids)
        with self._silently():
            self._select(self._selected, scroll=True)

    def selection(self) -> tuple[int, ...]:
        return self._selected

    def edit_current(self) -> None:
        """Open the in-place editor on the current line's translation."""
        self.table.setFocus()
        self.table.edit_translation()

    def focus_find(self) -> None:
        self.find_field.setFocus()
        self.find_field.selectAll()

    def set_filter(self, show: Show, speaker: int | None = ANY_SPEAKER) -> None:
        self._show_buttons.blockSignals(True)
        self._show_buttons.button(list(Show).index(show)).setChecked(True)
        self._show_buttons.blockSignals(False)
        position = self.speaker_combo.findData(speaker)
        self.speaker_combo.setCurrentIndex(max(0, position))
        self._refilter()

    def find_next(self, backwards: bool = False) -> bool:
        """Select the next (or previous) shown line whose source or translation holds the find text."""
        needle = self.find_field.text()
        rows = self.proxy.rowCount()
        if not needle or not rows:
            return False
        current = self.table.currentIndex()
        start = current.row() if current.isValid() else (rows if backwards else -1)
        step = -1 if backwards else 1
        for offset in range(1, rows + 1):
            row = (start + step * offset) % rows
            if matches(self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row()), needle):
                found = self.proxy.index(row, 0)  # not selectRow: it would extend a Shift+F3 selection
                self.table.selectionModel().setCurrentIndex(found, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                                            | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(found)
                self._count()
                return True
        self.status.setText(f"No shown line contains \u201c{needle}\u201d")
        return False

    # -- inside --------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the find field finds, even where the window binds Enter to editing the line."""
        if (watched is self.find_field and event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent) and event.key() in _ENTER):
            event.accept()
            return True
        return super().eventFilter(watched, event)

    @contextmanager
    def _silently(self):
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _select(self, line_ids: tuple[int, ...], scroll: bool) -> None:
        selection = QItemSelection()
        first: QModelIndex | None = None
        for line_id in line_ids:
            source_row = self.model.row_of(line_id)
            if source_row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
            if not index.isValid():
                continue  # hidden by the filter
            selection.select(index, index)
            first = index if first is None or index.row() < first.row() else first
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection_model = self.table.selectionModel()
        selection_model.select(selection, flags)
        if first is not None:
            selection_model.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            if scroll:
                self.table.scrollTo(first)

    def _user_selected(self) -> None:
        if self._quiet:
            return
        rows = sorted(self.proxy.mapToSource(index).row() for index in self.table.selectionModel().selectedRows())
        self._selected = tuple(self.model.row_at(row).line_id for row in rows)
        self.selectionRequested.emit(self._selected)

    def _refilter(self) -> None:
        show = list(Show)[max(0, self._show_buttons.checkedId())]
        with self._silently():
            self.proxy.set_filter(show, self.speaker_combo.currentData())
            self._select(self._selected, scroll=True)
        self._count()

    def _after_reset(self) -> None:
        """New lines, project or language: the speakers may have changed, and the selection."""
        current = self.speaker_combo.currentData()
        self.speaker_combo.clear()
        self.speaker_combo.addItem("All speakers", ANY_SPEAKER)
        for speaker_id, name in self.model.speakers().items():
            self.speaker_combo.addItem(name, speaker_id)
        self.speaker_combo.setCurrentIndex(max(0, self.speaker_combo.findData(current)))
        alive = tuple(line_id for line_id in self._selected if self.model.row_of(line_id) is not None)
        self._selected = alive
        self._refilter()

    def _count(self) -> None:
        self.status.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} lines")

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        width = self.fontMetrics().averageCharWidth()
        for column, characters in _WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, characters * width + 12)
        for column in (Column.SOURCE, Column.TRANSLATION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        # the texts are what the table is for: never squeeze them below a short sentence each
        self.table.setMinimumWidth(sum(characters * width + 12 for characters in _WIDTHS.values())
                                   + 2 * TEXT_MIN_CHARACTERS * width)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() * ROW_LINES + 8)
