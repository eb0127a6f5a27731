"""A source without a picture (a podcast, a radio play) is dubbed into an audio master: the original
and the dub as labelled tracks as long as the source, lossless for a lossless source, next to the
subtitles and stems."""

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from dubstudio.sample.make import SampleParams, make_sample

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def test_an_audio_source_gets_an_audio_master(tmp_path):
    sample = make_sample(tmp_path / "sample", SampleParams(lines=2))
    sound = tmp_path / "episode.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(sample.video), "-vn", "-ac", "2", str(sound)], check=True)
    run = subprocess.run([sys.executable, "-m", "dubstudio", "dub", str(sound), "--to", "es", "-o",
                          str(tmp_path / "dub")], capture_output=True, text=True, timeout=800, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    master = tmp_path / "dub" / "episode.dub.mka"  # FLAC: the source is lossless
    assert f"Master: {master}" in run.stdout
    found = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json",
                                       str(master)], capture_output=True, text=True, check=True).stdout)
    assert [(s["codec_name"], s["tags"]["language"]) for s in found["streams"]] == [("flac", "eng"), ("flac", "spa")]
    source = Fraction(json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", str(sound)],
                                                capture_output=True, text=True, check=True).stdout)["format"]["duration"])
    assert abs(Fraction(found["format"]["duration"]) - source) <= Fraction(1, 50)
    assert "synthetic voices" in found["format"]["tags"]["COMMENT"]
    assert (tmp_path / "dub" / "episode.es.srt").is_file()
