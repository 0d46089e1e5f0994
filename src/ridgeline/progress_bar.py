"""The indexing progress bar of the command line: one line on stderr, for logdirs large enough
to wait for (16 MB and more), redrawn at most five times a second."""

from __future__ import annotations

import sys
import time


class ProgressBar:
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
