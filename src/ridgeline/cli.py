"""The ``ridgeline`` command: serve a logdir, write the demo, inspect event files, export a report.

ridgeline --logdir runs [--port 6006] [--host 127.0.0.1] [--db PATH] [--reindex]
ridgeline serve --logdir_spec a:runs/a,b:runs/b
ridgeline demo [--logdir DIR]
ridgeline inspect --logdir runs
ridgeline export --logdir runs --out report.html [--dashboards scalars,hparams] [--all-points]

Nothing is written or changed before everything that can fail early has been checked (the
port is bound, the logdir is a folder, the index can be opened).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from typing import Any

from ridgeline import __version__

logger = logging.getLogger("ridgeline")


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--logdir", help="folder of runs (comma-separated for several)")
    p.add_argument("--logdir_spec", help="name1:path1,name2:path2 (TensorBoard's form; names prefix runs)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 serves the network)",
    )
    p.add_argument("--port", type=int, default=6006, help="port (default 6006; 0 picks a free one)")
    p.add_argument(
        "--db",
        help="index file (default: one per logdir in $RIDGELINE_CACHE_DIR or ~/.cache/ridgeline)",
    )
    p.add_argument(
        "--reindex",
        action="store_true",
        help="throw the index away and read the logdir again (the index is only a cache)",
    )
    p.add_argument(
        "--reload_interval", type=float, default=2.0, help="seconds between looks for new data (default 2)"
    )
    p.add_argument(
        "--health",
        default="",
        metavar="NAME=VALUE,...",
        help="training-health thresholds, e.g. vanishing_abs=1e-8,plateau_rel=0.01 (see the README)",
    )
    p.add_argument(
        "--cors_origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let pages from ORIGIN read the API (repeatable; default: none)",
    )


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


def _check_logdirs(logdirs: list[tuple[str, str]]) -> None:
    for _, path in logdirs:
        if os.path.isfile(path):
            raise SystemExit(
                f"ridgeline: --logdir {path} is a file; give the folder that holds the runs "
                f"(e.g. --logdir {os.path.dirname(os.path.dirname(path)) or '.'})"
            )
        if not os.path.isdir(path):
            logger.warning("logdir %s does not exist (yet); the page will say so", path)
        elif not os.access(path, os.R_OK | os.X_OK):
            logger.warning("logdir %s cannot be read (permissions); the page will say so", path)


def _open_index(args: argparse.Namespace, logdirs: list[tuple[str, str]]) -> tuple[Any, str]:
    from ridgeline.store import SQLiteStore, default_db_path

    db = str(args.db or default_db_path("|".join(f"{n}:{p}" for n, p in logdirs)))
    try:
        if args.reindex:
            _remove_index(db)
        return SQLiteStore(db), db
    except OSError as exc:
        raise SystemExit(
            f"ridgeline: cannot create the index {db} ({exc.strerror or exc}); "
            "pass --db PATH or set RIDGELINE_CACHE_DIR to a writable folder"
        ) from None
    except sqlite3.Error as exc:
        raise SystemExit(f"ridgeline: cannot open the index {db} ({exc}); pass --db PATH elsewhere") from None


def _remove_index(db: str) -> None:
    """``--reindex``: the index is a cache; delete it (unless another server is using it)."""
    from ridgeline.store.sqlite_store import IndexInUse, remove_index

    try:
        remove_index(db)
    except IndexInUse:
        raise SystemExit(
            f"ridgeline: another ridgeline server is using the index {db}; stop it before --reindex"
        ) from None
    logger.info("removed the index %s; the logdir will be read again", db)


def serve(args: argparse.Namespace, sock: socket.socket | None = None) -> None:
    import uvicorn

    from ridgeline.data.local_provider import LocalDataProvider
    from ridgeline.ingest.ingester import Ingester, Watcher
    from ridgeline.plugins.health.rules import HealthConfig
    from ridgeline.server.app import create_app
    from ridgeline.server.security import LOOPBACK_NAMES, is_loopback

    logdirs = _logdirs(args)
    _check_logdirs(logdirs)
    try:
        health = HealthConfig.parse(args.health)
    except ValueError as exc:
        raise SystemExit(f"ridgeline: --health: {exc}") from None
    if sock is None:
        sock = _bind(args.host, args.port)
    store, db = _open_index(args, logdirs)
    ingester = Ingester(store, logdirs)
    provider = LocalDataProvider(store, ingester)
    port = sock.getsockname()[1]
    host = args.host if ":" not in args.host else f"[{args.host}]"
    print(f"Ridgeline serving {', '.join(p for _, p in logdirs)} at http://{host}:{port}/ (index: {db})")
    loopback = is_loopback(args.host)
    if not loopback:
        print(
            f"warning: bound to {args.host}: anyone who can reach this machine on port {port} can read "
            "these logs (there is no login). Use the default --host 127.0.0.1 to serve only this machine.",
            file=sys.stderr,
        )
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
    allowed = (*LOOPBACK_NAMES, args.host.lower()) if loopback else None
    app = create_app(provider, allowed_hosts=allowed, cors_origins=args.cors_origin, health=health)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    record = _register(args.host, port, logdirs)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        if record is not None:
            with contextlib.suppress(OSError):
                record.unlink()
    print("Ridgeline stopped.")


def _register(host: str, port: int, logdirs: list[tuple[str, str]]) -> Any:
    """Leave a record for ``ridgeline list`` and the notebook magic (None if it cannot)."""
    from ridgeline.notebook import ServerInfo, register

    try:
        return register(ServerInfo(os.getpid(), host, port, [p for _, p in logdirs], time.time()))
    except OSError:
        return None


def list_servers(args: argparse.Namespace) -> None:
    from ridgeline.notebook import running

    servers = running()
    if not servers:
        print("no ridgeline server is running")
        return
    for s in servers:
        minutes = (time.time() - s.started) / 60
        print(f"{s.url}  pid {s.pid}  up {minutes:.0f} min  logdir {', '.join(s.logdirs)}")


def demo(args: argparse.Namespace) -> None:
    from ridgeline.demo import write_demo

    default = os.path.join(tempfile.gettempdir(), "ridgeline-demo")
    logdir = os.path.abspath(args.logdir or default)
    # The port first: a demo that cannot be served must not write (or replace) anything.
    sock = None if args.no_serve else _bind(args.host, args.port)
    print(f"writing the demo logdir to {logdir} ...")
    try:
        write_demo(logdir, replace_unmarked=logdir == default)
    except OSError as exc:
        if sock is not None:
            sock.close()
        raise SystemExit(f"ridgeline: cannot write the demo: {exc}") from None
    if sock is None:
        return
    args.logdir_spec = None
    args.logdir = logdir
    serve(args, sock)


def inspect(args: argparse.Namespace) -> None:
    from ridgeline.ingest.inspect import inspect_logdirs

    logdirs = _logdirs(args)
    _check_logdirs(logdirs)
    logging.getLogger("ridgeline").setLevel(logging.ERROR)  # the report lists every problem once
    sys.exit(inspect_logdirs(logdirs, sys.stdout))


_COMMANDS = """commands:
  ridgeline [serve] --logdir DIR   serve a logdir (the default command; options above)
  ridgeline demo [--logdir DIR]    write a demo logdir and serve it
  ridgeline inspect --logdir DIR   print what the event files hold, and what is wrong
                                   (exit status 1 when it reports a problem)
  ridgeline list                   the servers running on this machine
  ridgeline COMMAND --help         that command's options"""


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    main = argparse.ArgumentParser(
        prog="ridgeline",
        description="TensorBoard-compatible dashboards for your training logs.",
        epilog=_COMMANDS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main.add_argument("--version", action="version", version=f"ridgeline {__version__}")
    _serve_args(main)
    p_serve = argparse.ArgumentParser(prog="ridgeline serve", description="Serve a logdir.")
    _serve_args(p_serve)
    p_demo = argparse.ArgumentParser(
        prog="ridgeline demo",
        description="Write a demo logdir (replacing an earlier demo) and serve it.",
    )
    _serve_args(p_demo)
    p_demo.add_argument("--no-serve", action="store_true", help="only write the demo logdir")
    p_inspect = argparse.ArgumentParser(
        prog="ridgeline inspect",
        description="Print the runs, files, tags and problems of a logdir (exit 1 on any problem).",
    )
    p_inspect.add_argument("--logdir", help="folder of runs (comma-separated for several)")
    p_inspect.add_argument("--logdir_spec", help="name1:path1,name2:path2")
    p_list = argparse.ArgumentParser(
        prog="ridgeline list", description="List the ridgeline servers running here."
    )
    p_export = argparse.ArgumentParser(
        prog="ridgeline export",
        description="Write one self-contained HTML file of a logdir's dashboards (opens offline, no server).",
    )
    p_export.add_argument("--logdir", help="folder of runs (comma-separated for several)")
    p_export.add_argument("--logdir_spec", help="name1:path1,name2:path2")
    p_export.add_argument("--out", required=True, help="the HTML file to write (e.g. report.html)")
    p_export.add_argument(
        "--dashboards",
        default="",
        help="comma-separated: scalars,custom_scalars,hparams,text,histograms,distributions (default: all with data)",
    )
    p_export.add_argument("--runs", default="", help="only runs whose name matches this regex")
    points = p_export.add_mutually_exclusive_group()
    points.add_argument(
        "--points",
        type=int,
        default=2000,
        help="at most this many points per scalar series, spikes kept (default 2000)",
    )
    points.add_argument("--all-points", action="store_true", help="every point of every series")
    p_export.add_argument("--title", default=None, help="the page title")
    return main, {"serve": p_serve, "demo": p_demo, "inspect": p_inspect, "list": p_list, "export": p_export}


def export(args: argparse.Namespace) -> None:
    from ridgeline.data.local_provider import LocalDataProvider
    from ridgeline.ingest.ingester import Ingester
    from ridgeline.server.report import ReportError, write_report
    from ridgeline.store import SQLiteStore

    logdirs = _logdirs(args)
    _check_logdirs(logdirs)
    missing = [p for _, p in logdirs if not os.path.isdir(p)]
    if missing:
        raise SystemExit(f"ridgeline: --logdir {', '.join(missing)} does not exist")
    if args.points is not None and args.points < 4 and not args.all_points:
        raise SystemExit("ridgeline: --points must be at least 4")
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(os.path.join(tmp, "export.sqlite"))
        ingester = Ingester(store, logdirs)
        ingester.reload()
        provider = LocalDataProvider(store, ingester)
        try:
            stats = write_report(
                provider,
                args.out,
                dashboards=[d.strip() for d in args.dashboards.split(",") if d.strip()] or None,
                runs=args.runs or None,
                points=None if args.all_points else args.points,
                title=args.title,
            )
        except ReportError as exc:
            raise SystemExit(f"ridgeline: {exc}") from None
        finally:
            store.close()
    print(
        f"wrote {stats.path} ({stats.bytes / 1e6:.1f} MB: {stats.runs} runs, {stats.series} series, "
        f"{stats.points:,} points) in {stats.seconds:.1f} s; open it in a browser, no server needed"
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser, commands = _parser()
    if argv and argv[0] in commands:
        command = argv[0]
        args = commands[command].parse_args(argv[1:])
    else:
        command = "serve"
        args = parser.parse_args(argv)
    try:
        {"serve": serve, "demo": demo, "inspect": inspect, "list": list_servers, "export": export}[command](
            args
        )
    except KeyboardInterrupt:  # Ctrl-C before the server took over signal handling
        print("Ridgeline stopped.")
    except BrokenPipeError:  # `ridgeline inspect | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
