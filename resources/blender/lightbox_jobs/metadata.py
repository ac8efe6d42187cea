"""Strips the metadata Blender writes into rendered files.

Cycles always adds render-time fields (e.g. cycles.ViewLayer.total_time) to the render
result, and save_render writes them even with every use_stamp_* flag off. They differ on
every run, so identical renders would not be byte-identical. Pixels are left untouched.
"""

import struct

PNG_TEXT = {b"tEXt", b"zTXt", b"iTXt", b"tIME"}

# Scanlines per chunk, by EXR compression id (NONE, RLE, ZIPS, ZIP, PIZ, PXR24, B44, B44A, DWAA, DWAB).
EXR_LINES = {0: 1, 1: 1, 2: 1, 3: 16, 4: 32, 5: 16, 6: 32, 7: 32, 8: 32, 9: 256}


def strip_png(data):
    out = [data[:8]]
    i = 8
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind = data[i + 4:i + 8]
        if kind not in PNG_TEXT:
            out.append(data[i:i + 12 + n])
        i += 12 + n
    return b"".join(out)


def strip_jpeg(data):
    # Blender writes its fields as COM (0xFFFE) segments before the scan; drop those.
    out = [data[:2]]
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ValueError("unexpected JPEG structure")
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[i:])
            return b"".join(out)
        (n,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker != 0xFE:
            out.append(data[i:i + 2 + n])
        i += 2 + n
    raise ValueError("JPEG without image data")


def _cstr(data, i):
    end = data.index(b"\0", i)
    return data[i:end], end + 1


def strip_exr(data):
    """Drops string attributes from a single-part scanline EXR and shifts the chunk offsets."""
    (version,) = struct.unpack("<I", data[4:8])
    if version & 0x1200:  # tiled (0x200) or multi-part (0x1000): not what save_render writes here
        return data
    i = 8
    kept = [data[:8]]
    compression = 0
    ymin = ymax = 0
    while data[i] != 0:
        start = i
        name, i = _cstr(data, i)
        kind, i = _cstr(data, i)
        (size,) = struct.unpack("<i", data[i:i + 4])
        value = data[i + 4:i + 4 + size]
        i += 4 + size
        if name == b"compression":
            compression = value[0]
        elif name == b"dataWindow":
            _, ymin, _, ymax = struct.unpack("<iiii", value)
        if kind != b"string":
            kept.append(data[start:i])
    i += 1
    kept.append(b"\0")
    header = b"".join(kept)
    delta = i - len(header)
    chunks = -(-(ymax - ymin + 1) // EXR_LINES[compression])
    offsets = struct.unpack("<%dQ" % chunks, data[i:i + 8 * chunks])
    table = struct.pack("<%dQ" % chunks, *(o - delta for o in offsets))
    return header + table + data[i + 8 * chunks:]


STRIPPERS = {"png": strip_png, "jpeg": strip_jpeg, "exr": strip_exr}


def strip_file(path, fmt):
    strip = STRIPPERS.get(fmt)
    if strip is None:
        return  # WebP: Blender writes no metadata
    with open(path, "rb") as f:
        data = f.read()
    cleaned = strip(data)
    if cleaned != data:
        with open(path, "wb") as f:
            f.write(cleaned)
