"""Ridgeline in Jupyter: ``%load_ext ridgeline`` then ``%ridgeline --logdir logs``.

The magic embeds the dashboard in the cell's output (an iframe on ``127.0.0.1``; the server's
frame policy lets a notebook on this machine embed it), starting a server for that logdir in
the background, or reusing one already running for it. A server the magic starts stops when
its kernel exits (``--parent_pid``); the output says how to stop it sooner. ``display(port=...)`` embeds a running
server; ``running()`` (and ``ridgeline list``) lists them.

Every ``ridgeline`` server leaves a small record (``<cache>/servers/<pid>.json``) while it runs
and removes it when it stops; a record whose process is gone (killed, crashed) is removed by the
next look, so nobody has to delete stale files by hand. IPython is imported only here.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_STARTED: set[int] = set()  # servers this process started (they stop when it exits)


def registry_dir() -> Path:
    base = os.environ.get("RIDGELINE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "ridgeline"
    )
    return Path(base) / "servers"


def server_url(host: str, port: int) -> str:
    """The address a server bound to ``host`` prints, and ``ridgeline list`` shows."""
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    host: str
    port: int
    logdirs: list[str]
    started: float

    @property
    def url(self) -> str:
        """The address the server printed when it started."""
        return server_url(self.host, self.port)

    @property
    def local_url(self) -> str:
        """An address on this machine (a server bound to every address answers on 127.0.0.1)."""
        return server_url("127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host, self.port)


def register(info: ServerInfo) -> Path:
    """Record a running server (the CLI calls this once it listens); returns the record's path."""
    folder = registry_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{info.pid}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(info)))
    os.replace(tmp, path)
    return path


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a zombie counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def running() -> list[ServerInfo]:
    """The servers running on this machine (records of dead ones are removed on the way)."""
    out = []
    folder = registry_dir()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            info = ServerInfo(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        if alive(info.pid):
            out.append(info)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return out


def start(
    logdir: str | os.PathLike[str], port: int = 0, args: list[str] | None = None, timeout: float = 120
) -> ServerInfo:
    """A server for ``logdir``: one already running for it, or a new one in the background."""
    wanted = os.path.abspath(os.path.expanduser(os.fspath(logdir)))
    for info in running():
        if info.logdirs == [wanted] and (port in (0, info.port)):
            return info
    # The server stops when this process (the kernel) exits, however it ends (--parent_pid);
    # its own session, so a Ctrl-C meant for the kernel's process group does not stop it.
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "ridgeline.cli", "--logdir", wanted, "--port", str(port)),
            *("--parent_pid", str(os.getpid()), *(args or [])),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for info in running():
            if info.pid == proc.pid:
                _STARTED.add(proc.pid)
                return info
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"ridgeline could not start: {err.strip()}")
        time.sleep(0.1)
    proc.kill()
    raise TimeoutError(f"ridgeline did not start within {timeout:.0f} s")


def iframe_html(info: ServerInfo, height: int = 800, ours: bool = False) -> str:
    """The dashboard in an iframe, and a line saying where it runs and how to stop it
    (``ours``: this process started it, so it stops when this process does)."""
    url = html.escape(info.local_url, quote=True)
    ends = "it stops with this kernel, or now with" if ours else "stop it with"
    return (
        f'<iframe src="{url}" width="100%" height="{int(height)}" frameborder="0" '
        f'title="Ridgeline: {html.escape(", ".join(info.logdirs))}"></iframe>'
        f'<div style="font-size:12px">Ridgeline at <a href="{url}" target="_blank">{url}</a> '
        f"(pid {info.pid}; {ends} <code>!kill {info.pid}</code>)</div>"
    )


def display(port: int | None = None, height: int = 800) -> Any:
    """Embed a running server (the newest, or the one on ``port``) in the notebook."""
    from IPython.core.display import HTML
    from IPython.core.display_functions import display as show

    servers = [s for s in running() if port is None or s.port == port]
    if not servers:
        raise LookupError(f"no ridgeline server is running{'' if port is None else f' on port {port}'}")
    info = max(servers, key=lambda s: s.started)
    out = HTML(iframe_html(info, height))
    show(out)
    return out


def _magic(line: str) -> None:
    import argparse

    from IPython.core.display import HTML
    from IPython.core.display_functions import display as show

    parser = argparse.ArgumentParser(prog="%ridgeline", add_help=False)
    parser.add_argument("--logdir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--height", type=int, default=800)
    known, rest = parser.parse_known_args(shlex.split(line))
    info = start(known.logdir, known.port, rest)
    show(HTML(iframe_html(info, known.height, ours=info.pid in _STARTED)))


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext ridgeline``: registers the ``%ridgeline`` line magic."""
    ipython.register_magic_function(_magic, magic_kind="line", magic_name="ridgeline")
