"""The cache folder under the user's size limit: its least recently used files are deleted first.

Everything in the cache can be rebuilt (decoded audio, stems, references, model files assembled from
packages), so deleting costs time, never work. "Used" is the later of a file's access and modification
times (most file systems update access times at most daily, so this is a day-level order). Files being
written (".partial" names) are left alone.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from dubstudio import paths


@dataclass(frozen=True)
class Pruned:
    files: int   # deleted
    freed: int   # bytes
    left: int    # bytes the cache holds now


def _files(root: Path) -> list[tuple[float, int, Path]]:
    """(last use, size, path) of every cache file."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            try:
                info = path.lstat()
            except FileNotFoundError:  # deleted meanwhile by whoever wrote it
                continue
            found.append((max(info.st_atime, info.st_mtime), info.st_size, path))
    return found


def usage(root: Path | None = None) -> int:
    """Bytes the cache folder holds."""
    return sum(size for _, size, _ in _files(root or paths.cache_dir()))


def prune(limit: int, root: Path | None = None) -> Pruned:
    """Delete the least recently used cache files until the cache holds at most `limit` bytes."""
    root = root or paths.cache_dir()
    files = sorted(_files(root))
    total = sum(size for _, size, _ in files)
    deleted = freed = 0
    emptied: set[Path] = set()
    for _, size, path in files:
        if total - freed <= limit:
            break
        if ".partial" in path.name:
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        deleted, freed = deleted + 1, freed + size
        emptied.add(path.parent)
    # the folders this emptied go too (deepest first); others may have just been made for a write
    for folder in sorted(emptied, key=lambda path: -len(path.parts)):
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:  # not empty
                break
            folder = folder.parent
    return Pruned(deleted, freed, total - freed)
