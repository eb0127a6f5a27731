"""Voice casting: speakers, the voices they can have (stock, the project's, clones), similarity, previews,
consent for clones."""

from dubstudio.ui.casting.dialog import CastingDialog

__all__ = ["CastingDialog"]
