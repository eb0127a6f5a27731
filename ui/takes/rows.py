"""The takes of a line as the panel lists them, newest first, in words. Qt-free."""

from dataclasses import dataclass
from datetime import datetime

from dubstudio.ui.script.figures import fit_details, pace, qa_details, seconds
from dubstudio.ui.state import line_state

from dubstudio.project import Take


@dataclass(frozen=True, slots=True)
class TakeRow:
    take_id: int
    chosen: bool
    created: str
    voice: str
    duration: str
    pace: str
    fit: str
    cer: str
    heard: str
    details: str  # fit and QA figures, for the tooltip


def local_time(stamp: str) -> str:
    """An ISO UTC time stamp as the user's local 'YYYY-MM-DD HH:MM:SS'."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp


def take_rows(takes: list[Take], chosen_id: int | None, voices: dict[int, str]) -> list[TakeRow]:
    """voices: voice names by id."""
    rows = []
    for take in sorted(takes, key=lambda take: take.id, reverse=True):
        name = voices.get(take.voice_id, "") if take.voice_id is not None else ""
        cer = take.qa.get("cer")
        rows.append(TakeRow(take.id, take.id == chosen_id, local_time(take.created_at),
                            f"{name} ({take.backend})" if name else take.backend,
                            seconds(take.fit["length"]) if take.fit.get("length") else "",
                            pace(take.fit), line_state(None, take).fit_label if take.fit else "",
                            f"{cer:.0%}" if cer is not None else "", take.qa.get("heard", ""),
                            f"{fit_details(take.fit)}\n{qa_details(take.qa)}"))
    return rows
