"""The video during playback, played by libVLC (python-vlc), muted: the Player plays the dub mix and is
the clock, and VLC follows it.

Two ways to show VLC's picture: into a native window (a child widget's id: X11, Windows, macOS), or
through libvlc's video callbacks into a buffer the preview paints (offscreen, Wayland). VLC's own clock
runs free; each playhead tick compares it with the Player's: a jump of more than half a second is a
seek (set_time), a drift of more than a frame is taken up by nudging VLC's rate (no visible jump).

libvlc_media_player_get_time moves in steps of about 250 ms in VLC 3, so the time shown is estimated
from its last step and the wall clock (within half a frame of the picture, measured). Nothing here
calls libvlc from VLC's own threads: its callbacks only copy pixels (calling back in deadlocks stop()).
"""

import ctypes
import logging
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

SEEK_OVER_MS = 250       # further off than this: seek
SETTLE_S = 0.3           # after a seek, VLC's time means nothing until it has moved, and for this long
NUDGE = 0.25             # at most 25% faster or slower while catching up (a 100 ms drift goes in 0.4 s)
ARGS = ["--no-audio", "--quiet", "--no-video-title-show", "--no-osd", "--no-xlib", "--no-stats",
        "--no-sub-autodetect-file", "--no-snapshot-preview"]


_shared: dict = {}
_making = threading.Lock()


def shared_instance():
    """The process's libVLC instance, made once (it takes a few hundred milliseconds: call warm_up() early
    to make it off the GUI thread); None where python-vlc or libVLC is missing."""
    with _making:
        if "instance" not in _shared:
            try:
                import vlc

                _shared["instance"] = vlc.Instance(ARGS)
            except (ImportError, OSError, NameError, AttributeError):
                log.info("libVLC is not available", exc_info=True)
                _shared["instance"] = None
        return _shared["instance"]


def warm_up() -> None:
    if "instance" not in _shared:
        threading.Thread(target=shared_instance, name="dubstudio-libvlc", daemon=True).start()


def ready() -> bool | None:
    """True: libVLC is ready; None: still starting; False: not available."""
    if "instance" not in _shared:
        return None
    return _shared["instance"] is not None


class VlcVideo(QObject):
    """One media in one libVLC player. window_id: draw there; None: pictures come by `picture`."""

    picture = Signal(object)  # np.ndarray RGB [h, w, 3], from VLC's thread (callback mode)

    def __init__(self, path: Path, size: tuple[int, int], frame_rate: Fraction,
                 window_id: int | None = None, platform: str = "", parent: QObject | None = None):
        super().__init__(parent)
        self._path = path
        self._player = shared_instance().media_player_new()
        self._frame_ms = float(1000 / frame_rate)
        self._rate = 1.0
        self._raw: tuple[int, float] | None = None  # (VLC's last time step, when it came)
        self._settle_until = 0.0
        self._moved_from: int | None = None  # VLC's time when it was told to seek: it must move off it first
        self._nudged = False
        if window_id is not None:
            self._attach(window_id, platform)
        else:
            self._callbacks(size)

    def _attach(self, window_id: int, platform: str) -> None:
        if platform == "windows":
            self._player.set_hwnd(window_id)
        elif platform == "cocoa":
            self._player.set_nsobject(window_id)
        else:
            self._player.set_xwindow(window_id)
        self._player.video_set_mouse_input(False)
        self._player.video_set_key_input(False)

    def _callbacks(self, size: tuple[int, int]) -> None:
        width, height = size
        self._buffer = (ctypes.c_ubyte * (width * height * 3))()
        address = ctypes.cast(self._buffer, ctypes.c_void_p).value
        pixels = np.frombuffer(self._buffer, np.uint8).reshape(height, width, 3)
        import vlc

        callbacks = vlc.CallbackDecorators

        @callbacks.VideoLockCb
        def lock(opaque, planes):
            planes[0] = address

        @callbacks.VideoUnlockCb
        def unlock(opaque, picture, planes):
            pass

        @callbacks.VideoDisplayCb
        def display(opaque, picture):
            try:
                self.picture.emit(pixels.copy())
            except RuntimeError:  # the preview has gone; close() is on its way
                pass

        self._callbacks_kept = (lock, unlock, display)  # ctypes must keep them alive while VLC may call them
        self._player.video_set_callbacks(lock, unlock, display, None)
        self._player.video_set_format("RV24", width, height, width * 3)

    # -- following the Player -----------------------------------------------------------------------

    def start(self, ms: float, rate: float) -> None:
        self._rate = rate
        vlc_state = type(self._player.get_state())
        if self._player.get_state() in (vlc_state.NothingSpecial, vlc_state.Stopped, vlc_state.Ended,
                                        vlc_state.Error):
            # not started: a seek would be ignored, so the media starts there
            media = shared_instance().media_new_path(str(self._path))
            media.add_option(f"start-time={ms / 1000:.3f}")
            self._player.set_media(media)
            self._player.play()
            self._moved_from, self._raw, self._nudged = 0, None, False
            self._settle_until = time.monotonic() + SETTLE_S
            self._player.set_rate(rate)
        else:
            self._player.set_pause(0)
            self._seek(ms)

    def stop(self) -> None:
        self._player.set_pause(1)
        self._raw = None

    def time_ms(self) -> float | None:
        """Where VLC's picture is now (estimated), or None while it settles after a seek."""
        now = time.monotonic()
        raw = self._player.get_time()
        if now < self._settle_until or raw < 0 or raw == self._moved_from:
            return None
        self._moved_from = None
        if self._raw is None or raw != self._raw[0]:
            self._raw = (raw, now)
        return self._raw[0] + (now - self._raw[1]) * 1000 * self._player.get_rate()

    def sync(self, ms: float) -> float | None:
        """Keep VLC on the Player's time `ms`; returns VLC's estimated time (None while settling)."""
        shown = self.time_ms()
        if shown is None:
            return None
        drift = shown - ms
        if abs(drift) > SEEK_OVER_MS:
            self._seek(ms)
            return None
        if abs(drift) > self._frame_ms:
            self._nudged = True
            self._player.set_rate(self._rate * (1 - max(-NUDGE, min(NUDGE, 4 * drift / 1000))))
        elif self._nudged and abs(drift) < self._frame_ms / 2:
            self._nudged = False
            self._player.set_rate(self._rate)
        return shown

    def _seek(self, ms: float) -> None:
        self._moved_from = self._player.get_time()
        self._player.set_time(int(ms))
        self._settle_until = time.monotonic() + SETTLE_S
        self._raw, self._nudged = None, False
        self._player.set_rate(self._rate)

    def close(self) -> None:
        if self._player is None:
            return
        self._player.stop()  # from the main thread; the callbacks never call back into libVLC
        self._player.release()
        self._player = None
