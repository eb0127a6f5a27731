"""Consent records: what makes one valid, and the refusal a cloning backend gives without one."""

import dataclasses
import pickle

import pytest

from dubstudio.errors import DubStudioError
from dubstudio.voices.consent import Consent, ConsentRequiredError, require_consent

STATEMENT = "I agree that my voice is cloned to dub 'The Harbour' into Spanish and French."


@pytest.mark.parametrize("when", ["2025-03-14", "2025-03-14T10:30:00", "2025-03-14T10:30:00Z",
                                  "2025-03-14T10:30:00+01:00", "2025-03-14 10:30"])
def test_a_record_with_a_name_an_iso_date_and_a_statement_is_accepted(when):
    consent = Consent("Maria Lopez", when, STATEMENT)
    assert require_consent(consent) is consent


@pytest.mark.parametrize("who, when, statement, complaint", [
    ("", "2025-03-14", STATEMENT, "does not say who"),
    ("   ", "2025-03-14", STATEMENT, "does not say who"),
    (None, "2025-03-14", STATEMENT, "does not say who"),
    ("Maria Lopez", "2025-03-14", "", "does not say what they agreed to"),
    ("Maria Lopez", "2025-03-14", " \n", "does not say what they agreed to"),
    ("Maria Lopez", "", STATEMENT, "not an ISO 8601 date"),
    ("Maria Lopez", "yesterday", STATEMENT, "'yesterday', which is not an ISO 8601 date"),
    ("Maria Lopez", "14/03/2025", STATEMENT, "not an ISO 8601 date"),
    ("Maria Lopez", "2025-13-01", STATEMENT, "not an ISO 8601 date"),
    ("Maria Lopez", 20250314, STATEMENT, "has no date"),
])
def test_an_incomplete_record_cannot_be_made_and_the_message_says_what_to_do(who, when, statement, complaint):
    with pytest.raises(ConsentRequiredError) as caught:
        Consent(who, when, statement)
    message = str(caught.value)
    assert complaint in message
    assert "casting dialog" in message and message.endswith(".")


def test_no_record_is_refused_with_what_to_do():
    for missing in (None, "yes", {"who": "Maria Lopez", "when": "2025-03-14", "statement": STATEMENT}):
        with pytest.raises(ConsentRequiredError, match="needs the speaker's consent.*casting dialog"):
            require_consent(missing, "Maria's voice")


def test_the_refusal_is_an_error_the_user_can_act_on():
    assert issubclass(ConsentRequiredError, DubStudioError)


def test_a_record_cannot_be_changed_after_it_is_made():
    consent = Consent("Maria Lopez", "2025-03-14", STATEMENT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        consent.who = "someone else"


def test_a_record_that_travels_to_a_worker_arrives_intact():
    consent = Consent("Maria Lopez", "2025-03-14T10:30:00Z", STATEMENT)
    assert require_consent(pickle.loads(pickle.dumps(consent))) == consent


def test_a_record_rebuilt_without_its_check_is_still_checked_before_cloning():
    # Unpickling (how Dask ships a job's arguments) restores fields without running __post_init__.
    forged = pickle.loads(pickle.dumps(Consent("Maria Lopez", "2025-03-14", STATEMENT))
                          .replace(b"Maria Lopez", b"           "))
    assert forged.who.strip() == ""
    with pytest.raises(ConsentRequiredError, match="does not say who"):
        require_consent(forged)
