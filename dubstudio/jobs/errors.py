"""What a job's outcome can be besides its result; each message is one sentence for the user."""

from dubstudio.errors import DubStudioError


class JobCancelledError(DubStudioError):
    """The job was cancelled before it finished."""


class EngineCrashError(DubStudioError):
    """The engine worker process died every time it ran the job (crash, out of memory)."""


class EngineUnreachableError(DubStudioError):
    """No scheduler answers at the address given."""


class InputFileError(DubStudioError):
    """A job's input file cannot be read, or is too large to send to the workers."""


class UnknownJobKindError(DubStudioError):
    """The engine has no job of that kind (often: the workers run an older DubStudio)."""
