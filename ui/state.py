"""What the editor shows about a line in a language, computed in one place for every view (timeline
colours, script columns, takes panel): how its chosen take fits and whether a person should look at it.

Qt-free, so views and tests share it.
"""

from dataclasses import dataclass
from enum import Enum

from dubstudio.project import Take, Translation
from dubstudio.timing import SAMPLE_RATE


class Fit(str, Enum):
    NO_TAKE = "no take"
    FITS = "fits"
    OVER = "over"


@dataclass(frozen=True, slots=True)
class LineState:
    fit: Fit
    fit_ms: int | None        # the take's length past (+) or short of (-) what it may use; None: no take
    misheard: bool            # QA heard something other than the text (CER over the threshold)
    approved: bool
    status: str               # machine, edited, approved, or "" (not translated)
    cer: float | None         # back-transcription character error rate
    take_start: int | None    # where the chosen take sits, relative to the line's start (samples)
    take_length: int | None   # its length (samples)

    @property
    def fit_label(self) -> str:
        """"+340 ms" over, "−120 ms" spare, "fits", or "no take"."""
        if self.fit_ms is None:
            return Fit.NO_TAKE.value
        if self.fit is Fit.OVER:
            return f"+{self.fit_ms} ms"
        return f"\u2212{-self.fit_ms} ms" if self.fit_ms < 0 else Fit.FITS.value

    @property
    def flagged(self) -> bool:
        """A person should listen: the take is over its slot or does not say its text."""
        return self.misheard or self.fit is Fit.OVER

    @property
    def qa_label(self) -> str:
        flags = [Fit.OVER.value] if self.fit is Fit.OVER else []
        if self.misheard:
            flags.append(f"CER {self.cer:.0%}")
        if self.fit is Fit.NO_TAKE:
            flags.append(Fit.NO_TAKE.value)
        return ", ".join(flags)


def _ms(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)


def line_state(translation: Translation | None, take: Take | None) -> LineState:
    status = translation.status if translation is not None else ""
    approved = status == "approved"
    if take is None:
        return LineState(Fit.NO_TAKE, None, False, approved, status, None, None, None)
    fit, qa = take.fit or {}, take.qa or {}
    over = int(fit.get("over", 0))
    slot, length = int(fit.get("slot", 0)), int(fit.get("length", 0))
    usable = slot + int(fit.get("borrowed", 0)) - min(0, int(fit.get("offset", 0)))
    fit_ms = _ms(over) if over else _ms(length - usable) if slot else 0
    return LineState(Fit.OVER if over else Fit.FITS, fit_ms, bool(qa.get("flagged", False)), approved, status,
                     qa.get("cer"), int(fit.get("offset", 0)), length or None)
