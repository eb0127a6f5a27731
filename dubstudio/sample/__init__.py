"""The bundled sample clip: a talking-head dialogue made only from assets in installed packages."""
