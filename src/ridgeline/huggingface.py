"""Hugging Face integration (writer side): ``RidgelineCallback`` for ``transformers.Trainer``.

    trainer = Trainer(..., args=TrainingArguments(..., report_to="none"),
                      callbacks=[RidgelineCallback()])

It logs what ``report_to="tensorboard"`` logs, under the same tags (``train/loss``,
``train/learning_rate``, ``eval/loss``...), at ``state.global_step``, into the same folder
(``$TENSORBOARD_LOGGING_DIR``, else ``<output_dir>/runs/<date>_<host>``), plus an hparams
session (the usual training arguments and the model type; metrics are the run's scalars) whose
status says whether training finished, so runs compare in the HParams dashboard. Logs written
by ``report_to="tensorboard"`` itself open unchanged in Ridgeline. Importing this module imports
transformers; ``import ridgeline`` does not.
"""

from __future__ import annotations

import datetime
import functools
import os
import socket
from collections.abc import Sequence
from typing import Any

from transformers import TrainerCallback
from transformers.integrations.integration_utils import rewrite_logs

from ridgeline.plugins.hparams import plugin_data_pb2 as pd
from ridgeline.plugins.hparams.summary import experiment_pb, session_end_pb, session_start_pb
from ridgeline.proto import summary_pb2
from ridgeline.writer.summary_writer import SummaryWriter

HPARAMS = (
    "learning_rate",
    "per_device_train_batch_size",
    "gradient_accumulation_steps",
    "num_train_epochs",
    "max_steps",
    "weight_decay",
    "warmup_steps",
    "lr_scheduler_type",
    "optim",
    "seed",
)


def _same(summary: summary_pb2.Summary) -> summary_pb2.Summary:
    return summary


def _plain(value: Any) -> bool | int | float | str:
    if isinstance(value, bool | int | float | str):
        return value
    return str(getattr(value, "value", value))  # enums (lr_scheduler_type, optim) by value


class RidgelineCallback(TrainerCallback):
    """Log a ``transformers.Trainer`` run with a :class:`ridgeline.SummaryWriter`.

    Args:
        log_dir: where (default: as ``report_to="tensorboard"``).
        hparams: ``TrainingArguments`` fields recorded in the hparams session.
        system_metrics: also sample CPU, memory, I/O and GPU use (True or an interval in
            seconds; see :class:`ridgeline.SummaryWriter`).
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str] | None = None,
        hparams: Sequence[str] = HPARAMS,
        system_metrics: bool | float = False,
    ) -> None:
        self.system_metrics = system_metrics
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self.hparams = tuple(hparams)
        self.writer: SummaryWriter | None = None

    def _open(self, args: Any) -> SummaryWriter:
        if self.writer is None:
            logdir = self.log_dir or os.getenv("TENSORBOARD_LOGGING_DIR")
            if not logdir:
                stamp = datetime.datetime.now().strftime("%b%d_%H-%M-%S")
                logdir = os.path.join(args.output_dir, "runs", f"{stamp}_{socket.gethostname()}")
            self.log_dir = os.path.expanduser(logdir)
            self.writer = SummaryWriter(self.log_dir, system_metrics=self.system_metrics)
        return self.writer

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        writer = self._open(args)
        writer.add_text("args", args.to_json_string())
        hparams = {name: _plain(getattr(args, name)) for name in self.hparams if hasattr(args, name)}
        config = getattr(model, "config", None)
        if config is not None:
            writer.add_text("model_config", config.to_json_string())
            hparams["model_type"] = str(getattr(config, "model_type", "") or type(model).__name__)
        for summary in (experiment_pb(hparams, []), session_start_pb(hparams)):
            writer._queue(functools.partial(_same, summary), state.global_step, None)

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if not state.is_world_process_zero or not logs:
            return
        writer = self._open(args)
        for key, value in rewrite_logs(logs).items():  # type: ignore[no-untyped-call]
            if isinstance(value, bool | int | float):
                writer.add_scalar(key, float(value), state.global_step)
            elif isinstance(value, str):
                writer.add_text(key, value, state.global_step)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.writer is None:
            return
        self.writer._queue(
            functools.partial(_same, session_end_pb(pd.STATUS_SUCCESS)), state.global_step, None
        )
        self.writer.close()
        self.writer = None
