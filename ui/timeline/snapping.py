"""Retiming a line by dragging one of its edges, without Qt: where the edge may go (not across its
neighbours in the same lane, not shorter than a frame) and where it snaps (the line's word boundaries,
other lines' edges, the playhead)."""

from dataclasses import dataclass

import numpy as np
from dubstudio.ui.timeline.layout import Block, Lane


def nearest(value: int, targets: np.ndarray, tolerance: int) -> int | None:
    """The target closest to value within tolerance (targets sorted), or None."""
    if not len(targets):
        return None
    i = int(np.searchsorted(targets, value))
    close = [int(targets[j]) for j in (i - 1, i) if 0 <= j < len(targets)]
    close = [target for target in close if abs(target - value) <= tolerance]
    return min(close, key=lambda target: abs(target - value), default=None)


@dataclass
class EdgeDrag:
    """One edge ("start" or "end") of a line being dragged; `start`/`end` are where it is now."""

    block: Block
    edge: str
    low: int    # how far the dragged edge may go
    high: int
    start: int
    end: int

    @classmethod
    def begin(cls, block: Block, edge: str, lane: Lane, min_length: int, duration: int) -> "EdgeDrag":
        """min_length: the shortest the line may become (a frame); duration: the end of the film."""
        before, after = lane.neighbours(block.line_id)
        min_length = min(min_length, block.end - block.start)
        if edge == "start":
            low, high = (before.end if before else 0), block.end - min_length
        elif edge == "end":
            low, high = block.start + min_length, (after.start if after else duration)
        else:
            raise ValueError(f"edge is 'start' or 'end', not {edge!r}")
        # a line that already crosses its neighbour may stay where it is, never go further
        low, high = min(low, getattr(block, edge)), max(high, getattr(block, edge))
        return cls(block, edge, low, high, block.start, block.end)

    def move(self, sample: int, targets: list[np.ndarray], tolerance: int) -> None:
        """Put the edge at `sample`, or at the closest snap target within tolerance (none: no snapping)."""
        found = [hit for hit in (nearest(sample, t, tolerance) for t in targets) if hit is not None]
        if found:
            sample = min(found, key=lambda hit: abs(hit - sample))
        sample = min(max(sample, self.low), self.high)
        if self.edge == "start":
            self.start = sample
        else:
            self.end = sample

    @property
    def changed(self) -> bool:
        return (self.start, self.end) != (self.block.start, self.block.end)
