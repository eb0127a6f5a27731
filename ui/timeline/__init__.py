"""The timeline view (issue 10): ruler, thumbnails, dialogue waveform, one lane per speaker, M&E, playhead.

`TimelineView` is the widget; `layout`, `snapping`, `ruler` and `viewport` prepare what it draws without Qt.
"""

from dubstudio.ui.timeline.input import SHORTCUTS
from dubstudio.ui.timeline.view import TimelineView

__all__ = ["SHORTCUTS", "TimelineView"]
