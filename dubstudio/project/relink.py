"""Finding the source media when it has moved: by size first (a stat), then by content hash."""

import os
from collections.abc import Iterable
from pathlib import Path

from dubstudio.hashing import content_hash
from dubstudio.project.models import SourceMedia


def matches(path: Path, media: SourceMedia) -> bool:
    try:
        return path.is_file() and path.stat().st_size == media.size and content_hash(path) == media.content_hash
    except OSError:  # unreadable: not the file we are looking for
        return False


def locate(project_path: Path, media: SourceMedia) -> Path | None:
    """Where the media is now: at its recorded path, or at the same place relative to the project
    (a project folder moved or mounted elsewhere as a whole)."""
    candidates = [media.path]
    if media.relative_path is not None:
        candidates.append(project_path.parent / media.relative_path)
    return next((candidate for candidate in candidates if matches(candidate, media)), None)


def search(media: SourceMedia, places: Iterable[Path]) -> Path | None:
    """The first file among `places` (files, or folders searched recursively) that is this media.
    Files with the media's name are tried first: that is where a moved file usually is."""
    for place in places:
        if place.is_file():
            if matches(place, media):
                return place
            continue
        found = [Path(folder) / name for folder, _, names in os.walk(place) for name in names]
        found.sort(key=lambda path: path.name != media.path.name)
        for path in found:
            if matches(path, media):
                return path
    return None


def relative_to_project(project_path: Path, media_path: Path) -> str | None:
    try:
        return os.path.relpath(media_path.absolute(), project_path.absolute().parent)
    except ValueError:  # another drive on Windows: no relative path
        return None
