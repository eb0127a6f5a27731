"""Named user operations. Each takes a Tx, makes its changes through it (so it can be undone) and returns
its name for the Edit menu ("Edit translation of line 12 (es)"); Project runs each in one transaction."""

from dubstudio.project.ops.casting import cast_voice
from dubstudio.project.ops.glossary import remove_glossary_entry, set_glossary_entry
from dubstudio.project.ops.lines import merge_lines, reassign_speaker, retime_line, split_line
from dubstudio.project.ops.translation import approve, choose_take, edit_translation, set_fit_strategy

__all__ = ["approve", "cast_voice", "choose_take", "edit_translation", "merge_lines", "reassign_speaker",
           "remove_glossary_entry", "retime_line", "set_fit_strategy", "set_glossary_entry", "split_line"]
