"""The demo's contact sheet (demo-output/index.html): each upload's original beside every output
made of it, drawn at one scale, with its labels, backup, events, and (MANIFEST) its placeholder
and a <picture> from its manifest. A self-contained page: relative links only, no server."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote

from PIL import Image

from devtools import thumbhash_preview


def _labels_html(line: dict) -> str:
    """What Rekognition said (locally: moto's fixed label, the stand-in's moderation)."""
    parts = []
    if not line.get("labels_key"):  # never analysed (not an image): only the backup to show
        return f'<p class="labels">backup: {html.escape(line["backup"])}</p>' if line.get(
            "backup") else ""
    if line.get("labels"):
        parts.append("labels: " + ", ".join(
            f"{html.escape(label['name'])} {label['confidence']:.1f}%" for label in line["labels"]))
    moderation = line.get("moderation_labels", ())
    parts.append("moderation: " + (", ".join(
        f"{html.escape(label['name'])} {label['confidence']:.1f}%" for label in moderation)
        if moderation else "nothing flagged"))
    if line.get("labels_key"):
        parts.append(f'<a href="outputs/{quote(line["labels_key"])}">'
                     f'{html.escape(line["labels_key"].rpartition("/")[2])}</a>')
    if line.get("backup"):
        parts.append(f"backup: {html.escape(line['backup'])}")
    return f'<p class="labels">{" · ".join(parts)}</p>'


def _manifest_html(line: dict, output_dir: Path) -> str:
    """MANIFEST: the placeholder a page shows while loading (the ThumbHash drawn, on the
    dominant colour), and the responsive <picture> the manifest's srcset strings make."""
    if not line.get("manifest_key"):
        return ""
    path = f"outputs/{line['manifest_key']}"
    manifest = json.loads((output_dir / path).read_text(encoding="utf-8"))
    placeholder = manifest["placeholder"]
    width, height = manifest["source"]["width"], manifest["source"]["height"]
    sources = "".join(
        f'<source type="image/{image_format}" srcset="{html.escape(_under_outputs(srcset))}" '
        f'sizes="200px">' for image_format, srcset in manifest["srcset"].items()
        if image_format != "jpeg")
    fallback = manifest["srcset"].get("jpeg") or next(iter(manifest["srcset"].values()))
    picture = (f'<picture>{sources}<img srcset="{html.escape(_under_outputs(fallback))}" '
               f'sizes="200px" width="200" height="{round(200 * height / width)}" '
               f'alt="responsive" style="background: {placeholder["color"] or "#ddd"}"></picture>')
    return (f'<div class="manifest"><figure><img class="placeholder" alt="placeholder" '
            f'src="{thumbhash_preview.data_uri(placeholder["thumbhash"])}" '
            f'style="background: {placeholder["color"] or "transparent"}">'
            f'<figcaption>placeholder: ThumbHash <code>{html.escape(placeholder["thumbhash"])}'
            f'</code> ({len(placeholder["thumbhash"])} characters) on the dominant colour '
            f'{html.escape(placeholder["color"])}</figcaption></figure>'
            f'<figure>{picture}<figcaption><code>&lt;picture&gt;</code> from '
            f'<a href="{quote(path)}">the manifest</a>\'s srcset: the browser picks the '
            f'output that fits</figcaption></figure></div>')


def _under_outputs(srcset: str) -> str:
    """A manifest's srcset (keys relative to the bucket's root) as the page's relative URLs."""
    return ", ".join(f"outputs/{entry.strip()}" for entry in srcset.split(","))


def _original(path: str, key: str) -> str:
    """The upload as the page shows it: browsers cannot show HEIC/HEIF, so a link to it."""
    if key.rpartition(".")[2].lower() in ("heic", "heif"):
        return (f'<p class="nopreview"><a href="{path}">the HEIC file</a>: browsers cannot '
                f'show it; the outputs are JPEG</p>')
    return f'<img src="{path}" alt="original">'


# Outputs are drawn at one scale, so their sizes compare: the widest output on the page is
# drawn this wide (CSS px), or narrower on a narrow screen.
WIDEST_OUTPUT_PX = 360


