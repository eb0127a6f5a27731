"""Errors the user can act on.

A DubStudioError's message is one sentence that says what is wrong and what to do; the CLI prints
it on stderr with a non-zero exit code, the GUI shows it in a dialog. Anything else is a bug and
goes to the log with its traceback.
"""


class DubStudioError(Exception):
    """A failure caused by input, setup or environment, explained in one sentence."""

    exit_code = 2


class MissingToolError(DubStudioError):
    """A system program (ffmpeg, espeak-ng, ...) is not installed."""


class MissingModelError(DubStudioError):
    """A model's files are not where they should be."""
