"""One pipeline stage at a time on an existing project: transcribe, translate, synthesize, regenerate."""

import contextlib
from pathlib import Path

from dubstudio.cli.engine import add_engine_arguments, engine_from_args
from dubstudio.cli.progress import TerminalReporter
from dubstudio.errors import DubStudioError
from dubstudio.pipeline import transcribe as transcribe_stage
from dubstudio.pipeline import translate as translate_stage
from dubstudio.pipeline import voices as voices_stage
from dubstudio.pipeline.run import Options, Run
from dubstudio.project import Project


def _common(parser, languages: bool = True, optional: bool = False) -> None:
    parser.add_argument("project", type=Path, help="a .dubproj file", nargs="?" if optional else None)
    if languages:
        parser.add_argument("--to", "--lang", dest="targets", action="append", metavar="LANG",
                            help="a target language (default: all the project's)")
    add_engine_arguments(parser)


def register(subparsers) -> None:
    transcribe = subparsers.add_parser("transcribe", help="fill a project with lines and speakers",
                                       description="Transcribe the project's source, find its speakers and cut "
                                                   "dub lines (the first stage of dubstudio dub).")
    _common(transcribe, languages=False)
    transcribe.add_argument("--whisper", metavar="FOLDER", help="a studio Whisper (CTranslate2) model folder")
    transcribe.add_argument("--pyannote", metavar="FOLDER", help="a studio pyannote pipeline folder")
    transcribe.add_argument("--speakers", type=int, metavar="N", help="how many speakers (default: find out)")
    transcribe.set_defaults(func=run_transcribe)

    translate = subparsers.add_parser("translate", help="translate a project's lines",
                                      description="Translate the lines (machine translations are refreshed; "
                                                  "what a person edited or approved is kept).")
    _common(translate, optional=True)
    translate.add_argument("--pairs", action="store_true",
                           help="list the language pairs the installed translators support, and stop")
    translate.add_argument("--translator", choices=["apertium", "marian", "opus-mt-ct2"], default="apertium")
    translate.add_argument("--translator-model", metavar="FOLDER")
    translate.add_argument("--n-best", type=int, default=4, help="candidates per line from n-best backends")
    translate.set_defaults(func=run_translate)

    synthesize = subparsers.add_parser("synthesize", help="cast voices and make takes for a project's lines",
                                       description="Cast a voice for each uncast speaker, then synthesize, fit and "
                                                   "check a take for each line that has none (or for --line).")
    _common(synthesize)
    synthesize.add_argument("--line", type=int, action="append", metavar="NUMBER",
                            help="the line's number as `project info` shows it; a new take even if it has one")
    synthesize.add_argument("--no-qa", action="store_true")
    synthesize.set_defaults(func=run_synthesize)

    regenerate = subparsers.add_parser("regenerate", help="a new take of one line (older takes stay)",
                                       description="Synthesize a new take of a line as an interactive job; it "
                                                   "becomes the chosen take, and the older ones are kept.")
    _common(regenerate)
    regenerate.add_argument("--line", type=int, action="append", required=True, metavar="NUMBER")
    regenerate.add_argument("--no-qa", action="store_true")
    regenerate.set_defaults(func=run_synthesize)


@contextlib.contextmanager
def opened(args, options: Options | None = None):
    with contextlib.closing(Project.open(args.project.expanduser().resolve())) as project, \
            engine_from_args(args) as engine:
        targets = tuple(getattr(args, "targets", None) or project.settings.target_languages)
        unknown = [code for code in targets if code not in project.settings.target_languages]
        if unknown:
            raise DubStudioError(f"{args.project.name} has no {', '.join(unknown)} dub: its languages are "
                                 f"{', '.join(project.settings.target_languages)}.")
        options = options or Options()
        options.targets = targets
        yield Run(project, engine, options, TerminalReporter())


def run_transcribe(args) -> int:
    with opened(args, Options(whisper=args.whisper, pyannote=args.pyannote, speakers=args.speakers)) as run:
        had = len(run.project.lines())
        count = transcribe_stage.transcribe(run)
    if had:
        print(f"The project already has {had} lines: it was transcribed before (its lines may have been edited).")
    elif count:
        print(f"{count} lines from {len({line.speaker_id for line in run.project.lines()})} speakers.")
    else:
        print("No speech was found in the source: the project has no lines to dub.")
    return 0


def list_pairs(args) -> int:
    from dubstudio.engine.backends.apertium import Apertium

    apertium = Apertium()
    print("Apertium (embedded):")
    for (source, target), modes in sorted(apertium.routes.items()):
        print(f"  {source} -> {target}" + (f"  (through {apertium.pivot})" if len(modes) > 1 else ""))
    if args.translator_model:
        from dubstudio.engine.jobs.translate import translator

        class Direct:  # load the studio model here, only to ask it what it translates
            @staticmethod
            def model(name, loader):
                return loader()

        studio = translator(Direct, args.translator, args.translator_model)
        print(f"{args.translator} ({args.translator_model}):")
        for source, target in sorted(studio.pairs()):
            print(f"  {source} -> {target}")
    return 0


def run_translate(args) -> int:
    if args.pairs:
        return list_pairs(args)
    if args.project is None:
        raise DubStudioError("name the project to translate, or ask for --pairs.")
    if args.translator != "apertium" and not args.translator_model:
        raise DubStudioError(f"the {args.translator} translator needs its model folder: add --translator-model FOLDER.")
    options = Options(translator=args.translator, translator_folder=args.translator_model, n_best=args.n_best)
    with opened(args, options) as run:
        if not run.project.lines():
            raise DubStudioError("the project has no lines yet: run dubstudio transcribe first.")
        for language in run.options.targets:
            count = translate_stage.translate(run, language, refresh=True)
            print(f"{language}: {count} lines translated (edited and approved lines kept as they are).")
    return 0


def run_synthesize(args) -> int:
    with opened(args, Options(qa=not args.no_qa)) as run:
        by_number = {line.number: line.id for line in run.project.lines()}
        wanted = None
        if args.line:
            missing = [n for n in args.line if n not in by_number]
            if missing:
                raise DubStudioError(f"the project has no line {', '.join(map(str, missing))}: it has lines 1 to "
                                     f"{len(by_number)} (dubstudio project info lists them).")
            wanted = [by_number[n] for n in args.line]
        for language in run.options.targets:
            voices_stage.cast(run, language)
            # named lines are what the user is waiting for: they overtake queued batch work
            count = voices_stage.synthesize(run, language, wanted, interactive=wanted is not None)
            print(f"{language}: {count} new take(s).")
    return 0
