"""Translation in the core (pipeline step 6), free of torch: the translator interface and its
candidates (types), the glossary and its enforcement (glossary, protect), translating a script's
lines through one backend (translate), which backend takes which pair (pairs), and how long each
candidate will take to say and which one fits its line's slot (length, calibrate, rates).

The backends themselves are engine adapters: Apertium (embedded), MarianMT/NLLB through
transformers, Opus-MT through CTranslate2.
"""
