"""The per-process reply nonce. Lightbox starts Blender with a fresh random LIGHTBOX_REPLY_NONCE
and trusts only marked lines carrying it, so Blender's own output (a traceback quoting a file
name, a part name) can never pass for a reply. It is taken out of the environment at once, so
nothing Blender starts inherits it. Run by hand (no nonce), lines carry the bare marker."""

import os

NONCE = os.environ.pop("LIGHTBOX_REPLY_NONCE", "")


def prefix(marker):
    """What a marked line starts with, before its JSON: `MARKER NONCE` (or `MARKER` by hand)."""
    return marker + " " + NONCE if NONCE else marker
