"""The contract of Lightbox's one-shot Blender scripts (preflight probe, CAD thumbnail), and
writing a render to an exact path, which the job runner uses too.

Each prints exactly one `LIGHTBOX_RESULT <nonce> {json}` line: Blender prints plenty of its own
output, so Lightbox only trusts lines carrying the marker and this process's nonce (nonce.py). Every failure, bad arguments included,
becomes such a reply and exit code 1.
"""

import argparse
import json
import os
import sys
import traceback

from .nonce import prefix

RESULT_MARKER = "LIGHTBOX_RESULT"


def reply(payload):
    # One line, flushed at once: Blender's own (C-level) output shares the stream.
    # The leading newline: a line Blender left unfinished cannot run into the marker.
    sys.stdout.write("\n" + prefix(RESULT_MARKER) + " " + json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class _ArgumentParser(argparse.ArgumentParser):
    # argparse would sys.exit(2) on bad arguments; raise so the failure becomes a reply.
    def error(self, message):
        raise ValueError(self.prog + ": " + message)


def parse_script_args(prog, add_arguments):
    """Parses the arguments after `--` (Blender ignores those); add_arguments(parser) declares them."""
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    parser = _ArgumentParser(prog=prog)
    add_arguments(parser)
    return parser.parse_args(argv)


def run_script(main):
    """Runs main(); any exception becomes an {ok: false} reply and exit code 1."""
    try:
        main()
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 - every failure must become a reply
        message = str(error).strip() or type(error).__name__
        traceback.print_exc()
        sys.stderr.flush()
        reply({"ok": False, "error": message, "type": type(error).__name__})
        # os._exit: sys.exit inside Blender's --python may not end the process everywhere.
        os._exit(1)


def render_exact(scene, path):
    """Renders the scene and writes exactly `path` (render.filepath would expand '#' and add extensions)."""
    import bpy

    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    bpy.ops.render.render(write_still=False)
    bpy.data.images["Render Result"].save_render(filepath=path, scene=scene)
    if not os.path.isfile(path):
        raise RuntimeError("render finished but %s was not written" % path)
