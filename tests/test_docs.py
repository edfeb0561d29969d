"""The docs point at things that exist: README.md and docs/*.md.

Every relative link (and image) resolves to a file or folder of the repository, every `#anchor`
to a heading of the page it names (GitHub's heading slugs), and every `make <target>` the docs
show is a target of the Makefile. Every page under docs/ is linked from the README and links
back to it.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from pathlib import Path

import pytest

from devtools.stage import PROJECT_DIR

PAGES = [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_RULE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*(?:\s+[A-Za-z0-9][A-Za-z0-9_.-]*)*)\s*:(?![:=])")


def split_fences(text: str) -> tuple[list[str], list[str]]:
    """(prose lines, lines inside fenced code blocks)."""
    prose, code, fenced = [], [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif fenced:
            code.append(line)
        else:
            prose.append(line)
    return prose, code


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading (github-slugger): the rendered text lower-cased, every
    character but letters, marks, digits, spaces, `-` and `_` dropped, spaces made hyphens."""
    text = _CODE_SPAN.sub(lambda match: match[2], heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("*", "").lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LMN")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading's slug; a repeated slug gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    result = set()
    for line in split_fences(page.read_text(encoding="utf-8"))[0]:
        match = _HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match[2])
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def links(page: Path) -> list[str]:
    """Link and image targets in the prose (code spans and blocks are not markdown); a link's
    text may run over a line break."""
    prose = "\n".join(split_fences(page.read_text(encoding="utf-8"))[0])
    return _LINK.findall(_CODE_SPAN.sub("", prose))


def broken_links(page: Path) -> list[str]:
    problems = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
            continue
        path_part, _, anchor = target.partition("#")
        linked = (page.parent / path_part).resolve() if path_part else page
        if not linked.is_relative_to(PROJECT_DIR) or not linked.exists():
            problems.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{target}: no heading #{anchor} in {linked.name}")
    return problems


def makefile_targets(makefile: Path = PROJECT_DIR / "Makefile") -> set[str]:
    targets = set()
    for line in makefile.read_text(encoding="utf-8").splitlines():
        match = _RULE.match(line)
        if match:
            targets.update(match[1].split())
    return targets


def make_targets_named(page: Path) -> set[str]:
    """The target of every `make ...` command the page shows, in code spans and code blocks."""
    prose, code = split_fences(page.read_text(encoding="utf-8"))
    commands = [span[1] for line in prose for span in _CODE_SPAN.findall(line)]
    commands += [line.strip().removeprefix("$ ") for line in code]
    named = set()
    for command in commands:
        if not command.startswith("make "):
            continue
        try:
            words = shlex.split(command, comments=True)[1:]
        except ValueError:  # an unbalanced quote in an example: the words before it will do
            words = command.split()[1:]
        target = next((word for word in words if "=" not in word and not word.startswith("-")),
                      None)
        if target and not target.startswith("<"):  # `make <target>`: a placeholder
            named.add(target)
    return named


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_and_anchor_resolves(page):
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_make_target_the_docs_name_is_in_the_makefile(page):
    unknown = make_targets_named(page) - makefile_targets()
    assert unknown == set(), f"{page.name} names make targets the Makefile lacks"


def test_every_page_is_linked_from_the_readme_and_links_back():
    readme = PROJECT_DIR / "README.md"
    from_readme = {(PROJECT_DIR / target.partition("#")[0]).resolve() for target in links(readme)}
    for page in PAGES[1:]:
        assert page.resolve() in from_readme, f"README.md does not link {page.name}"
        back = {(page.parent / target.partition("#")[0]).resolve() for target in links(page)}
        assert readme.resolve() in back, f"{page.name} does not link back to README.md"


def test_the_checks_see_what_they_check():
    """The parsers find what the docs contain: targets, links, anchors (else the tests above
    would pass on nothing)."""
    assert {"demo", "test", "dev", "policy", "package", "help"} <= makefile_targets()
    assert "STAGE" not in makefile_targets() and "SHELL" not in makefile_targets()
    assert {"demo", "test"} <= make_targets_named(PROJECT_DIR / "README.md")
    assert "docs/local.md#the-local-endpoint-and-its-stand-ins" in links(PROJECT_DIR / "README.md")
    assert github_slug("After `chalice deploy`: retries and a failure destination") == (
        "after-chalice-deploy-retries-and-a-failure-destination")
    assert github_slug("Triggers: `TRIGGER=s3` or `TRIGGER=eventbridge`") == (
        "triggers-triggers3-or-triggereventbridge")
    assert github_slug("Été 2026 — naïve") == "été-2026--naïve"


def toml_examples(page: Path) -> list[str]:
    return re.findall(r"^```toml\n(.*?)^```", page.read_text(), flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_outputs_toml_example_loads_beside_the_shipped_outputs(page):
    """An example a user copies into outputs.toml must pass the same validation (key templates
    that collide or lack {folder} are refused at load)."""
    from chalicelib.config.outputs import ASSET_DIR, load_outputs

    shipped = (ASSET_DIR / "outputs.toml").read_text()
    for example in toml_examples(page):
        load_outputs(shipped + "\n" + example)


def test_the_toml_example_finder_finds_the_outputs_page_example():
    assert any("[avatar]" in example for example in toml_examples(PROJECT_DIR / "docs/outputs.md"))
