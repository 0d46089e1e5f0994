"""Graphs, read side: the logged graph values -> nodes the browser lays out.

Every source becomes one shape, ``{"nodes": [{name, op, inputs, device, attr, output_shapes?}],
"functions": {name: [nodes]}}``, names, ops and inputs exactly as in the file:

* a ``GraphDef`` (``Event.graph_def``, ``meta_graph_def``; torch, tensorboardX, TF1);
* a ``RunMetadata`` (``tf.summary.trace_export``, tagged run metadata): its function graphs
  before optimization, else its partition graphs; several are put side by side under
  ``graph_<i>/`` scopes; one holding only step statistics has no nodes;
* a Keras model config (``model.to_json()``): a node per layer, named by the (nested) model
  scope, inputs from each layer's inbound nodes, with its class, output shape, dtype and
  configuration as attributes.

Attribute values are summarized for reading (``AttrValue`` -> JSON); long strings and tensors
are cut to :data:`MAX_ATTR_CHARS`, as TensorBoard's ``limit_attr_size`` does.
"""

from __future__ import annotations

import json
import math
from typing import Any

from google.protobuf.message import DecodeError

from ridgeline.errors import BadData
from ridgeline.plugins.graphs import metadata
from ridgeline.proto import graph_pb2, summary_pb2, tensor_shape_pb2, types_pb2
from ridgeline.tensor_util import to_numpy

MAX_ATTR_CHARS = 1024


