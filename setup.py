"""Maps the top-level folders ui/, engine/ and resources/ to dubstudio.ui, dubstudio.engine and
dubstudio.resources, so nothing installs a top-level package with a generic name."""
from setuptools import find_packages, setup

MAPPED = {"dubstudio.ui": "ui", "dubstudio.engine": "engine", "dubstudio.resources": "resources"}


def _packages():
    found = find_packages(include=["dubstudio", "dubstudio.*"])
    for name, folder in MAPPED.items():
        found += [name] + [f"{name}.{sub}" for sub in find_packages(folder)]
    return found


setup(packages=_packages(), package_dir=MAPPED | {"dubstudio": "dubstudio"})
