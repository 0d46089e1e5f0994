"""Projector, read side: a run's ``projector_config.pbtxt`` -> its embeddings, their points,
metadata columns and sprites.

Points come from ``tensor_path`` (a TSV of floats, or raw little-endian float32 of
``tensor_shape`` when the file is not text) or from the TensorFlow checkpoint the config (or
the folder's ``checkpoint`` file) names; a config listing no embeddings shows every 2-D tensor
of its checkpoint, as TensorBoard does. Files are reached through the data provider's
``asset_path`` (inside the logdir only). Parsed tensors are cached by file identity.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from google.protobuf import text_format

from ridgeline.data.provider import DataProvider
from ridgeline.errors import BadData, NotFound
from ridgeline.plugins.projector import projector_config_pb2
from ridgeline.plugins.projector.checkpoint import latest_checkpoint, open_checkpoint
from ridgeline.plugins.projector.metadata import CONFIG_NAME

_CACHE_BYTES = 1 << 30


@dataclass(frozen=True, slots=True)
class Embedding:
    run: str
    name: str
    shape: tuple[int, int]
    source: str  # "tsv", "binary" or "checkpoint"
    tensor_file: str  # the file the points come from (TSV/binary, or the checkpoint prefix)
    metadata_file: str | None
    sprite_file: str | None
    sprite_dim: tuple[int, int] | None  # (width, height) of one thumbnail

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "shape": list(self.shape),
            "source": self.source,
            "has_metadata": self.metadata_file is not None,
            "sprite": None
            if self.sprite_dim is None
            else {"width": self.sprite_dim[0], "height": self.sprite_dim[1]},
        }


def _identity(path: str) -> tuple[str, int, int]:
    st = os.stat(path)
    return path, st.st_size, st.st_mtime_ns


def read_config(path: str) -> projector_config_pb2.ProjectorConfig:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    config = projector_config_pb2.ProjectorConfig()
    try:
        text_format.Parse(text, config, allow_unknown_field=True)
    except text_format.ParseError as err:
        raise BadData(f"{path}: not a projector config ({err})") from err
    return config


_SHAPES: OrderedDict[tuple[str, int, int], tuple[int, int] | None] = OrderedDict()
_SHAPES_LOCK = threading.Lock()


def _tsv_shape(path: str) -> tuple[int, int] | None:
    """(rows, columns) of a TSV tensor file, or None when the file is not text; remembered
    while the file is unchanged (a 100k-point file takes a scan of every line)."""
    key = _identity(path)
    with _SHAPES_LOCK:
        if key in _SHAPES:
            return _SHAPES[key]
    shape = _scan_tsv(path)
    with _SHAPES_LOCK:
        _SHAPES[key] = shape
        while len(_SHAPES) > 256:
            _SHAPES.popitem(last=False)
    return shape


def _scan_tsv(path: str) -> tuple[int, int] | None:
    rows = 0
    cols = 0
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    if rows == 0:
                        cols = len(line.rstrip("\n").split("\t"))
                    rows += 1
    except UnicodeDecodeError:
        return None
    return rows, cols


class ProjectorReader:
    """The embeddings of every projector run, with a byte-bounded cache of loaded points."""

    def __init__(self, provider: DataProvider) -> None:
        self.provider = provider
        self._lock = threading.Lock()
        self._tensors: OrderedDict[tuple[str, int, int, str], np.ndarray] = OrderedDict()
        self._bytes = 0

    def embeddings(self, run: str) -> list[Embedding]:
        config_path = self.provider.asset_path(run, CONFIG_NAME)
        config = read_config(config_path)
        folder = os.path.dirname(config_path)
        prefix = config.model_checkpoint_path or None
        if prefix is not None and not os.path.isabs(prefix):
            prefix = os.path.join(folder, prefix)
        if prefix is None:
            ckpt_dir = config.model_checkpoint_dir
            prefix = latest_checkpoint(os.path.join(folder, ckpt_dir) if ckpt_dir else folder)
        checkpoint = None
        if prefix is not None and os.path.isfile(prefix + ".index"):
            self.provider.asset_path(run, prefix + ".index")  # inside the logdir
            checkpoint = open_checkpoint(prefix)
        infos = list(config.embeddings)
        if not infos and checkpoint is not None:
            infos = [projector_config_pb2.EmbeddingInfo(tensor_name=n) for n in checkpoint.matrices()]
        out = []
        for info in infos:
            name = info.tensor_name.removesuffix(":0")
            metadata_file = self.provider.asset_path(run, info.metadata_path) if info.metadata_path else None
            sprite_file = None
            sprite_dim = None
            if info.sprite.image_path:
                sprite_file = self.provider.asset_path(run, info.sprite.image_path)
                dims = list(info.sprite.single_image_dim)
                if len(dims) == 2:
                    sprite_dim = (int(dims[0]), int(dims[1]))
            if info.tensor_path:
                tensor_file = self.provider.asset_path(run, info.tensor_path)
                shape = _tsv_shape(tensor_file)
                source = "tsv"
                if shape is None:
                    source = "binary"
                    if len(info.tensor_shape) != 2:
                        raise BadData(f"{tensor_file} is binary but the config gives no 2-D tensor_shape")
                    shape = (int(info.tensor_shape[0]), int(info.tensor_shape[1]))
            elif checkpoint is not None and name in checkpoint.entries:
                tensor_file, source = checkpoint.prefix, "checkpoint"
                dims = checkpoint.shape(name)
                if len(dims) != 2:
                    continue
                shape = (dims[0], dims[1])
            else:
                continue  # TensorBoard also skips an embedding whose tensor it cannot find
            out.append(
                Embedding(run, name, shape, source, tensor_file, metadata_file, sprite_file, sprite_dim)
            )
        return out

    def embedding(self, run: str, name: str) -> Embedding:
        for emb in self.embeddings(run):
            if emb.name == name:
                return emb
        raise NotFound(f"run {run!r} has no embedding {name!r}")

    def identity(self, emb: Embedding) -> tuple[str, int, int]:
        """The identity (path, size, mtime) of the file the points come from."""
        return _identity(emb.tensor_file + (".index" if emb.source == "checkpoint" else ""))

    def points(self, emb: Embedding) -> np.ndarray:
        """The embedding's points as float32 ``[n, d]`` (cached while its file is unchanged)."""
        key = (*self.identity(emb), emb.name)
        with self._lock:
            hit = self._tensors.get(key)
            if hit is not None:
                self._tensors.move_to_end(key)
                return hit
        array = self._load(emb)
        with self._lock:
            self._tensors[key] = array
            self._bytes += array.nbytes
            while len(self._tensors) > 1 and self._bytes > _CACHE_BYTES:
                _, old = self._tensors.popitem(last=False)
                self._bytes -= old.nbytes
        return array

    def _load(self, emb: Embedding) -> np.ndarray:
        rows, cols = emb.shape
        if emb.source == "checkpoint":
            array = open_checkpoint(emb.tensor_file).tensor(emb.name).astype(np.float32)
        elif emb.source == "binary":
            array = np.fromfile(emb.tensor_file, dtype="<f4")
            if array.size != rows * cols:
                raise BadData(f"{emb.tensor_file}: {array.size} floats for shape [{rows}, {cols}]")
            array = array.reshape(rows, cols)
        else:
            with open(emb.tensor_file, encoding="utf-8") as f:
                text = f.read()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # numpy warns (not raises) on unparsable text
                    flat = np.fromstring(text, dtype=np.float32, sep=" ")
            except (ValueError, DeprecationWarning) as err:
                raise BadData(f"{emb.tensor_file}: not a table of numbers ({err})") from err
            if flat.size != rows * cols:
                raise BadData(
                    f"{emb.tensor_file}: rows of different lengths ({flat.size} values, {rows} rows)"
                )
            array = flat.reshape(rows, cols)
        return np.ascontiguousarray(array, dtype=np.float32)

    def metadata(self, emb: Embedding) -> dict[str, Any]:
        """``{"columns": [names], "values": [[column values]]}``: one column without a header
        line, else the first line names the columns (TensorBoard's rule)."""
        if emb.metadata_file is None:
            return {"columns": [], "values": []}
        with open(emb.metadata_file, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines:
            return {"columns": [], "values": []}
        if "\t" not in lines[0]:
            return {"columns": ["label"], "values": [lines]}
        columns = lines[0].split("\t")
        rows = [line.split("\t") for line in lines[1:]]
        width = len(columns)
        if any(len(row) != width for row in rows):
            rows = [(row + [""] * width)[:width] for row in rows]
        values = [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in columns]
        return {"columns": columns, "values": values}
