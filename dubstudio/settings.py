"""The user's settings, shared by the editor and the CLI: a model folder per studio backend, which backend
each stage uses, the engine (local workers, or a farm's scheduler) and the cache's size limit.

Kept as JSON in the user config folder, written under a temporary name and renamed, so a crash never
leaves half a file. `options()` turns them into the pipeline's Options, so that a folder chosen in the
editor means what the same `dubstudio dub --whisper FOLDER ...` means.
"""

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from dubstudio import paths
from dubstudio.errors import DubStudioError
from dubstudio.pipeline.run import Options

FILE_NAME = "settings.json"
VERSION = 1
DEFAULT_CACHE_LIMIT_GB = 20.0

# Stages whose backend the user chooses, and for each the Options fields its studio backends fill.
# The embedded default (no entry in `use`) leaves them at None. Synthesis has no choice here: casting
# picks a voice per speaker, and an XTTS-v2 folder only makes clones available.
CHOICES = {"transcribe": ("whisper-large",), "diarize": ("pyannote",), "translate": ("marian", "opus-mt-ct2"),
           "separate": ("demucs",), "lipsync": ("wav2lip", "wav2lip-gan")}


class SettingsError(DubStudioError):
    """The settings file cannot be read, or asks for something that cannot be done."""


@dataclass
class EngineSettings:
    scheduler: str = ""          # a farm's scheduler address (tcp://host:8786); empty: the local engine
    shared_storage: bool = False  # the farm's workers read this machine's files (else files travel with jobs)
    workers: int = 1             # local engine: worker processes
    threads: int = 1             # local engine: threads per worker


@dataclass
class UserSettings:
    folders: dict[str, str] = field(default_factory=dict)  # backend name -> its model folder
    use: dict[str, str] = field(default_factory=dict)      # stage -> studio backend (absent: embedded)
    engine: EngineSettings = field(default_factory=EngineSettings)
    cache_limit_gb: float = DEFAULT_CACHE_LIMIT_GB

    def folder(self, backend: str) -> str | None:
        return self.folders.get(backend) or None

    @property
    def cache_limit_bytes(self) -> int:
        return int(self.cache_limit_gb * 1e9)

    def as_dict(self) -> dict:
        return {"version": VERSION} | asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "UserSettings":
        if not isinstance(data, dict):
            raise TypeError("the file does not hold a JSON object")
        engine = data.get("engine", {})
        if not isinstance(engine, dict):
            raise TypeError("'engine' is not an object")
        known = {f.name for f in fields(EngineSettings)}
        settings = cls(folders=_strings(data.get("folders", {}), "folders"), use=_strings(data.get("use", {}), "use"),
                       engine=EngineSettings(**{k: v for k, v in engine.items() if k in known}),
                       cache_limit_gb=float(data.get("cache_limit_gb", DEFAULT_CACHE_LIMIT_GB)))
        checks = [(isinstance(settings.engine.scheduler, str), "engine.scheduler is not text"),
                  (isinstance(settings.engine.shared_storage, bool), "engine.shared_storage is not true/false"),
                  (_count(settings.engine.workers), "engine.workers is not a whole number of at least 1"),
                  (_count(settings.engine.threads), "engine.threads is not a whole number of at least 1"),
                  (settings.cache_limit_gb > 0, "cache_limit_gb is not positive")]
        for ok, problem in checks:
            if not ok:
                raise ValueError(problem)
        return settings


def _strings(value, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError(f"'{name}' is not an object of text values")
    return dict(value)


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


def load(path: Path | None = None) -> UserSettings:
    """The saved settings, or the defaults if none were saved; SettingsError for a damaged file."""
    path = path or settings_path()
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return UserSettings()
    try:
        return UserSettings.from_dict(json.loads(text))
    except (ValueError, TypeError) as error:
        raise SettingsError(f"the settings file {path} cannot be read ({error}): fix it, or save the settings "
                            f"again in DubStudio's Settings dialog to replace it.") from None


def save(settings: UserSettings, path: Path | None = None) -> Path:
    """Write the settings atomically (a temporary file beside it, renamed over it)."""
    path = path or settings_path()
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(json.dumps(settings.as_dict(), indent=2, sort_keys=True) + "\n", "utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _studio_folder(settings: UserSettings, stage: str) -> tuple[str | None, str | None]:
    """(backend, folder) the settings use for a stage; (None, None) for its embedded default."""
    backend = settings.use.get(stage)
    if not backend:
        return None, None
    if backend not in CHOICES.get(stage, ()):
        raise SettingsError(f"the settings choose '{backend}' for {stage}, which is not one of its backends "
                            f"({', '.join(CHOICES[stage])}): choose again in Settings > Models.")
    folder = settings.folder(backend)
    if not folder:
        raise SettingsError(f"the settings choose {backend} for {stage} but give no model folder for it: "
                            f"choose its folder in Settings > Models, or go back to the embedded default.")
    return backend, folder


def options(settings: UserSettings, **fields) -> Options:
    """The pipeline's Options for these settings; `fields` (source, targets, speakers, qa, preset...)
    are passed through. A stage set to a studio backend whose folder is not set is a SettingsError."""
    _, whisper = _studio_folder(settings, "transcribe")
    _, pyannote = _studio_folder(settings, "diarize")
    translator, translator_folder = _studio_folder(settings, "translate")
    _, demucs = _studio_folder(settings, "separate")
    lipsync, lipsync_folder = _studio_folder(settings, "lipsync")
    return Options(whisper=whisper, pyannote=pyannote, translator=translator or "apertium",
                   translator_folder=translator_folder, demucs=demucs, xtts=settings.folder("xtts-v2"),
                   lipsync_method=lipsync or "embedded", lipsync_folder=lipsync_folder,
                   syncnet=settings.folder("syncnet"), **fields)


def open_engine(settings: UserSettings):
    """The engine these settings ask for: the farm at the scheduler address, else a local engine."""
    from dubstudio.jobs import open_engine as open_

    engine = settings.engine
    if engine.scheduler.strip():
        return open_(engine.scheduler.strip(), shared_storage=engine.shared_storage)
    return open_(None, workers=engine.workers, threads=engine.threads)
