"""Bundled assets: default settings, style sheets, sample-making assets."""
