"""Who holds an outbox row: a worker's name says which process on which machine it is.

A row being sent is leased to its worker; after a crash the lease must run out before
another worker may send it. A process restarted on the same machine need not wait: a
worker of this machine (and PID namespace) whose process is gone can hold nothing, so its
rows are taken back at once. Rows of other machines wait for their lease.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def worker_name() -> str:
    """`host:pid-namespace:pid` (fits the 60 characters of `deliveries.claimed_by`)."""
    return f"{socket.gethostname()[:32]}:{_pid_namespace()}:{os.getpid()}"


def is_gone(name: str) -> bool:
    """True for a worker of this machine and PID namespace whose process no longer runs.

    Any doubt (another machine, another namespace, no /proc, a name not of this form, a
    reused pid) says "not gone": its rows then wait for their lease instead.
    """
    parts = name.rsplit(":", 2)
    here = worker_name().rsplit(":", 2)
    if len(parts) != 3 or parts[:2] != here[:2] or here[1] == "-" or not parts[2].isdigit():
        return False
    pid = int(parts[2])
    return pid != os.getpid() and not _running(pid)


def _pid_namespace() -> str:
    """The PID namespace's inode on Linux (containers that share a hostname differ here)."""
    try:
        link = os.readlink("/proc/self/ns/pid")  # e.g. "pid:[4026531836]"
    except OSError:
        return "-"
    return "".join(ch for ch in link if ch.isdigit()) or "-"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]  # a zombie has stopped for good
