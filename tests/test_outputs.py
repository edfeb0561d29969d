"""outputs.toml: the shipped declaration, key templates, and every mistake named by output and
field before any upload is touched."""

from __future__ import annotations

import io
import re

import pytest

from chalicelib.config import keys
from chalicelib.config.outputs import (
    ASSET_DIR,
    OutputsError,
    load_outputs,
    resource_pattern,
    select,
    with_overrides,
)
from chalicelib.errors import PermanentError

MINIMAL = '[card]\nkey = "{folder}{stem}-card.{ext}"\nsize = "640x360"\n'


def one_output(fields: str, name: str = "card", **kwargs):
    return load_outputs(f"[{name}]\n{fields}\n", **kwargs)[name]


def card_with(extra: str, **kwargs):
    return one_output('key = "{folder}{stem}-card.{ext}"\nsize = "640x360"\n' + extra, **kwargs)


def error_of(text: str, **kwargs) -> str:
    with pytest.raises(OutputsError) as raised:
        load_outputs(text, **kwargs)
    return str(raised.value)


# --- the shipped file ----------------------------------------------------------------------

def test_the_shipped_file_validates_and_its_thumbnail_is_todays_behaviour():
    outputs = load_outputs()
    thumbnail = outputs["thumbnail"]
    assert thumbnail.size == (1280, 720)
    assert (thumbnail.fit, thumbnail.format, thumbnail.quality) == ("contain", "same", 85)
    assert thumbnail.background == (255, 255, 255)
    assert (thumbnail.prefix, thumbnail.effects) == ("", ())
    for key in ("a/b/x.v2.JPG", "photo.png", "deep/er/ä b.jpeg"):
        assert thumbnail.pillow_format(key) == keys.output_format(key)


def test_the_shipped_examples_load_with_their_effects():
    outputs = load_outputs()
    assert set(outputs) == {"thumbnail", "card", "small", "marked", "large"}
    assert [name for name, output in outputs.items() if output.on_request] == ["large"]
    card = outputs["card"]
    assert (card.size, card.fit, card.format, card.quality) == ((640, 360), "cover", "webp", 80)
    assert [effect.op for effect in card.effects] == ["contrast", "text"]
    assert card.effects[1].params["gravity"] == "south-east"
    watermark = outputs["marked"].effects[0]
    assert watermark.op == "watermark"
    assert watermark.params["image"] == ASSET_DIR / "watermarks" / "logo.png"
    assert watermark.params["image"].stat().st_size < 10_000


def test_the_shipped_watermark_is_a_semi_transparent_image():
    from PIL import Image

    with Image.open(ASSET_DIR / "watermarks" / "logo.png") as mark:
        assert mark.mode == "RGBA"
        low, high = mark.getchannel("A").getextrema()
    assert low == 0 and 0 < high < 255


# --- keys, formats, prefixes ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        ("a/b/x.v2.JPG", "a/b/x.v2-thumbnail.JPG"),
        ("photo.png", "photo-thumbnail.png"),
        ("my photos/summer day.jpeg", "my photos/summer day-thumbnail.jpeg"),
        ("фото/日本 café.jpg", "фото/日本 café-thumbnail.jpg"),
        ("a/b/c/d/e.PNG", "a/b/c/d/e-thumbnail.PNG"),
        ("a//b.jpg", "a//b-thumbnail.jpg"),
        ("été/naïve café + 100%.png", "été/naïve café + 100%-thumbnail.png"),
        ("folder.with.dots/file.PNG", "folder.with.dots/file-thumbnail.PNG"),
    ],
)
def test_key_for_keeps_the_folder_the_stem_and_the_extensions_letter_case(upload, expected):
    assert load_outputs()["thumbnail"].key_for(upload) == expected


