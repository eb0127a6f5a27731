"""A guard against a reference-counting bug of shiboken6 6.12 on Python 3.11.

PySide6/shiboken6 6.12 returns None from every void method (QPainter.fillRect, QWidget.update, ...)
and True from Signal.emit without taking a reference, as if they were immortal, which they are only
from Python 3.12. On 3.11 each call takes one reference away, and after some ten thousand calls (a
few seconds of painting) Python aborts with "deallocating None". Until the pinned PySide6 is one
without the bug (or Python 3.12+), these singletons get the practically endless reference count
that Python 3.12 gives them.
"""

import ctypes
import sys

_SPARE = 1 << 40  # a million stolen references a second would take twelve days to use this up


def protect_singletons() -> None:
    """Make None, True and False immortal on Python < 3.12 (once per process)."""
    if sys.version_info >= (3, 12) or getattr(protect_singletons, "done", False):
        return
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a CPython release build
        ctypes.c_ssize_t.from_address(id(singleton)).value += _SPARE
    protect_singletons.done = True
