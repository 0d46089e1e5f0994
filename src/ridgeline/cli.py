"""The ``ridgeline`` command: serve a logdir, write the demo, inspect event files.

ridgeline --logdir runs [--port 6006] [--host 127.0.0.1] [--db PATH]
ridgeline serve --logdir_spec a:runs/a,b:runs/b
ridgeline demo [--logdir DIR]
ridgeline inspect --logdir runs
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
import tempfile
import threading
import time

logger = logging.getLogger("ridgeline")


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--logdir", help="folder of runs (comma-separated for several)")
    p.add_argument("--logdir_spec", help="name1:path1,name2:path2 (TensorBoard's form)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=6006, help="port (0 picks a free one)")
    p.add_argument("--db", help="index file (default: a per-logdir file in ~/.cache/ridgeline)")
    p.add_argument("--reload_interval", type=float, default=2.0, help="seconds between reloads")


def _logdirs(args: argparse.Namespace) -> list[tuple[str, str]]:
    from ridgeline.ingest.logdir import parse_logdir_spec

    if args.logdir_spec:
        return [
            (name, os.path.abspath(os.path.expanduser(p))) for name, p in parse_logdir_spec(args.logdir_spec)
        ]
    if not args.logdir:
        raise SystemExit("ridgeline: give --logdir PATH (or --logdir_spec name:path,...)")
    return [("", os.path.abspath(os.path.expanduser(p.strip()))) for p in args.logdir.split(",") if p.strip()]


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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


class _ProgressBar:
    """One line on stderr while the first index is built."""

    def __init__(self) -> None:
        self._last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total < (16 << 20) or (now - self._last < 0.2 and done < total):
            return
        self._last = now
        frac = done / total if total else 1.0
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\rindexing [{bar:<30}] {frac:6.1%} of {total / 1e6:,.0f} MB")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
        self.shown = True


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from ridgeline.data.local_provider import LocalDataProvider
    from ridgeline.ingest.ingester import Ingester, Watcher
    from ridgeline.server.app import create_app
    from ridgeline.store import SQLiteStore, default_db_path

    logdirs = _logdirs(args)
    for _, path in logdirs:
        if not os.path.isdir(path):
            logger.warning("logdir %s does not exist (yet); the page will say so", path)
    db = args.db or default_db_path("|".join(f"{n}:{p}" for n, p in logdirs))
    store = SQLiteStore(db)
    ingester = Ingester(store, logdirs)
    provider = LocalDataProvider(store, ingester)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    host = args.host if ":" not in args.host else f"[{args.host}]"
    print(f"Ridgeline serving {', '.join(p for _, p in logdirs)} at http://{host}:{port}/ (index: {db})")
    sys.stdout.flush()

    bar = _ProgressBar()

    def first_index() -> None:
        provider.indexing = True
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            provider.progress = done / total if total else 1.0
            bar(done, total)

        try:
            report = ingester.reload(progress)
            if report.bytes_read:
                logger.info(
                    "indexed %d records (%.0f MB) in %.1f s",
                    report.records,
                    report.bytes_read / 1e6,
                    time.perf_counter() - started,
                )
        finally:
            provider.indexing = False
            provider.progress = 1.0
        watcher = Watcher(ingester, args.reload_interval)
        watcher.start()

    threading.Thread(target=first_index, name="ridgeline-first-index", daemon=True).start()
    config = uvicorn.Config(create_app(provider), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("Ridgeline stopped.")


def demo(args: argparse.Namespace) -> None:
    from ridgeline.demo import write_demo

    logdir = args.logdir or os.path.join(tempfile.gettempdir(), "ridgeline-demo")
    print(f"writing the demo logdir to {logdir} ...")
    write_demo(logdir)
    if args.no_serve:
        return
    args.logdir_spec = None
    args.logdir = logdir
    serve(args)


def inspect(args: argparse.Namespace) -> None:
    from ridgeline.ingest.inspect import inspect_logdirs

    sys.exit(inspect_logdirs(_logdirs(args), sys.stdout))


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="ridgeline", description="TensorBoard-compatible dashboards")
    sub = parser.add_subparsers(dest="command")
    p_serve = sub.add_parser("serve", help="serve a logdir (the default command)")
    _serve_args(p_serve)
    p_demo = sub.add_parser("demo", help="write a demo logdir and serve it")
    _serve_args(p_demo)
    p_demo.add_argument("--no-serve", action="store_true", help="only write the demo logdir")
    p_inspect = sub.add_parser("inspect", help="print what the event files under a logdir hold")
    p_inspect.add_argument("--logdir")
    p_inspect.add_argument("--logdir_spec")
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["serve", *argv]
    args = parser.parse_args(argv)
    try:
        {"serve": serve, "demo": demo, "inspect": inspect}[args.command](args)
    except KeyboardInterrupt:  # Ctrl-C before the server took over signal handling
        print("Ridgeline stopped.")


if __name__ == "__main__":
    main()
