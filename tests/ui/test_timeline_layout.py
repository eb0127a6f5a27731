"""The timeline's Qt-free preparation: lanes and culling, edge drags and snapping, ruler ticks, zoom."""

from fractions import Fraction

import numpy as np
import pytest
from dubstudio.ui.timeline.layout import Block, BlockState, Lane, TimelineModel
from dubstudio.ui.timeline.ruler import ruler_ticks
from dubstudio.ui.timeline.snapping import EdgeDrag
from dubstudio.ui.timeline.viewport import FRAME_PIXELS, Viewport

from dubstudio import timing

R = timing.SAMPLE_RATE


def block(line_id: int, start: int, end: int, speaker: int | None = 1, number: int | None = None,
          words: tuple[int, ...] = ()) -> Block:
    return Block(line_id, number or line_id, start, end, speaker, f"{line_id}", BlockState.FITS, None, None, words)


def test_visible_finds_exactly_the_blocks_overlapping_a_range_even_past_a_long_overlapping_one():
    blocks = [block(1, 0, 10 * R), block(2, R, 2 * R), block(3, 3 * R, 4 * R), block(4, 12 * R, 13 * R)]
    lane = Lane(1, "A", list(reversed(blocks)))
    assert [b.line_id for b in lane.blocks] == [1, 2, 3, 4]
    first, last = lane.visible(5 * R, 6 * R)  # only line 1 (0-10 s) covers 5-6 s; 2 and 3 ended before
    assert [lane.blocks[i].line_id for i in range(first, last) if lane.ends[i] > 5 * R] == [1]
    assert (first, last) == (0, 3)
    assert lane.visible(10 * R, 12 * R) == (3, 3)  # nothing: 1 ends at 10 s, 4 starts at 12 s
    assert lane.visible(11 * R, 12 * R + 1) == (3, 4)


def test_visible_bisects_a_2000_line_lane_without_looking_at_every_block():
    lane = Lane(1, "A", [block(i, i * 3 * R, i * 3 * R + 2 * R) for i in range(2000)])
    first, last = lane.visible(3000 * R, 3030 * R)
    assert [lane.blocks[i].line_id for i in range(first, last)] == list(range(1000, 1010))


def test_update_moves_a_block_between_lanes_and_creates_a_lane_for_a_new_speaker():
    lanes = [Lane(1, "A", [block(1, 0, R), block(2, 2 * R, 3 * R)]), Lane(2, "B", [block(3, R, 2 * R, 2)])]
    model = TimelineModel(lanes, {b.line_id: b for lane in lanes for b in lane.blocks})
    versions = [lane.version for lane in lanes]
    touched = model.update({2: block(2, 2 * R, 3 * R, speaker=2)})
    assert touched == {1, 2}
    assert [b.line_id for b in lanes[0].blocks] == [1] and [b.line_id for b in lanes[1].blocks] == [3, 2]
    assert all(lane.version > v for lane, v in zip(lanes, versions))
    model.update({1: block(1, 0, R, speaker=7)}, lambda: {7: "Carol"})
    assert model.lanes[-1].name == "Carol" and [b.line_id for b in model.lanes[-1].blocks] == [1]
    model.update({3: None})
    assert 3 not in model.blocks and [b.line_id for b in lanes[1].blocks] == [2]