def _text(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    return text if len(text) <= MAX_ATTR_CHARS else text[:MAX_ATTR_CHARS] + f"… ({len(text):,} characters)"


def _dims(shape: Any) -> list[int] | None:
    if shape.unknown_rank:
        return None
    return [int(d.size) for d in shape.dim]


_DTYPE_NAMES = {number: name.removeprefix("DT_").lower() for name, number in types_pb2.DataType.items()}


def _dtype(t: int) -> str:
    return _DTYPE_NAMES.get(t) or str(t)


def _number(x: float) -> float | str:
    """Non-finite floats as the strings JSON can carry (the graph body is encoded as is)."""
    return x if math.isfinite(x) else repr(x).replace("inf", "Infinity").replace("nan", "NaN")


def attr_json(value: graph_pb2.AttrValue) -> Any:
    """One ``AttrValue`` as JSON: strings, numbers, booleans, dtype names, shapes as lists."""
    kind = value.WhichOneof("value")
    if kind == "s":
        return _text(value.s)
    if kind == "f":
        return _number(value.f)
    if kind in ("i", "b"):
        return getattr(value, kind)
    if kind == "type":
        return _dtype(value.type)
    if kind == "shape":
        return _dims(value.shape)
    if kind == "tensor":
        t = value.tensor
        dims = [d.size for d in t.tensor_shape.dim]
        size = 1
        for d in dims:
            size *= d
        if size <= 16:
            try:
                return (
                    to_numpy(t).tolist() if t.dtype != types_pb2.DT_STRING else _text(b"".join(t.string_val))
                )
            except Exception:  # noqa: BLE001 - a malformed constant is shown by its description
                pass
        return f"tensor<{_dtype(t.dtype)}{dims}>"
    if kind == "func":
        return {"func": value.func.name}
    if kind == "placeholder":
        return {"placeholder": value.placeholder}
    if kind == "list":
        lst = value.list
        for field in ("s", "i", "f", "b", "type", "shape", "tensor", "func"):
            items = getattr(lst, field)
            if len(items):
                if field == "s":
                    return [_text(x) for x in items]
                if field == "type":
                    return [_dtype(x) for x in items]
                if field == "shape":
                    return [_dims(x) for x in items]
                if field == "f":
                    return [_number(x) for x in items]
                if field == "tensor":
                    return [f"tensor<{_dtype(x.dtype)}>" for x in items]
                if field == "func":
                    return [{"func": x.name} for x in items]
                return list(items)
        return []
    return None


def _node_json(node: graph_pb2.NodeDef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": node.name,
        "op": node.op,
        "inputs": list(node.input),
        "device": node.device,
        "attr": {k: attr_json(v) for k, v in sorted(node.attr.items()) if k != "_output_shapes"},
    }
    if "_output_shapes" in node.attr:
        out["output_shapes"] = [_dims(s) for s in node.attr["_output_shapes"].list.shape]
    return out


def graph_json(graph: graph_pb2.GraphDef) -> dict[str, Any]:
    """The browser's form of a ``GraphDef``, its function library included."""
    functions = {}
    for fn in graph.library.function:
        nodes = [_node_json(n) for n in fn.node_def]
        for arg in fn.signature.input_arg:
            nodes.insert(0, {"name": arg.name, "op": "_Arg", "inputs": [], "device": "", "attr": {}})
        functions[fn.signature.name] = nodes
    return {"nodes": [_node_json(n) for n in graph.node], "functions": functions}


def _blob(value: summary_pb2.Summary.Value) -> bytes:
    t = value.tensor
    if t.dtype != types_pb2.DT_STRING or not t.string_val:
        raise BadData("a graph value must be a string tensor holding the serialized graph")
    return bytes(t.string_val[0])


def _parse_graph(blob: bytes) -> graph_pb2.GraphDef:
    try:
        return graph_pb2.GraphDef.FromString(blob)
    except DecodeError as err:
        raise BadData(f"the stored graph is not a GraphDef: {err}") from err


def run_metadata_graph(blob: bytes) -> graph_pb2.GraphDef:
    """The graph(s) a ``RunMetadata`` holds, one ``GraphDef``."""
    try:
        meta = graph_pb2.RunMetadata.FromString(blob)
    except DecodeError as err:
        raise BadData(f"the stored run metadata is not a RunMetadata: {err}") from err
    graphs = [f.pre_optimization_graph for f in meta.function_graphs if f.HasField("pre_optimization_graph")]
    if not graphs:
        graphs = list(meta.partition_graphs)
    if len(graphs) == 1:
        return graphs[0]
    merged = graph_pb2.GraphDef()
    for i, g in enumerate(graphs):
        for node in g.node:
            copy = merged.node.add()
            copy.CopyFrom(node)
            copy.name = f"graph_{i}/{node.name}"
            del copy.input[:]
            copy.input.extend(
                ("^" if x.startswith("^") else "") + f"graph_{i}/{x.lstrip('^')}" for x in node.input
            )
        merged.library.function.extend(g.library.function)
    return merged


# ---- Keras model configs ------------------------------------------------------------------------


def _history_inputs(inbound: Any) -> list[str]:
    """Layer names feeding one inbound node, Keras 3 (``{"args": [...]}``) or Keras 2
    (``[[name, node, tensor, kwargs], ...]``) form."""
    names: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            history = (
                x.get("config", {}).get("keras_history")
                if x.get("class_name") == "__keras_tensor__"
                else None
            )
            if history:
                names.append(str(history[0]))
                return
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            if len(x) >= 3 and isinstance(x[0], str) and isinstance(x[1], int):
                names.append(x[0])  # Keras 2: [layer name, node index, tensor index, kwargs]
                return
            for v in x:
                walk(v)

    walk(inbound)
    return names


def _output_shape(layer: dict[str, Any]) -> list[int | None] | None:
    config = layer.get("config", {})
    shape = config.get("batch_shape") or config.get("batch_input_shape")
    if shape is None:
        build = layer.get("build_config") or {}
        shape = build.get("input_shape")
        if layer.get("class_name") != "InputLayer":
            return None
    return [None if d is None else int(d) for d in shape] if isinstance(shape, list) else None


def keras_graph(model_config: dict[str, Any]) -> graph_pb2.GraphDef:
    """A ``GraphDef`` of a Keras model config: a node per layer, scoped by nested models."""
    out = graph_pb2.GraphDef()

    def add_model(model: dict[str, Any], scope: str, upstream: list[str]) -> list[str]:
        """Add the layers of ``model`` under ``scope``; returns the names of its outputs."""
        config = model.get("config", {})
        layers = config.get("layers", [])
        full: dict[str, str] = {}
        sequential = model.get("class_name") == "Sequential"
        previous = upstream
        last: list[str] = []
        for layer in layers:
            lconfig = layer.get("config", {})
            name = str(layer.get("name") or lconfig.get("name") or layer.get("class_name"))
            path = f"{scope}/{name}" if scope else name
            if sequential:
                inputs = previous
            else:
                inputs = [
                    full.get(n, n) for node in layer.get("inbound_nodes", []) for n in _history_inputs(node)
                ]
                if not inputs and layer.get("class_name") != "InputLayer":
                    inputs = upstream
            if "layers" in lconfig:  # a nested model: its layers inside a scope of its own
                outputs = add_model(layer, path, inputs)
                full[name] = outputs[-1] if outputs else path
                previous = outputs or previous
                last = outputs
                continue
            node = out.node.add(name=path, op=str(layer.get("class_name", "")))
            node.input.extend(inputs)
            shape = _output_shape(layer)
            if shape is not None:
                node.attr["_output_shapes"].list.shape.add().dim.extend(
                    tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d) for d in shape
                )
            dtype = lconfig.get("dtype")
            if isinstance(dtype, dict):
                dtype = dtype.get("config", {}).get("name")
            if isinstance(dtype, str):
                node.attr["dtype"].s = dtype.encode()
            for key, value in sorted(lconfig.items()):
                if key in ("name", "dtype", "layers"):
                    continue
                node.attr[key].s = json.dumps(value, sort_keys=True).encode()
            full[name] = path
            previous = [path]
            last = [path]
        declared = config.get("output_layers")
        if declared:
            outs = [full.get(str(o[0]), str(o[0])) for o in declared if isinstance(o, list) and o]
            return outs or last
        return last

    add_model(model_config, str(model_config.get("config", {}).get("name", "model")), [])
    return out


def read_graph(plugin: str, value: summary_pb2.Summary.Value) -> dict[str, Any]:
    """The browser's graph of one logged value of a graph ``plugin``."""
    blob = _blob(value)
    if plugin == metadata.PLUGIN_NAME:
        return graph_json(_parse_graph(blob))
    if plugin == metadata.PLUGIN_NAME_KERAS_MODEL:
        try:
            config = json.loads(blob)
        except ValueError as err:
            raise BadData(f"the Keras model config is not JSON: {err}") from err
        if not isinstance(config, dict):
            raise BadData("the Keras model config is not a JSON object")
        return graph_json(keras_graph(config))
    return graph_json(run_metadata_graph(blob))
