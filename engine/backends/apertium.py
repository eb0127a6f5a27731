"""Apertium, the embedded translation default: rule-based, offline, GPL, so run as the `apertium`
command in its own process.

- Many lines go in one call, each in its own <p> of Apertium's HTML format: a block element is a
  hard sentence boundary, while newlines and blank lines are not (a transfer rule moved "house"
  across one: "I saw the big / house" came out "Vi la casa / grande").
- Pairs without a direct mode go through Spanish (en->fr is eng-spa, then es-fr).
- Apertium marks words it could not translate: *unknown, #generation error, @transfer error. The
  marks are stripped; protect.py has already taken the source's own @ and # words out of the line.
"""

import html
import re
import subprocess
from collections.abc import Sequence
from functools import cached_property

from dubstudio import tools
from dubstudio.errors import DubStudioError
from dubstudio.translation import languages
from dubstudio.translation.pairs import UnsupportedPairError, describe
from dubstudio.translation.types import Candidate

NAME = "apertium"
PIVOT = "es"
_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")  # plain pairs; variants like eng-cat_valencia are left out
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_MARK = re.compile(r"(?<![\w*#@])[*#@](?=\w)")
# Apertium often capitalises the word after an unknown one as if a sentence began there:
# "*Zorblax Es aquí", "Bonjour *zxq0, Finis le rapport"
_AFTER_UNKNOWN = re.compile(r"\*[^\s,;:.!?]+[,;:]?\s+(\w+)")


class Apertium:
    name = NAME
    batch_size = 256  # a call costs about 0.2 s however many lines it has; 256 lines take 0.5 s more

    def __init__(self, pivot: str = PIVOT, timeout: float = 600):
        self.pivot = pivot
        self.timeout = timeout

    @cached_property
    def program(self) -> str:
        return tools.require("apertium")

    @cached_property
    def modes(self) -> dict[tuple[str, str], str]:
        """Installed direct modes: (source, target) -> mode name, e.g. ('en', 'es') -> 'eng-spa'."""
        listing = subprocess.run([self.program, "-l"], capture_output=True, text=True, timeout=60,
                                 check=False)
        modes = {}
        for name in listing.stdout.split():
            match = _MODE.match(name)
            pair = match and (languages.normalize(match[1]), languages.normalize(match[2]))
            if pair and all(pair) and pair[0] != pair[1]:
                modes.setdefault(pair, name)
        return modes

    @cached_property
    def routes(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Every pair it translates -> the modes to run in turn: one, or two through the pivot."""
        routes = {pair: (mode,) for pair, mode in self.modes.items()}
        into = {source: mode for (source, target), mode in self.modes.items() if target == self.pivot}
        out_of = {target: mode for (source, target), mode in self.modes.items() if source == self.pivot}
        for source, first in into.items():
            for target, second in out_of.items():
                if source != target:
                    routes.setdefault((source, target), (first, second))
        return routes

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self.routes)

    def translate(self, lines: Sequence[str], source: str, target: str,
                  n_best: int = 1) -> list[list[Candidate]]:
        """One candidate per line (a rule-based system has no n-best)."""
        route = self.routes.get((source, target))
        if route is None:
            raise UnsupportedPairError(f"Apertium has no mode for {source}->{target}, direct or through "
                                       f"{self.pivot} (it has {describe(self.routes)}): install the pair's "
                                       f"Debian package (apt-cache search apertium-).")
        texts = list(lines)
        for mode in route:
            texts = self.run(mode, texts)
        backend = f"{NAME}:{'+'.join(route)}"
        return [[Candidate(text, backend)] for text in texts]

    def run(self, mode: str, lines: Sequence[str]) -> list[str]:
        """One Apertium call for all lines; the output lines are unmarked, in order."""
        document = "".join(f"<p>{html.escape(' '.join(line.split()), quote=False)}</p>" for line in lines)
        done = subprocess.run([self.program, "-f", "html", mode], input=document, capture_output=True,
                              text=True, timeout=self.timeout, check=False)
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise DubStudioError(f"Apertium failed in mode {mode} ({detail}): check the pair with "
                                 f"'apertium -l' or reinstall its package.")
        outputs = _PARAGRAPH.findall(done.stdout)
        if len(outputs) != len(lines):
            raise RuntimeError(f"Apertium {mode} returned {len(outputs)} lines for {len(lines)}")
        return [_clean(line, output) for line, output in zip(lines, outputs)]


def _clean(source: str, output: str) -> str:
    """Unmarked, unescaped, single-spaced output, with the capitals Apertium added in error undone."""
    source_words = set(re.findall(r"\w+", source))

    def uncapitalise(match: re.Match) -> str:
        word = match[1]
        # a name (found in the source), an acronym or English "I" keeps its capital
        if not word[0].isupper() or word in source_words or word.isupper():
            return match[0]
        return match[0][:match.start(1) - match.start()] + word[0].lower() + word[1:]

    output = _AFTER_UNKNOWN.sub(uncapitalise, output)
    return " ".join(html.unescape(_MARK.sub("", output)).split())
