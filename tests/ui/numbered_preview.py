"""What the preview tests share: the numbered clips of the media tests (each frame carries its number as
blocks) and reading that number back from the pixels the preview paints."""

import sys
import time
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "media"))
import media_factory as make

__all__ = ["make", "number_on_screen", "wait_for"]


def wait_for(qapp, condition, seconds: float = 10) -> float:
    """Run the event loop until condition(); the seconds it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "timed out"
        qapp.processEvents()
        time.sleep(0.001)
    return time.monotonic() - started


def number_on_screen(widget) -> int:
    """The frame number burned into the picture a PreviewWidget paints, from its pixels."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rect = widget.picture_rect()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = pixels[:, :image.width() * 3].reshape(image.height(), image.width(), 3)
    return make.read_number(pixels[rect.top():rect.bottom() + 1, rect.left():rect.right() + 1])
