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
import logging
import os
import re
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from typing import Any

from ridgeline import __version__
from ridgeline.listening import bind, exit_with, http_server
from ridgeline.progress_bar import ProgressBar

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
    _db_arg(p)
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
        "--ingest",
        choices=["auto", "on", "off"],
        default="auto",
        help="index the logdir in this process (auto: yes with an SQLite index, no with PostgreSQL, "
        "where `ridgeline ingest` workers do it)",
    )
    p.add_argument(
        "--auth",
        choices=["auto", "on", "off"],
        default="auto",
        help="require access tokens (auto: whenever --host is not a loopback address; on: also on "
        "127.0.0.1, e.g. behind a reverse proxy)",
    )
    p.add_argument(
        "--parent_pid",
        type=int,
        default=None,
        metavar="PID",
        help="stop when process PID exits (the notebook magic passes its kernel's)",
    )
    p.add_argument(
        "--cors_origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let pages from ORIGIN read the API (repeatable; default: none)",
    )


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        help="the index: an SQLite file (default: one per logdir in $RIDGELINE_CACHE_DIR or "
        "~/.cache/ridgeline) or postgresql://user:password@host/db, shared by a team's servers and workers",
    )


def _logdirs(args: argparse.Namespace) -> list[tuple[str, str]]:
    from ridgeline.ingest.logdir import parse_logdir_spec
    from ridgeline.ingest.source import normalize

    if args.logdir_spec:
        return [(name, normalize(p)) for name, p in parse_logdir_spec(args.logdir_spec)]
    if not args.logdir:
        raise SystemExit("ridgeline: give --logdir PATH (or --logdir_spec name:path,...)")
    return [("", normalize(p)) for p in args.logdir.split(",") if p.strip()]


def _check_logdirs(logdirs: list[tuple[str, str]]) -> None:
    from ridgeline.ingest.source import LogdirError, is_url, open_logdir

    for _, path in logdirs:
        if is_url(path):
            try:
                if not open_logdir(path).exists():
                    logger.warning("logdir %s holds no objects (yet); the page will say so", path)
            except LogdirError as exc:
                raise SystemExit(f"ridgeline: {exc}") from None
            continue
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
    from ridgeline.store.postgres_store import PostgresStore, is_postgres_url

    db = str(args.db or default_db_path("|".join(f"{n}:{p}" for n, p in logdirs)))
    if is_postgres_url(db):
        if getattr(args, "reindex", False):
            raise SystemExit("ridgeline: --reindex works on SQLite indexes; drop a PostgreSQL index's tables")
        try:
            store = PostgresStore(db)
        except Exception as exc:  # noqa: BLE001 - psycopg missing, server down, bad password
            raise SystemExit(f"ridgeline: cannot open the index {db.split('@')[-1]}: {exc}") from None
        return store, store.path
    try:
        if getattr(args, "reindex", False):
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
    from ridgeline.data.local_provider import LocalDataProvider
    from ridgeline.ingest.ingester import Ingester, Watcher
    from ridgeline.notebook import server_url
    from ridgeline.plugins.health.rules import HealthConfig
    from ridgeline.server.app import create_app
    from ridgeline.server.security import LOOPBACK_NAMES, is_loopback
    from ridgeline.store import SQLiteStore

    logdirs = _logdirs(args)
    _check_logdirs(logdirs)
    try:
        health = HealthConfig.parse(args.health)
    except ValueError as exc:
        raise SystemExit(f"ridgeline: --health: {exc}") from None
    if sock is None:
        sock = bind(args.host, args.port)
    store, db = _open_index(args, logdirs)
    team = not isinstance(store, SQLiteStore)
    run_ingest = args.ingest == "on" or (args.ingest == "auto" and not team)
    ingester = Ingester(store, logdirs) if run_ingest else None
    provider = LocalDataProvider(store, ingester, logdirs)
    port = sock.getsockname()[1]
    loopback = is_loopback(args.host)
    auth = args.auth == "on" or (args.auth == "auto" and not loopback)
    print(
        f"Ridgeline serving {', '.join(p for _, p in logdirs)} at {server_url(args.host, port)} (index: {db})"
    )
    if ingester is None:
        print("this server only reads the index: `ridgeline ingest` workers keep it up to date")
    if auth:
        live = [t for t in store.tokens() if t.revoked is None]
        print(
            f"access tokens required ({len(live)} valid); make one with: ridgeline token create --db "
            f"{db if team else repr(db)}" + ("" if live else "  (none exists yet: nobody can read)"),
            file=sys.stderr,
        )
    sys.stdout.flush()

    bar = ProgressBar()

    def first_index() -> None:
        assert ingester is not None
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

    if ingester is not None:
        threading.Thread(target=first_index, name="ridgeline-first-index", daemon=True).start()
    allowed = (*LOOPBACK_NAMES, args.host.lower()) if loopback else None
    app = create_app(provider, allowed_hosts=allowed, cors_origins=args.cors_origin, health=health, auth=auth)
    server = http_server(app)
    if args.parent_pid:
        threading.Thread(
            target=exit_with, args=(args.parent_pid, server), name="ridgeline-parent-watch", daemon=True
        ).start()
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
    sock = None if args.no_serve else bind(args.host, args.port)
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


