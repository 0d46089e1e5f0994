"""Projector, serve side (``/api/plugins/projector/...``):

* ``GET /embeddings`` — ``{"runs": {run: [{name, shape, source, has_metadata, sprite}]}}``;
* ``GET /metadata?run&name`` — ``{"columns": [...], "values": [[per column]]}``;
* ``GET /sprite?run&name`` — the sprite PNG;
* ``GET /pca?run&name&components=3&spherize=false`` — float32 coordinates, row-major
  ``[n, components]`` (``application/octet-stream``), the variance explained in the
  ``X-Variance`` header (JSON);
* ``POST /projection`` ``{run, name, method: tsne|umap, dims, params}`` — starts (or finds) a
  background job; ``GET /projection?job`` its progress; ``GET /projection/coords?job`` its
  latest layout (float32 ``[n, dims]``, NaN for points outside the sample);
* ``GET /neighbors?run&name&index&k&metric`` — the nearest points in the original space.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ridgeline.data.provider import DataProvider
from ridgeline.errors import BadData, NotFound
from ridgeline.plugins import common
from ridgeline.plugins.common import Run
from ridgeline.plugins.projector.metadata import MAX_NEIGHBORS, PLUGIN_NAME
from ridgeline.plugins.projector.projections import Jobs, PcaBasis, neighbors, pca, pca_basis
from ridgeline.plugins.projector.reader import ProjectorReader
from ridgeline.server.encoding import JSONBody
from ridgeline.server.schemas import RunError

Name = Annotated[str, Query(description="the embedding's tensor name")]


class SpriteInfo(BaseModel):
    width: int
    height: int


class EmbeddingBody(BaseModel):
    name: str
    shape: list[int]
    source: str
    has_metadata: bool
    sprite: SpriteInfo | None


class EmbeddingsBody(BaseModel):
    runs: dict[str, list[EmbeddingBody]]
    errors: list[RunError]


class MetadataBody(BaseModel):
    columns: list[str]
    values: list[list[str]]


class ProjectionRequest(BaseModel):
    run: str
    name: str
    method: Literal["tsne", "umap"]
    dims: Literal[2, 3] = 2
    params: dict[str, float | int | str] = Field(default_factory=dict)


class JobBody(BaseModel):
    job: str
    method: str
    dims: int
    state: str
    progress: float
    message: str
    iteration: int
    iterations: int
    has_coords: bool
    sampled: int
    points: int


class Neighbor(BaseModel):
    index: int
    distance: float


class NeighborsBody(BaseModel):
    index: int
    metric: str
    neighbors: list[Neighbor]


def _float32(array: np.ndarray, headers: dict[str, str] | None = None) -> Response:
    data = np.ascontiguousarray(array, dtype="<f4")
    head = {"Cache-Control": "no-store", "X-Shape": json.dumps(list(data.shape)), **(headers or {})}
    return Response(data.tobytes(), media_type="application/octet-stream", headers=head)


class ProjectorPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.DataRouter(tags=[PLUGIN_NAME])
        reader = ProjectorReader(provider)
        jobs = Jobs()
        bases: OrderedDict[tuple[Any, ...], PcaBasis] = OrderedDict()  # by points' identity

        @r.get("/embeddings", summary="every run's embeddings", response_model=EmbeddingsBody)
        def embeddings() -> dict[str, Any]:
            runs: dict[str, list[dict[str, Any]]] = {}
            errors = []
            for run in provider.list_asset_runs(PLUGIN_NAME):
                try:
                    runs[run] = [e.json() for e in reader.embeddings(run)]
                except (BadData, NotFound, OSError) as err:
                    errors.append({"run": run, "detail": str(err)})
            return {"runs": runs, "errors": errors}

        @r.get("/metadata", summary="the metadata columns of an embedding", response_model=MetadataBody)
        def metadata(run: Run, name: Name) -> Response:
            emb = reader.embedding(run, name)
            found = reader.metadata(emb)
            rows = len(found["values"][0]) if found["values"] else emb.shape[0]
            if found["values"] and rows != emb.shape[0]:
                raise BadData(f"the metadata of {name!r} has {rows} rows for {emb.shape[0]} points")
            return JSONBody(found)  # strings only: no non-finite floats to look for

        @r.get("/sprite", summary="the sprite image (PNG)", response_class=Response)
        def sprite(run: Run, name: Name, if_none_match: Annotated[str | None, Header()] = None) -> Response:
            emb = reader.embedding(run, name)
            if emb.sprite_file is None:
                raise NotFound(f"embedding {name!r} has no sprite")
            with open(emb.sprite_file, "rb") as f:
                return common.blob_response(f.read(), "image/png", if_none_match)

        @r.get("/pca", summary="PCA coordinates (float32 [n, components])", response_class=Response)
        def pca_route(
            run: Run,
            name: Name,
            components: Annotated[int, Query(ge=1, le=10)] = 3,
            spherize: bool = False,
        ) -> Response:
            emb = reader.embedding(run, name)
            points = reader.points(emb)
            key = (emb.run, emb.name, reader.identity(emb), spherize)
            basis = bases.get(key)
            if basis is None:
                basis = bases[key] = pca_basis(points, spherize)
                while len(bases) > 16:
                    bases.popitem(last=False)
            found = pca(points, components, spherize, basis)
            variance = {"variance": found["variance"], "total_variance": found["total_variance"]}
            return _float32(found["coords"], {"X-Variance": json.dumps(variance)})

        @r.post("/projection", summary="start (or find) a t-SNE / UMAP job", response_model=JobBody)
        def start_projection(body: ProjectionRequest) -> dict[str, Any]:
            emb = reader.embedding(body.run, body.name)
            points = reader.points(emb)
            key = (emb.run, emb.name, emb.tensor_file, points.shape)
            return jobs.start(key, body.method, body.dims, dict(body.params), points).status()

        @r.get("/projection", summary="a projection job's progress", response_model=JobBody)
        def projection(job: Annotated[str, Query()]) -> dict[str, Any]:
            found = jobs.get(job)
            if found is None:
                raise NotFound(f"no projection job {job!r} (the server may have restarted)")
            return found.status()

        @r.get(
            "/projection/coords", summary="a job's latest layout (float32 [n, dims])", response_class=Response
        )
        def projection_coords(job: Annotated[str, Query()]) -> Response:
            found = jobs.get(job)
            if found is None:
                raise NotFound(f"no projection job {job!r}")
            with found.lock:
                coords = found.coords
            if coords is None:
                raise NotFound(f"job {job!r} has no layout yet")
            return _float32(coords, {"X-Iteration": str(found.iteration)})

        @r.get("/neighbors", summary="nearest points in the original space", response_model=NeighborsBody)
        def nearest(
            run: Run,
            name: Name,
            index: Annotated[int, Query(ge=0)],
            k: Annotated[int, Query(ge=1, le=MAX_NEIGHBORS)] = 100,
            metric: Literal["cosine", "euclidean"] = "cosine",
        ) -> dict[str, Any]:
            points = reader.points(reader.embedding(run, name))
            found = neighbors(points, index, k, metric)
            return {
                "index": index,
                "metric": metric,
                "neighbors": [{"index": i, "distance": d} for i, d in found],
            }

        return r


PLUGIN = ProjectorPlugin()