def test_ext_keeps_the_outputs_of_uploads_of_one_name_apart():
    """photo.jpg and photo.heic are two uploads; a HEIC's "same" output is a JPEG, and its
    {ext} keeps the upload's extension before the .jpg."""
    thumbnail = load_outputs()["thumbnail"]
    uploads = [f"a/photo.{extension}" for extension in keys.supported_extensions()]
    uploads += [upload.upper().replace("A/PHOTO", "a/photo") for upload in uploads]
    filled = {upload: thumbnail.key_for(upload) for upload in uploads}
    assert len(set(filled.values())) == len(uploads) == 14, filled
    assert filled["a/photo.heic"] == "a/photo-thumbnail.heic.jpg"
    assert filled["a/photo.HEIF"] == "a/photo-thumbnail.HEIF.jpg"
    assert filled["a/photo.JPG"] == "a/photo-thumbnail.JPG"


def test_key_for_fills_every_placeholder_and_keeps_literal_text():
    output = one_output('key = "thumbs/{stem}/{folder}{stem}.webp"\nsize = "10x10"\n'
                        'format = "webp"')
    assert output.key_for("a/b/x.v2.JPG") == "thumbs/x.v2/a/b/x.v2.webp"


def test_key_for_refuses_a_key_over_s3s_limit():
    thumbnail = load_outputs()["thumbnail"]
    longest = "a" * (keys.MAX_KEY_BYTES - len("-thumbnail.jpg")) + ".jpg"
    assert len(thumbnail.key_for(longest).encode()) == keys.MAX_KEY_BYTES
    with pytest.raises(PermanentError, match="1024-byte"):
        thumbnail.key_for("é" + longest[1:])  # one more byte, same number of characters


@pytest.mark.parametrize("upload", ["a/b/readme", "folder.jpg/readme", "a/.png", "x.gif"])
def test_key_for_refuses_an_upload_without_a_supported_extension(upload):
    with pytest.raises(PermanentError, match="extension"):
        load_outputs()["thumbnail"].key_for(upload)


@pytest.mark.parametrize(
    ("output", "upload", "expected"),
    [
        ("thumbnail", "x.jpg", "JPEG"),
        ("thumbnail", "a/x.JPEG", "JPEG"),
        ("thumbnail", "x.png", "PNG"),
        ("card", "x.png", "WEBP"),
        ("small", "x.jpg", "AVIF"),
        ("marked", "x.png", "JPEG"),
    ],
)
def test_pillow_format_same_follows_the_upload_and_explicit_is_fixed(output, upload, expected):
    assert load_outputs()[output].pillow_format(upload) == expected


def test_applies_to_matches_the_prefix_only():
    products = card_with('prefix = "products/"')
    assert products.applies_to("products/shoe.jpg")
    assert products.applies_to("products/a/b.png")
    assert not products.applies_to("blog/products/shoe.jpg")
    assert not products.applies_to("Products/shoe.jpg")  # S3 keys are case-sensitive
    assert card_with("").applies_to("anything/at/all.jpg")


# --- select (the OUTPUTS setting) ----------------------------------------------------------

def test_select_keeps_the_settings_order():
    outputs = load_outputs()
    assert [o.name for o in select(outputs, "small, thumbnail")] == ["small", "thumbnail"]


@pytest.mark.parametrize("names", ["thumbnail,cards", "cards"])
def test_select_names_an_unknown_output_and_lists_the_known_ones(names):
    with pytest.raises(OutputsError) as raised:
        select(load_outputs(), names)
    message = str(raised.value)
    assert "'cards'" in message and "OUTPUTS" in message
    assert "card, large, marked, small, thumbnail" in message


@pytest.mark.parametrize(("names", "problem"),
                         [("", "names no output"), ("thumbnail,", "empty name"),
                          ("card,card", "twice")])
def test_select_refuses_empty_and_repeated_names(names, problem):
    with pytest.raises(OutputsError, match=problem):
        select(load_outputs(), names)


# --- validation: each mistake names its output and field -----------------------------------

