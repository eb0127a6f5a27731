"""Render: the masters of the chosen languages with a delivery preset (loudness, picture codec, container),
the tracks, stems, subtitles and OTIO timeline asked for, into a folder. Lines that need a look (over their
slot, flagged by QA, without a take) are listed before anything is rendered.

The render is the pipeline's (the same as `dubstudio render`), run on a worker thread with its progress per
stage shown here; Cancel stops it between items, and no half-written master is ever left.
"""

import dataclasses
import time
from pathlib import Path

from dubstudio.ui.background import PostedReporter, run_in_thread
from dubstudio.ui.render.flagged import Flagged, flagged_lines
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dubstudio.media.presets import PRESETS as VIDEO_PRESETS
from dubstudio.mix.loudness import PRESETS as LOUDNESS
from dubstudio.pipeline.deliverables import Deliverables
from dubstudio.pipeline.render import CONTAINERS, Rendered, language_name, render
from dubstudio.pipeline.run import Run

COPY = ""  # the picture copied as it is
VIDEO_TEXT = {COPY: "Copy the picture (no re-encode)", "h264": "H.264 (high quality)",
              "h264-draft": "H.264 draft (fast, smaller)", "h265": "H.265 / HEVC", "prores": "Apple ProRes 422 HQ",
              "dnxhr": "Avid DNxHR HQ"}


