"""Progress on the terminal: one tqdm bar per pipeline stage, notes printed between them."""

import sys
import time


class TerminalBar:
    def __init__(self, name: str, total: int | None, on_close=None):
        from tqdm import tqdm

        self.name, self.started, self.on_close = name, time.monotonic(), on_close
        self.bar = tqdm(desc=name, total=total, file=sys.stderr, mininterval=0.5, leave=True,
                        bar_format="{desc:<28} {percentage:3.0f}%|{bar:24}| {postfix}")

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        if total and total != self.bar.total:
            self.bar.total = total
        self.bar.n = done
        if message:
            self.bar.set_postfix_str(message[:48], refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar.total:
            self.bar.n = self.bar.total
            self.bar.refresh()
        self.bar.close()
        if self.on_close:
            self.on_close(self.name, time.monotonic() - self.started)


class TerminalReporter:
    def __init__(self):
        self.timings: list[tuple[str, float]] = []  # (stage, seconds), for the closing summary

    def stage(self, name: str, total: int | None = None) -> TerminalBar:
        return TerminalBar(name, total, lambda stage, seconds: self.timings.append((stage, seconds)))

    def note(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)