@pytest.mark.parametrize(
    ("fields", "where", "problem"),
    [
        ('fit = "fill"', "[card].fit", "must be contain, cover or pad, got 'fill'"),
        ('format = "gif"', "[card].format", "must be same, jpeg, png, webp or avif"),
        ("quality = 0", "[card].quality", "from 1 to 100, got 0"),
        ("quality = 101", "[card].quality", "from 1 to 100, got 101"),
        ('quality = "85"', "[card].quality", "integer"),
        ("quality = true", "[card].quality", "integer"),
        ('background = "white"', "[card].background", "colour like"),
        ('background = "#fff"', "[card].background", "colour like"),
        ("prefix = 3", "[card].prefix", "must be a string"),
        ("colour = 3", "[card].colour", "unknown field"),
        ('effects = "greyscale"', "[card].effects", "array of tables"),
    ],
)
def test_a_bad_field_is_named(fields, where, problem):
    message = error_of(MINIMAL + fields)
    assert f"outputs.toml {where}: " in message
    assert problem in message


@pytest.mark.parametrize(
    ("size", "problem"),
    [('"big"', "look like"), ('"0x100"', "between 1 and 10000"),
     ('"10001x10"', "between 1 and 10000"), ("640", "must be a string")],
)
def test_a_bad_size_is_named(size, problem):
    message = error_of(f'[card]\nkey = "{{folder}}{{stem}}-card.{{ext}}"\nsize = {size}\n')
    assert "outputs.toml [card].size: " in message and problem in message


@pytest.mark.parametrize("field", ["key", "size"])
def test_a_missing_required_field_is_named(field):
    fields = {"key": 'key = "{folder}{stem}-card.{ext}"', "size": 'size = "10x10"'}
    del fields[field]
    message = error_of("[card]\n" + "\n".join(fields.values()))
    assert f"outputs.toml [card].{field}: is required" in message


@pytest.mark.parametrize(
    ("key", "fmt", "field", "problem"),
    [
        ("{folder}{stem}-card.webp", "jpeg", "format", "'jpeg' contradicts the .webp"),
        ("{folder}{stem}-card.JPG", "png", "format", "'png' contradicts the .jpg"),
        ("{folder}{stem}-card.gif", "webp", "format", "'webp' contradicts the .gif"),
        ("{folder}{stem}-card.webp", "same", "format", "'same' follows the upload"),
        ("{folder}{stem}-card.{ext}", "webp", "key", "{ext} is the upload's extension"),
        ("{folder}card.{ext}", "same", "key", "no {stem}"),
        ("thumbs/{stem}.{ext}", "same", "key",
         "no {folder}: users/alice/me.jpg and users/bob/me.jpg would share one output"),
        ("{folder}{name}.{ext}", "same", "key", "unknown placeholder {name}"),
        ("{folder}{Stem}.{ext}", "same", "key", "unknown placeholder {Stem}"),
        ("{folder}{stem}}.{ext}", "same", "key", "unbalanced brace"),
        ("", "same", "key", "must not be empty"),
    ],
)
def test_a_key_template_that_cannot_work_is_named(key, fmt, field, problem):
    message = error_of(f'[card]\nkey = "{key}"\nsize = "10x10"\nformat = "{fmt}"\n')
    assert f"outputs.toml [card].{field}: " in message
    assert problem in message


def test_matching_literal_extensions_and_extensionless_keys_are_fine():
    assert one_output('key = "{folder}{stem}.jpeg"\nsize = "1x1"\nformat = "jpeg"').format == "jpeg"
    assert one_output('key = "{folder}{stem}-v1.2"\nsize = "1x1"\nformat = "avif"').format == "avif"
    assert one_output('key = "{folder}{stem}.out"\nsize = "1x1"\nformat = "png"').format == "png"


def test_a_key_that_is_just_the_stem_is_refused_it_ends_every_other_key():
    """photo-labels.json.jpg's {folder}{stem} is photo.jpg's labels sidecar."""
    message = error_of('[bare]\nkey = "{folder}{stem}"\nsize = "1x1"\nformat = "png"')
    assert "[bare] for folder/photo-labels.json.jpg and the labels sidecar for " \
           "folder/photo.jpg both write 'folder/photo-labels.json'" in message


