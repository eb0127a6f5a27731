"""Which script rows the filter bar shows, and which the find field matches. Qt-free, so the rules are
tested without widgets."""

from enum import Enum

from dubstudio.ui.script.rows import ScriptRow
from dubstudio.ui.state import Fit


class Show(str, Enum):
    ALL = "All"
    FLAGGED = "Flagged"
    OVER = "Over-long"
    NOT_APPROVED = "Not approved"


ANY_SPEAKER = -1  # the speaker filter's "all speakers" (None stands for lines with no speaker)


def passes(row: ScriptRow, show: Show, speaker: int | None = ANY_SPEAKER) -> bool:
    if speaker != ANY_SPEAKER and row.speaker_id != speaker:
        return False
    if show is Show.FLAGGED:
        return row.state.flagged
    if show is Show.OVER:
        return row.state.fit is Fit.OVER
    if show is Show.NOT_APPROVED:
        return not row.state.approved
    return True


def matches(row: ScriptRow, needle: str) -> bool:
    """The find field: the source or the translation contains the text, ignoring case."""
    needle = needle.casefold()
    return bool(needle) and (needle in row.source.casefold() or needle in row.text.casefold())
