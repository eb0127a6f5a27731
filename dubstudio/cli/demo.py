"""`dubstudio demo`: the README's main job: make the sample clip and dub it into Spanish."""

import contextlib
from pathlib import Path

from dubstudio.cli.dub import print_summary
from dubstudio.cli.progress import TerminalReporter
from dubstudio.jobs import open_engine
from dubstudio.pipeline.dub import dub, open_or_create
from dubstudio.pipeline.run import Options, Run
from dubstudio.sample.make import make_sample


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="make the sample clip and dub it into Spanish",
                                   description="Make the sample clip, dub it into Spanish with the "
                                               "embedded models and print where the master is.")
    parser.add_argument("-o", "--output", type=Path, default=Path("dubstudio-demo"),
                        help="folder for the sample and the dub (default: ./dubstudio-demo)")
    parser.set_defaults(func=run)


def run(args) -> int:
    folder = args.output.expanduser().resolve()
    print(f"Making the sample clip in {folder / 'sample'} ...", flush=True)
    sample = make_sample(folder / "sample")
    print(f"Sample clip: {sample.video} ({len(sample.info['lines'])} lines, "
          f"{sample.info['samples'] / sample.info['sample_rate']:.1f} s). Dubbing it into Spanish ...", flush=True)
    out = folder / "dub"
    reporter = TerminalReporter()
    with contextlib.closing(open_or_create(sample.video, out, ("es",), "en")) as project, open_engine() as engine:
        summary = dub(Run(project, engine, Options(source="en", targets=("es",)), reporter), out)
    print_summary(summary, reporter.timings)
    print(f"\nThe Spanish master is {summary.rendered.master}")
    return 0
