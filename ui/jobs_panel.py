"""The jobs panel: every piece of engine work with its progress bar, a Cancel while it runs, and a
failure's sentence with Retry."""

from dubstudio.ui.jobs import JobList, Work
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

STATUS_TEXT = {"queued": "waiting", "running": "", "finished": "done", "cancelled": "cancelled", "error": "failed"}


class JobRow(QWidget):
    def __init__(self, work: Work, parent: QWidget | None = None):
        super().__init__(parent)
        self.work = work
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: palette(mid)")
        self.cancel = QToolButton(text="Cancel")
        self.cancel.clicked.connect(lambda: work.cancel and work.cancel())
        self.retry = QToolButton(text="Retry")
        self.retry.clicked.connect(self._retry)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.label, 1)
        top.addWidget(self.cancel)
        top.addWidget(self.retry)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        self.refresh()

    def _retry(self) -> None:
        if self.work.retry is not None:
            self.retry.setEnabled(False)
            self.work.retry()

    def refresh(self) -> None:
        work = self.work
        state = STATUS_TEXT.get(work.status, work.status)
        self.label.setText(f"<b>{work.label}</b>" + (f" — {state}" if state else ""))
        if work.total:
            self.bar.setRange(0, work.total)
            self.bar.setValue(min(work.done, work.total))
        else:
            self.bar.setRange(0, 0 if work.status == "running" else 1)  # busy indicator while it runs
            self.bar.setValue(1 if work.status == "finished" else 0)
        self.bar.setVisible(work.active or work.status == "finished")
        self.detail.setText(work.error or work.message)
        self.detail.setStyleSheet("color: #c0392b" if work.error else "color: palette(mid)")
        self.detail.setVisible(bool(work.error or work.message))
        self.cancel.setVisible(work.active and work.cancel is not None)
        self.retry.setVisible(work.status in ("error", "cancelled") and work.retry is not None)


class JobsPanel(QWidget):
    def __init__(self, jobs: JobList, parent: QWidget | None = None):
        super().__init__(parent)
        self.jobs = jobs
        self.rows: dict[int, JobRow] = {}
        self.empty = QLabel("No engine work yet.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        clear = QPushButton("Clear finished")
        clear.clicked.connect(jobs.clear_finished)
        inner = QWidget()
        self.list = QVBoxLayout(inner)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.addWidget(self.empty)
        self.list.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(clear, 0, Qt.AlignmentFlag.AlignRight)
        jobs.changed.connect(self._changed)

    def _changed(self, work: Work | None) -> None:
        if work is None:  # rows were cleared
            keep = {row.id for row in self.jobs.rows}
            for work_id in [i for i in self.rows if i not in keep]:
                self.rows.pop(work_id).deleteLater()
        elif work.id in self.rows:
            self.rows[work.id].refresh()
        else:
            row = JobRow(work)
            self.rows[work.id] = row
            self.list.insertWidget(0, row)  # newest on top
        self.empty.setVisible(not self.rows)

    def row(self, work: Work) -> JobRow | None:
        return self.rows.get(work.id)