def test_two_outputs_with_the_same_key_template_are_named_both():
    text = MINIMAL + '[other]\nkey = "{folder}{stem}-card.{ext}"\nsize = "10x10"\n'
    message = error_of(text)
    assert ("outputs.toml [other].key: '{folder}{stem}-card.{ext}' and [card]'s "
            "'{folder}{stem}-card.{ext}' name one object: for folder/photo.jpg both write "
            "'folder/photo-card.jpg'") in message


def test_a_key_clash_is_reported_beside_other_mistakes_of_the_outputs():
    text = MINIMAL + 'fit = "fill"\n[other]\nkey = "{folder}{stem}-card.{ext}"\nsize = "0x0"\n'
    message = error_of(text)
    assert "outputs.toml [card].fit: " in message and "outputs.toml [other].size: " in message
    assert "outputs.toml [other].key: " in message and "and [card]'s" in message


def test_templates_that_differ_but_fill_to_one_key_are_refused_with_an_example():
    text = MINIMAL + '[jpeg]\nkey = "{folder}{stem}-card.jpg"\nsize = "10x10"\nformat = "jpeg"\n'
    message = error_of(text)
    assert message == (
        "outputs.toml [jpeg].key: '{folder}{stem}-card.jpg' and [card]'s "
        "'{folder}{stem}-card.{ext}' name one object: for folder/photo.jpg both write "
        "'folder/photo-card.jpg'; one output would overwrite the other")


@pytest.mark.parametrize(
    ("first", "second", "formats", "example"),
    [
        # Two uploads in one folder: photo-x.jpg's "small" is photo.jpg's "x-small".
        ("{folder}{stem}-small.webp", "{folder}{stem}-x-small.webp", ("webp", "webp"),
         "[second] for folder/photo.jpg and [first] for folder/photo-x.jpg both write "
         "'folder/photo-x-small.webp'; one would overwrite the other, and deleting one "
         "upload would delete the other's output"),
        # An upload under thumbs/ meets the outputs another upload's template puts there.
        ("{folder}{stem}-t.webp", "thumbs/{folder}{stem}-t.webp", ("webp", "webp"),
         "[second] for folder/photo.jpg and [first] for thumbs/folder/photo.jpg both write "
         "'thumbs/folder/photo-t.webp'"),
        # Literal text before the stem meets literal text after it: neither upload is photo.
        ("{folder}thumb-{stem}.jpg", "{folder}{stem}-small.jpg", ("jpeg", "jpeg"),
         "[second] for folder/thumb-photo.jpg and [first] for folder/photo-small.jpg both "
         "write 'folder/thumb-photo-small.jpg'"),
        # A HEIC's {ext} against a literal extension that spells it out.
        ("{folder}{stem}-t.{ext}", "{folder}{stem}-t.heic.jpg", ("same", "jpeg"),
         "for folder/photo.heic both write 'folder/photo-t.heic.jpg'"),
    ],
)
def test_templates_that_give_two_uploads_one_key_are_refused(first, second, formats, example):
    text = (f'[first]\nkey = "{first}"\nsize = "10x10"\nformat = "{formats[0]}"\n'
            f'[second]\nkey = "{second}"\nsize = "10x10"\nformat = "{formats[1]}"\n')
    message = error_of(text)
    assert message.startswith(f"outputs.toml [second].key: '{second}' and [first]'s '{first}' "
                              "name one object: ")
    assert example in message


