"""The record of submitted jobs that lets a reopened project resume what a dead client left unfinished.

The project offers it (`project.jobs`); the engine only needs this interface. It is called from the
threads that call `Engine.submit`, `Engine.resume`, `JobHandle.result` and `JobHandle.cancel`, which
in the GUI and CLI is the project's one writer thread.
"""

import json
from typing import Protocol

from dubstudio.jobs.files import InputFile

_FILE = "$input_file"


class JobJournal(Protocol):
    def record(self, job_id: str, kind: str, inputs: dict, priority: int) -> None:
        """Remember a submitted job; inputs are JSON data."""

    def finish(self, job_id: str) -> None:
        """The client has taken the job's outcome (result, error or cancellation)."""

    def unfinished(self) -> list[dict]:
        """Recorded jobs not finished, oldest first: dicts with job_id, kind, inputs and priority."""


def encode_inputs(inputs: dict) -> dict:
    """Inputs as JSON data for the journal: InputFile becomes {"$input_file": path}."""

    def encode(value):
        if isinstance(value, InputFile):
            return {_FILE: value.path}
        if isinstance(value, dict):
            return {key: encode(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [encode(item) for item in value]
        return value

    encoded = encode(inputs)
    try:
        json.dumps(encoded)
    except (TypeError, ValueError) as error:
        raise TypeError(f"a journaled job's inputs must be JSON data and InputFile values ({error})") from error
    return encoded


def decode_inputs(inputs: dict) -> dict:
    def decode(value):
        if isinstance(value, dict):
            return InputFile(value[_FILE]) if set(value) == {_FILE} else {k: decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [decode(item) for item in value]
        return value

    return decode(inputs)
