"""Runs one Lambda handler the way the python3.13 runtime does, in a process of its own.

Started with `python -I -S`, so nothing from the developer's environment is importable: sys.path
is the function code (/var/task), the layer (/opt/python/...), the runtime's own boto3, and the
standard library. Usage: lambda_bootstrap.py HANDLER EVENT_JSON TASK_DIR OPT_DIR RUNTIME_DIR
"""

import importlib
import json
import logging
import sys

# The runtime's own logging: a root handler that prefixes each line (here on stderr; Lambda
# sends it to the log stream, as it does stdout).
_runtime_handler = logging.StreamHandler(sys.stderr)
_runtime_handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s\t%(message)s"))
logging.getLogger().addHandler(_runtime_handler)

handler, event_file, task_dir, opt_dir, runtime_dir = sys.argv[1:6]

# What the package's own code makes Python compile from source (/var/task and /opt are
# read-only on Lambda, so this happens at every cold start; run with -B to keep it so here).
compiled_from_source = []


def _count_compiles(event, args):
    if event == "compile" and isinstance(args[1], str) and args[1].startswith((task_dir, opt_dir)):
        compiled_from_source.append(args[1])


sys.addaudithook(_count_compiles)
sys.path[:0] = [task_dir, f"{opt_dir}/python/lib/python3.13/site-packages", f"{opt_dir}/python",
                runtime_dir]
module_name, _, function_name = handler.rpartition(".")
module = importlib.import_module(module_name)
with open(event_file) as file:
    event = json.load(file)
result = getattr(module, function_name)(event, None)
pil = sys.modules["PIL"].__file__
pi_heif = getattr(sys.modules.get("pi_heif"), "__file__", None)  # loaded only for a HEIF
print(json.dumps({"result": result, "PIL": pil, "pi_heif": pi_heif,
                  "compiled_from_source": compiled_from_source}))