class RenderDialog(QDialog):
    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Render")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.project = session, session.project
        self.rendered: Rendered | None = None
        self.status_text = ""  # "", "running", "finished", "cancelled", "error"
        self._stop = None
        self._closed = False
        self._started: dict[str, float] = {}

        settings = self.project.settings
        media = self.project.media()
        self.languages: dict[str, QCheckBox] = {}
        for code in settings.target_languages:
            box = QCheckBox(f"{language_name(code)} ({code})")
            box.setChecked(True)
            box.toggled.connect(self._changed)
            self.languages[code] = box
        self.loudness = QComboBox()
        for name, preset in LOUDNESS.items():
            self.loudness.addItem(f"{preset.name}: {preset.lufs:g} LUFS, true peak {preset.true_peak:g} dBTP", name)
        self.loudness.setCurrentIndex(self.loudness.findData(session.options.preset))
        self.video = QComboBox()
        for name in (COPY, *VIDEO_PRESETS):
            self.video.addItem(VIDEO_TEXT.get(name, name), name)
        self.container = QComboBox()
        for suffix in CONTAINERS:
            self.container.addItem(suffix.lstrip(".").upper(), suffix.lstrip("."))
        source = media.path.suffix.lower() if media is not None else ""
        default = session.options.container or (source.lstrip(".") if source in CONTAINERS else "mkv")
        self.container.setCurrentIndex(self.container.findData(default))
        self.video.currentIndexChanged.connect(self._video_changed)
        self.original = QCheckBox(f"Original audio ({language_name(settings.source_language)})")
        self.original.setChecked(True)
        self.dub_tracks = QLabel()
        self.stems = QCheckBox("Stems: music and effects, dialogue and mix per language (WAV)")
        self.stems.setChecked(True)
        self.subtitle_tracks = QCheckBox("As tracks in the master")
        self.subtitle_tracks.setChecked(True)
        self.subtitle_files = QCheckBox("As files (SRT, WebVTT, ASS)")
        self.subtitle_files.setChecked(True)
        self.burn = QCheckBox("Burned into the picture:")
        self.burn_language = QComboBox()
        self.burn.toggled.connect(self._changed)
        self.timeline = QCheckBox("OTIO timeline for an editing system (with the takes it places)")
        self.timeline.setChecked(True)
        self.folder = QLineEdit(str(self.project.path.parent))
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_folder)
        self.flagged = QListWidget()
        self.flagged.setMaximumHeight(120)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.stages = QLabel()
        self.stages.setWordWrap(True)
        self.stages.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.render_button = QPushButton("Render")
        self.render_button.setDefault(True)
        self.render_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton("Open folder")
        self.open_button.clicked.connect(self.open_folder)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self._layout(choose)
        self._video_changed()
        self._changed()
        self._show_state()

    # -- layout -------------------------------------------------------------------------------------

    def _layout(self, choose: QPushButton) -> None:
        languages = QGroupBox("Languages")
        row = QHBoxLayout(languages)
        for box in self.languages.values():
            row.addWidget(box)
        row.addStretch(1)
        delivery = QGroupBox("Delivery preset")
        form = QFormLayout(delivery)
        form.addRow("Loudness:", self.loudness)
        form.addRow("Picture:", self.video)
        form.addRow("Container:", self.container)
        tracks = QGroupBox("Tracks in the master")
        column = QVBoxLayout(tracks)
        column.addWidget(self.original)
        column.addWidget(self.dub_tracks)
        column.addStretch(1)
        files = QGroupBox("Subtitles and files")
        grid = QGridLayout(files)
        grid.addWidget(self.subtitle_tracks, 0, 0, 1, 2)
        grid.addWidget(self.subtitle_files, 1, 0, 1, 2)
        grid.addWidget(self.burn, 2, 0)
        grid.addWidget(self.burn_language, 2, 1)
        grid.addWidget(self.stems, 3, 0, 1, 2)
        grid.addWidget(self.timeline, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        out = QHBoxLayout()
        out.addWidget(QLabel("Output folder:"))
        out.addWidget(self.folder, 1)
        out.addWidget(choose)
        options = QGridLayout()
        options.addWidget(languages, 0, 0, 1, 2)
        options.addWidget(delivery, 1, 0)
        options.addWidget(tracks, 1, 1)
        options.addWidget(files, 2, 0, 1, 2)
        options.setColumnStretch(0, 3)
        options.setColumnStretch(1, 2)
        self.options_box = QWidget()
        self.options_box.setLayout(options)
        warnings = QVBoxLayout()
        warnings.addWidget(self.warning)
        warnings.addWidget(self.flagged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.render_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.options_box)
        layout.addLayout(out)
        layout.addLayout(warnings)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar)
        layout.addWidget(self.stages)
        layout.addStretch(1)  # room to spare goes below, not into the boxes
        layout.addLayout(buttons)
        self.resize(860, 700)

    # -- choices ------------------------------------------------------------------------------------

    def chosen_languages(self) -> list[str]:
        return [code for code, box in self.languages.items() if box.isChecked()]

    def deliverables(self) -> Deliverables:
        burn = self.burn_language.currentData() if self.burn.isChecked() else None
        return Deliverables(original_track=self.original.isChecked(), stems=self.stems.isChecked(),
                            subtitle_tracks=self.subtitle_tracks.isChecked(),
                            subtitle_files=self.subtitle_files.isChecked(), burn_subtitles=burn,
                            timeline=self.timeline.isChecked(), video_preset=self.video.currentData() or None)

    def out_folder(self) -> Path:
        return Path(self.folder.text().strip()).expanduser()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Render into", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _video_changed(self) -> None:
        """A preset that only MOV takes (ProRes, DNxHR) leaves only MOV to choose."""
        preset = VIDEO_PRESETS.get(self.video.currentData())
        allowed = {c.lstrip(".") for c in preset.containers} if preset else {c.lstrip(".") for c in CONTAINERS}
        for index in range(self.container.count()):
            self.container.model().item(index).setEnabled(self.container.itemData(index) in allowed)
        if self.container.currentData() not in allowed:
            self.container.setCurrentIndex(self.container.findData(min(allowed)))

    def _changed(self) -> None:
        languages = self.chosen_languages()
        self.dub_tracks.setText("Dub: " + (", ".join(f"{language_name(c)} ({c})" for c in languages) or "none")
                                + "\n(one track per language rendered; the first is the default)")
        current = self.burn_language.currentData()
        self.burn_language.clear()
        for code in languages:
            self.burn_language.addItem(f"{language_name(code)} ({code})", code)
        if current in languages:
            self.burn_language.setCurrentIndex(self.burn_language.findData(current))
        self.burn_language.setEnabled(self.burn.isChecked())
        self.refresh_warnings()
        self._show_state()

    def refresh_warnings(self) -> list[Flagged]:
        found = flagged_lines(self.project, self.chosen_languages())
        self.flagged.clear()
        for entry in found:
            self.flagged.addItem(entry.text())
        self.flagged.setVisible(bool(found))
        if found:
            self.warning.setText(f"{len(found)} line{'s need' if len(found) != 1 else ' needs'} a look before "
                                 f"delivery (over the slot, flagged by QA, or without a take):")
            self.warning.setStyleSheet("color: #b35900; font-weight: bold")
        else:
            self.warning.setText("Every line has a take that fits its slot and passed QA.")
            self.warning.setStyleSheet("color: #1e8c3c")
        self.render_button.setText("Render anyway" if found else "Render")
        return found

    # -- running ------------------------------------------------------------------------------------

    def _show_state(self) -> None:
        running = self.status_text == "running"
        self.options_box.setEnabled(not running)
        self.folder.setEnabled(not running)
        self.render_button.setEnabled(not running and bool(self.chosen_languages()))
        self.cancel_button.setVisible(running)
        self.open_button.setVisible(self.status_text == "finished")
        self.bar.setVisible(self.status_text != "")
        self.stage.setVisible(self.status_text != "")

    def start(self) -> None:
        """Render with the chosen options on a worker thread (once the engine is up: separation may run)."""
        import threading

        languages = self.chosen_languages()
        deliverables = self.deliverables()
        options = dataclasses.replace(self.session.options, targets=tuple(languages),
                                      preset=self.loudness.currentData(), container=self.container.currentData())
        out = self.out_folder()
        self._stop = threading.Event()
        self.status_text = "running"
        self.rendered = None
        self.stages.setText("")
        self.stage.setText("Waiting for the engine…")
        self.bar.setRange(0, 0)
        self._show_state()

        def begin() -> None:
            if self._stop.is_set():
                self._finished("cancelled", None)
                return
            reporter = PostedReporter(self.session.later, self._stop, self._progress, self._stage_end, self._note)
            run = Run(self.project, self.session.engine, options, reporter)
            run_in_thread(lambda: render(run, out, languages, options.preset, deliverables), self.session.later,
                          self._finished, "dubstudio-render")

        self.session.with_engine(begin)

    def cancel(self) -> None:
        if self._stop is not None and self.status_text == "running":
            self._stop.set()
            self.stage.setText("Cancelling…")

    def _progress(self, stage: str, done: int, total: int | None, message: str) -> None:
        if self._closed:
            return
        self._started.setdefault(stage, time.monotonic())
        self.stage.setText(f"{stage}: {message}" if message else stage)
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)

    def _stage_end(self, stage: str) -> None:
        if self._closed:
            return
        took = time.monotonic() - self._started.pop(stage, time.monotonic())
        self.stages.setText(self.stages.text() + f"✓ {stage} ({took:.1f} s)\n")

    def _note(self, text: str) -> None:
        if not self._closed:
            self.stages.setText(self.stages.text() + text + "\n")

    def _finished(self, status: str, value) -> None:
        self.status_text = status
        if self._closed:
            return
        if status == "finished":
            self.rendered = value
            mixes = ", ".join(f"{code} {mix['lufs']:.1f} LUFS / {mix['true_peak']:.1f} dBTP"
                              for code, mix in value.mixes.items())
            self.stage.setText(f"Done: {value.master}. {mixes}")
            self.bar.setRange(0, 1)
            self.bar.setValue(1)
        elif status == "cancelled":
            self.stage.setText("Cancelled: no master was written (finished stems and files stay).")
            self.bar.setRange(0, 1)
            self.bar.setValue(0)
        else:
            self.stage.setText(f"The render failed: {value}")
        self._show_state()

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.out_folder())))

    def done(self, result: int) -> None:
        """Closing the dialog cancels a render still running."""
        self.cancel()
        self._closed = True
        super().done(result)
