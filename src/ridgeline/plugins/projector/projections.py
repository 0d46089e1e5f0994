"""Projector: points -> 2-D/3-D coordinates, and nearest neighbours in the original space.

* **PCA** (numpy): components found from up to :data:`PCA_SAMPLE` points (centred; optionally
  spherized — each dimension scaled to unit variance first, as TensorBoard's "Spherize data"),
  every point projected; the variance each component explains is returned.
* **t-SNE** (openTSNE, FFT-accelerated) and **UMAP** (umap-learn), optional extras
  (``pip install ridgeline[projector]``), run as background jobs on a sample (20,000 points by
  default, TensorBoard samples 10,000 / 5,000), reporting progress; t-SNE also hands out its
  intermediate layouts so the browser can animate it. Points outside the sample are NaN.
* **Neighbours**: exact k nearest by cosine or euclidean distance over all points.

Jobs are kept by their inputs (file identity, method, parameters): asking again for the same
projection returns the same job, finished or not.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ridgeline.errors import BadData
from ridgeline.plugins.projector.metadata import PCA_SAMPLE

_MAX_JOBS = 32


@dataclass(frozen=True)
class PcaBasis:
    """What projecting onto principal components needs: found once per embedding."""

    mean: np.ndarray  # float32 [d]
    scale: np.ndarray  # float32 [d] (ones unless spherized)
    components: np.ndarray  # float32 [min(10, d), d], rows are the components
    variance: list[float]  # fraction of the variance each component explains


def pca_basis(points: np.ndarray, spherize: bool = False, seed: int = 0) -> PcaBasis:
    """The first (up to) 10 principal components, found from up to :data:`PCA_SAMPLE` points."""
    n, d = points.shape
    if n == 0 or d == 0:
        raise BadData("an empty embedding has no principal components")
    rng = np.random.default_rng(seed)
    sample = points if n <= PCA_SAMPLE else points[np.sort(rng.choice(n, PCA_SAMPLE, replace=False))]
    sample = sample.astype(np.float64)
    mean = sample.mean(axis=0) if n <= PCA_SAMPLE else points.mean(axis=0, dtype=np.float64)
    scale = np.ones(d)
    if spherize:
        std = sample.std(axis=0)
        scale = np.where(std > 0, std, 1.0)
    _, s, vt = np.linalg.svd((sample - mean) / scale, full_matrices=False)
    var = s**2
    total = float(var.sum()) or 1.0
    k = min(10, vt.shape[0])
    return PcaBasis(
        mean.astype(np.float32),
        scale.astype(np.float32),
        vt[:k].astype(np.float32),
        [float(v / total) for v in var[:k]],
    )


def pca(
    points: np.ndarray, components: int = 3, spherize: bool = False, basis: PcaBasis | None = None
) -> dict[str, Any]:
    """``{"coords": float32 [n, components], "variance": [fraction explained by each of the
    first 10 components], "total_variance": fraction the returned components explain}``."""
    basis = basis or pca_basis(points, spherize)
    k = max(1, min(int(components), points.shape[1], 10))
    coords = ((points - basis.mean) / basis.scale) @ basis.components[:k].T
    if coords.shape[1] < k:
        coords = np.pad(coords, ((0, 0), (0, k - coords.shape[1])))
    return {
        "coords": np.ascontiguousarray(coords, dtype=np.float32),
        "variance": basis.variance,
        "total_variance": float(sum(basis.variance[:k])),
    }


def neighbors(points: np.ndarray, index: int, k: int, metric: str) -> list[tuple[int, float]]:
    """The ``k`` points nearest to point ``index`` (itself excluded), nearest first."""
    n = points.shape[0]
    if not 0 <= index < n:
        raise BadData(f"point {index} does not exist (the embedding has {n})")
    k = max(1, min(int(k), n - 1))
    query = points[index].astype(np.float64)
    if metric == "cosine":
        norms = np.linalg.norm(points, axis=1).astype(np.float64)
        qn = float(np.linalg.norm(query)) or 1.0
        sims = (points @ query.astype(np.float32)).astype(np.float64) / (np.where(norms > 0, norms, 1.0) * qn)
        dist = 1.0 - sims
    elif metric == "euclidean":
        diff = points.astype(np.float64) - query
        dist = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    else:
        raise BadData(f"metric must be cosine or euclidean, not {metric!r}")
    dist[index] = np.inf
    nearest = np.argpartition(dist, k - 1)[:k]
    nearest = nearest[np.argsort(dist[nearest], kind="stable")]
    return [(int(i), float(dist[i])) for i in nearest]


# ---- background jobs -------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    method: str
    dims: int
    params: dict[str, Any]
    n: int
    state: str = "queued"  # queued, running, done, error
    progress: float = 0.0
    message: str = "waiting for another projection to finish"
    iteration: int = 0
    iterations: int = 0  # how many the job runs (0: not known yet); iteration never passes it
    coords: np.ndarray | None = None  # latest layout, [n, dims] float32 with NaN outside the sample
    sample: np.ndarray | None = None
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self) -> dict[str, Any]:
        return {
            "job": self.id,
            "method": self.method,
            "dims": self.dims,
            "state": self.state,
            "progress": self.progress,
            "message": self.message,
            "iteration": self.iteration,
            "iterations": self.iterations,
            "has_coords": self.coords is not None,
            "sampled": 0 if self.sample is None else int(self.sample.size),
            "points": self.n,
        }

    def publish(self, layout: np.ndarray) -> None:
        assert self.sample is not None
        full = np.full((self.n, self.dims), np.nan, dtype=np.float32)
        full[self.sample] = layout[:, : self.dims]
        with self.lock:
            self.coords = full


class _TqdmProgress(io.StringIO):
    """What umap-learn's progress bar writes, read as a fraction (its only progress report)."""

    def __init__(self, job: Job, lo: float, hi: float) -> None:
        super().__init__()
        self.job, self.lo, self.hi = job, lo, hi

    def write(self, text: str) -> int:
        found = re.findall(r"(\d+)/(\d+)", text)
        if found:
            done, total = (int(x) for x in found[-1])
            if total:
                self.job.progress = self.lo + (self.hi - self.lo) * done / total
                self.job.iteration = min(done, total)
                self.job.iterations = total
        return len(text)


