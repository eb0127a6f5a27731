"""The source media reference, and relinking it by content hash when it moves."""

import pytest

from dubstudio.hashing import content_hash
from dubstudio.project import MediaNotFoundError, Project


@pytest.fixture
def media(tmp_path):
    path = tmp_path / "media" / "film.mp4"
    path.parent.mkdir()
    path.write_bytes(bytes(range(256)) * 4096)
    return path


def test_media_reference_holds_path_size_hash_and_probe(project, media):
    probe = {"duration_samples": 480_000, "frame_rate": "30000/1001", "streams": [{"type": "video"}]}
    project.set_source_media(media, probe)
    stored = project.media()
    assert (stored.path, stored.size, stored.content_hash, stored.probe) == (
        media, media.stat().st_size, content_hash(media), probe)
    assert project.locate_media() == media


def test_a_project_moved_with_its_media_finds_it_again(tmp_path, project_at, media):
    project = project_at(tmp_path / "p.dubproj")
    project.set_source_media(media, {})
    project.close()
    moved = tmp_path.parent / f"{tmp_path.name}-moved"
    tmp_path.rename(moved)
    with Project.open(moved / "p.dubproj") as project:
        assert project.locate_media() == moved / "media" / "film.mp4"


def test_missing_media_says_to_relink_and_relink_finds_it_by_content(project, media, tmp_path):
    project.set_source_media(media, {})
    elsewhere = tmp_path / "archive" / "deep"
    elsewhere.mkdir(parents=True)
    (tmp_path / "archive" / "film.mp4").write_bytes(b"same name, other content")
    moved = elsewhere / "renamed.mov"
    media.rename(moved)
    with pytest.raises(MediaNotFoundError, match="relink"):
        project.locate_media()
    assert project.relink_media([tmp_path / "archive"]) == moved
    assert project.locate_media() == moved


def test_relink_says_when_nothing_matches(project, media, tmp_path):
    project.set_source_media(media, {})
    media.unlink()
    with pytest.raises(MediaNotFoundError, match=r"No file in .* is the source media film.mp4"):
        project.relink_media([tmp_path])


def test_a_different_file_at_the_media_path_is_not_taken_for_it(project, media):
    project.set_source_media(media, {})
    media.write_bytes(b"re-encoded" * 1000)
    with pytest.raises(MediaNotFoundError, match="content differs"):
        project.locate_media()


def test_media_must_exist(project, tmp_path):
    with pytest.raises(MediaNotFoundError, match="There is no file"):
        project.set_source_media(tmp_path / "missing.mp4", {})


def test_a_project_without_media_says_so(project):
    with pytest.raises(MediaNotFoundError, match="no source media"):
        project.locate_media()
