"""Stage 1 (writer): ``GlobalSummaryWriter``, tensorboardX's process-wide writer whose steps
count themselves: each call to a tag logs at that tag's next step (0, 1, 2...), so code in
different modules (or threads) can log to one timeline without passing a step around.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from typing import Any

from ridgeline.writer.file_writer import FileWriter
from ridgeline.writer.summary_writer import SummaryWriter

_instance: GlobalSummaryWriter | None = None
_instance_lock = threading.Lock()


class GlobalSummaryWriter:
    """A :class:`SummaryWriter` that numbers each tag's steps itself (tensorboardX's API)."""

    def __init__(
        self,
        logdir: str | os.PathLike[str] | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
        write_to_disk: bool = True,
        log_dir: str | os.PathLike[str] | None = None,
        coalesce_process: bool = True,
        **kwargs: Any,
    ) -> None:
        self.smw = SummaryWriter(
            log_dir if log_dir is not None else logdir,
            comment,
            purge_step,
            max_queue,
            flush_secs,
            filename_suffix,
            write_to_disk=write_to_disk,
        )
        self.lock = threading.Lock()
        self._steps: dict[tuple[str, str], int] = defaultdict(lambda: -1)

    def _next(self, kind: str, tag: str) -> int:
        self._steps[(kind, tag)] += 1
        return self._steps[(kind, tag)]

    def add_scalar(self, tag: str, scalar_value: Any, walltime: float | None = None) -> None:
        with self.lock:
            self.smw.add_scalar(tag, scalar_value, self._next("scalar", tag), walltime)

    def add_histogram(
        self,
        tag: str,
        values: Any,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        with self.lock:
            self.smw.add_histogram(tag, values, self._next("histogram", tag), bins, walltime, max_bins)

    def add_image(
        self, tag: str, img_tensor: Any, walltime: float | None = None, dataformats: str = "CHW"
    ) -> None:
        with self.lock:
            self.smw.add_image(tag, img_tensor, self._next("image", tag), walltime, dataformats)

    def add_images(
        self, tag: str, img_tensor: Any, walltime: float | None = None, dataformats: str = "NCHW"
    ) -> None:
        with self.lock:
            self.smw.add_images(tag, img_tensor, self._next("image", tag), walltime, dataformats)

    def add_audio(
        self, tag: str, snd_tensor: Any, sample_rate: int = 44100, walltime: float | None = None
    ) -> None:
        with self.lock:
            self.smw.add_audio(tag, snd_tensor, self._next("audio", tag), sample_rate, walltime)

    def add_text(self, tag: str, text_string: str, walltime: float | None = None) -> None:
        with self.lock:
            self.smw.add_text(tag, text_string, self._next("text", tag), walltime)

    @staticmethod
    def getSummaryWriter() -> GlobalSummaryWriter:  # noqa: N802 - tensorboardX's name
        """The process's shared writer, created (in the default ``runs/...`` folder) on first use."""
        global _instance
        with _instance_lock:
            if _instance is None:
                _instance = GlobalSummaryWriter()
            return _instance

    @property
    def file_writer(self) -> FileWriter | None:
        return self.smw.file_writer

    def flush(self) -> None:
        self.smw.flush()

    def close(self) -> None:
        self.smw.close()

    def __enter__(self) -> GlobalSummaryWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