def contact_sheet(rows, output_dir: Path, backups: list[str] = (),
                  output_names: list[str] = ()) -> str:
    """A self-contained page: relative links only, so it opens from the file system.

    Each output's format is read back from the file written (what S3 holds), not assumed.
    Every output is drawn at the same scale (CSS px per output pixel: --px), so a 640x360
    card is half as wide as a 1280x720 thumbnail on the page too."""
    from chalicelib.config.outputs import load_outputs

    declared = load_outputs()
    widest = max((int(output["size"].split("x")[0]) for row in rows if row[3]
                  for output in (*row[3].get("outputs", ()), *row[3].get("requested", ()))),
                 default=1)
    cards = []
    for key, what, size, logged, error, removed, left, on_bus in rows:
        line = logged or {"outcome": "failed", "reason": error or "no log line", "ms": 0.0}
        outcome = line["outcome"]
        original = f"originals/{quote(key)}"
        extra = ""
        if outcome == "written":
            figures = [f'<figure class="original">{_original(original, key)}'
                       f'<figcaption><b>original</b> {line["source_size"]}, not to scale'
                       f'<br>{size:,} bytes</figcaption></figure>']
            for output in line.get("outputs", ()):
                figures.append(_output_figure(output, output_dir, declared))
            for output in line.get("requested", ()):
                figures.append(_output_figure(
                    output, output_dir, declared,
                    f"made on its first request ({output['served_by']})"))
            pictures = "".join(figures) + _labels_html(line) + _manifest_html(line, output_dir)
        elif outcome == "quarantined":
            pictures = (f'<figure class="original">{_original(original, key)}'
                        f'<figcaption><b>original</b> {line["source_size"]}<br>{size:,} bytes'
                        f'</figcaption></figure><div><p class="reason">'
                        f'{html.escape(line.get("reason", ""))}</p><p>No output written; '
                        f'the upload stays in the source bucket for review.</p>'
                        f'{_labels_html(line)}</div>')
        else:
            pictures = (f'<div><p class="reason">{html.escape(line.get("reason", ""))}</p>'
                        f'<p><a href="{original}">the uploaded file</a> ({size:,} bytes), '
                        f'not shown: it is not a renderable image</p>'
                        f'{_labels_html(line)}</div>')
        badges = f'<span class="badge">{outcome}</span>'
        if removed:
            badges += f' <span class="badge">{removed["outcome"]}</span>'
            gone = ", ".join(f"<code>{html.escape(k)}</code>" for k in removed.get("deleted", ()))
            extra = (f'<p class="removed">Then the upload was deleted from the source bucket; '
                     f'its delete event deleted {gone} from the target bucket '
                     f'({len(left or ())} of them still there afterwards). Shown above as they '
                     f'were before. Its backup stays.</p>')
        if on_bus:
            extra += (f'<p class="labels">on the event bus: '
                      f'{html.escape(", ".join(on_bus))}</p>')
        cards.append(
            f'<section class="{outcome}"><h2><code>{html.escape(key)}</code> '
            f'{badges} <span class="ms">{line["ms"]:.0f} ms</span></h2>'
            f'<p class="what">{html.escape(what)}</p><div class="pair">{pictures}</div>'
            f'{extra}</section>'
        )
    names = ", ".join(f"<b>{html.escape(name)}</b>" for name in output_names)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>thumbnailer demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root {{ --px: min({WIDEST_OUTPUT_PX / widest:.5f}px, calc((100vw - 5em) / {widest})); }}
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; padding: 0 1em;
  max-width: 1200px; color: #222; }}
