import pytest

from chalicelib.config.outputs import OutputsError, load_outputs
from chalicelib.config.settings import DEFAULTS, Settings, SettingsError, source_bucket

BUCKETS = {"SOURCE_BUCKET": "photos-in", "TARGET_BUCKET": "photos-thumbs"}
DECLARED = load_outputs()  # the shipped outputs.toml


def test_defaults_match_the_tutorial_box_and_sane_limits():
    settings = Settings.from_env(BUCKETS, DECLARED)
    [thumbnail] = settings.outputs  # OUTPUTS unset: today's one thumbnail
    assert thumbnail.name == "thumbnail" and thumbnail.size == (1280, 720)
    assert (thumbnail.fit, thumbnail.format) == ("contain", "same")
    assert thumbnail.quality == 85
    assert thumbnail.background == (255, 255, 255)
    assert settings.max_source_pixels >= 100_000_000  # a 100-megapixel panorama passes
    assert settings.max_source_pixels < 100_000 * 100_000  # a bomb header does not


def test_delete_sync_is_on_by_default_and_false_turns_it_off():
    assert Settings.from_env(BUCKETS, DECLARED).delete_outputs is True
    for value, expected in (("false", False), (" True ", True)):
        environment = {**BUCKETS, "DELETE_OUTPUTS": value}
        assert Settings.from_env(environment, DECLARED).delete_outputs is expected


def test_values_are_parsed():
    settings = Settings.from_env({
        **BUCKETS, "THUMBNAIL_SIZE": "200 x 100", "JPEG_QUALITY": "70",
        "BACKGROUND_COLOR": "#102030", "CACHE_CONTROL": "max-age=60",
    }, DECLARED)
    [thumbnail] = settings.outputs  # the old variables still adjust the one thumbnail
    assert thumbnail.size == (200, 100)
    assert thumbnail.quality == 70
    assert thumbnail.background == (0x10, 0x20, 0x30)
    assert settings.cache_control == "max-age=60"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("THUMBNAIL_SIZE", "big"),
        ("THUMBNAIL_SIZE", "0x100"),
        ("JPEG_QUALITY", "abc"),
        ("JPEG_QUALITY", "101"),
        ("BACKGROUND_COLOR", "white"),
        ("MAX_SOURCE_BYTES", "-1"),
        ("MAX_SOURCE_PIXELS", "1e9"),
        ("CACHE_CONTROL", "max-age=1\r\nX-Injected: 1"),
        ("SOURCE_BUCKET", "Not_A_Bucket"),
        ("TARGET_BUCKET", ""),
        ("DELETE_OUTPUTS", "yes"),
        ("DELETE_OUTPUTS", "0"),
    ],
)
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**BUCKETS, name: value}, DECLARED)


def test_missing_bucket_is_an_error_naming_it():
    with pytest.raises(SettingsError, match="TARGET_BUCKET is not set"):
        Settings.from_env({"SOURCE_BUCKET": "photos-in"}, DECLARED)
    with pytest.raises(SettingsError, match="SOURCE_BUCKET is not set"):
        source_bucket({})


def test_source_equal_to_target_is_refused():
    with pytest.raises(SettingsError, match="TARGET_BUCKET must differ from SOURCE_BUCKET"):
        Settings.from_env({"SOURCE_BUCKET": "same-bucket", "TARGET_BUCKET": "same-bucket"},
                          DECLARED)


def test_every_default_is_valid():
    Settings.from_env({**DEFAULTS, **BUCKETS}, DECLARED)


def test_outputs_pick_declared_outputs_and_unknown_names_are_refused():
    settings = Settings.from_env({**BUCKETS, "OUTPUTS": "thumbnail, card"}, DECLARED)
    assert [output.name for output in settings.outputs] == ["thumbnail", "card"]
    with pytest.raises(SettingsError, match=r"OUTPUTS.*'poster'"):
        Settings.from_env({**BUCKETS, "OUTPUTS": "thumbnail,poster"}, DECLARED)


@pytest.mark.parametrize("name", ["THUMBNAIL_SIZE", "JPEG_QUALITY", "BACKGROUND_COLOR"])
def test_old_thumbnail_variables_conflict_with_several_outputs(name):
    value = {"THUMBNAIL_SIZE": "640x480", "JPEG_QUALITY": "70", "BACKGROUND_COLOR": "#000000"}
    with pytest.raises(SettingsError, match=rf"{name}.*OUTPUTS.*outputs.toml"):
        Settings.from_env({**BUCKETS, "OUTPUTS": "thumbnail,card", name: value[name]}, DECLARED)


@pytest.mark.parametrize(
    ("variable", "field", "value", "problem"),
    [("THUMBNAIL_SIZE", "size", "big", "must look like \"1280x720\", got 'big'"),
     ("THUMBNAIL_SIZE", "size", "0x100", "sides must be between 1 and 10000, got '0x100'"),
     ("BACKGROUND_COLOR", "background", "white", "must be a colour like \"#ffffff\", got 'white'")],
)
def test_a_size_or_colour_is_worded_alike_in_the_environment_and_outputs_toml(
        variable, field, value, problem):
    with pytest.raises(SettingsError) as from_environment:
        Settings.from_env({**BUCKETS, variable: value}, DECLARED)
    assert str(from_environment.value) == f"{variable} {problem}"
    with pytest.raises(OutputsError) as from_file:
        fields = {"size": "1x1", field: value}
        load_outputs('[card]\nkey = "{folder}{stem}-card.{ext}"\n'
                     + "".join(f'{name} = "{text}"\n' for name, text in fields.items()))
    assert str(from_file.value) == f"outputs.toml [card].{field}: {problem}"
