"""Builds the render scene: import, camera framing, lighting rig, background, materials.

Everything is derived from the job alone (no randomness, no clock), so the same job always
builds the same scene.
"""

import fnmatch
import math
import os

import bpy
from mathutils import Matrix, Vector

from . import compat

SENSOR_MM = 36.0

# Named views: (azimuth, elevation) in degrees. Azimuth 0 looks from -Y (Blender's front),
# 90 from +X (right side); elevation 90 looks straight down.
ANGLES = {
    "front": (0.0, 0.0),
    "side": (90.0, 0.0),
    "top": (0.0, 90.0),
    "three_quarter": (35.0, 20.0),
    "iso": (45.0, math.degrees(math.atan(1 / math.sqrt(2)))),
}


def reset():
    """Empty factory scene: nothing from a previous job (objects, materials, settings) survives."""
    bpy.ops.wm.read_factory_settings(use_empty=True)


def import_glb(path):
    if not os.path.isfile(path):
        raise FileNotFoundError("GLB not found: %s" % path)
    compat.patch_numpy()
    before = set(bpy.data.objects)
    result = bpy.ops.import_scene.gltf(filepath=path)
    if "FINISHED" not in result:
        raise RuntimeError("glTF import failed: %s" % path)
    imported = [o for o in bpy.data.objects if o not in before]
    meshes = [o for o in imported if o.type == "MESH"]
    if not meshes:
        raise RuntimeError("GLB has no meshes: %s" % path)
    # The importer may add its own cameras/lights; the job's rig replaces them.
    for obj in imported:
        if obj.type in ("CAMERA", "LIGHT"):
            bpy.data.objects.remove(obj, do_unlink=True)
    return [o for o in bpy.data.objects if o.type == "MESH"]


def bounds(objects):
    bpy.context.view_layer.update()
    corners = [obj.matrix_world @ Vector(c) for obj in objects for c in obj.bound_box]
    lo = Vector((min(c.x for c in corners), min(c.y for c in corners), min(c.z for c in corners)))
    hi = Vector((max(c.x for c in corners), max(c.y for c in corners), max(c.z for c in corners)))
    return lo, hi


def add_pivot(objects, center):
    """Parents every root object to an empty at the box center: turntables rotate this."""
    pivot = bpy.data.objects.new("lightbox_pivot", None)
    bpy.context.scene.collection.objects.link(pivot)
    pivot.location = center
    bpy.context.view_layer.update()
    roots = {o for o in objects}
    while True:
        parents = {o.parent for o in roots if o.parent is not None}
        if not parents:
            break
        roots = {o for o in roots if o.parent is None} | parents
    for obj in sorted(roots, key=lambda o: o.name):
        world = obj.matrix_world.copy()
        obj.parent = pivot
        obj.matrix_parent_inverse = pivot.matrix_world.inverted()
        obj.matrix_world = world
    return pivot


def _look_rotation(direction):
    """Rotation whose -Z looks along `direction`, with world Z up (Y up when looking straight down)."""
    forward = direction.normalized()
    up = Vector((0, 0, 1)) if abs(forward.z) < 0.999 else Vector((0, 1, 0))
    right = forward.cross(up).normalized()
    true_up = right.cross(forward).normalized()
    return Matrix((right, true_up, -forward)).transposed().to_4x4()


def view_direction(camera):
    az, el = ANGLES[camera.get("angle", "three_quarter")]
    if camera.get("azimuth_deg") is not None:
        az = float(camera["azimuth_deg"])
    if camera.get("elevation_deg") is not None:
        el = float(camera["elevation_deg"])
    a, e = math.radians(az), math.radians(el)
    # Unit vector from the target towards the camera.
    return Vector((math.sin(a) * math.cos(e), -math.cos(a) * math.cos(e), math.sin(e)))


