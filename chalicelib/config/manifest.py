"""MANIFEST=true: beside each upload's outputs, a JSON file a web page reads (docs/renditions.md):
the source's size, every output with its key and pixel size, `srcset` strings, a placeholder."""

MANIFEST_TEMPLATE = "{folder}{stem}-manifest.json"
