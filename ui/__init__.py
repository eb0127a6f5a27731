"""The Qt desktop editor (installed as dubstudio.ui)."""
