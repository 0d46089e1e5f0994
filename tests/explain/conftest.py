"""A seeded small CNN and a fixed batch for the explanation tests (non-square inputs, so a
transposed map would show)."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn


class SmallCNN(nn.Module):  # type: ignore[misc]
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=inplace), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(inplace=inplace),
        )  # fmt: skip
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d((2, 3)), nn.Flatten(), nn.Linear(16 * 6, 5))

    def forward(self, x: Any) -> Any:
        return self.head(self.features(x))


def make_model(inplace: bool = False) -> Any:
    torch.manual_seed(0)
    model = SmallCNN(inplace)
    model.eval()
    return model


@pytest.fixture
def model() -> Any:
    return make_model()


@pytest.fixture
def batch() -> Any:
    g = torch.Generator().manual_seed(1)
    return torch.rand(4, 3, 12, 16, generator=g)
