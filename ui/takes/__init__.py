"""The takes panel: a line's takes in one language, and choosing, comparing and remaking them."""

from dubstudio.ui.takes.panel import TakesPanel

__all__ = ["TakesPanel"]
