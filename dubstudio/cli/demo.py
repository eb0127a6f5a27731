"""`dubstudio demo`: the README's main job: make the sample clip and dub it into Spanish."""

import sys
from pathlib import Path

from dubstudio.sample.make import make_sample

NOT_BUILT = 3  # exit code while the dubbing pipeline is not built


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="make the sample clip and dub it into Spanish",
                                   description="Make the sample clip, dub it into Spanish with the "
                                               "embedded models and print where the master is.")
    parser.add_argument("-o", "--output", type=Path, default=Path("dubstudio-demo"),
                        help="folder for the sample and the master (default: ./dubstudio-demo)")
    parser.set_defaults(func=run)


def run(args) -> int:
    print(f"Making the sample clip in {args.output / 'sample'} ...", flush=True)
    sample = make_sample(args.output / "sample")
    print(f"Sample clip: {sample.video.resolve()} ({len(sample.info['lines'])} lines, "
          f"{sample.info['samples'] / sample.info['sample_rate']:.1f} s)")
    print("dubstudio: dubbing is not built yet, so no Spanish master was written; "
          "the sample clip above is ready for it.", file=sys.stderr)
    return NOT_BUILT
