"""Keep-alive requests answer without Nagle's delay: the server ``ridgeline`` runs (its socket
from ``listening.bind``, its uvicorn from ``listening.http_server``) sets TCP_NODELAY on every accepted
connection. Without it each response's body waited for the client's delayed ACK of the
headers, ~40 ms a request on loopback."""

from __future__ import annotations

import http.client
import socket
import statistics
import threading
import time
from typing import Any

from ridgeline import listening


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Headers and body in two writes, as every route's response is sent."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_keep_alive_connections_set_tcp_nodelay() -> None:
    sock = listening.bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = listening.http_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        took = []
        for _ in range(20):  # one connection, sequential requests
            started = time.perf_counter()
            conn.request("GET", "/")
            response = conn.getresponse()
            assert response.read() == b"ok"
            took.append(time.perf_counter() - started)
        (protocol,) = server.server_state.connections  # the server's side of this connection
        accepted = protocol.transport.get_extra_info("socket")
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        # and what it is for (a wide margin: with Nagle every request took ~40 ms)
        assert statistics.median(took) < 0.025, took
        conn.close()
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