def ingest(args: argparse.Namespace) -> None:
    """An ingest worker: keeps the index up to date with the logdir, sharing the runs with
    every other worker on the same index (leases), until stopped (or once, ``--once``)."""
    from ridgeline.ingest.ingester import Ingester

    logdirs = _logdirs(args)
    _check_logdirs(logdirs)
    store, db = _open_index(args, logdirs)
    ingester = Ingester(store, logdirs, workers=args.threads, lease_ttl=args.lease_ttl)
    print(
        f"ridgeline ingest: {', '.join(p for _, p in logdirs)} -> {db} (worker {ingester.owner})", flush=True
    )
    while True:
        started = time.perf_counter()
        report = ingester.reload()
        if not report.writer:
            print("another process writes this SQLite index; use PostgreSQL for several workers", flush=True)
        elif report.files or report.removed_runs or report.reread_runs:
            print(
                f"indexed {report.records:,} records ({report.bytes_read / 1e6:,.1f} MB) from "
                f"{report.files} files in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        if args.once:
            return
        time.sleep(args.interval)


def token(args: argparse.Namespace) -> None:
    """Create, list and revoke the access tokens of an index."""
    from ridgeline.tokens import new_token

    logdirs = _logdirs(args) if (args.logdir or args.logdir_spec) else []
    if not args.db and not logdirs:
        raise SystemExit("ridgeline token: give --db (or the --logdir the server serves)")
    store, _ = _open_index(args, logdirs)
    if args.action == "create":
        try:
            secret, record = new_token(args.name, args.read_only, args.runs, args.tags)
        except (ValueError, re.error) as exc:
            raise SystemExit(f"ridgeline token: {exc}") from None
        from ridgeline.tokens import hash_token

        store.add_token(record, hash_token(secret))
        scope = "read-only" if record.read_only else "read and write"
        if record.scoped:
            scope += f", runs ~ {record.runs or '.*'}, tags ~ {record.tags or '.*'}"
        print(f"token {record.id} ({scope}): {secret}")
        if args.url:
            print(f"share link: {args.url.rstrip('/')}/?token={secret}")
        print("it is shown only now; revoke it with: ridgeline token revoke " + record.id, file=sys.stderr)
    elif args.action == "list":
        for t in store.tokens():
            state = "revoked" if t.revoked else ("read-only" if t.read_only else "read+write")
            scope = f" runs~{t.runs}" * bool(t.runs) + f" tags~{t.tags}" * bool(t.tags)
            made = time.strftime("%Y-%m-%d %H:%M", time.localtime(t.created))
            print(f"{t.id}  {state:<9}  {made}  {t.name}{scope}")
    elif args.action == "revoke":
        if not args.id:
            raise SystemExit("ridgeline token revoke: give the token's id (ridgeline token list)")
        if not store.revoke_token(args.id):
            raise SystemExit(f"ridgeline token: no live token {args.id}")
        print(f"revoked {args.id}; servers refuse it within seconds")


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
  ridgeline export --logdir DIR --out report.html
                                   one self-contained HTML report (opens offline)
  ridgeline ingest --logdir URL --db postgresql://...
                                   an ingest worker for a shared index (run several)
  ridgeline token create|list|revoke --db ...
                                   access tokens and share links (team servers)
  ridgeline upload --logdir DIR --to https://server --token T
                                   send local runs to a team server (resumes)
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
    p_ingest = argparse.ArgumentParser(
        prog="ridgeline ingest",
        description="Keep an index up to date with a logdir; several workers may share one PostgreSQL index.",
    )
    p_ingest.add_argument("--logdir", help="folder or URL (s3://bucket/prefix) of runs, comma-separated")
    p_ingest.add_argument("--logdir_spec", help="name1:path1,name2:path2")
    _db_arg(p_ingest)
    p_ingest.add_argument("--interval", type=float, default=2.0, help="seconds between looks (default 2)")
    p_ingest.add_argument("--once", action="store_true", help="index what is there now, then exit")
    p_ingest.add_argument(
        "--lease_ttl",
        type=float,
        default=30.0,
        help="seconds after which a dead worker's runs go to another worker (default 30)",
    )
    p_ingest.add_argument("--threads", type=int, default=None, help="decoding threads (default: up to 4)")
    p_token = argparse.ArgumentParser(
        prog="ridgeline token", description="Access tokens of a team server (kept in its index)."
    )
    p_token.add_argument("action", choices=["create", "list", "revoke"])
    p_token.add_argument("id", nargs="?", help="the token to revoke")
    _db_arg(p_token)
    p_token.add_argument("--logdir", help="the logdir a server with the default index serves")
    p_token.add_argument("--logdir_spec", help="name1:path1,name2:path2")
    p_token.add_argument("--name", default="", help="who or what the token is for")
    p_token.add_argument("--read-only", action="store_true", help="only reading (share links)")
    p_token.add_argument("--runs", default="", help="a share link: only runs matching this regex (read-only)")
    p_token.add_argument("--tags", default="", help="a share link: only tags matching this regex (read-only)")
    p_token.add_argument("--url", default="", help="the server's address, to print a share link")
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
    p_export.add_argument(
        "--db",
        help="the index the dashboard uses (as `ridgeline --db`): the runs' display names, colors, "
        "tags and notes given there go into the report (default: the index `ridgeline --logdir` "
        "keeps for this logdir, if there is one)",
    )
    p_upload = argparse.ArgumentParser(
        prog="ridgeline upload",
        description="Send local runs to a team server; run it again after a failure and it resumes.",
    )
    p_upload.add_argument("--logdir", required=True, help="the local folder of runs")
    p_upload.add_argument("--to", required=True, help="the server, e.g. https://ridgeline.example.com")
    p_upload.add_argument("--token", default=os.environ.get("RIDGELINE_TOKEN"), help="a write token")
    p_upload.add_argument("--prefix", default="", help="put the runs under this folder on the server")
    p_upload.add_argument("--watch", action="store_true", help="keep sending what the runs append")
    return main, {
        "serve": p_serve,
        "demo": p_demo,
        "inspect": p_inspect,
        "list": p_list,
        "export": p_export,
        "ingest": p_ingest,
        "token": p_token,
        "upload": p_upload,
    }


def export(args: argparse.Namespace) -> None:
    from ridgeline.data.local_provider import LocalDataProvider
    from ridgeline.ingest.ingester import Ingester
    from ridgeline.ingest.source import open_logdir
    from ridgeline.server.report import ReportError, write_report
    from ridgeline.store import SQLiteStore, default_db_path
    from ridgeline.store.run_meta import read_run_meta

    logdirs = _logdirs(args)
    _check_logdirs(logdirs)
    missing = [p for _, p in logdirs if not open_logdir(p).exists()]
    if missing:
        raise SystemExit(f"ridgeline: --logdir {', '.join(missing)} does not exist")
    if args.points is not None and args.points < 4 and not args.all_points:
        raise SystemExit("ridgeline: --points must be at least 4")
    # What the user said about runs in the dashboard (names, colors, tags, notes) lives in the
    # server's index; the report is built from a fresh index, so it is copied over.
    source = args.db or default_db_path("|".join(f"{n}:{p}" for n, p in logdirs))
    if args.db and "://" not in args.db and not os.path.isfile(args.db):
        raise SystemExit(f"ridgeline: --db {args.db} does not exist")
    try:
        said = read_run_meta(source)
    except Exception as exc:  # noqa: BLE001 - psycopg missing, server down: the report without them
        logger.warning("could not read the run names and colors in %s: %s", str(source).split("@")[-1], exc)
        said = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(os.path.join(tmp, "export.sqlite"))
        if said:
            store.set_run_meta(dict(said))
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


def upload(args: argparse.Namespace) -> None:
    from ridgeline.upload import UploadError, upload_logdir

    try:
        upload_logdir(args.logdir, args.to, args.token, prefix=args.prefix, watch=args.watch)
    except UploadError as exc:
        raise SystemExit(f"ridgeline upload: {exc}") from None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for chatty in ("botocore", "aiobotocore", "s3fs", "fsspec", "azure", "urllib3"):
        logging.getLogger(chatty).setLevel(logging.WARNING)  # object-store clients' INFO lines
    parser, commands = _parser()
    if argv and argv[0] in commands:
        command = argv[0]
        args = commands[command].parse_args(argv[1:])
    else:
        command = "serve"
        args = parser.parse_args(argv)
    try:
        commands_ = {
            "serve": serve,
            "demo": demo,
            "inspect": inspect,
            "list": list_servers,
            "export": export,
            "ingest": ingest,
            "token": token,
            "upload": upload,
        }
        commands_[command](args)
    except KeyboardInterrupt:  # Ctrl-C before the server took over signal handling
        print("Ridgeline stopped.")
    except BrokenPipeError:  # `ridgeline inspect | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
