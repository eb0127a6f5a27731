"""What can go wrong with a project file, each with a one-sentence message: what is wrong, what to do."""

from dubstudio.errors import DubStudioError
from dubstudio.voices.consent import ConsentRequiredError  # noqa: F401  (re-exported)


class ProjectError(DubStudioError):
    """A project file cannot be used as asked."""


class ProjectNotFoundError(ProjectError):
    """No project file at the given path."""


class ProjectExistsError(ProjectError):
    """Creating a project where a file already is."""


class NotAProjectError(ProjectError):
    """The file is not a DubStudio project: empty, not SQLite, or another program's database."""


class ProjectCorruptError(ProjectError):
    """The file is a damaged or truncated project."""


class NewerProjectError(ProjectError):
    """The file was written by a newer DubStudio, with a schema this version does not know."""


class ProjectBusyError(ProjectError):
    """Another process has the project open (one writer per project)."""


class InvalidEditError(ProjectError):
    """An operation or a setting was asked for with values that do not fit the project."""


class UndoConflictError(ProjectError):
    """What an undo or redo step would restore has changed since (a job result wrote there)."""


class MediaNotFoundError(ProjectError):
    """The source media is not where the project says and no file found matches it."""
