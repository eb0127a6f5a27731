"""The script editor: one row per line with timecodes, speaker, source, translation (edited in place),
voice, fit, QA flags and takes; filters and find."""

from dubstudio.ui.script.filters import ANY_SPEAKER, Show
from dubstudio.ui.script.model import Column, ScriptModel
from dubstudio.ui.script.view import ScriptView

__all__ = ["ANY_SPEAKER", "Column", "ScriptModel", "ScriptView", "Show"]
