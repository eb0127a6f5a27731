"""The embedded lip-sync's picture side: move lips and jaw to a mouth shape with a piecewise-affine
warp over a triangulation of lip, chin and jaw landmarks, fill the mouth where it opens wider than
in the source (a dark inside, a hint of upper teeth), and blend the result through the lower-face
mask, so that nothing outside it changes.

Opening moves the lower lip and the jaw down, as a jaw rotating about the ears does (points in front
of the ear-to-ear axis move most: the mesh's depth tells how far in front), and the upper lip up a
little; closing does the reverse; width rounds or spreads the lips about the mouth's centre.
"""

from typing import NamedTuple

import numpy as np

from dubstudio.lipsync.blend import composite, feathered_mask, lower_face_polygon
from dubstudio.lipsync.face import (
    INNER_PAIRS,
    JAW,
    LIPS_INNER,
    LIPS_OUTER,
    LOWER_FACE,
    MOUTH_CORNERS,
    OUTER_OF,
    eye_distance,
    lip_gaps,
    mouth_axes,
)
from dubstudio.lipsync.visemes import MouthShape

UP_SHARE = 0.25        # of a change in the lip gap, the part the upper lip makes
CORNER_SHARE = 0.3     # how far the mouth corners follow the lower lip down
FEATHER = 0.12         # the mask's soft edge, in eye distances
TEETH = 0.08           # the most upper teeth shown, in eye distances
MIN_GAP = 0.05         # inner lips held this far apart (eye distances) to triangulate a closed mouth
CORNERS = [*MOUTH_CORNERS, 78, 308]
# points on the chin and beside the lower lip, carried by the jaw
CHIN = [18, 200, 199, 175, 83, 313, 201, 421, 208, 428, 171, 396, 32, 262, 140, 369, 182, 406, 194, 418,
        106, 335, 204, 424]
CONTROL = list(dict.fromkeys(LIPS_OUTER + LIPS_INNER + JAW + CHIN + LOWER_FACE[len(JAW):]))
_LIPS = list(dict.fromkeys(LIPS_OUTER + LIPS_INNER))


def _jaw_weights(points: np.ndarray, centre: np.ndarray, down: np.ndarray, size: float) -> np.ndarray:
    """How far each CHIN and JAW point moves with the lower lip (0 at the ears, near 1 at the chin):
    its depth in front of the line between the jaw's ends, over the lower lip's; only below the mouth."""
    ids = JAW + CHIN
    xy = points[ids, :2]
    a, b = points[JAW[0]], points[JAW[-1]]
    span = b[:2] - a[:2]

    def depth(p3):
        t = np.clip(((p3[..., :2] - a[:2]) @ span) / max(1e-6, float(span @ span)), 0, 1)
        return a[2] + t * (b[2] - a[2]) - p3[..., 2]

    below = np.clip(((xy - centre) @ down) / (0.1 * size), 0, 1)
    if points.shape[1] < 3:  # no depth: by how far below the mouth, as a stand-in
        return below * np.clip(((xy - centre) @ down) / (0.6 * size), 0.5, 1)
    lip = max(1e-6, float(depth(points[17])))
    return below * np.clip(depth(points[ids]) / lip, 0, 1)


def target_points(points: np.ndarray, shape: MouthShape) -> np.ndarray:
    """The 2-D landmarks moved to the mouth shape (float64 [478, 2]); points the warp does not use
    stay where they are."""
    source = points[:, :2].astype(np.float64)
    size = eye_distance(points)
    centre, along, down = mouth_axes(points)
    half = max(1e-6, float(np.linalg.norm(source[MOUTH_CORNERS[1]] - source[MOUTH_CORNERS[0]])) / 2)
    upper, lower = [p[0] for p in INNER_PAIRS], [p[1] for p in INNER_PAIRS]
    u = (((source[upper] + source[lower]) / 2 - centre) @ along) / half
    profile = np.clip(1 - u ** 2, 0, 1) ** 0.6  # a lens-shaped opening, widest in the middle
    wanted = shape.opening * size * profile / max(1e-6, float(profile[3:6].mean()))
    change = wanted - lip_gaps(points)
    move = np.zeros_like(source)
    for k, (top, bottom) in enumerate(INNER_PAIRS):
        for index, amount in ((top, -UP_SHARE * change[k]), (bottom, (1 - UP_SHARE) * change[k])):
            move[index] += amount * down
            move[OUTER_OF[index]] += amount * down
    drop = (1 - UP_SHARE) * float(change[3:6].mean())
    move[CORNERS] += CORNER_SHARE * drop * down
    move[JAW + CHIN] += (drop * _jaw_weights(points, centre, down, size))[:, None] * down
    move[_LIPS] += (shape.width - 1.0) * ((source[_LIPS] - centre) @ along)[:, None] * along
    return source + move