def test_a_template_that_gives_two_uploads_of_its_own_one_key_is_refused():
    """{stem}.{ext} for a HEIC is photo.heic.jpg, which a JPEG named photo.heic.jpg gets too."""
    message = error_of('[mirror]\nkey = "{folder}{stem}.{ext}"\nsize = "10x10"\n')
    assert message == (
        "outputs.toml [mirror].key: '{folder}{stem}.{ext}' gives two uploads one object: "
        "folder/photo.heic and folder/photo.heic.jpg both get 'folder/photo.heic.jpg'; one "
        "would overwrite the other's output, and deleting one upload would delete it; put "
        "text between {stem} and .{ext} (like -mirror)")


def test_an_output_may_not_take_the_labels_sidecars_key():
    message = error_of('[tags]\nkey = "{folder}{stem}-labels.json"\nsize = "10x10"\n'
                       'format = "png"\n')
    assert message.startswith(
        "outputs.toml [tags].key: '{folder}{stem}-labels.json' and the labels sidecar's "
        "'{folder}{stem}-labels.json' (written with LABELS) name one object: "
        "for folder/photo.jpg both write 'folder/photo-labels.json'")


def test_uploads_that_differ_only_by_extension_share_a_literal_extensions_output():
    """Documented in outputs.toml: a.jpg and a.png both make a-card.webp (the last one wins)."""
    card = one_output('key = "{folder}{stem}-card.webp"\nsize = "10x10"\nformat = "webp"')
    assert {card.key_for(f"a/x.{ext}") for ext in ("jpg", "PNG", "heic")} == {"a/x-card.webp"}


def test_the_gallerys_fourteen_outputs_and_the_shipped_file_pass_the_key_checks():
    from devtools.gallery import TILES

    kinds = [tile.kind for tile in TILES]
    assert len(kinds) == 14
    load_outputs("\n".join(f'[{kind}]\nkey = "{{folder}}{{stem}}-{kind}.png"\nsize = "1x1"\n'
                           f'format = "png"\n' for kind in kinds))
    load_outputs()


def test_an_output_name_that_the_outputs_setting_could_not_list_is_named():
    message = error_of('["a,b"]\nkey = "{folder}{stem}-a.{ext}"\nsize = "10x10"\n')
    assert "outputs.toml [a,b]: " in message and "letters, digits" in message


def test_a_top_level_value_that_is_not_an_output_table_is_named():
    message = error_of(MINIMAL.replace("[card]\n", 'card = "x"\n[card2]\n'))
    assert "outputs.toml 'card': must be a table" in message


def test_not_toml_and_empty_file_are_refused():
    assert "not valid TOML" in error_of("[card\n")
    assert "declares no outputs" in error_of("")


def test_every_problem_of_the_file_is_reported_at_once():
    text = (MINIMAL + 'fit = "fill"\neffects = [{op = "blurr"}]\n'
            '[small]\nkey = "{folder}x.{ext}"\nsize = "0x0"\n')
    with pytest.raises(OutputsError) as raised:
        load_outputs(text)
    wheres = [re.match(r"outputs.toml (\S+):", line)[1] for line in raised.value.problems]
    assert wheres == ["[card].fit", "[card].effects[1].op", "[small].key", "[small].size"]


# --- effects -------------------------------------------------------------------------------

def png_bytes(size=(40, 20), mode="RGBA") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128)[:len(mode)]).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def assets(tmp_path):
    """An asset root like chalicelib/: a watermark and a font (Pillow's own default font, a
    real TrueType file), and an image just outside it."""
    from PIL import ImageFont

    root = tmp_path / "chalicelib"
    (root / "watermarks").mkdir(parents=True)
    (root / "watermarks" / "logo.png").write_bytes(png_bytes())
    (root / "fonts").mkdir()
    (root / "fonts" / "x.ttf").write_bytes(ImageFont.load_default(size=10).font_bytes)
    (tmp_path / "secret.png").write_bytes(png_bytes())
    return root


def effect_of(effect: str, **kwargs):
    (effect_,) = card_with(f"effects = [{effect}]", **kwargs).effects
    return effect_


