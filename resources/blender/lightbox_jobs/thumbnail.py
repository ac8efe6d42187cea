"""The CAD library's thumbnail: a normalized CAD GLB rendered with Workbench.

Workbench needs no lights or samples and is fast on the CPU (it falls back to surfaceless EGL
without a display). Shows each part's glTF base color, from an isometric-ish view, framed to the
model with an orthographic camera, on a transparent background. One job code for the farm's
warm and cold Blenders (`cad_thumbnail` jobs) and the one-shot cad_thumbnail.py script.
"""

import math

import bpy
from mathutils import Vector

from . import scene as scene_mod
from .script_io import render_exact


def _show_base_colors():
    # Workbench's MATERIAL color is the viewport color, which the importer may leave at its
    # default: copy the Principled base color (the glTF baseColorFactor) into it.
    for material in bpy.data.materials:
        if not material.use_nodes or material.node_tree is None:
            continue
        for node in material.node_tree.nodes:
            if node.type == "BSDF_PRINCIPLED":
                material.diffuse_color = tuple(node.inputs["Base Color"].default_value)
                break


def _world_bounds(objects):
    lo = Vector((math.inf, math.inf, math.inf))
    hi = Vector((-math.inf, -math.inf, -math.inf))
    for obj in objects:
        for corner in obj.bound_box:
            p = obj.matrix_world @ Vector(corner)
            lo = Vector((min(lo.x, p.x), min(lo.y, p.y), min(lo.z, p.z)))
            hi = Vector((max(hi.x, p.x), max(hi.y, p.y), max(hi.z, p.z)))
    return lo, hi


def _add_camera(scene, lo, hi):
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


def _configure(scene, size):
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


def cad_thumbnail(job, job_id=None):
    """job: {glb, out, size}. Returns {file, width, height, objects}."""
    size = int(job.get("size", 256))
    if size < 16 or size > 4096:
        raise ValueError("size must be 16..4096, got %d" % size)
    scene_mod.reset()
    meshes = scene_mod.import_glb(job["glb"])
    _show_base_colors()
    scene = bpy.context.scene
    lo, hi = _world_bounds(meshes)
    _add_camera(scene, lo, hi)
    _configure(scene, size)
    render_exact(scene, job["out"])
    return {"file": job["out"], "width": size, "height": size, "objects": len(meshes)}
