"""`python -m devtools.bench`: see the package docstring."""

import sys

from devtools.bench.cli import main

sys.exit(main())
