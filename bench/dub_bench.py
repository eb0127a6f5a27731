"""End-to-end time of `dubstudio dub` on the sample clip, as a multiple of the clip's duration.

Target (issue 9, 2-core machine, without lip-sync): 2x or less.
Run: .venv/bin/python bench/dub_bench.py
"""

import subprocess
import sys
import tempfile
import time

from common import report, sample_clip


def main() -> None:
    clip = sample_clip()
    seconds = clip.info["samples"] / clip.info["sample_rate"]
    with tempfile.TemporaryDirectory() as out:
        for label, extra in (("with back-transcription QA", []), ("without QA (--no-qa)", ["--no-qa"])):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "dubstudio", "dub", str(clip.video), "--to", "es",
                            "-o", f"{out}/{len(extra)}", *extra], check=True, capture_output=True)
            multiple = (time.perf_counter() - started) / seconds
            report(f"dub of the {seconds:.0f} s sample, {label}", multiple, "x", "target <= 2x", multiple <= 2)


if __name__ == "__main__":
    main()
