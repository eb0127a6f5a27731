"""One adapter per backend, each behind its stage's small interface."""
