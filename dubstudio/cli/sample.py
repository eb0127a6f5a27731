"""`dubstudio sample`: make the bundled sample clip."""

from pathlib import Path

from dubstudio.sample.make import SampleParams, make_sample


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sample", help="make the sample clip (two English speakers, music bed, talking head)",
        description="Make the deterministic sample clip from assets in installed packages: "
                    "sample.mp4 with its script, true line timings and ground-truth stems beside it.")
    parser.add_argument("-o", "--output", type=Path, default=Path("dubstudio-sample"),
                        help="folder to write into (default: ./dubstudio-sample)")
    parser.add_argument("--fps", default="25", choices=["25", "30000/1001"], help="frame rate (default 25)")
    parser.add_argument("--size", default="1280x720", help="picture size WIDTHxHEIGHT (default 1280x720)")
    parser.add_argument("--seed", type=int, default=7, help="seed for the pauses between lines")
    parser.add_argument("--lines", type=int, default=0, help="use only the first N script lines (default all)")
    parser.set_defaults(func=run)


def parse_size(text: str) -> tuple[int, int]:
    from dubstudio.errors import DubStudioError

    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise DubStudioError(f"'{text}' is not a picture size: write it as WIDTHxHEIGHT, e.g. 1280x720.") from None
    if width < 64 or height < 64 or width % 2 or height % 2:
        raise DubStudioError(f"{text} cannot be encoded: use even sizes of at least 64x64.")
    return width, height


def run(args) -> int:
    width, height = parse_size(args.size)
    params = SampleParams(fps=args.fps, width=width, height=height, seed=args.seed, lines=args.lines)
    print(f"Making the sample clip in {args.output} ...", flush=True)
    sample = make_sample(args.output, params)
    info = sample.info
    print(f"{sample.video}: {len(info['lines'])} lines, {info['samples'] / info['sample_rate']:.1f} s, "
          f"{info['fps']} fps; script and true timings in {sample.script}")
    return 0
