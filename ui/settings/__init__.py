"""Settings: model folders per stage (what each backend needs, whether it is installed), the engine, the cache."""

from dubstudio.ui.settings.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
