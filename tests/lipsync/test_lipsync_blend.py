"""Blending back: the lower-face polygon, its feathered mask, colour matching, and pasting a crop back
through the mask without touching a single pixel outside it."""

import cv2
import numpy as np
import pytest

from dubstudio.lipsync.blend import composite, feathered_mask, lower_face_polygon, match_colour, paste_back
from dubstudio.lipsync.face import CHIN, EYE_CORNERS, LIPS_OUTER, eye_distance

SQUARE = np.array([[100, 80], [300, 80], [300, 240], [100, 240]], np.float32)


def test_the_feathered_mask_is_zero_outside_the_polygon_and_rises_to_one_over_the_feather():
    mask = feathered_mask((320, 400), SQUARE, feather_px=20)
    assert mask.dtype == np.float32 and mask.shape == (320, 400)
    inside = np.zeros((320, 400), np.uint8)
    cv2.fillPoly(inside, [SQUARE.astype(np.int32)], 1)
    assert mask[inside == 0].max() == 0.0
    assert mask[120:200, 140:260].min() == pytest.approx(1.0, abs=1e-3)  # deeper than the feather
    row = mask[160, 100:140]
    assert row[0] < 0.05 and row[-1] > 0.95 and np.all(np.diff(row) >= -1e-4)  # a smooth ramp inward
    assert 0.2 < mask[160, 110] < 0.8  # half way across the feather


def test_a_polygon_past_the_frame_edge_keeps_its_shape_inside_the_frame():
    mask = feathered_mask((200, 200), SQUARE - (150, 0), feather_px=16)
    assert mask[160, 0] > 0.95  # the polygon's edge is off-frame: no fade at the frame's edge
    assert mask[:, 151:].max() == 0.0


def test_paste_back_changes_nothing_where_the_mask_is_zero_and_is_the_crop_where_it_is_one():
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (240, 320, 3), np.uint8)
    crop = rng.integers(0, 256, (96, 96, 3), np.uint8)
    polygon = np.array([[120, 100], [220, 90], [230, 190], [110, 180]], np.float32)
    mask = feathered_mask(frame.shape[:2], polygon, 12)
    # the crop was cut from the box (100, 80)-(244, 224): 144 px scaled to 96
    scale = 96 / 144
    affine = np.array([[scale, 0, -100 * scale], [0, scale, -80 * scale]])
    out = paste_back(frame, crop, affine, mask)
    assert out.dtype == np.uint8 and out.shape == frame.shape
    assert np.array_equal(out[mask == 0], frame[mask == 0])
    back = cv2.warpAffine(crop, affine, (320, 240), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    full = mask >= 0.999
    assert full.sum() > 2000
    assert np.abs(out[full].astype(int) - back[full]).max() <= 1


def test_composite_mixes_by_the_mask_and_keeps_the_frame_bytes_at_zero():
    frame = np.full((10, 10, 3), 200, np.uint8)
    new = np.full((10, 10, 3), 100, np.uint8)
    mask = np.zeros((10, 10), np.float32)
    mask[2:5, 2:5] = 0.5
    mask[5:8, 5:8] = 1.0
    out = composite(frame, new, mask)
    assert (out[2:5, 2:5] == 150).all() and (out[5:8, 5:8] == 100).all()
    assert (out[mask == 0] == 200).all()


def test_colour_matching_moves_mean_and_spread_inside_the_mask():
    rng = np.random.default_rng(2)
    reference = np.clip(rng.normal((150, 100, 90), (20, 10, 5), (64, 64, 3)), 0, 255).astype(np.uint8)
    generated = np.clip(rng.normal((90, 120, 140), (5, 30, 10), (64, 64, 3)), 0, 255).astype(np.uint8)
    mask = np.zeros((64, 64), np.float32)
    mask[8:56, 8:56] = 1
    out = match_colour(generated, reference, mask)
    inside = mask > 0.5
    assert np.allclose(out[inside].mean(axis=0), reference[inside].mean(axis=0), atol=1.5)
    assert np.allclose(out[inside].std(axis=0), reference[inside].std(axis=0), rtol=0.1)


@pytest.mark.slow
def test_the_lower_face_polygon_holds_mouth_and_chin_with_room_below_but_not_the_eyes(photo):
    _, points = photo
    polygon = lower_face_polygon(points)
    def inside(p):
        return cv2.pointPolygonTest(polygon, (float(p[0]), float(p[1])), True)

    assert all(inside(points[i]) > 0 for i in LIPS_OUTER)
    assert inside(points[CHIN]) > 0.3 * eye_distance(points)  # the chin can drop and stay inside
    assert all(inside(points[i]) < 0 for i in EYE_CORNERS)
    assert inside(points[4]) < 0  # the tip of the nose