def _triangles(layout: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Delaunay triangles [T, 3] (indices into layout) whose centres lie inside the polygon."""
    import cv2

    low, high = layout.min(axis=0) - 2, layout.max(axis=0) + 2
    subdiv = cv2.Subdiv2D((int(low[0]), int(low[1]), int(high[0] - low[0]) + 2, int(high[1] - low[1]) + 2))
    subdiv.insert([(float(x), float(y)) for x, y in layout])
    corners = subdiv.getTriangleList().reshape(-1, 3, 2)
    distance = np.linalg.norm(corners[:, :, None, :] - layout[None, None].astype(np.float32), axis=3)
    index, found = distance.argmin(axis=2), distance.min(axis=2) < 0.05
    keep = found.all(axis=1)
    index, corners = index[keep], corners[keep]
    centres = corners.mean(axis=1)
    inside = [cv2.pointPolygonTest(polygon, (float(x), float(y)), False) >= 0 for x, y in centres]
    return index[np.asarray(inside, bool)]


def _signed_areas(xy: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    a, b, c = xy[triangles[:, 0]], xy[triangles[:, 1]], xy[triangles[:, 2]]
    return ((b - a)[:, 0] * (c - a)[:, 1] - (b - a)[:, 1] * (c - a)[:, 0]) / 2


def _piecewise_affine(frame: np.ndarray, source: np.ndarray, target: np.ndarray, triangles: np.ndarray
                      ) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """The frame warped so that each triangle's source corners land on its target corners, over the
    bounding box of the triangles that move: (pixels of that box, (x0, y0, x1, y1)); None if none moves.

    The displacement is piecewise linear, so it is worked out on a grid of every other pixel and
    enlarged; where nothing moves it is exactly 0 and the pixels are the frame's own."""
    import cv2

    moving = np.abs(target - source).max(axis=1) > 0.01
    triangles = triangles[moving[triangles].any(axis=1)]
    triangles = triangles[np.abs(_signed_areas(target, triangles)) > 0.25]
    if not len(triangles):
        return None
    height, width = frame.shape[:2]
    corners = target[triangles].reshape(-1, 2)
    x0, y0 = np.maximum(0, np.floor(corners.min(axis=0)).astype(int) - 2)
    x1, y1 = np.minimum((width, height), np.ceil(corners.max(axis=0)).astype(int) + 3)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    # grid cell (i, j) of the half-size grid is the point (2j + 0.5, 2i + 0.5) of the box, which is where
    # cv2.resize takes it to be; each cell gets its triangle's affine (box coordinates), the identity
    # outside every triangle
    grid_w, grid_h = (x1 - x0 + 1) // 2, (y1 - y0 + 1) // 2
    row_x = np.tile(np.array([1, 0, 0], np.float32), (grid_h, grid_w, 1))
    row_y = np.tile(np.array([0, 1, 0], np.float32), (grid_h, grid_w, 1))
    local_target, local_source = target - (x0, y0), source - (x0, y0)
    for tri in triangles:
        affine = cv2.getAffineTransform(local_target[tri].astype(np.float32), local_source[tri].astype(np.float32))
        cell = np.round((local_target[tri] - 0.5) / 2 * 16).astype(np.int32)
        cv2.fillConvexPoly(row_x, cell, affine[0].tolist(), shift=4)
        cv2.fillConvexPoly(row_y, cell, affine[1].tolist(), shift=4)
    gx = (2 * np.arange(grid_w, dtype=np.float32) + 0.5)[None, :, None]
    gy = (2 * np.arange(grid_h, dtype=np.float32) + 0.5)[:, None, None]
    shift = np.concatenate([row_x[..., :1] * gx + row_x[..., 1:2] * gy + row_x[..., 2:] - gx,
                            row_y[..., :1] * gx + row_y[..., 1:2] * gy + row_y[..., 2:] - gy], axis=2)
    where = np.ascontiguousarray(cv2.resize(shift, (2 * grid_w, 2 * grid_h), interpolation=cv2.INTER_LINEAR)
                                 [:y1 - y0, :x1 - x0])
    where[..., 0] += np.arange(x0, x1, dtype=np.float32)[None, :]
    where[..., 1] += np.arange(y0, y1, dtype=np.float32)[:, None]
    warped = cv2.remap(frame, where, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return warped, (int(x0), int(y0), int(x1), int(y1))


def _mouth_inside(frame: np.ndarray, points: np.ndarray, target: np.ndarray, box: tuple[int, int, int, int],
                  size: float) -> tuple[np.ndarray, np.ndarray]:
    """What shows between the target lips over the box: (RGB float32, coverage in [0, 1]). The upper
    teeth belong to the skull, so where the source mouth was open its inside stays where it was;
    elsewhere a made-up inside: dark, lit at the back by the tongue, upper teeth under the upper lip."""
    import cv2

    x0, y0, x1, y1 = box
    coverage = np.zeros((y1 - y0, x1 - x0), np.float32)
    cv2.fillPoly(coverage, [np.round((target[LIPS_INNER] - (x0, y0)) * 16).astype(np.int32)], 1.0,
                 lineType=cv2.LINE_AA, shift=4)
    coverage = cv2.GaussianBlur(coverage, (0, 0), 0.8)
    was_open = np.zeros_like(coverage)
    cv2.fillPoly(was_open, [np.round((points[LIPS_INNER, :2] - (x0, y0)) * 16).astype(np.int32)], 1.0,
                 lineType=cv2.LINE_AA, shift=4)
    was_open = cv2.GaussianBlur(cv2.erode(was_open, np.ones((3, 3), np.uint8)), (0, 0), 0.8)[..., None]
    region = frame[y0:y1, x0:x1].astype(np.float32)
    lips = np.zeros_like(coverage, np.uint8)
    cv2.fillPoly(lips, [np.round(points[LIPS_OUTER, :2] - (x0, y0)).astype(np.int32)], 1)
    cv2.fillPoly(lips, [np.round(points[LIPS_INNER, :2] - (x0, y0)).astype(np.int32)], 0)
    lip = region[lips > 0].mean(axis=0) if lips.any() else np.array([150.0, 80.0, 80.0])
    dark = lip * 0.16 + (6.0, 2.0, 2.0)
    tongue = lip * 0.5
    teeth = np.array([0.93, 0.91, 0.86]) * float(np.clip(lip.max() * 1.2, 150, 235))
    if (was_open > 0.5).sum() >= 12:  # the source shows its teeth: take their colour
        shown = region[was_open[..., 0] > 0.5]
        teeth = shown[shown.sum(axis=1) >= np.percentile(shown.sum(axis=1), 85)].mean(axis=0)
    # across the mouth: u from corner to corner (-1 to 1), v down from the mouth's centre line
    centre = (target[MOUTH_CORNERS[0]] + target[MOUTH_CORNERS[1]]) / 2
    _, along, down = mouth_axes(points)
    half = max(1.0, float(np.linalg.norm(target[MOUTH_CORNERS[1]] - target[MOUTH_CORNERS[0]])) / 2)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    rel_x, rel_y = xs - centre[0], ys - centre[1]
    u = (rel_x * along[0] + rel_y * along[1]) / half
    v = rel_x * down[0] + rel_y * down[1]
    upper, lower = [p[0] for p in INNER_PAIRS], [p[1] for p in INNER_PAIRS]
    curve_u = ((target[upper] + target[lower]) / 2 - centre) @ along / half
    order = np.argsort(curve_u)
    top = np.interp(u, curve_u[order], ((target[upper] - centre) @ down)[order])
    bottom = np.interp(u, curve_u[order], ((target[lower] - centre) @ down)[order])
    gap = np.maximum(bottom - top, 1.0)
    s = np.clip((v - top) / gap, 0, 1)[..., None]
    made = dark + (tongue - dark) * np.clip((s - 0.55) / 0.45, 0, 1) ** 1.5
    teeth_depth = np.maximum(np.minimum(0.4 * gap, TEETH * size), 1.0)[..., None]
    show = np.clip(1.5 - (v - top)[..., None] / teeth_depth, 0, 1) * np.clip((0.8 - np.abs(u[..., None])) / 0.3, 0, 1)
    made = made * (1 - show) + teeth * show * (0.8 + 0.2 * (1 - np.abs(u[..., None])))
    made *= (0.65 + 0.35 * np.clip(1 - u ** 2, 0, 1))[..., None]
    return region * was_open + made * (1 - was_open), coverage


class Warped(NamedTuple):
    """A warped lower face before blending: its pixels over `box` (x0, y0, x1, y1) and the mask's polygon
    and soft edge."""

    pixels: np.ndarray
    box: tuple[int, int, int, int]
    polygon: np.ndarray
    feather: float


def warp_mouth(frame: np.ndarray, points: np.ndarray, shape: MouthShape) -> Warped | None:
    """The lower face moved to the mouth shape and the mouth's inside filled (None: nothing moves, or
    no warp short of tearing the picture reaches the shape)."""
    points = np.asarray(points, np.float64)
    size = eye_distance(points)
    source = points[:, :2]
    target = target_points(points, shape)
    polygon = lower_face_polygon(points)
    anchors = polygon[:len(JAW)].astype(np.float64)  # the pushed-out jaw line holds still
    src = np.vstack([source[CONTROL], anchors])
    dst = np.vstack([target[CONTROL], anchors])
    layout = np.vstack([target_points(points, MouthShape(max(MIN_GAP, shape.opening), 1.0))[CONTROL], anchors])
    triangles = _triangles(layout, polygon)
    before = _signed_areas(layout, triangles)
    for scale in (1.0, 0.75, 0.5, 0.25):  # a triangle turned inside out tears the picture: move less
        moved = src + scale * (dst - src)
        after = _signed_areas(moved, triangles)
        if not np.any((np.sign(after) != np.sign(before)) & (np.abs(after) > 0.25)):
            break
    else:
        return None
    warped = _piecewise_affine(frame, src, moved, triangles)
    if warped is None:
        return None
    pixels, (x0, y0, x1, y1) = warped
    moved_points = target.copy()
    moved_points[CONTROL] = moved[:len(CONTROL)]
    if float(lip_gaps(moved_points)[3:6].mean()) > 0.5:
        mouth = np.vstack([moved_points[LIPS_OUTER], source[LIPS_OUTER]])
        mx0, my0 = np.maximum((x0, y0), np.floor(mouth.min(axis=0)).astype(int) - 2)
        mx1, my1 = np.minimum((x1, y1), np.ceil(mouth.max(axis=0)).astype(int) + 3)
        inside, coverage = _mouth_inside(frame, points, moved_points, (mx0, my0, mx1, my1), size)
        part = pixels[my0 - y0:my1 - y0, mx0 - x0:mx1 - x0]
        filled = part * (1 - coverage[..., None]) + inside * coverage[..., None]
        part[...] = np.clip(np.rint(filled), 0, 255)
    return Warped(pixels, (x0, y0, x1, y1), polygon, FEATHER * size)


def blend_mouth(frame: np.ndarray, warped: Warped) -> np.ndarray:
    """The frame with the warped lower face blended in through the feathered lower-face mask."""
    x0, y0, x1, y1 = warped.box
    mask = feathered_mask(frame.shape[:2], warped.polygon, warped.feather)
    out = frame.copy()
    box = np.s_[y0:y1, x0:x1]  # outside it the warp moved nothing
    out[box] = composite(frame[box], warped.pixels, mask[box])
    return out


def reanimate(frame: np.ndarray, points: np.ndarray, shape: MouthShape) -> np.ndarray:
    """The frame with this face's mouth moved to the shape (RGB uint8, a new array of the same size;
    bytes outside the lower-face mask unchanged)."""
    warped = warp_mouth(frame, points, shape)
    return frame.copy() if warped is None else blend_mouth(frame, warped)
