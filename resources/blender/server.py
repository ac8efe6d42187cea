"""Resident Lightbox job server inside a warm Blender.

    blender -b --factory-startup -noaudio --disable-autoexec --python-exit-code 1 --python server.py

Reads one JSON job per line from stdin and answers each with one `LIGHTBOX_REPLY <nonce> {json}`
line on stdout (progress: `LIGHTBOX_PROGRESS <nonce> {json}`). Blender's own output shares stdout,
so the driver only trusts marked lines carrying the nonce it started this process with
(LIGHTBOX_REPLY_NONCE, lightbox_jobs/nonce.py). Every job starts from an empty factory scene. A failing job
or a bad line gets an error reply and the server keeps serving; `quit` or EOF ends it.
"""

import json
import os
import sys

# Shipped scripts may sit in a read-only folder: never write __pycache__ beside them.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lightbox_jobs import compat, jobs, protocol  # noqa: E402


def serve():
    compat.patch_numpy()
    protocol.ready({"pid": os.getpid(), "blender": compat.version(), **protocol.memory()})
    while True:
        line = sys.stdin.readline()
        if not line:
            return  # EOF: the driver is gone
        line = line.strip()
        if not line:
            continue
        try:
            job = json.loads(line)
        except ValueError as error:
            protocol.reply({"id": None, "ok": False, "error": "bad job line: %s" % error, "type": "JSONDecodeError", **protocol.memory()})
            continue
        if isinstance(job, dict) and job.get("kind") == "quit":
            protocol.reply({"id": job.get("id"), "kind": "quit", "ok": True, "result": {}, **protocol.memory()})
            return
        protocol.reply(jobs.execute(job))


if __name__ == "__main__":
    serve()
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit: skip Blender's slow teardown; nothing is left to save.
    os._exit(0)
