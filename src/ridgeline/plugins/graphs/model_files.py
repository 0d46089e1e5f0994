"""Graphs, write side: saved model files turned into a ``GraphDef`` — ONNX (``add_onnx_graph``,
needs the optional ``onnx`` package) and OpenVINO IR XML (``add_openvino_graph``, standard
library only).

Each operation becomes a node named by its first output (ONNX tensor names are unique in a
graph), graph inputs and initializers become nodes of their own, so every edge of the file is an
edge of the graph; shapes come from the file's type information where it has any.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Any

from ridgeline.proto import graph_pb2, tensor_shape_pb2, types_pb2

# onnx.TensorProto.DataType -> TensorFlow DataType
_ONNX_TYPES = {
    1: types_pb2.DT_FLOAT,
    2: types_pb2.DT_UINT8,
    3: types_pb2.DT_INT8,
    5: types_pb2.DT_INT16,
    6: types_pb2.DT_INT32,
    7: types_pb2.DT_INT64,
    8: types_pb2.DT_STRING,
    9: types_pb2.DT_BOOL,
    10: types_pb2.DT_HALF,
    11: types_pb2.DT_DOUBLE,
    16: types_pb2.DT_BFLOAT16,
}


def _shape(dims: list[int]) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims]
    )


def _value_info(value: Any) -> tuple[list[int], int] | None:
    tensor_type = value.type.tensor_type
    if not value.type.HasField("tensor_type"):
        return None
    dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tensor_type.shape.dim]
    return dims, _ONNX_TYPES.get(tensor_type.elem_type, types_pb2.DT_INVALID)


def _add_io(node: graph_pb2.NodeDef, info: tuple[list[int], int] | None) -> None:
    if info is None:
        return
    node.attr["_output_shapes"].list.shape.append(_shape(info[0]))
    node.attr["_output_types"].list.type.append(info[1])  # type: ignore[arg-type]


def onnx_graph_def(model_file: str | os.PathLike[str] | Any) -> graph_pb2.GraphDef:
    """The ``GraphDef`` of an ONNX model (a file path, or an already loaded ``ModelProto``)."""
    try:
        import onnx
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("add_onnx_graph needs the onnx package: pip install onnx") from err
    model = onnx.load(os.fspath(model_file)) if isinstance(model_file, (str, os.PathLike)) else model_file
    graph = model.graph
    infos = {v.name: _value_info(v) for v in [*graph.input, *graph.value_info, *graph.output]}
    out = graph_pb2.GraphDef()
    producer: dict[str, str] = {}
    for init in graph.initializer:
        node = out.node.add(name=init.name, op="Initializer")
        node.attr["_output_shapes"].list.shape.append(_shape(list(init.dims)))
        node.attr["_output_types"].list.type.append(_ONNX_TYPES.get(init.data_type, types_pb2.DT_INVALID))
        count = 1
        for d in init.dims:
            count *= int(d)
        node.attr["num_params"].i = count
        producer[init.name] = init.name
    for value in graph.input:
        if value.name in producer:
            continue
        node = out.node.add(name=value.name, op="Input")
        _add_io(node, infos.get(value.name))
        producer[value.name] = value.name
    for i, onode in enumerate(graph.node):
        name = (onode.output[0] if onode.output else "") or onode.name or f"{onode.op_type}_{i}"
        node = out.node.add(name=name, op=onode.op_type)
        node.input.extend(producer[x] for x in onode.input if x in producer)
        for attr in onode.attribute:
            node.attr[attr.name].s = str(onnx.helper.get_attribute_value(attr)).encode()
        if onode.name:
            node.attr["onnx_name"].s = onode.name.encode()
        for out_name in onode.output:
            _add_io(node, infos.get(out_name))
            producer[out_name] = name
    for value in graph.output:
        node = out.node.add(name=f"output/{value.name}", op="Output")
        if value.name in producer:
            node.input.append(producer[value.name])
        _add_io(node, infos.get(value.name))
    return out


def openvino_graph_def(xml_file: str | os.PathLike[str]) -> graph_pb2.GraphDef:
    """The ``GraphDef`` of an OpenVINO IR model (its ``.xml`` file): layers are nodes named
    ``<layer name>``, edges connect them, output port shapes become ``_output_shapes``."""
    root = ET.parse(os.fspath(xml_file)).getroot()
    layers = root.find("layers")
    edges = root.find("edges")
    out = graph_pb2.GraphDef()
    names: dict[str, str] = {}
    nodes: dict[str, graph_pb2.NodeDef] = {}
    for layer in [] if layers is None else layers.findall("layer"):
        lid = layer.get("id", "")
        name = layer.get("name") or f"layer_{lid}"
        node = out.node.add(name=name, op=layer.get("type", ""))
        data = layer.find("data")
        if data is not None:
            for key, value in data.attrib.items():
                node.attr[key].s = value.encode()
        output = layer.find("output")
        for port in [] if output is None else output.findall("port"):
            dims = [int(d.text or -1) for d in port.findall("dim")]
            node.attr["_output_shapes"].list.shape.append(_shape(dims))
        names[lid] = name
        nodes[lid] = node
    for edge in [] if edges is None else edges.findall("edge"):
        src, dst = edge.get("from-layer", ""), edge.get("to-layer", "")
        if src in names and dst in nodes:
            nodes[dst].input.append(names[src])
    return out
