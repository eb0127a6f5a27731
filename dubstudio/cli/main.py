"""Entry point of the `dubstudio` command.

Every command module adds its subcommand through `register(subparsers)` and sets `func(args)`,
which returns an exit code. Errors the user can act on (DubStudioError) print one sentence on
stderr; anything else is logged with its traceback and summarised in one sentence too.
"""

import argparse
import importlib
import logging
import os
import sys

from dubstudio import __version__, logs
from dubstudio.errors import DubStudioError

log = logging.getLogger(__name__)

# Command modules under dubstudio.cli, in the order `--help` lists them.
COMMANDS = ["demo", "sample", "dub", "stages", "lipsync", "gui", "project", "doctor", "engine"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dubstudio",
        description="DubStudio: dub a video into another language in its speakers' voices, "
                    "then review and fix it line by line.",
    )
    parser.add_argument("--version", action="version", version=f"dubstudio {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more console output (-v info, -vv debug); the log file always has everything")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"dubstudio.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    log_path = logs.setup(args.verbose)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    log.debug("dubstudio %s: %s", __version__, sys.argv)
    try:
        return int(args.func(args) or 0)
    except DubStudioError as error:
        log.debug("user error", exc_info=True)
        print(f"dubstudio: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("dubstudio: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`dubstudio project info X | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # a bug: keep the traceback in the log, give the user one line
        log.exception("unexpected error")
        print(f"dubstudio: unexpected error ({type(error).__name__}: {error}); "
              f"the details are in {log_path}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
