"""Landmark sets of MediaPipe's 478-point face mesh (refine_landmarks=True) and what we measure on them.

Points are pixels, [478, 2] or [478, 3] (x, y, z; z in the same units as x, larger is farther away).
Index lists follow the mesh's own numbering; each lip loop runs from the image-left corner along the
lower lip to the other corner and back along the upper lip (on an unmirrored, upright face).
"""

import math

import numpy as np

LIPS_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185]
LIPS_INNER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191]
# the lower face contour, from the cheek below one ear through the chin (152) to the other
JAW = [132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361]
# JAW, closed across the cheeks under the nose (cheek, nose wing, nostril, below the nose tip, ...)
LOWER_FACE = JAW + [366, 280, 358, 327, 2, 98, 129, 50, 137]

MOUTH_CORNERS = (61, 291)
INNER_CORNERS = (78, 308)
# inner upper/lower lip pairs facing each other, corner to corner (the middle pair is 13/14)
INNER_PAIRS = [(191, 95), (80, 88), (81, 178), (82, 87), (13, 14), (312, 317), (311, 402), (310, 318), (415, 324)]
# each inner lip point and the outer point of the same lip above/below it: a lip moves as a whole
OUTER_OF = {191: 185, 80: 40, 81: 39, 82: 37, 13: 0, 312: 267, 311: 269, 310: 270, 415: 409,
            95: 146, 88: 91, 178: 181, 87: 84, 14: 17, 317: 314, 402: 405, 318: 321, 324: 375}
EYE_CORNERS = (33, 263)  # outer corners: their distance is the face's size unit
CHIN = 152
NOSE_BOTTOM = 2
CHEEKS = (234, 454)


def eye_distance(points: np.ndarray) -> float:
    """Distance between the outer eye corners (in 3-D when z is given, so turning the head keeps it)."""
    a, b = points[EYE_CORNERS[0]], points[EYE_CORNERS[1]]
    return max(1e-6, float(np.linalg.norm(a - b)))


def mouth_axes(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centre, along, down): the mouth's centre between its corners, the unit vector from corner to
    corner, and the unit vector across it pointing to the chin (mirrored or rolled faces too)."""
    left, right = points[MOUTH_CORNERS[0], :2], points[MOUTH_CORNERS[1], :2]
    along = right - left
    along = along / max(1e-6, float(np.linalg.norm(along)))
    down = np.array([-along[1], along[0]])
    if np.dot(points[CHIN, :2] - points[NOSE_BOTTOM, :2], down) < 0:
        down = -down
    return (left + right) / 2, along, down


def lip_gaps(points: np.ndarray) -> np.ndarray:
    """Gap between facing inner lip points, across the mouth, for each of INNER_PAIRS (pixels, >= 0)."""
    _, _, down = mouth_axes(points)
    upper = points[[pair[0] for pair in INNER_PAIRS], :2]
    lower = points[[pair[1] for pair in INNER_PAIRS], :2]
    return np.maximum(0.0, (lower - upper) @ down)


def mouth_opening(points: np.ndarray) -> float:
    """How open the mouth is: the inner-lip gap at the middle three pairs over the eye distance
    (closed lips about 0; a wide-open vowel about 0.3)."""
    return float(np.mean(lip_gaps(points)[3:6])) / eye_distance(points)


def yaw_degrees(points3d: np.ndarray) -> float:
    """Head turn left or right (0: facing the camera; near 90: profile), from the depth difference
    between the eye corners and between the cheeks."""
    angles = []
    for a, b in (EYE_CORNERS, CHEEKS):
        dx = abs(float(points3d[b, 0] - points3d[a, 0]))
        dz = float(points3d[b, 2] - points3d[a, 2])
        angles.append(math.degrees(math.atan2(dz, dx)))
    return float(np.mean(angles))


def face_box(points: np.ndarray, scale: float = 1.0) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the landmarks' bounding box grown by `scale` about its centre (pixels, not
    clipped to the frame)."""
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    centre, half = (low + high) / 2, (high - low) / 2 * scale
    x0, y0 = np.floor(centre - half).astype(int)
    x1, y1 = np.ceil(centre + half).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


def lips_plausible(points: np.ndarray) -> bool:
    """Whether the lip landmarks look like a mouth: a sensible width and opening, each lip's outer edge
    outside its inner edge, the mouth between nose and chin. The mesh guesses lips it cannot see (a
    hand or a microphone in front), and its guesses often break one of these."""
    size = eye_distance(points[:, :2])
    centre, _along, down = mouth_axes(points)
    width = float(np.linalg.norm(points[MOUTH_CORNERS[1], :2] - points[MOUTH_CORNERS[0], :2])) / size
    if not 0.35 <= width <= 1.5 or mouth_opening(points) > 0.9:
        return False
    for inner, outer in OUTER_OF.items():
        upper = inner in (pair[0] for pair in INNER_PAIRS)
        depth = float((points[outer, :2] - points[inner, :2]) @ down) / size
        if (depth > 0.05) if upper else (depth < -0.05):
            return False
    nose = float((points[NOSE_BOTTOM, :2] - centre) @ down)
    chin = float((points[CHIN, :2] - centre) @ down)
    return nose < 0 < chin


def lip_contrast(frame: np.ndarray, points: np.ndarray) -> float:
    """Colour difference (CIE Lab distance) between the lips and the skin just around them: real lips
    differ from skin; a hand or an object over the mouth shows the same colour in both."""
    import cv2

    size = eye_distance(points[:, :2])
    x0, y0, x1, y1 = face_box(points[LIPS_OUTER], 1.8)
    height, width = frame.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return 0.0
    lab = cv2.cvtColor(np.ascontiguousarray(frame[y0:y1, x0:x1]), cv2.COLOR_RGB2LAB).astype(np.float32)
    lips = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillPoly(lips, [np.round(points[LIPS_OUTER, :2] - (x0, y0)).astype(np.int32)], 1)
    cv2.fillPoly(lips, [np.round(points[LIPS_INNER, :2] - (x0, y0)).astype(np.int32)], 0)  # not the inside
    ring_px = max(2, round(0.12 * size))
    around = cv2.dilate(lips, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * ring_px + 1,) * 2))
    cv2.fillPoly(around, [np.round(points[LIPS_OUTER, :2] - (x0, y0)).astype(np.int32)], 0)
    if lips.sum() < 8 or around.sum() < 8:
        return 0.0
    return float(np.linalg.norm(lab[lips > 0].mean(axis=0) - lab[around > 0].mean(axis=0)))