@pytest.mark.parametrize(
    ("effect", "params"),
    [
        ('{op = "flip", direction = "vertical"}', {"direction": "vertical"}),
        ('{op = "greyscale"}', {}),
        ('{op = "brightness", factor = 1}', {"factor": 1.0}),
        ('{op = "contrast", factor = 0.5}', {"factor": 0.5}),
        ('{op = "colorize", black = "#102030", white = "#FFEEDD"}',
         {"black": (0x10, 0x20, 0x30), "white": (0xFF, 0xEE, 0xDD)}),
        ('{op = "blur", radius = 2}', {"radius": 2.0}),
        ('{op = "sharpen"}', {}),
        ('{op = "text", text = "hi"}', {"text": "hi", "gravity": "south-east", "size": 0.05,
                                        "color": (255, 255, 255), "opacity": 0.8,
                                        "font": None}),
        ('{op = "text", text = "hi", gravity = "center", size = 1, color = "#000000", '
         'opacity = 0}', {"text": "hi", "gravity": "centre", "size": 1.0, "color": (0, 0, 0),
                          "opacity": 0.0, "font": None}),
    ],
)
def test_effects_are_normalised_with_defaults(effect, params):
    parsed = effect_of(effect)
    assert parsed.op == effect.split('"')[1]
    assert dict(parsed.params) == params
    assert {k: type(v) for k, v in parsed.params.items()} == {
        k: type(v) for k, v in params.items()}


def test_effect_params_cannot_be_changed_after_validation():
    params = effect_of('{op = "blur", radius = 2}').params
    with pytest.raises(TypeError):
        params["radius"] = -1  # type: ignore[index]


def test_assets_resolve_under_the_asset_root(assets):
    mark = effect_of('{op = "watermark", image = "watermarks/logo.png", gravity = "north"}',
                     asset_root=assets)
    assert dict(mark.params) == {"image": assets.resolve() / "watermarks" / "logo.png",
                                 "gravity": "north", "scale": 0.2, "opacity": 0.5}
    text = effect_of('{op = "text", text = "x", font = "fonts/x.ttf"}', asset_root=assets)
    assert text.params["font"] == assets.resolve() / "fonts" / "x.ttf"


def test_effects_keep_the_files_order():
    output = card_with('effects = [{op = "sharpen"}, {op = "greyscale"}, '
                       '{op = "blur", radius = 1}]')
    assert [effect.op for effect in output.effects] == ["sharpen", "greyscale", "blur"]


@pytest.mark.parametrize(
    ("effect", "field", "problem"),
    [
        ('{op = "blurr"}', "op", "unknown op 'blurr'; known: flip, greyscale"),
        ('{radius = 2}', "op", "unknown op None"),
        ('"greyscale"', "", "must be a table"),
        ('{op = "greyscale", amount = 2}', "amount", "greyscale has no parameter 'amount'"),
        ('{op = "blur", sigma = 2, radius = 1}', "sigma", "(it takes radius)"),
        ('{op = "flip"}', "direction", "flip needs direction"),
        ('{op = "flip", direction = "diagonal"}', "direction",
         "must be horizontal or vertical, got 'diagonal'"),
        ('{op = "brightness"}', "factor", "brightness needs factor"),
        ('{op = "brightness", factor = 0}', "factor", "greater than 0, got 0"),
        ('{op = "contrast", factor = -1.5}', "factor", "greater than 0, got -1.5"),
        ('{op = "contrast", factor = "1.2"}', "factor", "must be a number"),
        ('{op = "contrast", factor = inf}', "factor", "greater than 0, got inf"),
        ('{op = "contrast", factor = nan}', "factor", "greater than 0, got nan"),
        ('{op = "contrast", factor = true}', "factor", "must be a number"),
        ('{op = "colorize", black = "#000000"}', "white", "colorize needs white"),
        ('{op = "colorize", black = "black", white = "#ffffff"}', "black", "colour like"),
        ('{op = "blur", radius = 0}', "radius", "greater than 0, got 0"),
        ('{op = "text"}', "text", "text needs text"),
        ('{op = "text", text = " "}', "text", "must not be empty"),
        ('{op = "text", text = "x", gravity = "top"}', "gravity", "north-west, north"),
        ('{op = "text", text = "x", size = 0}', "size", "greater than 0 and at most 1"),
        ('{op = "text", text = "x", size = 1.5}', "size", "at most 1, got 1.5"),
        ('{op = "text", text = "x", opacity = 1.1}', "opacity", "at least 0 and at most 1"),
        ('{op = "text", text = "x", opacity = -0.1}', "opacity", "at least 0 and at most 1"),
        ('{op = "text", text = "x", color = "#12345"}', "color", "colour like"),
        ('{op = "watermark"}', "image", "watermark needs image"),
        ('{op = "watermark", image = "watermarks/logo.png", scale = 0}', "scale",
         "greater than 0"),
        ('{op = "watermark", image = "watermarks/logo.png", opacity = 2}', "opacity",
         "at most 1"),
        ('{op = "watermark", image = "watermarks/logo.png", gravity = "middle"}', "gravity",
         "got 'middle'"),
    ],
)
def test_a_bad_effect_is_named_by_output_position_and_parameter(effect, field, problem):
    message = error_of(MINIMAL + f"effects = [{{op = \"sharpen\"}}, {effect}]")
    where = "[card].effects[2]" + (f".{field}" if field else "")
    assert f"outputs.toml {where}: " in message
    assert problem in message


