"""Renders Blender's factory-startup scene at 16x16 with one render engine.

Run by Lightbox preflight, one Blender process per engine (a crashing engine must not hide
the others):

    blender -b --factory-startup ... --python probe_engine.py -- --engine CYCLES --out /tmp/x.png

Prints exactly one line starting with LIGHTBOX_RESULT followed by JSON. Blender prints plenty
of its own output, so Lightbox only trusts lines carrying that marker.
Works with Blender 3.x and 4.x.
"""

import os
import sys
import time

import bpy

# Shipped scripts may sit in a read-only folder: never write __pycache__ beside them.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lightbox_jobs import render as job_render  # noqa: E402
from lightbox_jobs.script_io import parse_script_args, render_exact, reply, run_script  # noqa: E402

SIZE = 16


def parse_args():
    def declare(parser):
        parser.add_argument("--engine", required=True)
        parser.add_argument("--out", required=True)

    return parse_script_args("probe_engine.py", declare)


# Preflight names engines as Blender does; the job code takes the render-preset names.
JOB_ENGINE = {"CYCLES": "cycles", "BLENDER_EEVEE": "eevee", "BLENDER_WORKBENCH": "workbench"}


def configure(scene, engine):
    """The renderer exactly as render jobs set it (lightbox_jobs.render), at 16x16 and 1 sample."""
    if engine not in JOB_ENGINE:
        raise ValueError("unknown engine %s; expected one of %s" % (engine, ", ".join(JOB_ENGINE)))
    used = job_render.configure_renderer(scene, {"engine": JOB_ENGINE[engine], "samples": 1, "seed": 0, "denoise": False, "threads": 0})
    render = scene.render
    render.resolution_x = SIZE
    render.resolution_y = SIZE
    render.resolution_percentage = 100
    render.use_border = False
    render.image_settings.file_format = "PNG"
    return used


def denoiser_available():
    """Whether Cycles was built with OpenImageDenoise (Debian's 3.4 is not); None when unknown."""
    try:
        import _cycles

        value = getattr(_cycles, "with_openimagedenoise", None)
        return bool(value) if value is not None else None
    except ImportError:
        return None


def main():
    args = parse_args()
    started = time.monotonic()
    scene = bpy.context.scene
    used = configure(scene, args.engine)
    render_exact(scene, args.out)

    reply(
        {
            "ok": True,
            "engine": args.engine,
            "engineUsed": used,
            "width": SIZE,
            "height": SIZE,
            "file": args.out,
            "blender": bpy.app.version_string,
            "denoiser": denoiser_available(),
            "seconds": round(time.monotonic() - started, 3),
        }
    )


if __name__ == "__main__":
    run_script(main)
