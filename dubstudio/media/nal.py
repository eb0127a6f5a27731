"""H.264 and H.265 bitstream details that splicing needs: the parameter sets an MP4/Matroska stream
keeps in its header (avcC, hvcC), and turning an encoder's Annex B output (start codes) into that
header's length-prefixed NAL units."""

import re
from dataclasses import dataclass

_START_CODE = re.compile(b"\x00\x00\x01")


@dataclass(frozen=True)
class ParameterSets:
    length_size: int       # bytes before each NAL unit in a packet (4 almost always)
    nals: tuple[bytes, ...]  # the header's parameter sets (and SEI), as NAL units
    ids: frozenset[int]    # H.264 SPS and PPS ids in use; empty for H.265


def parameter_sets(codec: str, extradata: bytes | None) -> ParameterSets | None:
    """The parameter sets of an avcC (h264) or hvcC (hevc) header; None for Annex B or no header."""
    if not extradata or extradata[0] != 1:
        return None
    data = memoryview(extradata)
    try:
        return _avcc(data) if codec == "h264" else _hvcc(data)
    except IndexError:
        return None


def _nal_list(data: memoryview, at: int, count: int, nals: list[bytes]) -> int:
    for _ in range(count):
        size = int.from_bytes(data[at:at + 2], "big")
        nals.append(bytes(data[at + 2:at + 2 + size]))
        at += 2 + size
    return at


def _avcc(data: memoryview) -> ParameterSets:
    sps, pps = [], []
    at = _nal_list(data, 6, data[5] & 0x1F, sps)
    _nal_list(data, at + 1, data[at], pps)
    # SPS: header, profile, constraints, level, then ue(sps id); PPS: header, then ue(pps id), ue(sps id)
    ids = {_exp_golomb(nal[4:], 1)[0] for nal in sps}
    for nal in pps:
        pps_id, sps_id = _exp_golomb(nal[1:], 2)
        ids |= {pps_id, sps_id}
    return ParameterSets((data[4] & 3) + 1, (*sps, *pps), frozenset(ids))


def _hvcc(data: memoryview) -> ParameterSets:
    nals: list[bytes] = []
    at = 23
    for _ in range(data[22]):
        at = _nal_list(data, at + 3, int.from_bytes(data[at + 1:at + 3], "big"), nals)
    return ParameterSets((data[21] & 3) + 1, tuple(nals), frozenset())


def _exp_golomb(payload: bytes, count: int) -> list[int]:
    """The first `count` unsigned Exp-Golomb values of a NAL payload (emulation prevention removed)."""
    bits = "".join(f"{byte:08b}" for byte in payload[:16].replace(b"\x00\x00\x03", b"\x00\x00"))
    values, at = [], 0
    for _ in range(count):
        zeros = bits.index("1", at) - at
        values.append(int(bits[at + zeros:at + 2 * zeros + 1], 2) - 1)
        at += 2 * zeros + 1
    return values


def length_prefixed(annex_b: bytes, length_size: int) -> bytes:
    """Annex B NAL units (after start codes) as length-prefixed ones."""
    # a NAL unit never ends in a zero byte (its stop bit), so zeros before a start code belong to it
    units = (unit.rstrip(b"\x00") for unit in _START_CODE.split(annex_b))
    return prefixed_units(tuple(unit for unit in units if unit), length_size)


def prefixed_units(nals: tuple[bytes, ...], length_size: int) -> bytes:
    """NAL units as one length-prefixed run, to put in front of a packet."""
    return b"".join(len(unit).to_bytes(length_size, "big") + unit for unit in nals)