@pytest.mark.parametrize(
    ("effect", "field", "problem"),
    [
        ('{op = "watermark", image = "watermarks/missing.png"}', "image", "no such file"),
        ('{op = "watermark", image = "watermarks"}', "image", "no such file"),  # a folder
        ('{op = "watermark", image = "../secret.png"}', "image", "a path under chalicelib/"),
        ('{op = "watermark", image = "watermarks/../../secret.png"}', "image",
         "a path under chalicelib/"),
        ('{op = "watermark", image = "/etc/passwd"}', "image", "a path under chalicelib/"),
        ('{op = "watermark", image = ""}', "image", "a path under chalicelib/"),
        ('{op = "text", text = "x", font = "fonts/missing.ttf"}', "font", "no such file"),
    ],
)
def test_a_missing_or_escaping_asset_is_named(assets, effect, field, problem):
    message = error_of(MINIMAL + f"effects = [{effect}]", asset_root=assets)
    assert f"outputs.toml [card].effects[1].{field}: " in message
    assert problem in message


def test_an_asset_reached_through_a_symlink_out_of_the_root_is_refused(assets):
    (assets / "watermarks" / "link.png").symlink_to(assets.parent / "secret.png")
    message = error_of(MINIMAL + 'effects = [{op = "watermark", image = "watermarks/link.png"}]',
                       asset_root=assets)
    assert ("outputs.toml [card].effects[1].image: watermark image 'watermarks/link.png' "
            "leads outside chalicelib/") in message


# --- overrides and IAM ---------------------------------------------------------------------

def test_with_overrides_replaces_only_what_is_given():
    thumbnail = load_outputs()["thumbnail"]
    assert with_overrides(thumbnail) == thumbnail
    changed = with_overrides(thumbnail, size=(200, 100), quality=70, background=(1, 2, 3))
    assert (changed.size, changed.quality, changed.background) == ((200, 100), 70, (1, 2, 3))
    assert (changed.name, changed.key, changed.fit) == (thumbnail.name, thumbnail.key, "contain")
    assert with_overrides(thumbnail, quality=70).size == (1280, 720)


@pytest.mark.parametrize(
    ("template", "pattern"),
    [
        ("{folder}{stem}-thumbnail.{ext}", "*-thumbnail.*"),
        ("{folder}{stem}-card.webp", "*-card.webp"),
        ("thumbs/{folder}{stem}.{ext}", "thumbs/*.*"),
        ("{stem}/{folder}x-{stem}", "*/*x-*"),
        ("{folder}*{stem}", "*"),
    ],
)
def test_resource_pattern_turns_placeholders_into_single_stars(template, pattern):
    assert resource_pattern(template) == pattern


