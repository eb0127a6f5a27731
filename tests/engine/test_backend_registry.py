"""The backend registry: metadata per backend and availability that says what is missing where."""

import pytest
from dubstudio.engine.registry import (
    INSTALLED,
    Backend,
    Program,
    PythonPackage,
    Registry,
    UnknownBackendError,
    default_registry,
)


def backend(name="b", **fields) -> Backend:
    return Backend(**{"name": name, "stage": "synthesize", "title": name, "load": "json:loads"} | fields)


def test_the_embedded_voices_are_the_first_entries():
    registry = default_registry()
    kokoro, piper = registry.get("kokoro"), registry.get("piper")
    spanish = [b.name for b in registry.for_stage("synthesize", "es")]
    assert "kokoro" in spanish and "piper" not in spanish
    assert {"kokoro", "piper"} <= {b.name for b in registry.for_stage("synthesize", "en-us")}
    assert not kokoro.clones_voices and not piper.clones_voices
    assert kokoro.device == piper.device == "cpu" and kokoro.resources is None
    assert "Apache-2.0" in kokoro.licence and "CC0" in piper.licence
    availability = registry.availability()  # as installers/setup.sh leaves the machine
    assert availability["kokoro"] == availability["piper"] == INSTALLED
    from dubstudio.engine.backends.piper import Piper

    assert piper.loader() is Piper


def test_availability_names_what_is_missing_and_where_to_get_it():
    entry = backend(requires=(PythonPackage("json", "json"), PythonPackage("no_such_module_x", "no-such-model"),
                              Program("no-such-program-x")))
    assert entry.availability() == (
        "missing: the Python package no-such-model (pip install no-such-model in DubStudio's environment, "
        "or run installers/setup.sh); the program no-such-program-x (install it with 'sudo apt-get install "
        "no-such-program-x' or run installers/setup.sh)")
    assert not entry.installed


def test_a_gpu_backend_asks_for_a_gpu_worker():
    assert backend(device="cuda").resources == {"GPU": 1}


def test_registry_lookups_and_mistakes():
    registry = Registry([backend("one"), backend("two", stage="translate", languages=("en", "es"))])
    assert [b.name for b in registry.for_stage("translate", "es")] == ["two"]
    assert registry.for_stage("translate", "de") == []
    with pytest.raises(UnknownBackendError, match="no backend named 'three': choose one of one, two"):
        registry.get("three")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(backend("one"))
    with pytest.raises(ValueError, match="stage"):
        backend(stage="dance")
