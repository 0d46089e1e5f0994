"""Hatch build hook: compile the ingest kernels and build the frontend into the package.

Runs for wheels and editable installs; neither output is committed.

* ``src/ridgeline/ingest/_kernels.c`` -> ``_ridgeline_kernels.so`` with the system C compiler
  (``$CC``, ``cc``, ``gcc`` or ``clang``). Without one the install still works: the library is
  compiled on first use if a compiler appears, or decoding runs in Python.
* The frontend (``npm ci && npm run build``) -> ``src/ridgeline/server/static``. Set
  ``RIDGELINE_SKIP_FRONTEND=1`` to skip (the server then shows a notice at ``/``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self._compile_kernels():
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
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

    def _compile_kernels(self) -> bool:
        ingest = Path(self.root) / "src" / "ridgeline" / "ingest"
        source = ingest / "_kernels.c"
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if not source.is_file() or cc is None:
            print(
                "ridgeline: no C compiler; the ingest kernels will be compiled on first use or run in Python"
            )
            return False
        target = ingest / ("_ridgeline_kernels" + (sysconfig.get_config_var("SHLIB_SUFFIX") or ".so"))
        subprocess.run([cc, "-O3", "-shared", "-fPIC", "-o", str(target), str(source)], check=True)
        return True