def test_script_order_next_line_and_ranges():
    blocks = {i: block(i, i * R, i * R + R // 2, speaker=i % 2, number=i) for i in range(1, 6)}
    lanes = [Lane(0, "A", [b for b in blocks.values() if b.speaker_id == 0]),
             Lane(1, "B", [b for b in blocks.values() if b.speaker_id == 1])]
    model = TimelineModel(lanes, blocks)
    assert model.next_in_script(2).line_id == 3 and model.next_in_script(5) is None
    assert model.script_range(4, 2) == (2, 3, 4)
    assert list(model.edges[:3]) == [R, R + R // 2, 2 * R]


def test_an_edge_snaps_to_a_word_boundary_and_stops_at_its_neighbours():
    lane = Lane(1, "A", [block(1, 0, R), block(2, 2 * R, 4 * R, words=(2 * R, 3 * R - 100, 4 * R)),
                         block(3, 5 * R, 6 * R)])
    drag = EdgeDrag.begin(lane.blocks[1], "end", lane, min_length=1920, duration=10 * R)
    tolerance = 6 * 480
    drag.move(3 * R + 500, [np.array(lane.blocks[1].words)], tolerance)
    assert (drag.start, drag.end) == (2 * R, 3 * R - 100)
    drag.move(3 * R + 500, [], tolerance)  # Shift: no snapping
    assert drag.end == 3 * R + 500
    drag.move(7 * R, [], tolerance)  # not past the next line of the lane
    assert drag.end == 5 * R
    drag.move(0, [], tolerance)  # not shorter than a frame
    assert drag.end == 2 * R + 1920
    start = EdgeDrag.begin(lane.blocks[1], "start", lane, min_length=1920, duration=10 * R)
    start.move(0, [], tolerance)
    assert (start.start, start.end) == (R, 4 * R) and start.changed


def test_snapping_picks_the_closest_of_several_kinds_of_target():
    lane = Lane(1, "A", [block(1, 0, 4 * R, words=(R, 2 * R))])
    drag = EdgeDrag.begin(lane.blocks[0], "end", lane, min_length=1920, duration=10 * R)
    drag.move(2 * R + 1000, [np.array([R, 2 * R]), np.array([2 * R + 1200]), np.array([2 * R + 900])], 3000)
    assert drag.end == 2 * R + 900


@pytest.mark.parametrize("rate", [Fraction(25), Fraction(24000, 1001), Fraction(30000, 1001)])
def test_at_the_closest_zoom_the_ruler_has_a_tick_on_every_frame(rate):
    vp = Viewport(R / rate, 2 * 3600 * R, width=1200)
    vp.zoom_to(1, 0)
    assert vp.spp == vp.min_spp == int(R / rate / FRAME_PIXELS)
    vp.first = 3600 * R // vp.spp  # an hour in
    ticks = ruler_ticks(vp.start, vp.stop, vp.spp, rate)
    samples = sorted([s for s, _ in ticks.major] + ticks.minor)
    frames = [timing.samples_to_frame(s, rate) for s in samples]
    assert ticks.minor_step == 1 and frames == list(range(frames[0], frames[0] + len(frames)))
    assert len(frames) >= 1200 // FRAME_PIXELS - 1


def test_drop_frame_ruler_labels_are_round_timecodes():
    rate = Fraction(30000, 1001)
    spp = 60 * R // 150  # a minute every 150 pixels
    ticks = ruler_ticks(0, 1800 * spp, spp, rate)
    labels = [label for _, label in ticks.major]
    assert labels[:3] == ["00:00:00;00", "00:01:00;02", "00:02:00;02"] and "00:10:00;00" in labels
    for sample, label in ticks.major:
        assert timing.samples_to_timecode(sample, rate) == label


def test_the_whole_film_ruler_and_zoom_limits():
    rate = Fraction(25)
    vp = Viewport(R / rate, 2 * 3600 * R, width=1920)
    vp.fit()
    assert vp.start == 0 and vp.stop >= 2 * 3600 * R and vp.spp == vp.max_spp
    ticks = ruler_ticks(vp.start, vp.stop, vp.spp, rate)
    assert 4 <= len(ticks.major) <= 1920 // 100 and ticks.major[0][1] == "00:00:00:00"
    vp.zoom_by(0.5, 0)  # cannot zoom out past the whole film
    assert vp.spp == vp.max_spp


def test_zoom_keeps_the_sample_under_the_anchor_and_show_fits_a_range():
    vp = Viewport(Fraction(R, 25), 600 * R, width=1000, spp=4800, first=100)
    anchor = vp.sample_at(300)
    vp.zoom_by(1.25, 300)
    assert abs(vp.sample_at(300) - anchor) <= vp.spp
    vp.show(100 * R, 110 * R)
    assert vp.start <= 100 * R and vp.stop >= 110 * R and vp.stop - vp.start <= 11 * R + 2 * vp.spp
