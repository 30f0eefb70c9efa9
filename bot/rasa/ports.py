"""Who holds a port: so a runner refuses to start, naming the process, instead of
reporting "everything is up" against an old stack's parts."""
from __future__ import annotations

import os
import socket
from pathlib import Path


def port_is_free(host: str, port: int) -> bool:
    """Whether a listening socket could be bound on ``host:port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if (len(fields) > 9 and fields[3] == "0A"
                    and int(fields[1].rsplit(":", 1)[1], 16) == port):
                inodes.add(fields[9])
    return inodes


def holder(port: int) -> str:
    """``PID 1234 (python -m bot.rasa.server ...)`` for the process listening on ``port``,
    or a plain "another process" where /proc does not say (another user's process)."""
    inodes = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if inodes:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                        command = " ".join(a.decode(errors="replace") for a in argv if a)
                        return f"PID {pid} ({command[:120]})"
                except OSError:
                    continue
    return "another process"
