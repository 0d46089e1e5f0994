"""Meshes, serve side: meshes per run (grouped from their vertex/face/color tags), steps, and
one step's arrays for the 3-D viewer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins import common
from ridgeline.plugins.common import Run
from ridgeline.plugins.mesh.metadata import PLUGIN_NAME
from ridgeline.plugins.mesh.reader import mesh_at, meshes
from ridgeline.server.schemas import Num, StepsBody

Name = Annotated[str, Query(description="mesh name (the tag given to add_mesh)")]


class MeshEntry(BaseModel):
    tags: dict[str, str]  # vertices / faces / colors -> tag
    config: dict[str, Any]
    count: int
    last_step: int | None
    config_error: str | None = None


class MeshesBody(BaseModel):
    runs: dict[str, dict[str, MeshEntry]]


class MeshBody(BaseModel):
    config: dict[str, Any]
    step: int
    wall_time: Num
    vertices: list[Num]
    faces: list[int] | None = None
    colors: list[int] | None = None


class MeshPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.DataRouter(tags=[PLUGIN_NAME])

        @r.get("/meshes", response_model=MeshesBody)
        def list_meshes() -> dict[str, Any]:
            """Meshes per run."""
            return {"runs": meshes(provider)}

        @r.get("/steps", response_model=StepsBody)
        def steps(run: Run, name: Name) -> dict[str, Any]:
            """Steps of a mesh (those of its vertex tag)."""
            entry = meshes(provider).get(run, {}).get(name)
            if entry is None or "vertices" not in entry["tags"]:
                raise NotFound(f"run {run!r} has no mesh {name!r}")
            return common.steps(provider, PLUGIN_NAME, run, entry["tags"]["vertices"])

        @r.get("/mesh", response_model=MeshBody)
        def mesh(run: Run, name: Name, index: int = -1) -> dict[str, Any]:
            """One step: ``{step, wall_time, vertices, faces?, colors?, config}`` (flat arrays)."""
            return mesh_at(provider, run, name, index)

        return r


PLUGIN = MeshPlugin()
