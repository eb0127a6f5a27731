"""The backend registry: one entry per adapter, with what the editor and the planner need to choose it.

Each stage (transcribe, diarize, translate, synthesize, separate, lipsync) has adapters behind one
small interface. An entry says which languages the backend handles, whether it clones voices, its
licence, its device, how to build its model (for the worker's model cache) and what it needs, so
that `availability()` reads "installed" or "missing: what to put where". Availability is a fact
about one machine: `dubstudio engine status` asks each worker.

Studio backends run from a model folder the user provides: `folder` names the adapter's own check of
that folder, and `check(folder)` says, from the files alone, whether it is installed and what is missing.

Adding a backend: declare a Backend in dubstudio.engine.backends (BUILTIN), with `load` naming a
callable that returns the loaded model.
"""

import functools
import importlib
import importlib.util
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dubstudio import tools
from dubstudio.errors import DubStudioError

# lipsync-score: measuring lip sync (LSE-D/LSE-C), not changing the picture
STAGES = ("transcribe", "diarize", "translate", "synthesize", "separate", "lipsync", "lipsync-score")
DEVICES = ("cpu", "cuda")
INSTALLED = "installed"


class UnknownBackendError(DubStudioError):
    """No backend has that name."""


def import_target(target: str):
    """The object a "package.module:attribute" string names, imported on first use."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class PythonPackage:
    """A Python package the backend imports (code or packaged model files)."""

    module: str
    package: str

    def missing(self) -> str | None:
        if importlib.util.find_spec(self.module) is not None:
            return None
        return f"the Python package {self.package} (pip install {self.package} in DubStudio's environment, " \
               f"or run installers/setup.sh)"


@dataclass(frozen=True)
class Program:
    """A system program the backend runs."""

    name: str

    def missing(self) -> str | None:
        return None if shutil.which(self.name) else f"the program {self.name} ({tools.fix_hint(self.name)})"


@dataclass(frozen=True)
class Backend:
    name: str
    stage: str
    title: str
    load: str  # "module:callable" returning the loaded model the worker's cache keeps
    languages: tuple[str, ...] = ()  # DubStudio language codes; empty: any language
    clones_voices: bool = False
    licence: str = ""
    device: str = "cpu"
    memory_mb: int | None = None  # the loaded model's size if known; else the cache measures it
    requires: tuple[PythonPackage | Program, ...] = ()
    # studio backends: "module:function" that checks a model folder from its files (no model load, no
    # torch) and raises a DubStudioError saying what is missing; empty: the backend needs no folder
    folder: str = ""

    def __post_init__(self):
        if self.stage not in STAGES:
            raise ValueError(f"backend {self.name}: stage {self.stage!r} is not one of {STAGES}")
        if self.device not in DEVICES:
            raise ValueError(f"backend {self.name}: device {self.device!r} is not one of {DEVICES}")

    def availability(self) -> str:
        """"installed", or "missing: " and what to put where."""
        missing = [text for requirement in self.requires if (text := requirement.missing())]
        return "missing: " + "; ".join(missing) if missing else INSTALLED

    @property
    def installed(self) -> bool:
        return self.availability() == INSTALLED

    @property
    def needs_folder(self) -> bool:
        return bool(self.folder)

    def check(self, folder: str | os.PathLike | None = None) -> tuple[bool, str]:
        """(installed, what is missing): the packages and programs it needs and, for a studio backend,
        its model folder's files. Fast: looks at files only."""
        missing = [text for requirement in self.requires if (text := requirement.missing())]
        if self.folder:
            if not folder:
                missing.append("no model folder chosen")
            else:
                try:
                    import_target(self.folder)(Path(folder).expanduser())
                except DubStudioError as error:
                    missing.append(str(error).rstrip("."))
        return not missing, "; ".join(missing)

    @property
    def resources(self) -> dict | None:
        """What a job using this backend asks of its worker (Engine.submit's resources)."""
        return {"GPU": 1} if self.device == "cuda" else None

    def speaks(self, language: str) -> bool:
        return not self.languages or language.split("-")[0] in self.languages

    def loader(self) -> Callable[[], object]:
        return import_target(self.load)


class Registry:
    def __init__(self, backends: tuple[Backend, ...] | list[Backend] = ()):
        self._backends: dict[str, Backend] = {}
        for backend in backends:
            self.register(backend)

    def register(self, backend: Backend) -> None:
        if backend.name in self._backends:
            raise ValueError(f"a backend named {backend.name} is already registered")
        self._backends[backend.name] = backend

    def get(self, name: str) -> Backend:
        try:
            return self._backends[name]
        except KeyError:
            raise UnknownBackendError(f"there is no backend named '{name}': choose one of "
                                      f"{', '.join(sorted(self._backends))}.") from None

    def for_stage(self, stage: str, language: str | None = None) -> list[Backend]:
        return [b for b in self._backends.values()
                if b.stage == stage and (language is None or b.speaks(language))]

    def availability(self) -> dict[str, str]:
        return {name: backend.availability() for name, backend in self._backends.items()}


@functools.cache
def default_registry() -> Registry:
    """Every backend DubStudio ships an adapter for."""
    from dubstudio.engine.backends import BUILTIN

    return Registry(BUILTIN)
