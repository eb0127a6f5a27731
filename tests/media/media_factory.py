"""Test media made with ffmpeg's lavfi sources: videos whose frames carry their own number.

Each frame's number is drawn as a row of 16x16 black/white blocks, bit k at x = 16k (read back
without OCR, robust to lossy coding), and as digits with drawtext for a person looking at a frame.
`geq` numbers frames as the source makes them, before any timestamps are changed, so a variable-rate
file still shows 0, 1, 2, ... in presentation order.
"""

import functools
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np

BITS = 10
BLOCK = 16
WIDTH, HEIGHT = BLOCK * BITS, 96
# Frame n lasts 20, 40 or 60 ms as n mod 3 is 0, 1 or 2: timestamps 0, 20, 60, 120, 140, 180, ...
VFR_PTS_MS = "(floor(N/3)*120 + 20*mod(N,3) + 20*eq(mod(N,3),2))"


def vfr_time(n: int) -> Fraction:
    return Fraction(120 * (n // 3) + (0, 20, 60)[n % 3], 1000)


@functools.cache
def has_drawtext() -> bool:
    probe = subprocess.run(["ffmpeg", "-hide_banner", "-v", "error", "-f", "lavfi", "-i",
                            "color=s=32x32:d=0.04,drawtext=text=1", "-f", "null", "-"], capture_output=True,
                           check=False)
    return probe.returncode == 0


def number_filter(rate: Fraction, frames: int, size: tuple[int, int] = (WIDTH, HEIGHT)) -> str:
    width, height = size
    bits = (f"geq=lum='if(lt(Y,{BLOCK}),255*mod(floor(N/pow(2,floor(X/{BLOCK}))),2),"
            f"if(lt(Y,{BLOCK + 4}),0,96+X/4))':cb=128:cr=128")
    chain = f"color=c=gray:s={width}x{height}:r={rate.numerator}/{rate.denominator},trim=end_frame={frames},{bits}"
    if has_drawtext():
        chain += f",drawtext=text='%{{frame_num}}':x=8:y={BLOCK + 10}:fontsize=28:fontcolor=white"
    return chain


def read_number(picture: np.ndarray) -> int:
    """The number drawn in an RGB picture by number_filter (any size with the same layout)."""
    gray = picture.mean(axis=2)
    step = picture.shape[1] / BITS
    row = gray[int(step * 0.25):int(step * 0.75)]
    return sum(int(row[:, int(step * (k + 0.25)):int(step * (k + 0.75))].mean() > 128) << k for k in range(BITS))


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *args], check=True)


def counter_video(path: Path, rate: Fraction = Fraction(25), frames: int = 120, *, vfr: bool = False,
                  codec: tuple[str, ...] = ("-c:v", "libx264", "-preset", "veryfast", "-g", "12"),
                  audio: bool = False, extra: tuple[str, ...] = ()) -> Path:
    """A numbered video; with audio, a 440 Hz stereo tone as long as the picture."""
    chain = number_filter(rate, frames)
    if vfr:
        chain += f",settb=1/1000,setpts='{VFR_PTS_MS}/(1000*TB)'"
    args = ["-f", "lavfi", "-i", chain]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=f=440:r=48000:d={float(frames / rate)},pan=stereo|c0=c0|c1=c0"]
    args += [*codec, "-pix_fmt", "yuv420p"]
    if vfr:
        args += ["-fps_mode", "passthrough"]
    if audio:
        args += ["-c:a", "aac", "-shortest"]
    ffmpeg(*args, *extra, str(path))
    return path


def tone(path: Path, seconds: float, rate: int = 48000, channels: int = 1, frequency: int = 440,
         codec: tuple[str, ...] = ()) -> Path:
    layout = "mono" if channels == 1 else "stereo" if channels == 2 else "5.1"
    ffmpeg("-f", "lavfi", "-i", f"sine=f={frequency}:r={rate}:d={seconds}",
           "-af", f"pan={layout}|" + "|".join(f"c{k}=c0" for k in range(channels)), *codec, str(path))
    return path


def truncate(source: Path, out: Path, fraction: float = 0.5) -> Path:
    data = source.read_bytes()
    out.write_bytes(data[:int(len(data) * fraction)])
    return out


def packet_hashes(path: Path, stream: str = "v:0") -> list[str]:
    """MD5 and size of every packet of a stream, in order, copied out without decoding."""
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", f"0:{stream}",
                          "-c", "copy", "-f", "framemd5", "-"], capture_output=True, text=True, check=True).stdout
    return [",".join(field.strip() for field in line.split(",")[4:]) for line in out.splitlines()
            if line and not line.startswith("#")]


def numbered_picture(n: int) -> np.ndarray:
    """An RGB picture with n drawn as number_filter draws it, made in numpy."""
    picture = np.full((HEIGHT, WIDTH, 3), 96, np.uint8)
    picture[:BLOCK] = 0
    for k in range(BITS):
        if n >> k & 1:
            picture[:BLOCK, k * BLOCK:(k + 1) * BLOCK] = 255
    picture[BLOCK + 4:, :, 0] = np.linspace(0, 255, WIDTH, dtype=np.uint8)  # some colour to code
    return picture
