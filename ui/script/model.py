"""ScriptModel: the script of one target language as a table, one row per line in script order.

Rows are snapshots read once (rows.py); apply_changes re-reads only the lines an operation touched and
says so with dataChanged for those rows (a full reset when lines appeared, went or moved). Editing the
translation never writes the project: the model asks for the edit (editRequested) and the window runs
the operation, then calls apply_changes.
"""

from enum import IntEnum

from dubstudio.ui.script.figures import fit_details, qa_details
from dubstudio.ui.script.rows import ScriptContext, ScriptRow
from dubstudio.ui.state import Fit
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from dubstudio.project import OpChanges, Project


class Column(IntEnum):
    NUMBER = 0
    IN = 1
    OUT = 2
    SPEAKER = 3
    SOURCE = 4
    TRANSLATION = 5
    VOICE = 6
    FIT = 7
    QA = 8
    TAKES = 9


HEADERS = ("#", "In", "Out", "Speaker", "Source", "Translation", "Voice", "Fit", "QA", "Takes")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the ScriptRow snapshot, for the filter proxy and the view
STATUS_WORDS = {"machine": "Machine translation", "edited": "Edited", "approved": "Approved", "": "Not translated"}
_ALERT = QBrush(QColor(200, 40, 40))
_QUIET = QBrush(QColor(128, 128, 128))
_APPROVED = QBrush(QColor(30, 130, 60))
_NUMERIC = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _font(italic: bool = False, bold: bool = False) -> QFont:
    font = QFont()
    font.setItalic(italic)
    font.setBold(bold)
    return font


class ScriptModel(QAbstractTableModel):
    editRequested = Signal(int, str, str)  # line_id, language, text

    def __init__(self, project: Project | None = None, language: str = "", parent=None):
        super().__init__(parent)
        self._context: ScriptContext | None = None
        self._rows: list[ScriptRow] = []
        self._index: dict[int, int] = {}  # line id -> row
        self._fonts = {"machine": _font(italic=True), "approved": _font(bold=True)}
        if project is not None:
            self.set_project(project, language)

    # -- reading -------------------------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self._context.language if self._context else ""

    def set_project(self, project: Project | None, language: str = "") -> None:
        """Show another project or language (None: an empty table)."""
        self.beginResetModel()
        self._context = ScriptContext(project, language) if project is not None else None
        self._read_all()
        self.endResetModel()

    def _read_all(self) -> None:
        self._rows = self._context.all_rows() if self._context else []
        self._index = {row.line_id: position for position, row in enumerate(self._rows)}

    @staticmethod
    def column(name: str) -> int:
        """A column's number by name: "translation", "fit", "qa" (Column's names, any case)."""
        return Column[name.upper()]

    def speakers(self) -> dict[int, str]:
        """Speaker names by id."""
        return dict(self._context.speakers) if self._context else {}

    def row_of(self, line_id: int) -> int | None:
        return self._index.get(line_id)

    def row_at(self, row: int) -> ScriptRow:
        return self._rows[row]

    def apply_changes(self, changes: OpChanges) -> None:
        """Redraw what an operation, undo, redo or job result changed, and only that."""
        context = self._context
        if context is None or not changes:
            return
        if changes.line_order:
            self.beginResetModel()
            context.read_speakers()
            context.read_casting()
            self._read_all()
            self.endResetModel()
            return
        language = context.language
        touched = set(changes.lines)
        touched |= {line_id for line_id, lang in changes.translations | changes.takes if lang == language}
        recast = {speaker_id for speaker_id, lang in changes.casting if lang == language}
        if recast:
            context.read_casting()
            touched |= {row.line_id for row in self._rows if row.speaker_id in recast}
        positions = sorted(self._index[line_id] for line_id in touched if line_id in self._index)
        for position in positions:
            fresh = context.reread(self._rows[position].line_id)
            if fresh is None:  # left the script without a reorder being reported: read it all again
                self.beginResetModel()
                self._read_all()
                self.endResetModel()
                return
            self._rows[position] = fresh
        for first, last in _runs(positions):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))

    # -- Qt model ------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == Column.TRANSLATION:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return _TEXT[column](row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, column)
        if role == Qt.ItemDataRole.FontRole and column == Column.TRANSLATION:
            return self._fonts.get(row.state.status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _foreground(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.NUMBER, Column.TAKES, Column.FIT):
            return _NUMERIC
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Asks for the edit; the row changes when the window applies the operation's changes."""
        if not index.isValid() or index.column() != Column.TRANSLATION or role != Qt.ItemDataRole.EditRole:
            return False
        row = self._rows[index.row()]
        text = str(value)
        if text == row.text:
            return False
        self.editRequested.emit(row.line_id, self.language, text)
        return True


_TEXT = {
    Column.NUMBER: lambda row: str(row.number),
    Column.IN: lambda row: row.tc_in,
    Column.OUT: lambda row: row.tc_out,
    Column.SPEAKER: lambda row: row.speaker,
    Column.SOURCE: lambda row: row.source,
    Column.TRANSLATION: lambda row: row.text,
    Column.VOICE: lambda row: row.voice,
    Column.FIT: lambda row: row.state.fit_label,
    Column.QA: lambda row: row.state.qa_label,
    Column.TAKES: lambda row: str(row.takes),
}


def _tooltip(row: ScriptRow, column: Column) -> str | None:
    match column:
        case Column.SOURCE:
            return row.source
        case Column.TRANSLATION:
            return f"{STATUS_WORDS.get(row.state.status, row.state.status)}\n{row.text}".rstrip()
        case Column.VOICE:
            return row.voice or "No voice cast for this speaker"
        case Column.FIT:
            return fit_details(row.take.fit) if row.take else "No take yet"
        case Column.QA:
            return qa_details(row.take.qa) if row.take else "No take yet"
    return None


def _foreground(row: ScriptRow, column: Column) -> QBrush | None:
    state = row.state
    if column == Column.FIT:
        return _ALERT if state.fit is Fit.OVER else _QUIET if state.fit is Fit.NO_TAKE else None
    if column == Column.QA and state.flagged:
        return _ALERT
    if column == Column.TRANSLATION:
        return _QUIET if state.status == "machine" else _APPROVED if state.approved else None
    return None


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of neighbours: one dataChanged per run."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs
