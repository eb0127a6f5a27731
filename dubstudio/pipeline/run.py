"""What every stage works with: the open project, the engine, the options, and progress reporting."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dubstudio.jobs import Engine, JobHandle
from dubstudio.jobs.events import Progress as ProgressEvent
from dubstudio.project import Project


class Bar(Protocol):
    def update(self, done: int, total: int | None = None, message: str = "") -> None: ...

    def close(self) -> None: ...


class Reporter(Protocol):
    def stage(self, name: str, total: int | None = None) -> Bar: ...

    def note(self, text: str) -> None: ...


class Silent:
    """A reporter that reports nothing (library use, tests)."""

    class _Bar:
        def update(self, done, total=None, message=""):
            pass

        def close(self):
            pass

    def stage(self, name, total=None):
        return self._Bar()

    def note(self, text):
        pass


@dataclass
class Options:
    source: str | None = None            # None: detect
    targets: tuple[str, ...] = ("es",)
    speakers: int | None = None          # None: find out
    whisper: str | None = None           # studio folders; None: the embedded models
    pyannote: str | None = None
    translator: str = "apertium"         # or "marian", "opus-mt-ct2" with translator_folder
    translator_folder: str | None = None
    n_best: int = 1
    demucs: str | None = None            # studio separator folder; None: the embedded separator
    xtts: str | None = None              # XTTS-v2 folder, for cast XTTS voices and clones
    preset: str = "web"
    container: str | None = None         # "mp4", "mov", "mkv"; None: the source's, else mkv
    lipsync: bool = False                # dub: lip-sync the first target language before the render
    lipsync_method: str = "embedded"     # or "wav2lip", "wav2lip-gan", with lipsync_folder
    lipsync_folder: str | None = None
    syncnet: str | None = None           # a SyncNet folder: LSE-D/LSE-C beside the lip-sync scores
    qa: bool = True
    extra: dict = field(default_factory=dict)


@dataclass
class Run:
    project: Project
    engine: Engine
    options: Options
    report: Reporter = field(default_factory=Silent)

    def wait(self, handle: JobHandle, bar: Bar | None = None):
        """A job's result, with its progress on the bar as it streams."""
        if bar is not None:
            for event in handle.events():
                if isinstance(event, ProgressEvent):
                    bar.update(event.done, event.total, event.message)
        return handle.result()

    @property
    def media_path(self) -> Path:
        return self.project.locate_media()
