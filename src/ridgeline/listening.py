"""Where a server listens: its socket, bound before anything is written (a port in use is one
clear line), with TCP_NODELAY on every connection; the uvicorn server that runs an app on it;
and stopping that server when the process that started it (a notebook's kernel) exits."""

from __future__ import annotations

import errno
import logging
import os
import socket
import time
from typing import Any

logger = logging.getLogger("ridgeline")


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio sets TCP_NODELAY only on accepted sockets whose proto says
    # TCP. Without it Nagle's algorithm held each response's body until the client's delayed ACK
    # of its headers: ~40 ms per keep-alive request. (Linux also copies the option from the
    # listening socket.)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SystemExit(
                f"ridgeline: port {port} on {host} is already in use (another ridgeline or "
                f"TensorBoard?). Stop it, or pass --port N, or --port 0 for a free port."
            ) from None
        raise SystemExit(f"ridgeline: cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


def exit_with(pid: int, server: Any, interval: float = 0.5) -> None:
    """``--parent_pid``: stop ``server`` once process ``pid`` has exited, however it ended."""
    from ridgeline.notebook import alive

    child = os.getppid() == pid  # then its end shows as a new parent (even if the pid is reused)
    while (os.getppid() == pid) if child else alive(pid):
        time.sleep(interval)
    logger.info("ridgeline: process %d, which started this server, has exited; stopping", pid)
    server.should_exit = True


def http_server(app: Any) -> Any:
    """The uvicorn server ``serve`` runs ``app`` with (``.run(sockets=[bind(...)])``)."""
    import uvicorn

    return uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