def _run_tsne(job: Job, data: np.ndarray) -> None:
    try:
        from openTSNE import TSNE
    except ImportError as err:
        raise BadData("t-SNE needs openTSNE: pip install 'ridgeline[projector]'") from err
    # The iterations asked for include the early-exaggeration phase (as TensorBoard counts
    # them): a third of them, at most 250, then the rest. The reported iteration never passes
    # what was asked.
    total = max(2, int(job.params.get("iterations", 500)))
    early = min(250, max(1, total // 3))
    job.iterations = total

    seen = {"phase": 0, "last": -1}

    def callback(iteration: int, error: float, embedding: Any) -> None:
        if iteration < seen["last"]:  # the second phase counts from 0 again
            seen["phase"] = 1
        seen["last"] = iteration
        job.iteration = min(total, iteration + (early if seen["phase"] else 0))
        job.progress = 0.1 + 0.9 * job.iteration / total
        job.publish(np.asarray(embedding, dtype=np.float32))

    job.message = "finding neighbours"
    job.progress = 0.02
    tsne = TSNE(
        n_components=job.dims,
        perplexity=float(job.params.get("perplexity", 30)),
        learning_rate=job.params.get("learning_rate", "auto"),
        n_iter=total - early,
        early_exaggeration_iter=early,
        metric=str(job.params.get("metric", "euclidean")),
        negative_gradient_method="fft" if job.dims <= 2 else "bh",
        callbacks=callback,
        callbacks_every_iters=10,
        random_state=int(job.params.get("seed", 0)),
        n_jobs=1,
    )
    job.message = "optimizing"
    result = tsne.fit(data)
    job.iteration = total
    job.publish(np.asarray(result, dtype=np.float32))


def _run_umap(job: Job, data: np.ndarray) -> None:
    try:
        import umap
    except ImportError as err:
        raise BadData("UMAP needs umap-learn: pip install 'ridgeline[projector]'") from err
    job.message = "finding neighbours and building the graph"
    job.progress = 0.05
    reducer = umap.UMAP(
        n_components=job.dims,
        n_neighbors=int(job.params.get("neighbors", 15)),
        min_dist=float(job.params.get("min_dist", 0.1)),
        metric=str(job.params.get("metric", "euclidean")),
        random_state=int(job.params.get("seed", 0)),
        verbose=True,
        tqdm_kwds={"file": _TqdmProgress(job, 0.3, 1.0), "mininterval": 0, "ascii": True},
    )
    job.message = "optimizing"
    layout = reducer.fit_transform(data)
    job.publish(np.asarray(layout, dtype=np.float32))


class Jobs:
    """Projection jobs, one running at a time (each may use every core), the newest kept."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ridgeline-projection")

    def start(
        self, key: tuple[Any, ...], method: str, dims: int, params: dict[str, Any], points: np.ndarray
    ) -> Job:
        if method not in ("tsne", "umap"):
            raise BadData(f"method must be tsne or umap, not {method!r}")
        if dims not in (2, 3):
            raise BadData("dims must be 2 or 3")
        job_id = hashlib.blake2b(
            repr((key, method, dims, sorted(params.items()))).encode(), digest_size=10
        ).hexdigest()
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state != "error":
                self._jobs.move_to_end(job_id)
                return job
            job = Job(job_id, method, dims, dict(params), points.shape[0])
            self._jobs[job_id] = job
            while len(self._jobs) > _MAX_JOBS:
                self._jobs.popitem(last=False)
        n = points.shape[0]
        limit = int(params.get("sample", 20_000))
        rng = np.random.default_rng(int(params.get("seed", 0)))
        job.sample = np.arange(n) if n <= limit else np.sort(rng.choice(n, limit, replace=False))
        data = np.ascontiguousarray(points[job.sample], dtype=np.float64)
        self._pool.submit(self._run, job, data)
        return job

    def _run(self, job: Job, data: np.ndarray) -> None:
        job.state = "running"
        job.started = time.monotonic()
        try:
            if data.shape[0] < 4:
                raise BadData(f"{job.method} needs at least 4 points, the embedding has {data.shape[0]}")
            (_run_tsne if job.method == "tsne" else _run_umap)(job, data)
            job.progress = 1.0
            job.message = f"done in {time.monotonic() - job.started:.1f} s"
            job.state = "done"
        except Exception as err:  # noqa: BLE001 - reported to the browser, which shows it
            job.state = "error"
            job.message = str(err) if isinstance(err, BadData) else f"{type(err).__name__}: {err}"

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)
