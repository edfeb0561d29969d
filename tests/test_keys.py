import pytest

from chalicelib.config.keys import output_format, split_key, upload_suffixes
from chalicelib.errors import PermanentError


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("a/b/my photo.v2.JPG", ("a/b/", "my photo.v2", "JPG")),
        ("cat.jpg", ("", "cat", "jpg")),
        ("été/naïve café + 100%.png", ("été/", "naïve café + 100%", "png")),
        ("folder.with.dots/file.PNG", ("folder.with.dots/", "file", "PNG")),
        ("a//b.heic", ("a//", "b", "heic")),
    ],
)
def test_split_key_gives_folder_with_its_slash_stem_and_extension_as_written(key, parts):
    assert split_key(key) == parts


@pytest.mark.parametrize(
    ("key", "expected"),
    [("x.jpg", "JPEG"), ("x.JPEG", "JPEG"), ("x.Jpg", "JPEG"), ("x.png", "PNG"),
     ("a.b/x.PNG", "PNG")],
)
def test_output_format_follows_the_extension(key, expected):
    assert output_format(key) == expected


@pytest.mark.parametrize(("key", "problem"),
                         [("noextension", "no file extension"),
                          ("folder.jpg/noextension", "no file extension"),
                          (".jpg", "no file extension"), ("a/.png", "no file extension"),
                          ("x.gif", "unsupported extension .gif")])
def test_keys_without_a_supported_extension_are_permanent(key, problem):
    with pytest.raises(PermanentError, match=problem):
        split_key(key)
    with pytest.raises(PermanentError, match=problem):
        output_format(key)


def test_suffixes_cover_lower_and_upper_case():
    assert set(upload_suffixes()) == {".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}
