"""The job bus client: the GUI and the CLI never run models, they submit jobs to engine workers.

    with Engine.local() as engine:                     # or Engine.connect("tcp://farm:8786")
        job = engine.submit("count", {"n": 5}, priority=INTERACTIVE)
        job.subscribe(on_event)                        # Started, Progress, Partial, Finished, Done
        summary = job.result()

Job kinds and what they take are listed in dubstudio.engine.kinds.
"""

from dubstudio.jobs.engine import Engine, open_engine
from dubstudio.jobs.errors import (
    EngineCrashError,
    EngineUnreachableError,
    InputFileError,
    JobCancelledError,
    UnknownJobKindError,
)
from dubstudio.jobs.events import Done, Finished, Partial, Progress, Started
from dubstudio.jobs.files import InputFile
from dubstudio.jobs.handle import JobHandle
from dubstudio.jobs.journal import JobJournal
from dubstudio.jobs.settings import BATCH, INTERACTIVE

__all__ = ["BATCH", "INTERACTIVE", "Done", "Engine", "EngineCrashError", "EngineUnreachableError", "Finished",
           "InputFile", "InputFileError", "JobCancelledError", "JobHandle", "JobJournal", "Partial", "Progress",
           "Started", "UnknownJobKindError", "open_engine"]
