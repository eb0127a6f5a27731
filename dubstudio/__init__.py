"""DubStudio core: project model, timing, media I/O, job bus client, DSP, exporters, CLI.

Nothing in this package imports Qt, and nothing imports torch at import time.
"""

__version__ = "0.1.0"
