"""A seeded small CNN for the explanation tests."""

from __future__ import annotations

from typing import Any

import torch

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
