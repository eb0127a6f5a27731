"""Speech planning in the core: transcripts, speaker turns, dub lines, reference audio, metrics.

Engine adapters produce these types; the core turns them into project lines. Times are integer
sample positions at the project rate (48 kHz).
"""
