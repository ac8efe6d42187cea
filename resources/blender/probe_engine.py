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
from lightbox_jobs.script_io import parse_script_args, reply, run_script  # noqa: E402

SIZE = 16


def parse_args():
    def declare(parser):
        parser.add_argument("--engine", required=True)
        parser.add_argument("--out", required=True)

    return parse_script_args("probe_engine.py", declare)


def set_engine(scene, requested):
    """Sets the engine, mapping names that changed between Blender versions.

    Eevee is BLENDER_EEVEE up to 4.1 and BLENDER_EEVEE_NEXT from 4.2. The enum is filled
    dynamically (add-on engines like Cycles register late), so try the assignment rather
    than trusting the listed identifiers alone.
    """
    aliases = {"BLENDER_EEVEE": ["BLENDER_EEVEE", "BLENDER_EEVEE_NEXT"]}
    errors = []
    for candidate in aliases.get(requested, [requested]):
        try:
            scene.render.engine = candidate
        except TypeError as error:
            # Blender's text lists the valid identifiers; drop its generic prefix.
            errors.append(str(error).strip().replace("bpy_struct: item.attr = val: ", ""))
            continue
        if scene.render.engine == candidate:
            return candidate
    raise RuntimeError(
        "render engine %s is not available in this Blender%s"
        % (requested, (": " + errors[-1]) if errors else "")
    )


def configure(scene, engine):
    render = scene.render
    render.resolution_x = SIZE
    render.resolution_y = SIZE
    render.resolution_percentage = 100
    render.use_border = False
    render.image_settings.file_format = "PNG"

    if engine == "CYCLES":
        cycles = scene.cycles
        cycles.device = "CPU"
        cycles.samples = 1
        cycles.seed = 0
        if hasattr(cycles, "use_adaptive_sampling"):
            cycles.use_adaptive_sampling = False
        # Many distribution builds lack OpenImageDenoise; denoising would fail the render.
        if hasattr(cycles, "use_denoising"):
            cycles.use_denoising = False
        for layer in scene.view_layers:
            layer_cycles = getattr(layer, "cycles", None)
            if layer_cycles is not None and hasattr(layer_cycles, "use_denoising"):
                layer_cycles.use_denoising = False
    elif engine.startswith("BLENDER_EEVEE"):
        # One sample is enough to prove Eevee can draw; the default 64 only costs time.
        if hasattr(scene.eevee, "taa_render_samples"):
            scene.eevee.taa_render_samples = 1


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
    used = set_engine(scene, args.engine)
    configure(scene, used)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    bpy.ops.render.render(write_still=False)
    # save_render writes the exact path; render.filepath would expand '#' and add extensions.
    bpy.data.images["Render Result"].save_render(filepath=args.out, scene=scene)
    if not os.path.isfile(args.out):
        raise RuntimeError("render finished but %s was not written" % args.out)

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
