"""Render settings, output formats and the render/export jobs."""

import math
import os
import time

import bpy

from . import compat, metadata, protocol, script_io, scene as scene_mod

WORKBENCH_AA = [(32, "32"), (16, "16"), (11, "11"), (8, "8"), (5, "5"), (2, "FXAA"), (1, "OFF")]


def configure_renderer(scene, renderer):
    engine = renderer.get("engine", "cycles")
    used = compat.set_engine(scene, engine)
    samples = int(renderer.get("samples", 64))
    render = scene.render
    threads = int(renderer.get("threads", 0))
    if threads > 0:
        render.threads_mode = "FIXED"
        render.threads = threads
    else:
        render.threads_mode = "AUTO"
    if used == "CYCLES":
        cycles = scene.cycles
        cycles.device = "CPU"
        cycles.samples = samples
        cycles.seed = int(renderer.get("seed", 0))
        cycles.use_animated_seed = False
        # Adaptive sampling stops per pixel on a noise estimate: not reproducible enough.
        if hasattr(cycles, "use_adaptive_sampling"):
            cycles.use_adaptive_sampling = False
        denoise = bool(renderer.get("denoise", False))
        if hasattr(cycles, "use_denoising"):
            cycles.use_denoising = denoise
        for layer in scene.view_layers:
            layer_cycles = getattr(layer, "cycles", None)
            if layer_cycles is not None and hasattr(layer_cycles, "use_denoising"):
                layer_cycles.use_denoising = denoise
    elif used.startswith("BLENDER_EEVEE"):
        scene.eevee.taa_render_samples = samples
    else:
        # Workbench has no sample count; map it onto its anti-aliasing levels.
        scene.display.render_aa = next(v for n, v in WORKBENCH_AA if samples >= n)
        scene.display.shading.light = "STUDIO"
        scene.display.shading.color_type = "MATERIAL"
    return used


def configure_output(scene, output, transparent):
    """Image format of the written file. Metadata stamps off: they embed times and host names."""
    render = scene.render
    render.use_stamp = False
    for name in dir(render):
        if name.startswith("use_stamp_"):
            try:
                setattr(render, name, False)
            except (AttributeError, TypeError):
                pass
    render.use_file_extension = False
    render.use_compositing = False
    render.use_sequencer = False
    fmt = output.get("format", "png")
    depth = int(output.get("color_depth", 8))
    quality = int(output.get("quality", 90))
    img = render.image_settings
    if fmt == "png":
        img.file_format = "PNG"
        img.color_mode = "RGBA" if transparent else "RGB"
        img.color_depth = "16" if depth == 16 else "8"
        img.compression = 15
    elif fmt == "jpeg":
        img.file_format = "JPEG"
        img.color_mode = "RGB"  # JPEG has no alpha and no 16-bit.
        img.quality = quality
    elif fmt == "webp":
        img.file_format = "WEBP"
        img.color_mode = "RGBA" if transparent else "RGB"
        img.quality = quality
    elif fmt == "exr":
        img.file_format = "OPEN_EXR"
        img.color_mode = "RGBA" if transparent else "RGB"
        # EXR has no 8-bit: 16 is half float, anything else full 32-bit float.
        img.color_depth = "16" if depth == 16 else "32"
        img.exr_codec = "ZIP"
    else:
        raise ValueError("unknown output format %r" % fmt)
    return fmt


def configure_resolution(scene, resolution):
    render = scene.render
    render.resolution_x = int(resolution.get("width", 1920))
    render.resolution_y = int(resolution.get("height", 1080))
    render.resolution_percentage = int(resolution.get("percentage", 100))
    render.pixel_aspect_x = render.pixel_aspect_y = 1
    render.use_border = False
    return (
        render.resolution_x * render.resolution_percentage // 100,
        render.resolution_y * render.resolution_percentage // 100,
    )


