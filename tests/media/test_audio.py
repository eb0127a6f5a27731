"""Audio decoding: exact samples, resampling that keeps pitch and length, alignment on time 0, blocks,
cancellation, and constant memory whatever the length."""

import subprocess
import sys
import threading

import media_factory as make
import numpy as np
import pytest
import soundfile

from dubstudio.media import PROJECT_RATE, SPEECH_RATE, CancelledError, audio_blocks, load_audio, speech_audio


def peak_hz(signal: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return float(np.argmax(spectrum) * rate / len(signal))


def test_a_project_rate_file_decodes_to_the_same_samples(media_dir):
    noise = (np.random.default_rng(3).uniform(-0.9, 0.9, (48_013, 2))).astype(np.float32)
    source = media_dir / "bruit 48k.wav"
    soundfile.write(source, noise, PROJECT_RATE, subtype="FLOAT")
    assert np.array_equal(load_audio(source), noise)


def test_resampling_keeps_pitch_and_length(tone_wav):
    audio = load_audio(tone_wav)  # 2 s at 44.1 kHz
    assert audio.shape == (2 * PROJECT_RATE, 2) and audio.dtype == np.float32
    assert abs(peak_hz(audio[:, 0], PROJECT_RATE) - 440) < 1
    speech = speech_audio(tone_wav)
    assert speech.shape == (2 * SPEECH_RATE,) and speech.dtype == np.float32
    assert abs(peak_hz(speech, SPEECH_RATE) - 440) < 1
    assert np.isclose(np.sqrt(np.mean(speech ** 2)), np.sqrt(np.mean(audio ** 2)), rtol=0.01)


def test_audio_that_starts_late_is_padded_to_line_up_with_the_picture(media_dir, video_ntsc, tone_wav):
    late = media_dir / "son en retard.mkv"
    make.ffmpeg("-i", str(video_ntsc), "-itsoffset", "0.5", "-i", str(tone_wav), "-map", "0:v", "-map", "1:a",
                "-c:v", "copy", "-c:a", "pcm_s16le", str(late))
    audio = load_audio(late, channels=1)[:, 0]
    onset = int(np.argmax(np.abs(audio) > 1e-3))
    assert abs(onset - PROJECT_RATE // 2) <= 48  # within a millisecond (Matroska's tick)


def test_blocks_have_the_asked_size_and_downmix_to_mono(tone_wav):
    blocks = list(audio_blocks(tone_wav, channels=1, block=10_000))
    assert all(block.shape == (10_000, 1) for block in blocks[:-1])
    assert sum(len(block) for block in blocks) == 2 * PROJECT_RATE
    stereo = load_audio(tone_wav)
    assert np.allclose(np.concatenate(blocks)[:, 0], stereo.mean(axis=1), atol=1e-6)


def test_decoding_can_be_cancelled(tone_wav):
    cancel = threading.Event()
    blocks = audio_blocks(tone_wav, block=1000, cancel=cancel)
    next(blocks)
    cancel.set()
    with pytest.raises(CancelledError, match="Cancelled"):
        list(blocks)


MEMORY_CHECK = """
import resource, sys
from dubstudio.media import SPEECH_RATE, audio_blocks
blocks = audio_blocks(sys.argv[1], rate=SPEECH_RATE, channels=1)
total = len(next(blocks))  # imports done, buffers allocated: the baseline
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak = 0.0
for block in blocks:
    total += len(block)
    peak = max(peak, float(abs(block).max()))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(total, (after - before) // 1024, peak)
"""


@pytest.mark.slow
def test_two_hours_of_audio_stream_in_constant_memory(tmp_path):
    hours = tmp_path / "deux heures.flac"  # 2 h of a tone at 16 kHz: 60 MB of FLAC, 460 MB decoded
    make.ffmpeg("-f", "lavfi", "-i", "sine=f=220:r=16000:d=7200", "-c:a", "flac", "-compression_level", "0",
                str(hours))
    out = subprocess.run([sys.executable, "-c", MEMORY_CHECK, str(hours)], capture_output=True, text=True,
                         check=True)
    samples, growth_mb, peak = out.stdout.split()
    assert int(samples) == 7200 * SPEECH_RATE
    assert 0.1 < float(peak) < 0.2  # lavfi's sine has amplitude 1/8: the data really went through
    assert int(growth_mb) < 16, f"peak memory grew by {growth_mb} MB while streaming 460 MB"
