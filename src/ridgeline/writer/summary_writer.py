"""Stage 1 (writer): ``SummaryWriter``, a drop-in for ``torch.utils.tensorboard.SummaryWriter``.

Same constructor, method names, arguments and defaults; each ``add_<kind>`` only converts its
arguments and hands them to the event file writer. Scalars live here; every other kind
(images, audio, histograms, text, PR curves, hparams, meshes, custom scalars) in
``kind_methods.py``. Scalars are written in the modern form
(rank-0 tensor with ``scalars`` plugin metadata), which TensorBoard reads natively.
"""

from __future__ import annotations

import functools
import os
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ridgeline.plugins.hparams import plugin_data_pb2 as pd
from ridgeline.plugins.hparams.summary import session_end_pb, session_start_pb
from ridgeline.plugins.scalars.metadata import create_summary_metadata
from ridgeline.proto import event_pb2, summary_pb2
from ridgeline.writer import default as _default
from ridgeline.writer.event_file import FILE_VERSION, EventFileWriter
from ridgeline.writer.file_writer import FileWriter, NullEventFileWriter
from ridgeline.writer.kind_methods import KindMethods
from ridgeline.writer.model_methods import ModelMethods
from ridgeline.writer.values import to_array, to_scalar

if TYPE_CHECKING:
    from ridgeline.writer.system_metrics import SystemMonitor

_SCALAR_METADATA = create_summary_metadata()
_now = time.time


def _same(summary: summary_pb2.Summary) -> summary_pb2.Summary:
    return summary


def flatten_config(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"opt": {"lr": 0.1}}`` -> ``{"opt.lr": 0.1}``; values hparams cannot hold (lists,
    None, objects) become their ``str``."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_config(value, name + "."))
        elif isinstance(value, bool | str) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            out[name] = value
        elif hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # numpy / torch scalars
            out[name] = value.item()
        else:
            out[name] = str(value)
    return out


def default_logdir(comment: str = "") -> str:
    """``runs/<Mon DD_HH-MM-SS>_<hostname><comment>``, as PyTorch names it."""
    current_time = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", current_time + "_" + socket.gethostname() + comment)


