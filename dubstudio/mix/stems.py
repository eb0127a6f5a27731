"""Where the separated stems of a project's source are cached: one set per source, set of lines and
separator (dubstudio.pipeline.render separates them; the editor plays them when they are there)."""

import hashlib
import json
from pathlib import Path

from dubstudio import paths


def stem_paths(project, demucs: str | None) -> tuple[Path, Path, Path]:
    """(M&E FLAC, dialogue FLAC, info JSON) in the cache, whether they exist yet or not."""
    spans = [(line.start, line.end) for line in project.lines()]
    key = json.dumps([project.media().content_hash, spans, demucs])
    key = hashlib.sha256(key.encode()).hexdigest()[:24]
    folder = paths.cache_dir("stems", key)
    return folder / "me.flac", folder / "dialogue.flac", folder / "info.json"


def cached_stems(project, demucs: str | None = None) -> tuple[Path, Path] | None:
    """(M&E, dialogue) if this project's stems are separated already, else None. Never separates: the
    editor's playback must not wait on the engine."""
    if project.media() is None:
        return None
    me, dialogue, info = stem_paths(project, demucs)
    return (me, dialogue) if me.is_file() and dialogue.is_file() and info.is_file() else None
