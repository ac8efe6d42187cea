"""Cold mode: runs ONE job (a JSON file given after `--`) in a fresh Blender and exits.

    blender -b --factory-startup ... --python run_job.py -- /tmp/job.json

Same code as the warm server (lightbox_jobs.jobs.execute), same `LIGHTBOX_REPLY` line; exit
code 1 when the job failed.
"""

import json
import os
import sys

# Shipped scripts may sit in a read-only folder: never write __pycache__ beside them.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lightbox_jobs import compat, jobs, protocol  # noqa: E402


def main():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    if len(argv) != 1:
        protocol.reply({"id": None, "ok": False, "error": "usage: run_job.py -- JOB.json", **protocol.memory()})
        return 1
    try:
        with open(argv[0], encoding="utf-8") as f:
            job = json.load(f)
    except (OSError, ValueError) as error:
        protocol.reply({"id": None, "ok": False, "error": "cannot read job: %s" % error, **protocol.memory()})
        return 1
    compat.patch_numpy()
    payload = jobs.execute(job)
    protocol.reply(payload)
    return 0 if payload.get("ok") else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