class SummaryWriter(KindMethods, ModelMethods):
    """Writes TensorBoard event files to ``log_dir``.

    Args:
        log_dir: where to write; default ``runs/<date>_<host><comment>``.
        comment: suffix of the default ``log_dir`` (ignored when ``log_dir`` is given).
        purge_step: after a crash at step T+X, restarting with ``purge_step=T`` hides the
            steps >= T that the crashed run wrote (TensorBoard's ``SessionLog.START`` rule).
        max_queue: pending events that wake the writer thread early.
        flush_secs: the longest an event waits in memory before reaching disk (the first
            event is flushed about a second after it is logged).
        filename_suffix: appended to event file names.
        system_metrics: also log CPU, memory, disk and network I/O and GPU use under
            ``system/`` from a background thread: True (every 10 s) or the interval in seconds
            (needs psutil; GPUs need nvidia-ml-py). Off by default.
        write_to_disk: False makes every call a no-op that writes nothing (tensorboardX).
        logdir: tensorboardX's name for ``log_dir``.
        comet_config: accepted for tensorboardX compatibility; Comet is not used.
        config: the run's configuration (learning rate, optimizer...), W&B style: written as
            the run's hyperparameters (nested mappings flattened to ``a.b`` keys), shown in
            the runs table and the hparams dashboard. When the writer closes, the session is
            marked finished — or failed when a ``with`` block exits with an exception — so the
            runs table tells a crashed run from a finished one.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str] | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
        system_metrics: bool | float = False,
        *,
        logdir: str | os.PathLike[str] | None = None,
        write_to_disk: bool = True,
        comet_config: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if log_dir is None:
            log_dir = logdir
        self.log_dir = os.fspath(log_dir) if log_dir is not None else default_logdir(comment)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self._write_to_disk = bool(write_to_disk)
        self.scalar_dict: dict[str, list[list[float]]] = {}  # add_scalars values (tensorboardX)
        self._file_writer: EventFileWriter | None = None
        self._sub_writers: dict[str, EventFileWriter] = {}
        self._default_step: int | None = None  # set by use_metadata
        self._default_walltime: float | None = None
        self._get_file_writer()
        self._config = flatten_config(config) if config else None
        if self._config is not None:
            self._write_session(session_start_pb(self._config))
        self._system: SystemMonitor | None = None
        if system_metrics:
            from ridgeline.writer.system_metrics import DEFAULT_INTERVAL, SystemMonitor

            interval = DEFAULT_INTERVAL if system_metrics is True else float(system_metrics)
            self._system = SystemMonitor(lambda tag, value, step: self.add_scalar(tag, value, step), interval)

    # ---- plumbing --------------------------------------------------------------------------

    def _get_file_writer(self) -> EventFileWriter:
        """The open event file writer, reopening a new file after :meth:`close`."""
        if self._file_writer is None or self._file_writer.closed:
            if not self._write_to_disk:
                self._file_writer = NullEventFileWriter()
                return self._file_writer
            self._file_writer = EventFileWriter(
                self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix
            )
            if self.purge_step is not None:
                step = self.purge_step
                self._file_writer.add_event(event_pb2.Event(step=step, file_version=FILE_VERSION))
                self._file_writer.add_event(
                    event_pb2.Event(
                        step=step, session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START)
                    )
                )
                self.purge_step = None
        return self._file_writer

    def get_logdir(self) -> str:
        """The directory this writer writes to."""
        return self.log_dir

    @property
    def logdir(self) -> str:
        """tensorboardX's name for :attr:`log_dir`."""
        return self.log_dir

    @property
    def file_writer(self) -> FileWriter | None:
        """The current event file as ``torch.utils.tensorboard``'s ``FileWriter`` (its
        ``add_event``, ``add_summary``, ``add_graph``, ``flush``...); None after :meth:`close`."""
        writer = self._file_writer
        if writer is None or writer.closed:
            return None
        return FileWriter(writer, self.log_dir)

    @property
    def all_writers(self) -> dict[str, FileWriter]:
        """Every open event file writer by folder (the main one and ``add_scalars``' runs)."""
        out: dict[str, FileWriter] = {}
        if self._file_writer is not None and not self._file_writer.closed:
            out[self.log_dir] = FileWriter(self._file_writer, self.log_dir)
        for path, writer in self._sub_writers.items():
            if not writer.closed:
                out[path] = FileWriter(writer, path)
        return out

    # ---- scalars ---------------------------------------------------------------------------

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = True,
        double_precision: bool = False,
        display_name: str | None = "",
        summary_description: str | None = "",
    ) -> None:
        """Log one scalar.

        Args:
            tag: the series name, e.g. ``"train/loss"``.
            scalar_value: a number, or a one-element numpy/torch/jax/tensorflow value. A value
                still on a GPU is read by the writer thread, not by the caller.
            global_step: the x coordinate (default 0).
            walltime: seconds since the epoch (default now).
            new_style: accepted for compatibility; scalars are always written as tensors.
            double_precision: store float64 instead of float32.
            display_name, summary_description: the chart's title and description
                (tensorboardX's arguments).
        """
        writer = self._file_writer
        if writer is None or writer.closed:
            writer = self._get_file_writer()
        metadata = _SCALAR_METADATA
        if display_name or summary_description:
            metadata = self._described_metadata(display_name or "", summary_description or "")
        writer.add_scalar(
            tag,
            scalar_value if type(scalar_value) is float else to_scalar(scalar_value),
            (self._default_step or 0) if global_step is None else int(global_step),
            (self._default_walltime or _now()) if walltime is None else float(walltime),
            double_precision,
            metadata,
        )

    def _described_metadata(self, display_name: str, description: str) -> Any:
        cache: dict[tuple[str, str], Any] = self.__dict__.setdefault("_metadata_cache", {})
        key = (display_name, description)
        if key not in cache:
            cache[key] = create_summary_metadata(display_name, description)
        return cache[key]

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: Mapping[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log several related scalars as one chart.

        As in PyTorch, each key becomes its own run, ``<log_dir>/<main_tag>_<key>`` (with ``/``
        in ``main_tag`` replaced by ``_``), holding tag ``main_tag``; the chart for
        ``main_tag`` then shows one line per key.
        """
        walltime = time.time() if walltime is None else float(walltime)
        step = int(global_step) if global_step is not None else 0
        for key, value in tag_scalar_dict.items():
            run_dir = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + key)
            self.scalar_dict.setdefault(os.path.join(self.log_dir, main_tag, key), []).append(
                [walltime, step, float(to_array(value).reshape(-1)[0])]
            )
            if not self._write_to_disk:
                continue
            writer = self._sub_writers.get(run_dir)
            if writer is None or writer.closed:
                writer = EventFileWriter(run_dir, self.max_queue, self.flush_secs, self.filename_suffix)
                self._sub_writers[run_dir] = writer
            writer.add_scalar(main_tag, to_scalar(value), step, walltime, False, create_summary_metadata())

    def export_scalars_to_json(self, path: str | os.PathLike[str]) -> None:
        """Write every value :meth:`add_scalars` logged since the last export to ``path`` as
        JSON, ``{"<log_dir>/<main_tag>/<key>": [[wall_time, step, value], ...]}``, then forget
        them (tensorboardX's format)."""
        import json

        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.scalar_dict, f)
        self.scalar_dict = {}

    # ---- lifecycle -------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything logged so far to disk."""
        for writer in [self._file_writer, *self._sub_writers.values()]:
            if writer is not None:
                writer.flush()

    def close(self) -> None:
        """Flush and close all files. Logging again afterwards opens a new file."""
        self._close(failed=False)

    def _close(self, failed: bool) -> None:
        if self._system is not None:
            self._system.stop()
            self._system = None
        if self._config is not None and self._file_writer is not None and not self._file_writer.closed:
            self._write_session(session_end_pb(pd.STATUS_FAILURE if failed else pd.STATUS_SUCCESS))
            self._config = None
        for writer in [self._file_writer, *self._sub_writers.values()]:
            if writer is not None:
                writer.close()
        self._sub_writers.clear()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close(failed=exc_type is not None)

    def _write_session(self, summary: summary_pb2.Summary) -> None:
        self._get_file_writer().add_summary(functools.partial(_same, summary), 0, time.time())

    @contextmanager
    def use_metadata(
        self, *, global_step: int | None = None, walltime: float | None = None
    ) -> Iterator[SummaryWriter]:
        """Within the block, ``add_*`` calls that pass no ``global_step``/``walltime`` use
        these (tensorboardX)."""
        saved = self._default_step, self._default_walltime
        self._default_step, self._default_walltime = global_step, walltime
        try:
            yield self
        finally:
            self._default_step, self._default_walltime = saved

    # ---- tf.summary-style use -------------------------------------------------------------

    @contextmanager
    def as_default(self, step: int | None = None) -> Iterator[SummaryWriter]:
        """Make this the writer that ``ridgeline.summary.*`` functions write to.

        Args:
            step: default step for calls that pass none (as ``tf.summary``'s ``as_default``).
        """
        token = _default.push(self, step)
        try:
            yield self
        finally:
            _default.pop(token)
            self.flush()

    def _write_scalar_summary(self, name: str, data: Any, step: int, description: str | None) -> None:
        self._get_file_writer().add_scalar(
            name,
            to_scalar(data),
            step,
            time.time(),
            False,
            create_summary_metadata("", description or ""),
        )
