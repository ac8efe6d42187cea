"""Blender-side job runner shared by the warm server (server.py) and the cold runner (run_job.py).

Both entry points call jobs.execute(), so a job renders the same pixels warm or cold.
Supports Blender 3.4 through 4.x; version differences live in compat.py.
"""
