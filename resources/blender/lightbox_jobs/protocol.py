"""Marked output lines. Blender prints freely on the same stdout, so the TS side only trusts
lines that START with one of these markers followed by this process's nonce (nonce.py)."""

import ctypes
import json
import os
import resource
import sys

from .nonce import prefix

REPLY = "LIGHTBOX_REPLY"
PROGRESS = "LIGHTBOX_PROGRESS"
READY = "LIGHTBOX_READY"

try:
    _libc = ctypes.CDLL(None)
except OSError:  # pragma: no cover - non-POSIX
    _libc = None


def _emit(marker, payload):
    # Flush C stdio first (Cycles prints through it) so a half-written Blender line cannot
    # precede our marker on the same line; the leading newline guarantees a line start.
    if _libc is not None:
        try:
            _libc.fflush(None)
        except Exception:  # noqa: BLE001
            pass
    sys.stdout.write("\n" + prefix(marker) + " " + json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def reply(payload):
    _emit(REPLY, payload)


def progress(payload):
    _emit(PROGRESS, payload)


def ready(payload):
    _emit(READY, payload)


def memory():
    """Current resident set (from /proc, exact now) and peak (getrusage, kB on Linux)."""
    rss = None
    try:
        with open("/proc/self/statm") as f:
            rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"rssBytes": rss if rss is not None else peak, "maxRssBytes": peak}
