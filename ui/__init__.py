"""The Qt desktop editor (installed as dubstudio.ui)."""

from dubstudio.ui.refcounts import protect_singletons

protect_singletons()  # before any Qt call: shiboken6 6.12 on Python 3.11 (see refcounts.py)
