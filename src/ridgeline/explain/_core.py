"""What every explanation method shares: the model's state kept and restored, targets, scores
and input gradients.

A method runs with the model in eval mode (dropout off, batch-norm statistics frozen and not
updated: an explanation taken during training must not change the training), its parameters'
``requires_grad`` switched off (no weight gradients computed, none left behind), under
``torch.enable_grad()`` (so it works inside ``torch.no_grad()``); all of it restored on the
way out, whatever happens. Results are detached tensors on the model's device.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch

Target = int | Sequence[int] | torch.Tensor | None


@contextlib.contextmanager
def prepared(model: torch.nn.Module) -> Iterator[None]:
    """Eval mode, parameters without ``requires_grad``, gradients on; all restored after."""
    training = model.training
    params = list(model.parameters())
    flags = [p.requires_grad for p in params]
    try:
        model.eval()
        for p in params:
            p.requires_grad_(False)
        with torch.enable_grad():
            yield
    finally:
        for p, flag in zip(params, flags, strict=True):
            p.requires_grad_(flag)
        model.train(training)


def forward(model: torch.nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """The model's output as a 2-D ``[N, classes]`` tensor (a Keras model is called in
    inference mode; outputs with more dimensions are flattened after the batch)."""
    out = model(inputs)
    if not isinstance(out, torch.Tensor):
        raise TypeError(
            f"the model returned {type(out).__name__}, not a tensor: wrap it in a module that returns the logits"
        )
    return out.reshape(out.shape[0], -1)


def resolve_targets(target: Target, output: torch.Tensor) -> torch.Tensor:
    """One class per row: ``int`` for every row, a sequence or tensor of one per row, or None
    for each row's predicted class (argmax of ``output``)."""
    n = output.shape[0]
    if target is None:
        return output.detach().argmax(dim=1)
    if isinstance(target, int):
        return torch.full((n,), target, dtype=torch.long, device=output.device)
    t = torch.as_tensor(target, dtype=torch.long, device=output.device).reshape(-1)
    if t.numel() == 1:
        return t.expand(n).clone()
    if t.numel() != n:
        raise ValueError(f"target has {t.numel()} classes for {n} rows")
    return t


def select(output: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The score of each row's target class, ``[N]``."""
    return output.gather(1, targets.reshape(-1, 1)).reshape(-1)


def input_gradients(
    model: torch.nn.Module, inputs: torch.Tensor, targets: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(gradient of each row's target score w.r.t. its input, the scores), in the model's state
    as it is (callers wrap this in :func:`prepared`)."""
    x = inputs.detach().requires_grad_(True)
    scores = select(forward(model, x), targets)
    (grad,) = torch.autograd.grad(scores.sum(), x)
    return grad, scores.detach()


def targets_for(model: torch.nn.Module, inputs: torch.Tensor, target: Target) -> torch.Tensor:
    """Targets resolved against the model's output on ``inputs`` (one forward pass, only when
    ``target`` is None)."""
    if target is None:
        with torch.no_grad():
            return resolve_targets(None, forward(model, inputs))
    n = inputs.shape[0]
    return resolve_targets(target, torch.empty((n, 1), device=inputs.device))


def find_layer(model: torch.nn.Module, layer: torch.nn.Module | str) -> torch.nn.Module:
    """A module of ``model``, given as itself or by its dotted name (``"features.3"``)."""
    if isinstance(layer, torch.nn.Module):
        return layer
    get_layer = getattr(model, "get_layer", None)  # a Keras model (torch backend): by layer name
    if get_layer is not None:
        try:
            found: torch.nn.Module = get_layer(layer)
            return found
        except ValueError:
            names = [lyr.name for lyr in getattr(model, "layers", [])]
            raise ValueError(f"no layer {layer!r} in the model; layers: {', '.join(names[:40])}") from None
    try:
        return model.get_submodule(layer)
    except AttributeError:
        names = [n for n, _ in model.named_modules() if n]
        raise ValueError(f"no layer {layer!r} in the model; layers: {', '.join(names[:40])}") from None


@contextlib.contextmanager
def capture_output(module: torch.nn.Module) -> Iterator[list[torch.Tensor]]:
    """Each output of ``module`` during the block (a forward hook, removed on the way out).
    The output is kept as produced, before any in-place operation that follows the module
    (an in-place ReLU after a conv would otherwise change it)."""
    seen: list[torch.Tensor] = []

    def hook(mod: torch.nn.Module, args: Any, out: Any) -> Any:
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"layer {type(mod).__name__} returned {type(out).__name__}, not a tensor")
        # the model goes on with a copy: an in-place op after the layer (nn.ReLU(inplace=True))
        # changes the copy, and the tensor kept here has the layer's own values and gradient.
        # Where nothing before the layer needs a gradient, the graph starts here (the layers
        # before it record nothing, as in Captum's layer methods)
        kept = out if out.requires_grad or not torch.is_grad_enabled() else out.detach().requires_grad_(True)
        seen.append(kept)
        return kept.clone()

    handle = module.register_forward_hook(hook)
    try:
        yield seen
    finally:
        handle.remove()


def channels_last(module: torch.nn.Module) -> bool:
    """Whether a layer's output has its channels last (Keras' default ``data_format``)."""
    return getattr(module, "data_format", None) == "channels_last"


def batches(n: int, size: int | None) -> Iterator[slice]:
    """Slices of ``range(n)`` at most ``size`` long (all of it when size is None)."""
    step = n if not size or size <= 0 else size
    for start in range(0, n, max(1, step)):
        yield slice(start, min(n, start + step))


def per_row(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, size: int | None) -> torch.Tensor:
    """``fn`` over ``x`` in chunks of rows, concatenated."""
    return torch.cat([fn(x[s]) for s in batches(x.shape[0], size)])
