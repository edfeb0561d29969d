"""pipeline/setup.py: the settings a handler runs with, outputs.toml read once per process, and
limits no image could meet in the function's memory refused."""

from __future__ import annotations

import pytest

from chalicelib.config import outputs
from chalicelib.config.settings import Settings, SettingsError
from chalicelib.pipeline import setup
from chalicelib.pipeline.setup import load_settings

BUCKETS = {"SOURCE_BUCKET": "photos-in", "TARGET_BUCKET": "photos-thumbs"}


def test_settings_come_from_the_outputs_they_are_given_not_from_a_patched_cache():
    poster = outputs.load_outputs('[poster]\nkey = "{folder}{stem}-poster.png"\n'
                                  'size = "100x100"\nformat = "png"\n')
    settings = Settings.from_env({**BUCKETS, "OUTPUTS": "poster"}, poster)
    assert [output.name for output in settings.outputs] == ["poster"]
    with pytest.raises(SettingsError, match=r"OUTPUTS.*'poster'.*declares card, large, marked"):
        load_settings({**BUCKETS, "OUTPUTS": "poster"})  # the shipped file has none


def test_load_settings_reads_outputs_toml_once_per_process(monkeypatch):
    reads = []

    def counting_load_outputs(*args, **kwargs):
        reads.append(args)
        return real_load_outputs(*args, **kwargs)

    real_load_outputs = outputs.load_outputs
    monkeypatch.setattr(outputs, "load_outputs", counting_load_outputs)
    setup.declared_outputs.cache_clear()
    try:
        first = load_settings(BUCKETS)
        second = load_settings({**BUCKETS, "OUTPUTS": "card"})  # the environment: every time
    finally:
        setup.declared_outputs.cache_clear()
    assert reads == [()]
    assert [o.name for o in first.outputs] == ["thumbnail"]
    assert [o.name for o in second.outputs] == ["card"]


@pytest.mark.parametrize(
    "contradiction",
    [
        {"MAX_SOURCE_PIXELS": str(10**10)},  # a grey PNG at the limit alone is 10 GB
        {"THUMBNAIL_SIZE": "10000x10000"},  # the output alone is 400 MB, times its copies
        {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256"},  # 128 MB left for a 150 MB grey PNG
    ],
)
def test_limits_no_image_could_meet_in_the_functions_memory_are_refused(contradiction):
    environment = {**BUCKETS, **contradiction}
    Settings.from_env(environment, setup.declared_outputs())  # each value alone is valid
    with pytest.raises(SettingsError, match=r"cannot fit.*\d MB.*lambda_memory_size"):
        load_settings(environment)


def test_the_same_limits_fit_a_bigger_function():
    settings = load_settings({**BUCKETS, "MAX_SOURCE_PIXELS": str(600_000_000),
                              "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048"})
    assert settings.function_memory_mb == 2048
    with pytest.raises(SettingsError, match="MAX_SOURCE_PIXELS"):
        load_settings({**BUCKETS, "MAX_SOURCE_PIXELS": str(600_000_000),
                       "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"})


def test_a_function_smaller_than_the_runtime_is_refused():
    with pytest.raises(SettingsError, match="AWS_LAMBDA_FUNCTION_MEMORY_SIZE"):
        load_settings({**BUCKETS, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"})


def test_the_picture_for_rekognition_counts_when_it_is_the_largest():
    # 512 MB: 384 MB for images. At 330 MP a 100x100 output fits (about 344 MB), the
    # 1280x1280 picture LABELS renders for Rekognition does not (about 394 MB).
    small = {**BUCKETS, "THUMBNAIL_SIZE": "100x100", "MAX_SOURCE_PIXELS": str(330_000_000),
             "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"}
    assert load_settings(small).labels is None
    with pytest.raises(SettingsError, match="the image LABELS sends to Rekognition, 1280x1280"):
        load_settings({**small, "LABELS": "labels"})


def test_config_imports_nothing_from_aws_pipeline_or_the_memory_budget():
    """config/ parses values; AWS (Rekognition's picture) and memory (image/budget) are
    pipeline/setup.py's, so config stays importable and testable without them."""
    import ast
    from pathlib import Path

    import chalicelib.config

    forbidden = ("chalicelib.aws", "chalicelib.pipeline", "chalicelib.image.budget")
    found = []
    for path in sorted(Path(chalicelib.config.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [f"{path.name}: {name}" for name in names
                      if name.startswith(forbidden)]
    assert found == []
