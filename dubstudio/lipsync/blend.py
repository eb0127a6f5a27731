"""Blending a re-rendered mouth back into the frame, as in Wav2Lip's release: the lower-face polygon
from the landmarks, a feathered (Gaussian-blurred) mask of it, colour matching inside it, and the
inverse affine of an aligned crop composited through the mask. Pixels where the mask is 0 stay
byte-identical to the source frame.
"""

import numpy as np

from dubstudio.lipsync.face import CHIN, JAW, LOWER_FACE, eye_distance, mouth_axes

# how far below the jaw line the polygon reaches, in eye distances: room for the chin to move down
JAW_MARGIN = 0.45


def lower_face_polygon(points: np.ndarray, margin: float = JAW_MARGIN) -> np.ndarray:
    """The lower face (cheeks under the nose, mouth, chin, jaw) as a float32 [N, 2] polygon, its jaw
    part pushed outward from the mouth by `margin` eye distances, most at the chin, least by the ears."""
    polygon = points[LOWER_FACE, :2].astype(np.float64).copy()
    centre, _, down = mouth_axes(points)
    chin_depth = max(1e-6, float((points[CHIN, :2] - centre) @ down))
    reach = margin * eye_distance(points)
    for row in range(len(JAW)):
        offset = polygon[row] - centre
        radial = offset / max(1e-6, float(np.linalg.norm(offset)))
        weight = 0.35 + 0.65 * float(np.clip((offset @ down) / chin_depth, 0.0, 1.0))
        polygon[row] += radial * reach * weight
    return polygon.astype(np.float32)


def feathered_mask(shape_hw: tuple[int, int], polygon: np.ndarray, feather_px: float) -> np.ndarray:
    """float32 [H, W] in [0, 1]: the filled polygon, shrunk by feather_px / 2 and blurred by a Gaussian
    of sigma feather_px / 4, then kept inside the polygon: 0 everywhere outside it, rising to 1 over
    about feather_px pixels inside its edge."""
    import cv2

    height, width = shape_hw
    mask = np.zeros((height, width), np.float32)
    if len(polygon) < 3:
        return mask
    sigma = max(0.5, feather_px / 4)
    # a wide blur is smooth: work at a scale where sigma is about 2 pixels, then enlarge
    step = max(1, int(sigma // 2))
    shrink = feather_px / 2
    pad = int(np.ceil(shrink + 4 * sigma)) + 2 * step
    x0, y0 = np.floor(polygon.min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(polygon.max(axis=0)).astype(int) + pad + 1
    bx0, by0, bx1, by1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
    if bx1 <= bx0 or by1 <= by0:
        return mask
    # drawn in a padded box (blurring near the frame's edge sees the polygon beyond it), 1/16 px exact
    filled = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(filled, [np.round((polygon - (x0, y0)) * 16).astype(np.int32)], 1, shift=4)
    small = cv2.resize(filled.astype(np.float32), ((x1 - x0) // step, (y1 - y0) // step),
                       interpolation=cv2.INTER_AREA) if step > 1 else filled.astype(np.float32)
    radius = max(1, round(shrink / step))
    core = cv2.erode((small > 0.5).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2))
    soft = cv2.GaussianBlur(core.astype(np.float32), (0, 0), sigma / step)
    if step > 1:
        soft = cv2.resize(soft, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    soft *= filled
    mask[by0:by1, bx0:bx1] = soft[by0 - y0:by1 - y0, bx0 - x0:bx1 - x0]
    return mask


def match_colour(generated: np.ndarray, reference: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`generated` with each channel's mean and spread inside the mask (> 0.5) moved to the reference's."""
    inside = mask > 0.5
    if inside.sum() < 16:
        return generated
    out = generated.astype(np.float32)
    for channel in range(out.shape[2]):
        got = out[..., channel][inside]
        want = reference[..., channel][inside].astype(np.float32)
        scale = float(want.std()) / max(1.0, float(got.std()))
        out[..., channel] = (out[..., channel] - got.mean()) * scale + want.mean()
    return np.clip(np.rint(out), 0, 255).astype(generated.dtype)


def composite(frame: np.ndarray, new: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """frame * (1 - mask) + new * mask (uint8, same size as the frame), computed only in the mask's
    bounding box; the frame's own bytes wherever the mask is 0."""
    import cv2

    out = frame.copy()
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return out
    box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    weight = mask[box]
    mixed = cv2.blendLinear(np.ascontiguousarray(frame[box]), np.ascontiguousarray(new[box]), 1.0 - weight, weight)
    np.copyto(mixed, frame[box], where=(weight <= 0)[..., None])
    out[box] = mixed
    return out


def paste_back(frame: np.ndarray, crop: np.ndarray, affine_2x3: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The generated crop put back into the frame: affine_2x3 is the transform that cut the crop out of
    the frame (frame -> crop coordinates); its inverse warps the crop back, and the result is blended
    through the frame-sized mask."""
    import cv2

    height, width = frame.shape[:2]
    back = cv2.warpAffine(crop, np.asarray(affine_2x3, np.float64), (width, height),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    return composite(frame, back, mask)