section {{ border: 1px solid #ddd; border-radius: 8px; padding: 0.5em 1em 1em; margin: 1em 0; }}
h2 {{ font-size: 1.05em; overflow-wrap: anywhere; }} .what {{ color: #555; margin-top: -0.5em; }}
.badge {{ padding: 0.1em 0.6em; border-radius: 1em; color: white; font-size: 0.85em; }}
.written .badge {{ background: #2a7d2e; }} .skipped .badge {{ background: #a66b00; }}
.failed .badge {{ background: #b00020; }} .ms {{ color: #777; font-weight: normal; }}
.quarantined .badge {{ background: #6a1b9a; }} .labels {{ color: #444; font-size: 0.9em;
  flex-basis: 100%; margin: 0.3em 0 0; }} .removed {{ color: #444; }}
.pair {{ display: flex; gap: 1em; align-items: flex-start; flex-wrap: wrap; }}
figure {{ margin: 0; }} figure img {{ display: block;
  background: repeating-conic-gradient(#ccc 0 25%, #fff 0 50%) 0 0 / 16px 16px; }}
figure.original {{ max-width: 170px; }}
.manifest {{ display: flex; gap: 1.5em; flex-wrap: wrap; align-items: flex-start;
  margin-top: 0.5em; }}
.manifest figure {{ max-width: 260px; }} img.placeholder {{ width: 200px; height: auto; }}
figure.original img {{ max-width: 100%; max-height: 160px; }}
figure.output {{ width: max(9em, calc(var(--w) * var(--px))); }}
figure.output img {{ width: calc(var(--w) * var(--px)); height: calc(var(--h) * var(--px)); }}
figcaption {{ color: #555; font-size: 0.85em; overflow-wrap: anywhere; }}
figcaption code {{ font-size: 0.85em; }} .recipe {{ color: #777; }}
.reason {{ font-family: monospace; overflow-wrap: anywhere; }}
</style></head><body>
<h1>thumbnailer demo</h1>
<p>Each upload to the local S3 source bucket went through the real Lambda handler, with
<code>OUTPUTS={html.escape(",".join(output_names))}</code>: every output declared in
<code>chalicelib/config/outputs.toml</code> ({names}), and with the backup copy
(<code>BACKUP_BUCKET</code>) and labels and moderation (<code>LABELS=labels,moderation</code>) on.
Locally the labels are the moto server's fixed answer and moderation is the stand-in's toy model
(mostly pure red is flagged); on AWS both are Amazon Rekognition's. The backup bucket holds
{len(backups)} copies. Each upload's processed-image events (<code>EVENT_BUS</code>) are listed
as a rule on the bus delivered them to a queue, in <code>bus-events.json</code>; a skipped
upload's event says so. The original is on the left, scaled to fit; then each output as stored
in the target bucket: its name, format (read back from the file), size, bytes, fit, box and
effects, and key. The outputs are all drawn at one scale, so their sizes compare (the widest,
{widest} pixels, {WIDEST_OUTPUT_PX} CSS pixels wide, less on a narrow screen). The checkerboard
shows through transparent pixels. Outputs made on request (<code>when = "request"</code>) were
not made by the upload: they were asked for by URL afterwards, as a browser would, through the
local renditions URL; the first request reached the renditions function, which rendered and
stored the output, and the next was answered by the target bucket.</p>
{''.join(cards)}
</body></html>
"""


def _output_figure(output: dict, output_dir: Path, declared: dict, note: str = "") -> str:
    """One output at the page's common scale (--px), its size as written in the style."""
    path = f"outputs/{output['key']}"
    with Image.open(output_dir / path) as written:
        image_format = written.format
        width, height = written.size
    spec = declared.get(output["name"])
    recipe = ""
    if spec is not None:
        box = "x".join(map(str, spec.size))
        recipe = f"{spec.fit} {box}" + "".join(f", {effect.op}" for effect in spec.effects)
    return (f'<figure class="output" style="--w: {width}; --h: {height}">'
            f'<img src="{quote(path)}" alt="{html.escape(output["name"])}">'
            f'<figcaption><b>{html.escape(output["name"])}</b> {image_format} '
            f'{output["size"]}<br>{output["bytes"]:,} bytes'
            f'<br><span class="recipe">{html.escape(recipe)}</span>'
            f'<br><code>{html.escape(output["key"])}</code>'
            + (f'<br><i>{html.escape(note)}</i>' if note else "") + '</figcaption></figure>')
