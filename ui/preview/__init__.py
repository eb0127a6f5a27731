"""The frame-accurate video preview: the exact frame at the playhead when paused or stepping, libVLC (or
our decoder) in step with the Player while playing, lip-synced frames where there are some."""

from dubstudio.ui.preview.widget import PreviewWidget

__all__ = ["PreviewWidget"]
