"""What a running job tells its client, and how it travels.

Workers send these as Dask structured events (`Worker.log_event`) to the topic named after the
submitting client; the scheduler pushes them to that client at once. A worker sends its events and
its task's completion over one ordered stream, so a job's events reach the client before its result.
Partial values travel pickled (events must be msgpack data) and stay small: the scheduler keeps the
last events of each topic, so bulky outputs belong in the job's result or in jobs of their own.
"""

import pickle
from dataclasses import dataclass, fields
from typing import Any

TAG = "dubstudio-job-event"
PARTIAL_LIMIT = 64 * 1024  # bytes of one pickled partial value


@dataclass(frozen=True)
class Started:
    """A worker began the job (again, after a crash: then on another worker process)."""

    job_id: str
    worker: str
    pid: int


@dataclass(frozen=True)
class Progress:
    job_id: str
    step: str
    done: int
    total: int | None = None
    message: str = ""

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True)
class Partial:
    """One partial result, numbered from 0 in the order the job produced them."""

    job_id: str
    index: int
    value: Any


@dataclass(frozen=True)
class Finished:
    """The job function returned: how long it ran, which models it loaded (seconds each) or reused."""

    job_id: str
    seconds: float
    loads: dict[str, float]
    hits: tuple[str, ...]


@dataclass(frozen=True)
class Done:
    """Client side only: the job reached its final status ("finished", "error" or "cancelled")."""

    job_id: str
    status: str


_TYPES = {cls.__name__.lower(): cls for cls in (Started, Progress, Partial, Finished)}


def to_message(event) -> dict:
    """The msgpack-safe form of a worker event."""
    body = {field.name: getattr(event, field.name) for field in fields(event)}
    if isinstance(event, Partial):
        body["value"] = pickle.dumps(event.value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(body["value"]) > PARTIAL_LIMIT:
            raise ValueError(f"a partial result of {len(body['value'])} bytes is over the {PARTIAL_LIMIT} "
                             f"byte limit: return bulky outputs as the job's result")
    elif isinstance(event, Finished):
        body["hits"] = list(event.hits)
    return {"tag": TAG, "type": type(event).__name__.lower(), **body}


def from_message(message) -> Started | Progress | Partial | Finished | None:
    """The event in a message, or None for anything else on the topic (Dask's own client events)."""
    if not isinstance(message, dict) or message.get("tag") != TAG:
        return None
    cls = _TYPES[message["type"]]
    # Only the event's own fields: the scheduler adds others (the sending worker's address).
    body = {field.name: message[field.name] for field in fields(cls)}
    if cls is Partial:
        body["value"] = pickle.loads(body["value"])
    elif cls is Finished:
        body["hits"] = tuple(body["hits"])
    return cls(**body)
