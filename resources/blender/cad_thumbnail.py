"""Renders a thumbnail of a normalized CAD GLB (from Lightbox's CAD ingest), one-shot:

    blender -b --factory-startup ... --python cad_thumbnail.py -- --glb in.glb --out thumb.png --size 256

The same job code the farm runs for `cad_thumbnail` jobs (lightbox_jobs/thumbnail.py). Prints
one LIGHTBOX_RESULT {json} line. Works with Blender 3.x and 4.x.
"""

import os
import sys
import time

import bpy

# Shipped scripts may sit in a read-only folder: never write __pycache__ beside them.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lightbox_jobs.script_io import parse_script_args, reply, run_script  # noqa: E402
from lightbox_jobs.thumbnail import cad_thumbnail  # noqa: E402


def parse_args():
    def declare(parser):
        parser.add_argument("--glb", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--size", type=int, default=256)

    return parse_script_args("cad_thumbnail.py", declare)


def main():
    args = parse_args()
    started = time.monotonic()
    result = cad_thumbnail({"glb": args.glb, "out": args.out, "size": args.size})
    reply(dict(result, ok=True, blender=bpy.app.version_string, seconds=round(time.monotonic() - started, 3)))


if __name__ == "__main__":
    run_script(main)