def add_camera(scene, camera, lo, hi, width, height):
    focal = float(camera.get("focal_length_mm", 50))
    margin = float(camera.get("fit_margin", 0.1))
    center = (lo + hi) / 2
    to_cam = view_direction(camera)
    rot = _look_rotation(-to_cam)

    # Half field of view tangents; with sensor fit AUTO the sensor spans the longer side.
    t_long = (SENSOR_MM / 2) / focal
    if width >= height:
        tx, ty = t_long, t_long * height / width
    else:
        tx, ty = t_long * width / height, t_long
    # The box spans 1/(1+margin) of the frame: margin 0 is tight, 1 leaves half the frame free.
    tx /= 1 + margin
    ty /= 1 + margin

    inv = rot.to_3x3().transposed()
    distance = 0.0
    extent = (hi - lo).length / 2 or 1.0
    for x in (lo.x, hi.x):
        for y in (lo.y, hi.y):
            for z in (lo.z, hi.z):
                local = inv @ (Vector((x, y, z)) - center)
                toward = local.z  # positive: corner nearer to the camera
                need = max(abs(local.x) / tx, abs(local.y) / ty) + toward
                distance = max(distance, need)
    distance = max(distance, extent * 0.01 + 1e-4)

    data = bpy.data.cameras.new("lightbox_camera")
    data.lens = focal
    data.sensor_width = SENSOR_MM
    data.sensor_fit = "AUTO"
    data.clip_start = max(distance - extent * 2, distance * 0.001, 1e-4)
    data.clip_end = distance + extent * 4
    cam = bpy.data.objects.new("lightbox_camera", data)
    scene.collection.objects.link(cam)
    cam.matrix_world = Matrix.Translation(center + to_cam * distance) @ rot
    scene.camera = cam
    return cam, center, distance, extent


def _light(scene, name, kind, location, target, energy, size=None, angle=None, color=(1, 1, 1)):
    data = bpy.data.lights.new(name, kind)
    data.energy = energy
    data.color = color
    if size is not None:
        data.shape = "SQUARE"
        data.size = size
    if angle is not None:
        data.angle = angle
    if hasattr(data, "use_shadow"):
        data.use_shadow = True
    obj = bpy.data.objects.new(name, data)
    scene.collection.objects.link(obj)
    obj.matrix_world = Matrix.Translation(location) @ _look_rotation(target - location)
    return obj


def _around(center, to_cam, distance, az_offset, el):
    """A point at `distance` from center, rotated az_offset degrees from the camera's azimuth."""
    cam_az = math.atan2(to_cam.x, -to_cam.y)
    a, e = cam_az + math.radians(az_offset), math.radians(el)
    return center + Vector((math.sin(a) * math.cos(e), -math.cos(a) * math.cos(e), math.sin(e))) * distance


# World light seen by objects (not by the camera) per rig: (rgb, strength).
RIG_WORLD = {
    "studio_soft": ((1.0, 1.0, 1.0), 0.25),
    "studio_hard": ((1.0, 1.0, 1.0), 0.05),
    "outdoor": ((0.45, 0.6, 0.9), 0.5),
    "none": ((1.0, 1.0, 1.0), 0.02),
}


def add_lighting(scene, rig, center, to_cam, extent):
    """Lights placed relative to the camera's azimuth so the product is lit the same from any view."""
    d = extent * 4
    # Energy grows with distance squared so the lit brightness does not depend on model size.
    k = d * d
    if rig == "studio_soft":
        _light(scene, "key", "AREA", _around(center, to_cam, d, -45, 35), center, 6 * k, size=extent * 4)
        _light(scene, "fill", "AREA", _around(center, to_cam, d, 60, 15), center, 2.5 * k, size=extent * 4)
        _light(scene, "rim", "AREA", _around(center, to_cam, d, 180, 45), center, 3 * k, size=extent * 3)
    elif rig == "studio_hard":
        _light(scene, "key", "SPOT", _around(center, to_cam, d, -50, 40), center, 15 * k)
        _light(scene, "rim", "POINT", _around(center, to_cam, d, 160, 30), center, 4 * k)
        for obj in scene.objects:
            if obj.type == "LIGHT":
                obj.data.shadow_soft_size = 0.0
                if obj.data.type == "SPOT":
                    obj.data.spot_size = math.radians(60)
    elif rig == "outdoor":
        sun = _light(scene, "sun", "SUN", _around(center, to_cam, d, -40, 50), center, 2.0, angle=math.radians(1.0), color=(1.0, 0.95, 0.85))
        sun.data.angle = math.radians(1.0)
    elif rig != "none":
        raise ValueError("unknown lighting rig %r" % rig)


def srgb_to_linear(c):
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def hex_to_linear(color):
    color = color.lstrip("#")
    return tuple(srgb_to_linear(int(color[i:i + 2], 16) / 255.0) for i in (0, 2, 4))


