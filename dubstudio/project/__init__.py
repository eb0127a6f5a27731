"""The project model: one SQLite file (*.dubproj) holding a dub's settings, script, translations, takes,
casting, glossary, unfinished jobs and undo history. Open it with Project.open or Project.create."""

from dubstudio.project.changes import OpChanges
from dubstudio.project.errors import (
                                      ConsentRequiredError,
                                      InvalidEditError,
                                      MediaNotFoundError,
                                      NewerProjectError,
                                      NotAProjectError,
                                      ProjectBusyError,
                                      ProjectCorruptError,
                                      ProjectError,
                                      ProjectExistsError,
                                      ProjectNotFoundError,
                                      UndoConflictError,
)
from dubstudio.project.migrations import schema_version
from dubstudio.project.models import (
                                      Consent,
                                      GlossaryEntry,
                                      Line,
                                      Lipsync,
                                      NewLine,
                                      Settings,
                                      SourceMedia,
                                      Speaker,
                                      SpeakerReference,
                                      Take,
                                      Translation,
                                      UndoStatus,
                                      Voice,
                                      Word,
)
from dubstudio.project.project import Project
from dubstudio.project.schema import FIT_STRATEGIES, STATUSES

__all__ = [
    "FIT_STRATEGIES", "STATUSES", "Consent", "ConsentRequiredError", "GlossaryEntry", "InvalidEditError", "Line",
    "Lipsync", "MediaNotFoundError", "NewLine", "NewerProjectError", "NotAProjectError", "OpChanges", "Project",
    "ProjectBusyError", "ProjectCorruptError", "ProjectError", "ProjectExistsError", "ProjectNotFoundError",
    "Settings", "SourceMedia", "Speaker", "SpeakerReference", "Take", "Translation", "UndoConflictError",
    "UndoStatus", "Voice", "Word", "schema_version",
]
