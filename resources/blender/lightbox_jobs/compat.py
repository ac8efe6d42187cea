"""Differences between Blender 3.4 and 4.x, in one place."""

import bpy


def patch_numpy():
    # Debian's Blender 3.4 glTF importer uses numpy.bool, removed in numpy 1.24.
    try:
        import numpy
    except ImportError:
        return
    import warnings

    with warnings.catch_warnings():
        # numpy 1.20-1.23 warn on the deprecated alias; 1.24+ lack it.
        warnings.simplefilter("ignore")
        missing = not hasattr(numpy, "bool")
    if missing:
        numpy.bool = bool


ENGINES = {
    "cycles": ["CYCLES"],
    # Eevee is BLENDER_EEVEE up to 4.1 and BLENDER_EEVEE_NEXT from 4.2.
    "eevee": ["BLENDER_EEVEE_NEXT", "BLENDER_EEVEE"],
    "workbench": ["BLENDER_WORKBENCH"],
}


def set_engine(scene, engine):
    errors = []
    for candidate in ENGINES[engine]:
        try:
            scene.render.engine = candidate
        except TypeError as error:
            errors.append(str(error))
            continue
        if scene.render.engine == candidate:
            return candidate
    raise RuntimeError("render engine %s is not available in this Blender: %s" % (engine, errors[-1] if errors else ""))


# Principled BSDF inputs renamed in 4.0; first existing name wins.
BSDF_INPUTS = {
    "base_color": ["Base Color"],
    "metallic": ["Metallic"],
    "roughness": ["Roughness"],
    "transmission": ["Transmission Weight", "Transmission"],
    "specular": ["Specular IOR Level", "Specular"],
}


def bsdf_input(node, key):
    for name in BSDF_INPUTS[key]:
        socket = node.inputs.get(name)
        if socket is not None:
            return socket
    raise KeyError("principled BSDF has no %s input" % key)


def version():
    return bpy.app.version_string
