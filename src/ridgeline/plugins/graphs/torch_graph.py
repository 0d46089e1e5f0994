"""Graphs, write side: a PyTorch module traced into a ``GraphDef`` (what ``add_graph`` writes).

``torch.jit.trace`` runs the model once on the example input; where tracing fails (dict or
``None`` outputs, data-dependent Python), ``torch.export`` is tried. Either way the graph is
written in TensorBoard's form, one ``NodeDef`` per operation:

* names are scoped by the module hierarchy as PyTorch names it, ``Net/Sequential[features]/
  Conv2d[0]/input.3``, so the graph view can fold every module into a group;
* each tensor-producing node carries ``_output_shapes`` and ``_output_types`` (the dtype), and
  its ``device``;
* parameters and buffers are nodes of their own (op ``Parameter`` / ``Buffer``) inside their
  module, with ``num_params``, so a group's parameter count is the sum of its parameter nodes;
* constants and constant lists are not nodes: their values are the consumer's ``args`` attr.

torch is imported only when a graph is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ridgeline.proto import graph_pb2, tensor_shape_pb2, types_pb2

_TORCH_DTYPES = {
    "Float": types_pb2.DT_FLOAT,
    "Double": types_pb2.DT_DOUBLE,
    "Half": types_pb2.DT_HALF,
    "BFloat16": types_pb2.DT_BFLOAT16,
    "Int": types_pb2.DT_INT32,
    "Long": types_pb2.DT_INT64,
    "Short": types_pb2.DT_INT16,
    "Char": types_pb2.DT_INT8,
    "Byte": types_pb2.DT_UINT8,
    "Bool": types_pb2.DT_BOOL,
    "ComplexFloat": types_pb2.DT_COMPLEX64,
    "ComplexDouble": types_pb2.DT_COMPLEX128,
}
# torch.dtype names (torch.export metadata) -> the tracer's scalar type names above.
_DTYPE_NAMES = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "bfloat16": "BFloat16",
    "int32": "Int",
    "int64": "Long",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
    "complex64": "ComplexFloat",
    "complex128": "ComplexDouble",
}
IO_OP = "IO Node"


class GraphTraceError(RuntimeError):
    """Neither ``torch.jit.trace`` nor ``torch.export`` could follow the model."""


def _shape(dims: Iterable[int | None]) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else int(d)) for d in dims]
    )


def _set_outputs(node: graph_pb2.NodeDef, outputs: list[tuple[list[int | None] | None, str | None]]) -> None:
    shapes = [s for s, _ in outputs if s is not None]
    if shapes:
        node.attr["_output_shapes"].list.shape.extend(_shape(s) for s in shapes)
    types = [_TORCH_DTYPES.get(t or "", types_pb2.DT_INVALID) for s, t in outputs if s is not None]
    if any(types):
        node.attr["_output_types"].list.type.extend(types)


def _module_scopes(model: Any) -> dict[str, str]:
    """Module path (``features.0.conv``) -> scope (``Net/Sequential[features]/Conv2d[0]/...``)."""
    scopes = {"": type(model).__name__}
    for path, module in model.named_modules():
        if not path:
            continue
        parent, _, leaf = path.rpartition(".")
        scopes[path] = f"{scopes[parent]}/{type(module).__name__}[{leaf}]"
    return scopes


def _unique_names() -> Callable[[str], str]:
    """A function giving each name once: a repeated name gets ``_2``, ``_3``..."""
    used: set[str] = set()

    def unique(name: str) -> str:
        base, n = name, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        return name

    return unique


def _num_params(tensor: Any) -> int:
    return int(tensor.numel())


def _as_args(input_to_model: Any) -> tuple[tuple[Any, ...], dict[str, Any] | None]:
    if input_to_model is None:
        return (), None
    if isinstance(input_to_model, Mapping):
        return (), dict(input_to_model)
    if isinstance(input_to_model, tuple):
        return input_to_model, None
    if isinstance(input_to_model, list):
        return tuple(input_to_model), None
    return (input_to_model,), None


def graph_def_of(
    model: Any, input_to_model: Any = None, verbose: bool = False, use_strict_trace: bool = True
) -> graph_pb2.GraphDef:
    """Trace ``model`` on ``input_to_model`` (a tensor, a tuple/list of positional inputs or a
    dict of keyword inputs) and return its ``GraphDef``. The model is traced in eval mode and
    put back in the mode it was in."""
    import torch

    args, kwargs = _as_args(input_to_model)
    was_training = bool(getattr(model, "training", False))
    model.train(False)
    errors = []
    try:
        try:
            with torch.no_grad():
                traced = torch.jit.trace(  # type: ignore[no-untyped-call]
                    model,
                    args if kwargs is None else (),
                    strict=use_strict_trace,
                    example_kwarg_inputs=kwargs,
                )
            graph = traced.graph
            torch._C._jit_pass_inline(graph)
            if verbose:
                print(graph)
            return _from_jit(model, graph)
        except Exception as err:  # noqa: BLE001 - any tracing failure: try torch.export next
            errors.append(f"torch.jit.trace: {type(err).__name__}: {err}")
        try:
            exported = torch.export.export(model, args, kwargs, strict=False)
            if verbose:
                print(exported.graph)
            return _from_export(model, exported)
        except Exception as err:  # noqa: BLE001
            errors.append(f"torch.export: {type(err).__name__}: {err}")
    finally:
        model.train(was_training)
    raise GraphTraceError(
        f"cannot trace {type(model).__name__} on the given input: " + " | ".join(e[:500] for e in errors)
    )


# ---- torch.jit graphs -----------------------------------------------------------------------


def _from_jit(model: Any, graph: Any) -> graph_pb2.GraphDef:
    scopes = _module_scopes(model)
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    root = scopes[""]
    out = graph_pb2.GraphDef()
    producer: dict[Any, str] = {}  # jit Value -> node name
    module_path: dict[Any, str] = {}  # jit Value holding a submodule -> its path
    static: dict[Any, Any] = {}  # jit Value -> constant Python value (not a node)
    unique = _unique_names()

    def tensor_info(value: Any) -> tuple[list[int | None] | None, str | None]:
        t = value.type()
        if t.kind() != "TensorType":
            return None, None
        sizes = t.sizes()
        return (list(sizes) if sizes is not None else []), t.scalarType()

    def scope_of(node: Any) -> str:
        name = node.scopeName()
        if not name:
            return root
        last = name.split("/")[-1]
        path = last.removeprefix("__module").lstrip(".")
        return scopes.get(path, root)

    inputs = list(graph.inputs())
    if inputs:
        module_path[inputs[0]] = ""
    for value in inputs[1:]:
        name = unique(f"input/{value.debugName()}")
        node = out.node.add(name=name, op=IO_OP)
        _set_outputs(node, [tensor_info(value)])
        producer[value] = name

    for jnode in graph.nodes():
        kind = jnode.kind()
        outputs = list(jnode.outputs())
        if kind == "prim::GetAttr":
            owner = module_path.get(jnode.input())
            attr = jnode.s("name")
            path = attr if not owner else f"{owner}.{attr}"
            value = outputs[0]
            if value.type().kind() != "TensorType":
                module_path[value] = path
                continue
            tensor = params.get(path)
            op = "Parameter"
            if tensor is None:
                tensor = buffers.get(path)
                op = "Buffer"
            scope = scopes.get(owner or "", root)
            name = unique(f"{scope}/{attr}")
            node = out.node.add(name=name, op=op)
            if tensor is not None:
                _set_outputs(node, [(list(tensor.shape), _tracer_dtype(tensor.dtype))])
                node.attr["num_params"].i = _num_params(tensor)
                node.device = str(tensor.device)
            node.attr["path"].s = path.encode()
            producer[value] = name
            continue
        if kind == "prim::Constant":
            static[outputs[0]] = _constant(outputs[0])
            continue
        ins = list(jnode.inputs())
        if kind in ("prim::ListConstruct", "prim::TupleConstruct") and all(i in static for i in ins):
            static[outputs[0]] = [static[i] for i in ins]
            continue
        scope = scope_of(jnode)
        first = outputs[0].debugName() if outputs else kind.split("::")[-1]
        name = unique(f"{scope}/{first}")
        node = out.node.add(name=name, op=kind)
        args = []
        for i in ins:
            if i in producer:
                node.input.append(producer[i])
                args.append(f"%{producer[i].rsplit('/', 1)[-1]}")
            elif i in static:
                args.append(repr(static[i]))
        node.attr["args"].s = ", ".join(args).encode()
        infos = [tensor_info(o) for o in outputs]
        _set_outputs(node, infos)
        device = next((str(o.type().device()) for o in outputs if o.type().kind() == "TensorType"), "")
        if device and device != "None":
            node.device = device
        for o in outputs:
            producer[o] = name
    for i, value in enumerate(graph.outputs()):
        node = out.node.add(name=unique(f"output/output.{i + 1}"), op=IO_OP)
        if value in producer:
            node.input.append(producer[value])
        _set_outputs(node, [tensor_info(value)])
    out.versions.producer = 22
    return out


def _constant(value: Any) -> Any:
    try:
        return value.toIValue()
    except Exception:  # noqa: BLE001 - a constant the binding cannot convert: show its type
        return str(value.type())


def _tracer_dtype(dtype: Any) -> str | None:
    return _DTYPE_NAMES.get(str(dtype).removeprefix("torch."))


# ---- torch.export graphs --------------------------------------------------------------------


def _from_export(model: Any, exported: Any) -> graph_pb2.GraphDef:
    import torch

    scopes = _module_scopes(model)
    root = scopes[""]
    signature = exported.graph_signature
    param_of = dict(signature.inputs_to_parameters)
    buffer_of = dict(signature.inputs_to_buffers)
    state = {**dict(model.named_parameters()), **dict(model.named_buffers())}
    out = graph_pb2.GraphDef()
    names: dict[str, str] = {}  # fx node name -> our node name
    unique = _unique_names()

    def info(fx: Any) -> list[tuple[list[int | None] | None, str | None]]:
        val = fx.meta.get("val")
        vals = val if isinstance(val, (list, tuple)) else [val]
        result: list[tuple[list[int | None] | None, str | None]] = []
        for v in vals:
            if isinstance(v, torch.Tensor):
                dims: list[int | None] = [int(d) if isinstance(d, int) else None for d in v.shape]
                result.append((dims, _tracer_dtype(v.dtype)))
        return result

    def scope_of(fx: Any) -> str:
        stack = fx.meta.get("nn_module_stack") or {}
        if not stack:
            return root
        path, _ = list(stack.values())[-1]
        return scopes.get(str(path), root)

    outputs: list[Any] = []
    for fx in exported.graph.nodes:
        if fx.op == "placeholder":
            path = param_of.get(fx.name) or buffer_of.get(fx.name)
            if path is not None:
                owner, _, leaf = path.rpartition(".")
                node = out.node.add(
                    name=unique(f"{scopes.get(owner, root)}/{leaf}"),
                    op="Parameter" if fx.name in param_of else "Buffer",
                )
                tensor = state.get(path)
                if tensor is not None:
                    node.attr["num_params"].i = _num_params(tensor)
                    node.device = str(tensor.device)
                node.attr["path"].s = path.encode()
            else:
                node = out.node.add(name=unique(f"input/{fx.name}"), op=IO_OP)
            _set_outputs(node, info(fx))
            names[fx.name] = node.name
        elif fx.op == "call_function":
            node = out.node.add(name=unique(f"{scope_of(fx)}/{fx.name}"), op=str(fx.target))
            args = []
            for a in fx.args:
                for leaf in a if isinstance(a, (list, tuple)) else [a]:
                    if hasattr(leaf, "name") and leaf.name in names:
                        node.input.append(names[leaf.name])
                        args.append(f"%{leaf.name}")
                    else:
                        args.append(repr(leaf))
            node.attr["args"].s = ", ".join(args).encode()
            _set_outputs(node, info(fx))
            names[fx.name] = node.name
        elif fx.op == "output":
            outputs = list(fx.args[0]) if isinstance(fx.args[0], (list, tuple)) else [fx.args[0]]
    for i, value in enumerate(outputs):
        node = out.node.add(name=unique(f"output/output.{i + 1}"), op=IO_OP)
        if hasattr(value, "name") and value.name in names:
            node.input.append(names[value.name])
    out.versions.producer = 22
    return out
