"""Hatch build hook: build the frontend (npm ci && npm run build) into the package.

Runs for wheels and editable installs. The output, ``src/ridgeline/server/static``, is not
committed. Set ``RIDGELINE_SKIP_FRONTEND=1`` to skip (the server then shows a notice at ``/``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if os.environ.get("RIDGELINE_SKIP_FRONTEND"):
            return
        root = Path(self.root)
        frontend = root / "frontend"
        if not (frontend / "package.json").is_file():
            return  # building from an sdist without the frontend sources
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "building ridgeline's dashboard needs Node.js 18+ and npm on PATH "
                "(or set RIDGELINE_SKIP_FRONTEND=1 to install without the dashboard)"
            )
        # `npm ci` installs exactly the lock. Some registry mirrors do not serve the optional
        # per-platform packages (rollup's), which leaves them out of the lock and makes
        # `npm ci` refuse it; `npm install` then installs the same locked versions.
        if (
            not (frontend / "node_modules").is_dir()
            and subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=frontend).returncode != 0
        ):
            subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=frontend, check=True)
        subprocess.run([npm, "run", "build"], cwd=frontend, check=True)
