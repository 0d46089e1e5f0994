"""Lightning integration (writer side): ``RidgelineLogger``, a drop-in for Lightning's
``TensorBoardLogger``.

    from ridgeline.lightning import RidgelineLogger
    trainer = lightning.Trainer(logger=RidgelineLogger("runs", name="mnist"))

Runs land in ``<save_dir>/<name>/version_<n>`` as with ``TensorBoardLogger`` (the next free
version unless given). Metrics logged with ``self.log(...)`` become scalars; the module's
hyperparameters (``save_hyperparameters()``) become an hparams session (flattened with
``/``; values that are not numbers, strings or booleans are shown as text) whose metrics are
the run's scalars, and ``finalize`` records how the fit ended (success / failure), so runs
compare in the hparams dashboard. Importing this module imports Lightning; ``import ridgeline``
does not.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
from collections.abc import Mapping
from typing import Any

from lightning.fabric.loggers.logger import rank_zero_experiment
from lightning.pytorch.callbacks import Callback
from lightning.pytorch.loggers.logger import Logger
from lightning.pytorch.utilities import rank_zero_only

from ridgeline.explain.callbacks import Explainer, Method
from ridgeline.plugins.hparams import plugin_data_pb2 as pd
from ridgeline.plugins.hparams.summary import experiment_pb, session_end_pb, session_start_pb
from ridgeline.proto import summary_pb2
from ridgeline.writer.summary_writer import SummaryWriter

_STATUS = {"success": pd.STATUS_SUCCESS, "failed": pd.STATUS_FAILURE, "finished": pd.STATUS_SUCCESS}


def _same(summary: summary_pb2.Summary) -> summary_pb2.Summary:
    return summary


def flatten_hparams(params: Mapping[str, Any] | argparse.Namespace, prefix: str = "") -> dict[str, Any]:
    """Nested hyperparameters as one level (``optimizer/lr``), every value a number, string or
    boolean (anything else as its text; None as "None")."""
    items = vars(params) if isinstance(params, argparse.Namespace) else params
    out: dict[str, Any] = {}
    for key, value in items.items():
        name = f"{prefix}{key}"
        if isinstance(value, argparse.Namespace):
            value = vars(value)
        if isinstance(value, Mapping):
            out.update(flatten_hparams(value, f"{name}/"))
        elif isinstance(value, bool | int | float | str):
            out[name] = value
        else:
            out[name] = str(value)
    return out


class RidgelineLogger(Logger):
    """Lightning's logger interface over a :class:`ridgeline.SummaryWriter`.

    Args:
        save_dir: the logdir (serve it with ``ridgeline --logdir save_dir``).
        name: experiment folder inside it (``""`` or None: none).
        version: an int (``version_<n>``) or a string (used as the folder name); default: the
            next free ``version_<n>``.
        **writer_kwargs: passed to :class:`ridgeline.SummaryWriter` (``flush_secs``,
            ``system_metrics=True``...).
    """

    def __init__(
        self,
        save_dir: str | os.PathLike[str],
        name: str | None = "lightning_logs",
        version: int | str | None = None,
        **writer_kwargs: Any,
    ) -> None:
        super().__init__()
        self._save_dir = os.fspath(save_dir)
        self._name = name or ""
        self._version = version
        self._writer_kwargs = writer_kwargs
        self._writer: SummaryWriter | None = None
        self._hparams_logged = False

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> int | str:
        if self._version is None:
            self._version = self._next_version()
        return self._version

    @property
    def save_dir(self) -> str:
        return self._save_dir

    @property
    def root_dir(self) -> str:
        return os.path.join(self._save_dir, self._name)

    @property
    def log_dir(self) -> str:
        version = self.version if isinstance(self.version, str) else f"version_{self.version}"
        return os.path.join(self.root_dir, version)

    def _next_version(self) -> int:
        try:
            names = os.listdir(self.root_dir)
        except OSError:
            return 0
        taken = [int(m.group(1)) for n in names if (m := re.fullmatch(r"version_(\d+)", n))]
        return max(taken, default=-1) + 1

    @property
    @rank_zero_experiment
    def experiment(self) -> SummaryWriter:
        """The :class:`ridgeline.SummaryWriter` of this run (log images, histograms... with it)."""
        if self._writer is None:
            self._writer = SummaryWriter(self.log_dir, **self._writer_kwargs)
        return self._writer

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        for key, value in metrics.items():
            if isinstance(value, Mapping):
                self.experiment.add_scalars(key, value, step)
            else:
                self.experiment.add_scalar(key, value, step)

    @rank_zero_only
    def log_hyperparams(
        self,
        params: Mapping[str, Any] | argparse.Namespace,
        metrics: Mapping[str, Any] | None = None,
        step: int | None = None,
    ) -> None:
        """The run's hparams session (its metrics are the scalars it logs)."""
        hparams = flatten_hparams(params)
        if not hparams or self._hparams_logged:
            return
        self._hparams_logged = True
        writer = self.experiment
        for summary in (experiment_pb(hparams, list(metrics or {})), session_start_pb(hparams)):
            writer._queue(functools.partial(_same, summary), 0 if step is None else step, None)
        if metrics:
            self.log_metrics(metrics, step)

    @rank_zero_only
    def log_graph(self, model: Any, input_array: Any = None) -> None:
        """Model graphs are not written yet (they come with the graphs dashboard)."""

    @rank_zero_only
    def save(self) -> None:
        if self._writer is not None:
            self._writer.flush()

    @rank_zero_only
    def finalize(self, status: str) -> None:
        """Record how the fit ended in the hparams session, and close the files."""
        if self._writer is None:
            return
        if self._hparams_logged:
            end = session_end_pb(_STATUS.get(status, pd.STATUS_UNKNOWN))
            self._writer._queue(functools.partial(_same, end), 0, None)
        self._writer.close()
        self._writer = None


class ExplanationCallback(Callback):
    """Explain a fixed batch every ``every_n_epochs`` training epochs (after the epoch) and log
    it with :class:`ridgeline.explain.callbacks.Explainer`: into the run of a
    :class:`RidgelineLogger`, or else into ``<log_dir>/explanations``.

        trainer = Trainer(logger=RidgelineLogger("runs"), callbacks=[
            ExplanationCallback(x_val[:8], ["saliency", "integrated_gradients", "grad_cam"],
                                layer="features.6", every_n_epochs=5)])
    """

    def __init__(
        self,
        inputs: Any,
        methods: list[str] | Mapping[str, Method],
        target: Any = None,
        layer: Any = None,
        every_n_epochs: int = 1,
    ) -> None:
        self.inputs, self.methods, self.target, self.layer = inputs, methods, target, layer
        self.every_n_epochs = every_n_epochs
        self._explainer: Explainer | None = None
        self._own_writer: SummaryWriter | None = None

    def _writer(self, trainer: Any) -> SummaryWriter:
        logger = trainer.logger
        if isinstance(logger, RidgelineLogger):
            writer: SummaryWriter = logger.experiment
            return writer
        if self._own_writer is None:
            self._own_writer = SummaryWriter(
                os.path.join(trainer.log_dir or trainer.default_root_dir, "explanations")
            )
        return self._own_writer

    @rank_zero_only
    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        if self._explainer is None:
            self._explainer = Explainer(
                self._writer(trainer), self.inputs, self.methods, self.target, self.layer, self.every_n_epochs
            )
        self._explainer(pl_module, trainer.current_epoch)

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        if self._own_writer is not None:
            self._own_writer.close()
