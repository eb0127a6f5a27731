"""Translation fixtures: the sample script's lines and tiny random models in temporary folders."""

import shutil

import pytest
from tiny_models import ENGLISH, build_marian, build_nllb


@pytest.fixture(scope="session")
def sample_lines() -> list[str]:
    """The sample script's English lines."""
    return list(ENGLISH)


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory):
    return build_marian(tmp_path_factory.mktemp("opus-mt-tiny-en-es"),
                        tmp_path_factory.mktemp("marian-build"))


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory):
    return build_nllb(tmp_path_factory.mktemp("nllb-tiny"))


@pytest.fixture
def copy_of(tmp_path):
    def copy(folder):
        return shutil.copytree(folder, tmp_path / folder.name)
    return copy
