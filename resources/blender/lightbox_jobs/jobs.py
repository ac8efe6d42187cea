"""Job dispatch: one function shared by the warm server and the cold runner."""

import time
import traceback

from . import compat, mesh_import, protocol, render, thumbnail

KINDS = {
    "render_still": render.render_still,
    "render_frames": render.render_frames,
    "export_blend": render.export_blend,
    "inspect_blend": render.inspect_blend,
    "cad_thumbnail": thumbnail.cad_thumbnail,
    "mesh_import": mesh_import.mesh_import,
}


def execute(job):
    """Runs one job; never raises. Returns the reply payload (ok true or false)."""
    started = time.monotonic()
    job_id = job.get("id") if isinstance(job, dict) else None
    kind = job.get("kind") if isinstance(job, dict) else None
    try:
        if not isinstance(job, dict):
            raise ValueError("a job must be a JSON object")
        if kind == "ping":
            result = {"pong": True}
        elif kind in KINDS:
            result = KINDS[kind](job, job_id)
        else:
            raise ValueError("unknown job kind %r" % (kind,))
        payload = {"id": job_id, "kind": kind, "ok": True, "result": result}
    except Exception as error:  # noqa: BLE001 - every failure becomes a reply
        tb = traceback.format_exc()
        print(tb, flush=True)
        payload = {
            "id": job_id,
            "kind": kind,
            "ok": False,
            "error": str(error).strip() or type(error).__name__,
            "type": type(error).__name__,
            "traceback": tb[-4000:],
        }
    payload["seconds"] = round(time.monotonic() - started, 3)
    payload["blender"] = compat.version()
    payload.update(protocol.memory())
    return payload
