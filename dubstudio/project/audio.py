"""Lossless audio inside the project file (takes, speaker references), addressed by content hash.

Why in the database and not in files beside it: a take row and its audio commit in the same
transaction, so a crash can leave neither a take without audio nor an orphan file; the project stays
one file to copy, back up or hand over; SQLite serves blobs well (Audacity's .aup3 keeps all its audio
this way). Rows are immutable (a trigger refuses updates and deletes) and identical audio is stored once.

Lossless means bit for bit: what load() returns equals, sample for sample and in dtype, what store()
was given. FLAC is used when it reproduces the samples exactly (integer PCM, or floats on a 16- or
24-bit grid, as decoded audio is); anything else is kept as WAV in its own sample format (32- or
64-bit float), which is exact by construction.
"""

import hashlib
import io
import sqlite3

# numpy and soundfile take a noticeable part of a second to import; only audio work needs them.

_FLAC_SUBTYPE = {"int16": "PCM_16", "int32": "PCM_24", "float32": "PCM_24", "float64": "PCM_24"}
_WAV_SUBTYPE = {"int16": "PCM_16", "int32": "PCM_32", "float32": "FLOAT", "float64": "DOUBLE"}


def _encode(samples, sample_rate: int, format: str, subtype: str) -> bytes:
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, samples, sample_rate, format=format, subtype=subtype)
    return buffer.getvalue()


def _decode(data: bytes, dtype: str):
    import soundfile

    samples, _ = soundfile.read(io.BytesIO(data), dtype=dtype, always_2d=False)
    return samples


def encode(samples, sample_rate: int) -> tuple[str, str, bytes]:
    """(format, subtype, bytes) that decode to exactly these samples."""
    import numpy as np

    dtype = samples.dtype.name
    if dtype not in _WAV_SUBTYPE:
        raise TypeError(f"audio must be int16, int32, float32 or float64 samples, not {dtype}")
    flac = _encode(samples, sample_rate, "FLAC", _FLAC_SUBTYPE[dtype])
    if np.array_equal(_decode(flac, dtype), samples):
        return "FLAC", _FLAC_SUBTYPE[dtype], flac
    return "WAV", _WAV_SUBTYPE[dtype], _encode(samples, sample_rate, "WAV", _WAV_SUBTYPE[dtype])


def store(conn: sqlite3.Connection, samples, sample_rate: int) -> str:
    """Keep audio in the project (inside the caller's transaction); returns its hash.

    samples: (frames,) for mono or (frames, channels); a single-channel 2-D array comes back 1-D."""
    import numpy as np

    samples = np.asarray(samples)
    if samples.ndim == 2 and samples.shape[1] == 1:
        samples = samples[:, 0]
    if samples.ndim not in (1, 2) or samples.shape[0] == 0:
        raise ValueError(f"audio must be a non-empty (frames,) or (frames, channels) array, not {samples.shape}")
    format, subtype, data = encode(np.ascontiguousarray(samples), sample_rate)
    digest = hashlib.sha256(data).hexdigest()
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    conn.execute("INSERT OR IGNORE INTO audio (hash, format, subtype, dtype, sample_rate, channels, frames, data) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (digest, format, subtype, samples.dtype.name, sample_rate, channels, samples.shape[0], data))
    return digest


def load(conn: sqlite3.Connection, audio_hash: str):
    """(samples, sample_rate) exactly as stored, or None if the project has no such audio."""
    row = conn.execute("SELECT dtype, sample_rate, data FROM audio WHERE hash = ?", (audio_hash,)).fetchone()
    if row is None:
        return None
    return _decode(row["data"], row["dtype"]), row["sample_rate"]
