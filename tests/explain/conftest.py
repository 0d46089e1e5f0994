"""Fixtures for the explanation tests: the seeded small CNN and a fixed batch (non-square
inputs, so a transposed map would show)."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from explain_models import make_model  # noqa: E402


@pytest.fixture
def model() -> Any:
    return make_model()


@pytest.fixture
def batch() -> Any:
    g = torch.Generator().manual_seed(1)
    return torch.rand(4, 3, 12, 16, generator=g)
