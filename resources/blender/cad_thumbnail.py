"""Renders a thumbnail of a normalized CAD GLB (from Lightbox's CAD ingest) with Workbench.

    blender -b --factory-startup ... --python cad_thumbnail.py -- --glb in.glb --out thumb.png --size 256

Workbench needs no lights or samples and is fast on the CPU (it falls back to surfaceless EGL
without a display). Shows each part's glTF base color, from an isometric-ish view, framed
to the model, on a transparent background. Prints one LIGHTBOX_RESULT {json} line.
Works with Blender 3.x and 4.x.
"""

import math
import os
import sys
import time

import bpy

# Shipped scripts may sit in a read-only folder: never write __pycache__ beside them.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lightbox_jobs.script_io import parse_script_args, render_exact, reply, run_script  # noqa: E402
from mathutils import Vector


def parse_args():
    def declare(parser):
        parser.add_argument("--glb", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--size", type=int, default=256)

    return parse_script_args("cad_thumbnail.py", declare)


def numpy_shim():
    # Blender 3.4's glTF importer uses numpy.bool, which numpy 1.24 removed (Debian ships
    # that pair). The alias is what older numpy had.
    try:
        import numpy
    except ImportError:
        return
    if "bool" not in numpy.__dict__:
        numpy.bool = bool


def clear_scene():
    # The factory scene has a cube, a light and a camera; only the model may be framed.
    for obj in list(bpy.data.objects):
        bpy.data.objects.remove(obj, do_unlink=True)


def import_glb(path):
    numpy_shim()
    result = bpy.ops.import_scene.gltf(filepath=path)
    if "FINISHED" not in result:
        raise RuntimeError("glTF import did not finish: %s" % (result,))
    meshes = [o for o in bpy.context.scene.objects if o.type == "MESH"]
    if not meshes:
        raise RuntimeError("the GLB has no mesh objects to show")
    return meshes


def show_base_colors():
    # Workbench's MATERIAL color is the viewport color, which the importer may leave at its
    # default: copy the Principled base color (the glTF baseColorFactor) into it.
    for material in bpy.data.materials:
        if not material.use_nodes or material.node_tree is None:
            continue
        for node in material.node_tree.nodes:
            if node.type == "BSDF_PRINCIPLED":
                material.diffuse_color = tuple(node.inputs["Base Color"].default_value)
                break


def world_bounds(objects):
    lo = Vector((math.inf, math.inf, math.inf))
    hi = Vector((-math.inf, -math.inf, -math.inf))
    for obj in objects:
        for corner in obj.bound_box:
            p = obj.matrix_world @ Vector(corner)
            lo = Vector((min(lo.x, p.x), min(lo.y, p.y), min(lo.z, p.z)))
            hi = Vector((max(hi.x, p.x), max(hi.y, p.y), max(hi.z, p.z)))
    return lo, hi


def add_camera(scene, lo, hi):
    center = (lo + hi) / 2
    radius = max((hi - lo).length / 2, 1e-6)
    camera_data = bpy.data.cameras.new("ThumbnailCamera")
    # Orthographic: framing is exact whatever the model's size; CAD users expect no distortion.
    camera_data.type = "ORTHO"
    camera_data.ortho_scale = radius * 2 * 1.08
    camera_data.clip_start = radius * 0.01
    camera_data.clip_end = radius * 10
    camera = bpy.data.objects.new("ThumbnailCamera", camera_data)
    scene.collection.objects.link(camera)
    direction = Vector((1.0, -1.0, 0.8)).normalized()
    camera.location = center + direction * radius * 3
    camera.rotation_euler = (center - camera.location).to_track_quat("-Z", "Y").to_euler()
    scene.camera = camera


def configure(scene, size):
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.render.resolution_x = size
    scene.render.resolution_y = size
    scene.render.resolution_percentage = 100
    scene.render.film_transparent = True
    scene.render.image_settings.file_format = "PNG"
    scene.render.image_settings.color_mode = "RGBA"
    shading = scene.display.shading
    shading.light = "STUDIO"
    shading.color_type = "MATERIAL"
    shading.show_cavity = False
    # Part edges read better with an outline.
    shading.show_object_outline = True
    scene.display.render_aa = "8"


def main():
    args = parse_args()
    if args.size < 16 or args.size > 4096:
        raise ValueError("--size must be 16..4096, got %d" % args.size)
    started = time.monotonic()
    clear_scene()
    meshes = import_glb(args.glb)
    show_base_colors()
    scene = bpy.context.scene
    lo, hi = world_bounds(meshes)
    add_camera(scene, lo, hi)
    configure(scene, args.size)
    render_exact(scene, args.out)
    reply(
        {
            "ok": True,
            "file": args.out,
            "width": args.size,
            "height": args.size,
            "objects": len(meshes),
            "blender": bpy.app.version_string,
            "seconds": round(time.monotonic() - started, 3),
        }
    )


if __name__ == "__main__":
    run_script(main)
