"""Imports a PLY, FBX or Collada file with Blender's own importer and writes a GLB, one-shot:

    blender -b --factory-startup ... --python mesh_import.py -- --input in.fbx --format fbx --out out.glb [--scale 0.001]

The same job code the farm runs for `mesh_import` jobs (lightbox_jobs/mesh_import.py). Prints
one LIGHTBOX_RESULT {json} line.
"""

import os
import sys
import time

import bpy

# Shipped scripts may sit in a read-only folder: never write __pycache__ beside them.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lightbox_jobs.mesh_import import mesh_import  # noqa: E402
from lightbox_jobs.script_io import parse_script_args, reply, run_script  # noqa: E402


def parse_args():
    def declare(parser):
        parser.add_argument("--input", required=True)
        parser.add_argument("--format", required=True, choices=["ply", "fbx", "collada"])
        parser.add_argument("--out", required=True)
        parser.add_argument("--scale", type=float, default=1.0)

    return parse_script_args("mesh_import.py", declare)


def main():
    args = parse_args()
    started = time.monotonic()
    result = mesh_import({"input": args.input, "format": args.format, "out": args.out, "scale": args.scale})
    reply(dict(result, ok=True, blender=bpy.app.version_string, seconds=round(time.monotonic() - started, 3)))


if __name__ == "__main__":
    run_script(main)
