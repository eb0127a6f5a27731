"""Voices in the core: consent to clone a voice, casting, and fitting each take to its slot.

Engine adapters synthesize; the core decides which voice speaks each line and whether it may.
"""
