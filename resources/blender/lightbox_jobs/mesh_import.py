"""Mesh formats Blender reads with its own importers (PLY, FBX, Collada), written out as a GLB.

The GLB keeps Blender's coordinates as they are (export_yup off), as the CAD ingest writes CAD
coordinates, so every format lands the same way up; it is normalized afterwards by the CAD
ingest like any GLB. One job code for the farm (`mesh_import` jobs) and the one-shot
mesh_import.py script.
"""

import os

import bpy

from . import scene as scene_mod


def _import(fmt, path):
    if fmt == "ply":
        return bpy.ops.import_mesh.ply(filepath=path)
    if fmt == "fbx":
        # FBX states its unit; the importer scales to Blender's metres.
        return bpy.ops.import_scene.fbx(filepath=path, use_custom_normals=True)
    if fmt == "collada":
        # <unit meter="..."> is only honoured when asked.
        return bpy.ops.wm.collada_import(filepath=path, import_units=True)
    raise ValueError("format must be ply, fbx or collada, got %r" % (fmt,))


def mesh_import(job, job_id=None):
    """job: {input, format, out, scale}. Returns {file, objects, meshes}."""
    path = job["input"]
    if not os.path.isfile(path):
        raise FileNotFoundError("input not found: %s" % path)
    scene_mod.reset()
    result = _import(job["format"], path)
    if "FINISHED" not in result:
        raise RuntimeError("Blender's %s importer could not read %s" % (job["format"], os.path.basename(path)))
    # Cameras, lights and empties without meshes are not geometry.
    for obj in list(bpy.data.objects):
        if obj.type in ("CAMERA", "LIGHT"):
            bpy.data.objects.remove(obj, do_unlink=True)
    meshes = [o for o in bpy.data.objects if o.type == "MESH" and len(o.data.polygons) > 0]
    if not meshes:
        raise RuntimeError("%s holds no mesh with faces" % os.path.basename(path))
    # Unitless formats (PLY): the numbers are in the unit the user declared; glTF is metres.
    # The Collada importer records the file's unit as the scene's unit scale instead of scaling.
    scale = float(job.get("scale", 1.0)) * bpy.context.scene.unit_settings.scale_length
    if scale != 1.0:
        for obj in bpy.data.objects:
            if obj.parent is None:
                obj.location = obj.location * scale
                obj.scale = obj.scale * scale
    bpy.context.view_layer.update()
    export = bpy.ops.export_scene.gltf(
        filepath=job["out"],
        export_format="GLB",
        export_yup=False,
        export_apply=True,
        export_cameras=False,
        export_lights=False,
        export_animations=False,
    )
    if "FINISHED" not in export or not os.path.isfile(job["out"]):
        raise RuntimeError("the GLB could not be written: %s" % job["out"])
    return {"file": job["out"], "objects": len(bpy.data.objects), "meshes": len(meshes)}
