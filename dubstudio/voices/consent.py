"""Consent to clone a person's voice: who gave it, when, and what they agreed to.

The project keeps the records; every synthesis job that clones a voice carries one, and the cloning
backends call require_consent before they touch the reference audio, so no path (the GUI, the CLI,
a script, a farm worker) clones a voice without it.
"""

from dataclasses import dataclass
from datetime import datetime

from dubstudio.errors import DubStudioError

HOW_TO_RECORD = ("record the speaker's consent (who gave it, when, and what they agreed to) in the casting "
                 "dialog or with Project.record_consent before cloning their voice")


class ConsentRequiredError(DubStudioError):
    """Cloning a voice with no consent record, or with an incomplete one."""


@dataclass(frozen=True)
class Consent:
    who: str        # the person whose voice is cloned, as they named themselves
    when: str       # ISO 8601 date or date-time
    statement: str  # what they agreed to, in their words or the signed form's

    def __post_init__(self):
        problem = _problem(self)
        if problem:
            raise ConsentRequiredError(f"the consent record {problem}: {HOW_TO_RECORD}.")

    @classmethod
    def from_record(cls, record) -> "Consent":
        """The consent a clone job carries, from the project's stored record (dubstudio.project.Consent)."""
        statement = record.scope + (f" (evidence: {record.evidence})" if record.evidence else "")
        return cls(who=record.person, when=record.recorded_at, statement=statement)


def _problem(consent: Consent) -> str | None:
    if not isinstance(consent.who, str) or not consent.who.strip():
        return "does not say who gave it"
    if not isinstance(consent.statement, str) or not consent.statement.strip():
        return f"of {consent.who.strip()} does not say what they agreed to"
    if not isinstance(consent.when, str):
        return f"of {consent.who.strip()} has no date (an ISO 8601 date such as 2025-03-14)"
    try:
        datetime.fromisoformat(consent.when.strip())
    except ValueError:
        return (f"of {consent.who.strip()} has the date '{consent.when}', which is not an ISO 8601 date "
                f"such as 2025-03-14 or 2025-03-14T10:30:00+01:00")
    return None


def require_consent(consent: object, voice: str = "a voice") -> Consent:
    """The consent record, if it is a valid one; else ConsentRequiredError saying how to record one.

    Checked again here because a record that reached a worker through pickling (Dask) was rebuilt
    without running the dataclass's own check.
    """
    if not isinstance(consent, Consent):
        raise ConsentRequiredError(f"cloning {voice} needs the speaker's consent and none came with the "
                                   f"job: {HOW_TO_RECORD}.")
    problem = _problem(consent)
    if problem:
        raise ConsentRequiredError(f"the consent record {problem}: {HOW_TO_RECORD}.")
    return consent