def prepare(job):
    facts = scene_mod.build(job)
    scene = facts["scene"]
    facts["engineUsed"] = configure_renderer(scene, job.get("renderer", {}))
    transparent = job.get("background", {}).get("mode", "color") == "transparent"
    facts["format"] = configure_output(scene, job.get("output", {}), transparent)
    facts["width"], facts["height"] = configure_resolution(scene, job.get("resolution", {}))
    return facts


def render_to(scene, path, fmt):
    script_io.render_exact(scene, path)
    metadata.strip_file(path, fmt)


def _public(facts):
    return {k: v for k, v in facts.items() if k not in ("scene", "pivot")}


def render_still(job, job_id):
    facts = prepare(job)
    out = job["out"]
    render_to(facts["scene"], out, facts["format"])
    return dict(_public(facts), file=out)


def frame_path(pattern, frame):
    """`out_pattern` with the frame number, zero-padded to 4 digits: '{frame}' or a run of '#'."""
    if "{frame}" in pattern:
        return pattern.replace("{frame}", "%04d" % frame)
    if "#" in pattern:
        start = pattern.rfind("#")
        end = start
        while start > 0 and pattern[start - 1] == "#":
            start -= 1
        width = max(4, end - start + 1)
        return pattern[:start] + str(frame).zfill(width) + pattern[end + 1:]
    raise ValueError("out_pattern needs {frame} or ####: %s" % pattern)


def render_frames(job, job_id):
    facts = prepare(job)
    scene, pivot = facts["scene"], facts["pivot"]
    turntable = job.get("turntable", {})
    frames = int(turntable.get("frames", 36))
    degrees = float(turntable.get("degrees", 360))
    start, end = (int(v) for v in job.get("frame_range", [1, frames]))
    if not (1 <= start <= end <= frames):
        raise ValueError("frame_range [%d, %d] outside 1..%d" % (start, end, frames))
    scene.frame_start, scene.frame_end = 1, frames
    base = pivot.rotation_euler.z
    written = []
    total = end - start + 1
    for i, frame in enumerate(range(start, end + 1)):
        # The object turns under fixed camera and lights, like a product on a turntable.
        # Frame 1 is the still's view; degrees/frames per frame, so a 360 loop does not repeat.
        scene.frame_set(frame)
        pivot.rotation_euler.z = base + math.radians(degrees) * (frame - 1) / frames
        path = frame_path(job["out_pattern"], frame)
        t = time.monotonic()
        render_to(scene, path, facts["format"])
        written.append(path)
        protocol.progress({"job": job_id, "frame": frame, "of": frames, "done": i + 1, "total": total, "seconds": round(time.monotonic() - t, 3)})
    return dict(_public(facts), files=written, frames=frames, frameRange=[start, end])


def export_blend(job, job_id):
    facts = prepare(job)
    out = job["out"]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    blend = job.get("blend", {})
    pack = bool(blend.get("pack_resources", True))
    if pack:
        bpy.ops.file.pack_all()
    # copy=True: the running session keeps no reference to the written file.
    bpy.ops.wm.save_as_mainfile(filepath=out, compress=bool(blend.get("compress", True)), copy=True)
    if not os.path.isfile(out):
        raise RuntimeError("save finished but %s was not written" % out)
    return dict(_public(facts), file=out, packed=pack, compressed=bool(blend.get("compress", True)))


def structure():
    """Structural dump of the current file (what shadow comparison compares for .blend files)."""
    return {
        "objects": sorted(o.name for o in bpy.data.objects),
        "meshes": sorted(m.name for m in bpy.data.meshes),
        "materials": sorted(m.name for m in bpy.data.materials),
        "cameras": sorted(c.name for c in bpy.data.cameras),
        "lights": sorted(l.name for l in bpy.data.lights),
    }


def inspect_blend(job, job_id):
    path = job["blend"]
    if not os.path.isfile(path):
        raise FileNotFoundError("blend not found: %s" % path)
    # use_scripts=False: never run Python embedded in a file (also --disable-autoexec).
    bpy.ops.wm.open_mainfile(filepath=path, load_ui=False, use_scripts=False)
    return dict(structure(), file=path)
