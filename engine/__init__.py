"""Engine workers: model registry, model cache and one adapter per backend (installed as dubstudio.engine)."""