def setup_world(scene, rig, background):
    """Camera rays see the background color; every other ray sees the rig's world light.

    Keeps the background exactly the asked color whatever the lighting, and the lighting
    the same whatever the background color.
    """
    world = bpy.data.worlds.new("lightbox_world")
    scene.world = world
    mode = background.get("mode", "color")
    bg = hex_to_linear(background.get("color", "#ffffff"))
    world.color = bg  # Workbench ignores nodes and draws this.
    world.use_nodes = True
    nodes, links = world.node_tree.nodes, world.node_tree.links
    nodes.clear()
    out = nodes.new("ShaderNodeOutputWorld")
    light_rgb, strength = RIG_WORLD[rig]
    env = nodes.new("ShaderNodeBackground")
    env.inputs["Color"].default_value = (*light_rgb, 1.0)
    env.inputs["Strength"].default_value = strength
    seen = nodes.new("ShaderNodeBackground")
    seen.inputs["Color"].default_value = (*bg, 1.0)
    seen.inputs["Strength"].default_value = 1.0
    path = nodes.new("ShaderNodeLightPath")
    mix = nodes.new("ShaderNodeMixShader")
    links.new(path.outputs["Is Camera Ray"], mix.inputs["Fac"])
    links.new(env.outputs["Background"], mix.inputs[1])
    links.new(seen.outputs["Background"], mix.inputs[2])
    links.new(mix.outputs["Shader"], out.inputs["Surface"])
    scene.render.film_transparent = mode == "transparent"
    # Standard view: #rrggbb comes out as #rrggbb (Filmic/AgX would tone-map it).
    scene.view_settings.view_transform = "Standard"
    scene.view_settings.look = "None"
    scene.view_settings.exposure = 0.0
    scene.view_settings.gamma = 1.0
    scene.display_settings.display_device = "sRGB"


def make_material(key, values):
    mat = bpy.data.materials.new("lightbox_" + key)
    mat.use_nodes = True
    bsdf = next((n for n in mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED"), None)
    if bsdf is None:
        raise RuntimeError("no principled BSDF in a new material")
    r, g, b = values["baseColor"]
    compat.bsdf_input(bsdf, "base_color").default_value = (r, g, b, 1.0)
    compat.bsdf_input(bsdf, "metallic").default_value = float(values["metallic"])
    compat.bsdf_input(bsdf, "roughness").default_value = float(values["roughness"])
    compat.bsdf_input(bsdf, "transmission").default_value = float(values["transmission"])
    mat.diffuse_color = (r, g, b, 1.0)  # Workbench draws the material's viewport color.
    mat.metallic = float(values["metallic"])
    mat.roughness = float(values["roughness"])
    return mat


def material_for(name, rules, default):
    for rule in rules:
        # fnmatchcase: the same answer on every OS (fnmatch folds case on Windows).
        if fnmatch.fnmatchcase(name, rule["glob"]):
            return rule["material"]
    return default


def apply_materials(objects, materials):
    library = materials["library"]
    rules = materials.get("by_part", [])
    default = materials.get("default", "neutral_grey")
    made = {}
    assigned = {}
    for obj in sorted(objects, key=lambda o: o.name):
        key = material_for(obj.name, rules, default)
        if key not in library:
            raise KeyError('material "%s" (for part "%s") is not in the job\'s library' % (key, obj.name))
        if key not in made:
            made[key] = make_material(key, library[key])
        if len(obj.material_slots) == 0:
            obj.data.materials.append(None)
        # Object-linked slots: two objects sharing a mesh can still get different materials.
        for slot in obj.material_slots:
            slot.link = "OBJECT"
            slot.material = made[key]
        assigned[obj.name] = key
    return assigned


def build(job):
    """Resets and builds the whole scene of a render/export job; returns facts for the reply."""
    reset()
    scene = bpy.context.scene
    objects = import_glb(job["glb"])
    lo, hi = bounds(objects)
    center = (lo + hi) / 2
    pivot = add_pivot(objects, center)
    res = job.get("resolution", {})
    width, height = int(res.get("width", 1920)), int(res.get("height", 1080))
    cam, center, distance, extent = add_camera(scene, job.get("camera", {}), lo, hi, width, height)
    rig = job.get("lighting", "studio_soft")
    add_lighting(scene, rig, center, view_direction(job.get("camera", {})), extent)
    setup_world(scene, rig, job.get("background", {}))
    # No materials in the job: the pipeline has no apply_materials step, the CAD colors stay.
    assigned = apply_materials(objects, job["materials"]) if job.get("materials") else {}
    return {
        "scene": scene,
        "pivot": pivot,
        "objects": sorted(o.name for o in bpy.data.objects),
        "parts": sorted(o.name for o in objects),
        "materials": assigned,
        "bounds": [list(lo), list(hi)],
        "cameraDistance": distance,
    }
