"""The render dialog: languages, delivery preset, tracks, stems, subtitles, OTIO; flagged lines first;
progress and cancel; open the folder when done."""

from dubstudio.ui.render.dialog import RenderDialog

__all__ = ["RenderDialog"]
