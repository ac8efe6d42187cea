"""Reports the Python Blender actually runs, and that renders' Python needs work in it.

Run by Lightbox preflight:

    blender -b --factory-startup ... --python probe_python.py -- --glb /tmp/box.glb

Imports numpy (the glTF importer needs it) and the given GLB the way render jobs do
(lightbox_jobs.scene.import_glb), then prints one LIGHTBOX_RESULT line: sys.version,
sys.executable, sys.prefix, numpy's version and file, and the meshes imported. A PYTHONPATH,
PYTHONHOME or a python3 first on PATH that leaked into Blender shows here, not in a render.
"""

import os
import sys

# Shipped scripts may sit in a read-only folder: never write __pycache__ beside them.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lightbox_jobs.script_io import parse_script_args, reply, run_script  # noqa: E402


def parse_args():
    def declare(parser):
        parser.add_argument("--glb", required=True)

    return parse_script_args("probe_python.py", declare)


def main():
    args = parse_args()
    python = {"version": sys.version.split()[0], "executable": sys.executable, "prefix": sys.prefix}
    try:
        import numpy
    except BaseException as error:  # noqa: BLE001 - any failure is the answer
        reply({"ok": False, "python": python, "error": "numpy does not import in Blender's Python: %s: %s" % (type(error).__name__, error)})
        os._exit(1)
    numpy_info = {"version": str(getattr(numpy, "__version__", "?")), "file": str(getattr(numpy, "__file__", ""))}

    from lightbox_jobs import scene

    scene.reset()
    try:
        meshes = scene.import_glb(args.glb)
    except BaseException as error:  # noqa: BLE001
        reply({"ok": False, "python": python, "numpy": numpy_info, "error": "a glTF does not import: %s: %s" % (type(error).__name__, error)})
        os._exit(1)
    reply({"ok": True, "python": python, "numpy": numpy_info, "meshes": len(meshes)})


if __name__ == "__main__":
    run_script(main)
