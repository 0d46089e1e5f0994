"""Stage 1 (writer): opt-in system metrics, sampled on a background thread.

``SummaryWriter(..., system_metrics=True)`` (or a number: the interval in seconds, default 10)
logs, under ``system/``, at step = whole seconds since the writer started:

* ``cpu_percent`` (whole machine), ``memory_percent``, ``memory_used_gb``,
  ``process_rss_gb`` (this training process);
* ``disk_read_mb_s``, ``disk_write_mb_s``, ``net_sent_mb_s``, ``net_recv_mb_s`` (rates since
  the previous sample);
* per GPU ``i`` when nvidia-ml-py is installed and a driver answers: ``gpu<i>/utilization``,
  ``gpu<i>/memory_percent``, ``gpu<i>/memory_used_gb``, ``gpu<i>/temperature_c``,
  ``gpu<i>/power_w``.

psutil is needed (``pip install psutil``); it is imported only when system metrics are asked
for. A sample costs well under a millisecond and runs off the training thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 10.0
_GB = 1024**3
_MB = 1024**2


def _gpus() -> tuple[Any, list[Any]]:
    """(pynvml or None, device handles): nothing when nvidia-ml-py or a driver is missing."""
    try:
        import pynvml  # nvidia-ml-py
    except ImportError:
        return None, []
    try:
        pynvml.nvmlInit()
        return pynvml, [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]
    except Exception:  # noqa: BLE001 - no driver, no GPU: CPU metrics only
        return None, []


class SystemMonitor:
    """Samples the machine every ``interval`` seconds and hands each value to ``log(tag, value, step)``."""

    def __init__(self, log: Callable[[str, float, int], None], interval: float = DEFAULT_INTERVAL) -> None:
        try:
            import psutil
        except ImportError as exc:
            raise ImportError("system_metrics=True needs psutil: pip install psutil") from exc
        if interval <= 0:
            raise ValueError("the system metrics interval must be positive")
        self._psutil = psutil
        self._log = log
        self.interval = float(interval)
        self._process = psutil.Process()
        self._nvml, self._gpus = _gpus()
        self._started = time.monotonic()
        self._last: tuple[float, Any, Any] | None = None
        self._stop = threading.Event()
        psutil.cpu_percent(None)  # the first call only sets the baseline
        self._thread = threading.Thread(target=self._loop, name="ridgeline-system-metrics", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sample()
            except Exception:  # noqa: BLE001 - a metric that cannot be read is skipped, training goes on
                logger.debug("system metrics sample failed", exc_info=True)

    def sample(self) -> None:
        ps = self._psutil
        step = int(time.monotonic() - self._started)
        mem = ps.virtual_memory()
        values = {
            "cpu_percent": ps.cpu_percent(None),
            "memory_percent": mem.percent,
            "memory_used_gb": (mem.total - mem.available) / _GB,
            "process_rss_gb": self._process.memory_info().rss / _GB,
        }
        now = time.monotonic()
        disk, net = ps.disk_io_counters(), ps.net_io_counters()
        if self._last is not None:
            then, disk0, net0 = self._last
            dt = max(now - then, 1e-6)
            if disk is not None and disk0 is not None:
                values["disk_read_mb_s"] = (disk.read_bytes - disk0.read_bytes) / _MB / dt
                values["disk_write_mb_s"] = (disk.write_bytes - disk0.write_bytes) / _MB / dt
            if net is not None and net0 is not None:
                values["net_sent_mb_s"] = (net.bytes_sent - net0.bytes_sent) / _MB / dt
                values["net_recv_mb_s"] = (net.bytes_recv - net0.bytes_recv) / _MB / dt
        self._last = (now, disk, net)
        nv = self._nvml
        for i, h in enumerate(self._gpus):
            util = nv.nvmlDeviceGetUtilizationRates(h)
            gmem = nv.nvmlDeviceGetMemoryInfo(h)
            values[f"gpu{i}/utilization"] = float(util.gpu)
            values[f"gpu{i}/memory_used_gb"] = gmem.used / _GB
            values[f"gpu{i}/memory_percent"] = 100.0 * gmem.used / max(gmem.total, 1)
            values[f"gpu{i}/temperature_c"] = float(nv.nvmlDeviceGetTemperature(h, nv.NVML_TEMPERATURE_GPU))
            values[f"gpu{i}/power_w"] = nv.nvmlDeviceGetPowerUsage(h) / 1000.0
        for name, value in values.items():
            self._log(f"system/{name}", float(value), step)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
