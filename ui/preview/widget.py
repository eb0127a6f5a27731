"""The video preview: the picture at the playhead, its timecode and frame number below it.

Paused or stepping, the picture is exactly the frame at the playhead, from our frame-exact decoder
(frames.py). Playing, libVLC shows the video muted and follows the Player's clock (vlc_video.py);
without libVLC, or playing backwards, or over lip-synced frames, the decoder keeps up at the clock
instead (frames decoded ahead of the playhead), which is exact but costs more CPU.
"""

import logging
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from dubstudio.ui.playback import RATES
from dubstudio.ui.preview import vlc_video
from dubstudio.ui.preview.frames import FrameFetcher, Opened, Picture, lipsync_frames
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from dubstudio import timing
from dubstudio.project import OpChanges

log = logging.getLogger(__name__)

STRIP = 26            # pixels under the picture for timecode, frame number and badges
NATIVE = ("xcb", "windows", "cocoa")  # platforms where libVLC can draw into our window
RATE_WINDOW_S = 0.1   # playhead movement this long tells the rate when nobody said it


class _Surface(QWidget):
    """The native child window libVLC draws into while playing."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("black"))
        self.setPalette(palette)
        self.hide()


class PreviewWidget(QWidget):
    """set_project(project, video) then follow the playhead with set_playhead(samples) and
    set_playing(bool); Left/Right while focused ask for a one-frame step (stepRequested)."""

    stepRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, use_vlc: bool | None = None):
        super().__init__(parent)
        self.setMinimumSize(QSize(160, 90 + STRIP))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._fetcher = FrameFetcher(self)
        self._fetcher.opened.connect(self._opened)
        self._fetcher.failed.connect(self._failed)
        self._fetcher.ready.connect(self._ready)
        self._use_vlc = use_vlc is not False
        self._project = None
        self._video: Path | None = None
        self._language: str | None = None
        self._rate = Fraction(25)
        self._generation = 0
        self._index = None
        self._size: tuple[int, int] | None = None
        self._playhead = 0
        self._frame = 0                         # the frame at the playhead
        self._shown: Picture | None = None      # the picture painted (decoded)
        self._image: QImage | None = None       # a view of its pixels, made once per picture
        self._playing = False
        self._play_rate: float | None = None    # told, or None: read from how the playhead moves
        self._rate_probe: tuple[float, int] | None = None  # (when, playhead) the measure starts from
        self._guessed_rate = 1.0
        self._vlc: vlc_video.VlcVideo | None = None
        self._vlc_rate: float | None = None     # the rate VLC plays at; None: paused
        self._vlc_pixels: np.ndarray | None = None
        self._vlc_frame: int | None = None      # the frame VLC shows (estimated), while it shows
        self._surface: _Surface | None = None
        self._loop: tuple[int, int] | None = None
        self._status = ""
        self._loop_label = ""
        self.labels = ("", "")                  # the strip's texts: timecode and frame; badges

    # -- what to show -------------------------------------------------------------------------------

    def set_project(self, project, video_path: Path | None, language: str | None = None) -> None:
        self._close_vlc()
        self._project, self._video = project, Path(video_path) if video_path else None
        self._rate = project.settings.frame_rate
        self._language = language or project.settings.target_languages[0]
        self._index = self._size = self._shown = self._image = None
        self._loop, self._loop_label = None, ""
        self._status = "Opening the video…" if self._video else "No video: this project's source has no picture."
        self._generation = self._fetcher.open(self._video, lipsync_frames(project, self._language))
        if self._use_vlc and self._video is not None:
            vlc_video.warm_up()  # libVLC takes a moment to start: by the first play it is there
        self._update_labels()
        self.update()

    def set_language(self, language: str) -> None:
        """Lip-synced frames are per language."""
        if self._project is not None and language != self._language:
            self._language = language
            self._refresh_lipsync()

    def apply_changes(self, changes: OpChanges) -> None:
        """New lip-sync results show at once; an edit that makes some stale (a new take, a retime) too."""
        if self._project is None:
            return
        if any(language == self._language for _, language in changes.lipsync):
            self._refresh_lipsync()
        elif changes.lines or any(language == self._language for _, language in changes.takes | changes.translations):
            self._refresh_lipsync(only_if_moved=True)

    def _refresh_lipsync(self, only_if_moved: bool = False) -> None:
        lipsync = lipsync_frames(self._project, self._language)
        if only_if_moved and lipsync is not None and lipsync.spans() == self._fetcher.lipsync_spans:
            return
        self._fetcher.set_lipsync(lipsync)
        self._shown = self._image = None
        self._request()

    def set_playhead(self, samples: int) -> None:
        previous = self._frame
        self._playhead = max(0, int(samples))
        self._frame = self.frame_at(self._playhead)
        self._update_labels()
        if self._playing:
            self._follow_playback()
        else:
            self._request(1 if self._frame >= previous else -1)
        self.update()

    def set_playing(self, playing: bool, rate: float | None = None) -> None:
        """rate: the Player's (negative: backwards); None: read from how the playhead moves."""
        if playing == self._playing and rate == self._play_rate:
            return
        self._playing, self._play_rate = playing, rate
        self._rate_probe, self._guessed_rate = None, 1.0
        if playing:
            self._follow_playback()
        else:
            self._stop_vlc()
            self._request()
        self.update()

    def loop_line(self, start: int, end: int) -> None:
        """Show that [start, end) loops (the transport plays it)."""
        self._loop = (start, end) if end > start else None
        self._loop_label = (f"loop {self._project.timecode(start)}–{self._project.timecode(end)}"
                            if self._loop and self._project is not None else "")
        self._update_labels()
        self.update()

    # -- what is shown ------------------------------------------------------------------------------

    def displayed_frame(self) -> int:
        """The number of the frame on screen now (-1: none yet)."""
        if self._vlc_frame is not None:
            return self._vlc_frame
        return self._shown.frame if self._shown is not None else -1

    def frame_at(self, samples: int) -> int:
        """The frame showing at this sample (the video's own times; the project's rate until it is open)."""
        if self._index is not None:
            return self._index.frame_at(Fraction(samples, timing.SAMPLE_RATE))
        return timing.samples_to_frame(samples, self._rate)

    def picture_rect(self) -> QRect:
        """Where the picture is painted (its aspect kept, above the strip)."""
        area = QRect(0, 0, self.width(), max(1, self.height() - STRIP))
        if self._size is None:
            return area
        width, height = self._size
        scale = min(area.width() / width, area.height() / height)
        shown = QSize(max(1, round(width * scale)), max(1, round(height * scale)))
        return QRect(area.x() + (area.width() - shown.width()) // 2, area.y() + (area.height() - shown.height()) // 2,
                     shown.width(), shown.height())

    @property
    def status(self) -> str:
        return self._status

    # -- decoded frames -----------------------------------------------------------------------------

    def _request(self, direction: int = 1, playing: bool = False) -> None:
        if self._index is None:
            return
        picture = self._fetcher.request(self._frame, direction, playing)
        if picture is not None:
            self._show(picture)

    def _opened(self, opened: Opened) -> None:
        if opened.generation != self._generation:
            return
        self._index, self._size = opened.index, opened.size
        self._status = ""
        self._frame = self.frame_at(self._playhead)
        self._update_labels()
        self._request()

    def _failed(self, message: str) -> None:
        self._status = message
        self.update()

    def _ready(self, picture: Picture) -> None:
        """Latest request wins: a picture for another frame than the playhead's is stale, except while
        playing faster than frames decode, when any picture between the one shown and the playhead's is
        progress (frames are dropped, never shown out of order)."""
        if picture.generation != self._generation or self._vlc_frame is not None:
            return
        shown = self._shown.frame if self._shown is not None else None
        on_the_way = (self._playing and shown is not None
                      and 0 < (picture.frame - shown) * (1 if self._frame > shown else -1) < abs(self._frame - shown))
        if picture.frame == self._frame or on_the_way:
            self._show(picture)

    def _show(self, picture: Picture) -> None:
        if self._shown is not picture:
            self._shown = picture
            self._image = _image(picture.pixels)
            self._update_labels()
            self.update()

    # -- playing ------------------------------------------------------------------------------------

    def _current_rate(self) -> float:
        """The rate told, else the one the playhead moved at over the last tenth of a second or so (a
        shuttle turning round is seen at once; a jump is not a rate), 1 until that is known."""
        if self._play_rate is not None:
            return self._play_rate
        now = time.monotonic()
        if self._rate_probe is None:
            self._rate_probe = (now, self._playhead)
            return self._guessed_rate
        started, at = self._rate_probe
        if now - started >= RATE_WINDOW_S:
            moved = (self._playhead - at) / ((now - started) * timing.SAMPLE_RATE)
            if abs(moved) <= 5:
                self._guessed_rate = min(RATES, key=lambda rate: abs(rate - moved))
            self._rate_probe = (now, self._playhead)
        return self._guessed_rate

    def _follow_playback(self) -> None:
        rate = self._current_rate()
        if rate > 0 and not self._fetcher.lipsynced(self._frame) and self._start_vlc(rate):
            shown = self._vlc.sync(self._playhead * 1000 / timing.SAMPLE_RATE)
            if shown is not None and self._index is not None:
                self._vlc_frame = self._index.frame_at(Fraction(round(shown), 1000))
                if self._surface is not None:
                    self._surface.show()
                return
        else:
            self._stop_vlc()
        # the decoder keeps up (and covers VLC while it starts or seeks), ahead in the playing direction
        self._vlc_frame = None
        self._request(int(rate), playing=True)

    def _start_vlc(self, rate: float) -> bool:
        """VLC playing at rate from the playhead; False where it cannot (then the decoder plays)."""
        if self._vlc is None and not self._open_vlc():
            return False
        if self._vlc_rate != rate:
            self._vlc_rate = rate
            self._vlc.start(self._playhead * 1000 / timing.SAMPLE_RATE, rate)
        return True

    def _open_vlc(self) -> bool:
        if not self._use_vlc or self._video is None or self._size is None:
            return False
        ready = vlc_video.ready()
        if ready is None:  # still starting: the decoder plays meanwhile
            vlc_video.warm_up()
            return False
        if not ready:
            self._use_vlc = False
            self._status = "libVLC is not available: playing from our decoder (exact, but heavier)."
            return False
        platform = QGuiApplication.platformName()
        window = None
        if platform in NATIVE:
            self._surface = self._surface or _Surface(self)
            self._surface.setGeometry(self.picture_rect())
            window = int(self._surface.winId())
        try:
            video = vlc_video.VlcVideo(self._video, self._size, self._rate, window, platform)
        except Exception:  # libVLC refused this file: the decoder plays it
            log.exception("libVLC cannot play %s", self._video)
            self._use_vlc = False
            return False
        video.picture.connect(self._vlc_picture)
        # stop libVLC before this widget's objects go (its threads call into them)
        self.destroyed.connect(lambda *_: video.close())
        self._vlc = video
        return True

    def _vlc_picture(self, pixels: np.ndarray) -> None:
        if self._vlc_frame is not None:
            self._vlc_pixels = pixels  # the image is a view of it
            self._image = _image(pixels)
            self.update()

    def _stop_vlc(self) -> None:
        if self._vlc is not None and self._vlc_rate is not None:
            self._vlc.stop()
            self._vlc_rate = None
        if self._surface is not None:
            self._surface.hide()
        if self._vlc_frame is not None:
            self._vlc_frame = self._vlc_pixels = None
            self._image = _image(self._shown.pixels) if self._shown is not None else None

    def _close_vlc(self) -> None:
        self._stop_vlc()
        if self._vlc is not None:
            self._vlc.close()
            self._vlc = None

    # -- painting (from ready data only) ------------------------------------------------------------

    def _update_labels(self) -> None:
        """The strip's texts, made when they change, not in paintEvent."""
        frame = self._frame
        timecode = timing.frame_to_timecode(timing.samples_to_frame(self._playhead, self._rate), self._rate)
        left = f"{timecode}   frame {frame}"
        badges = []
        if self._shown is not None and self._shown.lipsynced and self._vlc_frame is None:
            badges.append("lip-synced")
        if self._loop_label:
            badges.append(self._loop_label)
        self.labels = (left, "   ".join(badges))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(12, 12, 12))
        target = self.picture_rect()
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, target.width() < self._image.width())
            painter.drawImage(target, self._image)
        elif self._status:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._status)
        strip = QRect(0, self.height() - STRIP, self.width(), STRIP)
        painter.fillRect(strip, QColor(28, 28, 28))
        font = QFont(painter.font())
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFamily("monospace")
        painter.setFont(font)
        painter.setPen(QColor(230, 230, 230))
        left, right = self.labels
        text_area = strip.adjusted(8, 0, -8, 0)
        painter.drawText(text_area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, left)
        if right:
            painter.setPen(QColor(120, 200, 255))
            painter.drawText(text_area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, right)
        if self._status and self._image is not None:
            painter.setPen(QColor(255, 200, 80))
            painter.drawText(text_area, Qt.AlignmentFlag.AlignCenter, self._status)
        painter.end()

    def resizeEvent(self, event) -> None:
        if self._surface is not None:
            self._surface.setGeometry(self.picture_rect())
        super().resizeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if event.key() in steps and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.stepRequested.emit(steps[event.key()])
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        self._close_vlc()
        super().closeEvent(event)


def _image(pixels: np.ndarray) -> QImage:
    """A QImage over the pixels (no copy: whoever holds the image holds the array too)."""
    height, width, _ = pixels.shape
    return QImage(pixels.data, width, height, width * 3, QImage.Format.Format_RGB888)
