import pytest

from chalicelib.config.keys import output_format, thumbnail_key, upload_suffixes
from chalicelib.errors import PermanentError


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a/b/my photo.v2.JPG", "a/b/my photo.v2-thumbnail.JPG"),
        ("cat.jpg", "cat-thumbnail.jpg"),
        ("deep/er/still/x.jpeg", "deep/er/still/x-thumbnail.jpeg"),
        ("été/naïve café + 100%.png", "été/naïve café + 100%-thumbnail.png"),
        ("folder.with.dots/file.PNG", "folder.with.dots/file-thumbnail.PNG"),
    ],
)
def test_thumbnail_key_keeps_folder_and_extension(key, expected):
    assert thumbnail_key(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("x.jpg", "JPEG"), ("x.JPEG", "JPEG"), ("x.Jpg", "JPEG"), ("x.png", "PNG"),
     ("a.b/x.PNG", "PNG")],
)
def test_output_format_follows_the_extension(key, expected):
    assert output_format(key) == expected


@pytest.mark.parametrize("key",
                         ["noextension", "folder.jpg/noextension", "x.gif", ".jpg", "a/.png"])
def test_keys_we_cannot_name_a_thumbnail_for_are_permanent(key):
    with pytest.raises(PermanentError):
        thumbnail_key(key)


def test_thumbnail_key_over_s3_limit_is_permanent():
    assert len(thumbnail_key("é" * 505 + ".jpg").encode()) == 1024  # exactly S3's limit: fine
    with pytest.raises(PermanentError, match="1024-byte"):
        thumbnail_key("é" * 505 + "a.jpg")


def test_suffixes_cover_lower_and_upper_case():
    assert set(upload_suffixes()) == {".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}