def test_every_shipped_key_matches_its_resource_pattern():
    from fnmatch import fnmatchcase

    for output in load_outputs().values():
        key = output.key_for("a/b/x.v2.JPG")
        assert fnmatchcase(key, resource_pattern(output.key)), (output.name, key)


# --- what text and watermark effects will draw ---------------------------------------------

def test_text_longer_than_one_line_can_show_is_refused():
    """The 1,000 characters at size 1.0 of issue 17 (a gigabyte to draw) fail at load."""
    message = error_of(MINIMAL + f'effects = [{{op = "text", text = "{"x" * 1000}", size = 1.0}}]')
    assert ("outputs.toml [card].effects[1].text: text text is 1000 characters, over 200: "
            "it is drawn on one line") in message
    assert effect_of(f'{{op = "text", text = "{"x" * 200}"}}').params["text"] == "x" * 200
    assert "over 200" in error_of(MINIMAL + f'effects = [{{op = "text", text = "{"é" * 201}"}}]')


@pytest.mark.parametrize("text", ["two\\nlines", "tab\\there", "bell\\u0007"])
def test_text_with_line_breaks_or_control_characters_is_refused(text):
    message = error_of(MINIMAL + f'effects = [{{op = "text", text = "{text}"}}]')
    assert "outputs.toml [card].effects[1].text: text text must be one line of printable " \
           "characters" in message


def test_the_watermark_of_issue_17_a_file_that_is_no_image_is_refused_at_load():
    message = error_of(MINIMAL + 'effects = [{op = "watermark", image = "outputs.toml"}]')
    assert message == ("outputs.toml [card].effects[1].image: watermark image 'outputs.toml' "
                       "is no image Pillow can open (PNG, WebP, JPEG...)")


def test_a_truncated_or_oversized_watermark_is_refused(assets):
    whole = png_bytes((300, 300), "RGB")
    (assets / "watermarks" / "cut.png").write_bytes(whole[:len(whole) // 2])
    message = error_of(MINIMAL + 'effects = [{op = "watermark", image = "watermarks/cut.png"}]',
                       asset_root=assets)
    assert message.startswith("outputs.toml [card].effects[1].image: watermark image "
                              "'watermarks/cut.png' cannot be read whole: ")
    (assets / "watermarks" / "huge.png").write_bytes(png_bytes((4096, 1025), "L"))
    message = error_of(MINIMAL + 'effects = [{op = "watermark", image = "watermarks/huge.png"}]',
                       asset_root=assets)
    assert message == ("outputs.toml [card].effects[1].image: watermark image "
                       "'watermarks/huge.png' is 4096x1025, over 4,194,304 pixels (2048x2048)")


def test_any_image_pillow_reads_is_a_watermark(assets):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2048, 2048), (10, 20, 30)).save(out, "JPEG")
    (assets / "watermarks" / "logo.jpg").write_bytes(out.getvalue())
    mark = effect_of('{op = "watermark", image = "watermarks/logo.jpg"}', asset_root=assets)
    assert mark.params["image"] == assets.resolve() / "watermarks" / "logo.jpg"


def test_a_font_that_pillow_cannot_load_is_refused(assets):
    (assets / "fonts" / "notes.ttf").write_text("not a font")
    message = error_of(MINIMAL + 'effects = [{op = "text", text = "x", font = "fonts/notes.ttf"}]',
                       asset_root=assets)
    assert message.startswith("outputs.toml [card].effects[1].font: text font 'fonts/notes.ttf' "
                              "is no font Pillow can load (TrueType or OpenType): ")
    (assets / "fonts" / "logo.png").write_bytes(png_bytes())
    assert "is no font" in error_of(
        MINIMAL + 'effects = [{op = "text", text = "x", font = "fonts/logo.png"}]',
        asset_root=assets)
