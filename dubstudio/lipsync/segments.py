"""Where lip-synced frames live: segments in the user cache, named by what made them, so the same inputs
find the same file and a cleared cache is rebuilt by running the same job again."""

import hashlib
import json
from pathlib import Path

from dubstudio import paths

SEGMENT_SUFFIX = ".mkv"  # lossless FFV1, as the lip-sync job writes it


def segment_key(source_hash: str, frames: tuple[int, int], dub_hash: str, method: str, params: dict) -> str:
    """The name of the segment made from these inputs: the source, the frame range, the dub audio over it,
    the method and its settings."""
    text = json.dumps([source_hash, list(frames), dub_hash, method, params], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def segment_path(key: str) -> Path:
    return paths.cache_dir("lipsync", "segments") / f"{key}{SEGMENT_SUFFIX}"


def in_turn(spans):
    """(first, end, item) frame spans in frame order, each cut to end where the next begins, empty ones
    dropped: every frame is lip-synced once, and where two spans overlap the later one wins."""
    ordered = sorted(spans, key=lambda span: span[0])
    out = []
    for (first, end, item), following in zip(ordered, [*ordered[1:], None]):
        end = end if following is None else min(end, following[0])
        if end > first:
            out.append((first, end, item))
    return out


def shown_spans(results) -> list[tuple[int, int, str]]:
    """(first, end, segment key) of the frames a master shows lip-synced, from a language's Lipsync results:
    the current ones that changed some frame (results made before a neighbouring line moved may overlap)."""
    return in_turn([(result.first_frame, result.end_frame, result.segment_key) for result in results
                    if not result.stale and result.scores.get("changed", 1)])
