"""What the timeline's speaker lanes show, prepared without Qt: one block per dub line in its speaker's
lane, sorted by start, with numpy columns for culling and drawing.

A paint asks a lane for the blocks in [start, stop) by bisection (`Lane.visible`), so it never loops
over the whole script. The model is rebuilt line by line from the project's read methods; chosen
takes are kept by line so a rebuild after a re-ordering edit reads only what changed.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from dubstudio.ui.state import Fit, line_state

from dubstudio.project import Line, Project, Take, Translation

_versions = itertools.count(1)
LABEL_CHARS = 80  # more never fits a block on screen; the painter clips the rest


class BlockState(IntEnum):
    """The colour of a block, the most urgent first for a person reviewing."""

    NO_TAKE = 0
    FITS = 1
    OVER = 2
    FLAGGED = 3   # QA heard something other than the text
    APPROVED = 4


def block_state(translation: Translation | None, take: Take | None) -> tuple[BlockState, int | None, int | None]:
    """(colour state, take offset from the line's start, take length) from the shared line state."""
    state = line_state(translation, take)
    if state.fit is Fit.NO_TAKE:
        colour = BlockState.NO_TAKE
    elif state.approved:
        colour = BlockState.APPROVED
    elif state.fit is Fit.OVER:
        colour = BlockState.OVER
    elif state.misheard:
        colour = BlockState.FLAGGED
    else:
        colour = BlockState.FITS
    return colour, state.take_start, state.take_length


@dataclass(frozen=True, slots=True)
class Block:
    line_id: int
    number: int
    start: int
    end: int
    speaker_id: int | None
    label: str
    state: BlockState
    take_start: int | None  # absolute samples: where the chosen take plays, which may pass the line's end
    take_end: int | None
    words: tuple[int, ...]  # the source words' start and end samples, sorted: where an edge may snap


def make_block(line: Line, translation: Translation | None, take: Take | None) -> Block:
    state, offset, length = block_state(translation, take)
    text = translation.text if translation is not None else ""
    label = f"{line.number} {' '.join(text.split())}"[:LABEL_CHARS]
    take_start = take_end = None
    if length:
        take_start = line.start + (offset or 0)
        take_end = take_start + length
    words = tuple(sorted({edge for word in line.words for edge in (word.start, word.end)}))
    return Block(line.id, line.number, line.start, line.end, line.speaker_id, label, state, take_start, take_end,
                 words)


class Lane:
    """One speaker's blocks (speaker None: lines nobody was assigned), sorted by (start, line id)."""

    def __init__(self, speaker_id: int | None, name: str, blocks: list[Block]):
        self.speaker_id = speaker_id
        self.name = name
        self.blocks = sorted(blocks, key=lambda block: (block.start, block.line_id))
        self._index()

    def _index(self) -> None:
        blocks = self.blocks
        self.ids = np.array([b.line_id for b in blocks], np.int64)
        self.starts = np.array([b.start for b in blocks], np.int64)
        self.ends = np.array([b.end for b in blocks], np.int64)
        # lines may overlap: the running maximum of the ends is sorted, so culling can bisect it too
        self.reach = np.maximum.accumulate(self.ends) if len(blocks) else self.ends
        self.states = np.array([b.state for b in blocks], np.uint8)
        self.take_starts = np.array([-1 if b.take_start is None else b.take_start for b in blocks], np.int64)
        self.take_ends = np.array([-1 if b.take_end is None else b.take_end for b in blocks], np.int64)
        taken = self.take_starts >= 0
        # how far takes reach past their lines' ends, and start before their starts
        self.overhang = int(np.max(self.take_ends[taken] - self.ends[taken], initial=0))
        self.lead = int(np.max(self.starts[taken] - self.take_starts[taken], initial=0))
        self._position = {block.line_id: i for i, block in enumerate(blocks)}
        # new on every change, and unique across lanes and models: drawings cached by it know they are stale
        self.version = next(_versions)

    def replace(self, blocks: dict[int, Block | None]) -> None:
        """Put in, move or take out the blocks of these line ids (None: the line left this lane)."""
        kept = [block for block in self.blocks if block.line_id not in blocks]
        kept += [block for block in blocks.values() if block is not None]
        self.blocks = sorted(kept, key=lambda block: (block.start, block.line_id))
        self._index()

    def __len__(self) -> int:
        return len(self.blocks)

    def visible(self, start: int, stop: int) -> tuple[int, int]:
        """Index range [first, last) holding every block that overlaps samples [start, stop)."""
        first = int(np.searchsorted(self.reach, start, side="right"))
        last = int(np.searchsorted(self.starts, stop, side="left"))
        return first, max(first, last)

    def position(self, line_id: int) -> int | None:
        return self._position.get(line_id)

    def neighbours(self, line_id: int) -> tuple[Block | None, Block | None]:
        """The blocks before and after this one in the lane."""
        i = self._position[line_id]
        return (self.blocks[i - 1] if i > 0 else None,
                self.blocks[i + 1] if i + 1 < len(self.blocks) else None)

    def block_at(self, sample: int, slack: int = 0) -> Block | None:
        """The block under this sample (within `slack` samples of its edges), the nearest one if several."""
        first, last = self.visible(sample - slack, sample + slack + 1)
        best = None
        for i in range(first, last):  # a handful at most: the blocks within the slack
            block = self.blocks[i]
            if block.start - slack <= sample < block.end + slack:
                inside = block.start <= sample < block.end
                if best is None or inside:
                    best = block
        return best


class TimelineModel:
    """The lanes of one language, and the script order of the lines they hold."""

    def __init__(self, lanes: list[Lane], blocks: dict[int, Block]):
        self.lanes = lanes
        self.blocks = blocks
        self._script_index()

    def _script_index(self) -> None:
        self.order = sorted(self.blocks, key=lambda line_id: self.blocks[line_id].number)
        self._order_position = {line_id: i for i, line_id in enumerate(self.order)}
        self.edges = np.unique(np.array([edge for b in self.blocks.values() for edge in (b.start, b.end)], np.int64))
        self.duration = int(self.edges[-1]) if len(self.edges) else 0

    def lane_of(self, speaker_id: int | None) -> Lane | None:
        return next((lane for lane in self.lanes if lane.speaker_id == speaker_id), None)

    def update(self, blocks: dict[int, Block | None],
               names: Callable[[], dict[int, str]] = dict) -> set[int | None]:
        """Replace these lines' blocks (None: the line is gone); returns the speakers of the lanes that
        changed. A line of a speaker without a lane yet gets one at the end, named by `names()`."""
        touched: dict[int | None, dict[int, Block | None]] = {}
        for line_id, block in blocks.items():
            old = self.blocks.pop(line_id, None)
            if old is not None:
                touched.setdefault(old.speaker_id, {})[line_id] = None
            if block is not None:
                self.blocks[line_id] = block
                touched.setdefault(block.speaker_id, {})[line_id] = block
        for speaker_id, changed in touched.items():
            lane = self.lane_of(speaker_id)
            if lane is None:
                name = "Unassigned" if speaker_id is None else names().get(speaker_id, f"Speaker {speaker_id}")
                self.lanes.append(Lane(speaker_id, name, [block for block in changed.values() if block is not None]))
            else:
                lane.replace(changed)
        self._script_index()
        return set(touched)

    def next_in_script(self, line_id: int) -> Block | None:
        i = self._order_position[line_id]
        return self.blocks[self.order[i + 1]] if i + 1 < len(self.order) else None

    def script_range(self, first_id: int, second_id: int) -> tuple[int, ...]:
        """The ids of the lines from one to the other in script order, both included."""
        low, high = sorted((self._order_position[first_id], self._order_position[second_id]))
        return tuple(self.order[low:high + 1])


class BlockReader:
    """Reads blocks from a project for one language, keeping each line's chosen take so that a full
    rebuild reads only the takes that changed."""

    def __init__(self, project: Project, language: str):
        self.project = project
        self.language = language
        self._takes: dict[int, Take | None] = {}  # chosen take by take id

    def forget_takes(self, line_ids) -> None:
        """Their takes' figures may have changed (a job filled in fit or QA)."""
        line_ids = set(line_ids)
        for take_id in [take_id for take_id, take in self._takes.items() if take and take.line_id in line_ids]:
            del self._takes[take_id]

    def _take(self, translation: Translation | None) -> Take | None:
        if translation is None or translation.chosen_take_id is None:
            return None
        take_id = translation.chosen_take_id
        if take_id not in self._takes:
            self._takes[take_id] = self.project.take(take_id)
        return self._takes[take_id]

    def model(self) -> TimelineModel:
        """Every line of the script, one lane per speaker (in the project's order), then unassigned."""
        translations = self.project.translations(self.language)
        blocks = {}
        for line in self.project.lines():
            translation = translations.get(line.id)
            blocks[line.id] = make_block(line, translation, self._take(translation))
        by_speaker: dict[int | None, list[Block]] = {}
        for block in blocks.values():
            by_speaker.setdefault(block.speaker_id, []).append(block)
        lanes = [Lane(speaker.id, speaker.name, by_speaker.pop(speaker.id, []))
                 for speaker in self.project.speakers()]
        lanes += [Lane(speaker_id, "Unassigned" if speaker_id is None else f"Speaker {speaker_id}", found)
                  for speaker_id, found in by_speaker.items()]
        return TimelineModel(lanes, blocks)

    def blocks(self, line_ids) -> dict[int, Block | None]:
        """The current blocks of these lines (None for a line no longer in the script)."""
        found = {}
        for line_id in line_ids:
            line = self.project.line(line_id)
            translation = self.project.translation(line_id, self.language) if line else None
            found[line_id] = None if line is None else make_block(line, translation, self._take(translation))
        return found
