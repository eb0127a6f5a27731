"""The casting dialog's two tables: speakers (a Play button for the reference audio, lines, the voice they
have now) and candidate voices (kind, similarity, licence). They show what they are given and keep their
selection across refills."""

from dubstudio.ui.casting.catalog import Candidate
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QToolButton

ID_ROLE = Qt.ItemDataRole.UserRole
KIND_TEXT = {"project": "in the project", "stock": "stock", "clone": "clone"}
LICENCE_WIDTH = 200


def _item(text: str, data=None, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if data is not None:
        item.setData(ID_ROLE, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class _Table(QTableWidget):
    def __init__(self, headers: tuple[str, ...], stretch: int):
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        header = self.horizontalHeader()
        for column in range(len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)

    def current_data(self, column: int):
        row = self.currentRow()
        return self.item(row, column).data(ID_ROLE) if row >= 0 and self.item(row, column) else None

    def select_data(self, column: int, data) -> bool:
        for row in range(self.rowCount()):
            if self.item(row, column).data(ID_ROLE) == data:
                self.selectRow(row)
                return True
        return False


class SpeakersTable(_Table):
    playRequested = Signal(int)  # speaker id

    def __init__(self):
        super().__init__(("", "Speaker", "Lines", "Voice now"), stretch=3)

    def current_id(self) -> int | None:
        return self.current_data(1)

    def fill(self, rows: list[tuple[int, str, int, str, bool]]) -> None:
        """rows: (speaker id, name, lines, voice now, has reference audio); keeps the selected speaker."""
        keep = self.current_id()
        self.blockSignals(True)
        self.setRowCount(len(rows))
        for row, (speaker_id, name, lines, voice, playable) in enumerate(rows):
            play = QToolButton(text="▶")
            play.setToolTip(f"Play {name}'s reference audio")
            play.setEnabled(playable)
            play.clicked.connect(lambda _=False, sid=speaker_id: self.playRequested.emit(sid))
            self.setCellWidget(row, 0, play)
            self.setItem(row, 1, _item(name, speaker_id))
            self.setItem(row, 2, _item(str(lines), align_right=True))
            self.setItem(row, 3, _item(voice))
        self.select_data(1, keep)
        self.blockSignals(False)


class VoicesTable(_Table):
    def __init__(self):
        super().__init__(("Voice", "Kind", "Similarity", "Licence"), stretch=0)
        header = self.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, LICENCE_WIDTH)

    def current_key(self) -> str | None:
        return self.current_data(0)

    def fill(self, candidates: list[Candidate], scores: dict[str, float], keep: str | None, pending: bool) -> None:
        """The candidates, most similar first; `keep`: the key to select; `pending`: scores are coming."""
        ordered = sorted(candidates, key=lambda c: (c.key not in scores, -scores.get(c.key, 0.0)))
        self.blockSignals(True)
        self.setRowCount(len(ordered))
        for row, candidate in enumerate(ordered):
            name = candidate.name + (" — consent recorded" if candidate.consented else
                                     " — needs consent" if candidate.clone else "")
            self.setItem(row, 0, _item(name, candidate.key))
            self.setItem(row, 1, _item(KIND_TEXT[candidate.kind]))
            score = scores.get(candidate.key)
            self.setItem(row, 2, _item(("…" if pending else "—") if score is None else f"{score:.2f}",
                                       align_right=True))
            licence = _item(candidate.licence)
            licence.setToolTip(candidate.licence)
            self.setItem(row, 3, licence)
        self.setCurrentCell(-1, -1)
        self.select_data(0, keep)
        self.blockSignals(False)
