"""Train a small PyTorch classifier and watch it in Ridgeline.

    python examples/pytorch_train.py --logdir runs/example &
    ridgeline --logdir runs/example

Only the import differs from a torch.utils.tensorboard script: the loss is passed as a tensor
(no ``.item()``), and ridgeline reads it off the training thread. Every few epochs it also
logs weight histograms, the first layer's weights as an image, a PR curve of the validation
set, and at the end the run's hparams with its final metrics (the HParams dashboard compares
the learning rates).
"""

from __future__ import annotations

import argparse

import torch
from torch import nn

from ridgeline import SummaryWriter


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--logdir", default="runs/example")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--lr", type=float, nargs="+", default=[0.01, 0.1])
    a = p.parse_args()
    torch.manual_seed(0)
    x = torch.randn(4096, 20)
    y = (x[:, :5].sum(dim=1) > 0).long()
    x_train, y_train, x_val, y_val = x[:3584], y[:3584], x[3584:], y[3584:]
    for lr in a.lr:
        model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 2))
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()
        with SummaryWriter(f"{a.logdir}/lr={lr}", flush_secs=2) as writer:
            step = 0
            for epoch in range(a.epochs):
                for i in range(0, len(x_train), 128):
                    logits = model(x_train[i : i + 128])
                    loss = loss_fn(logits, y_train[i : i + 128])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    writer.add_scalar("train/loss", loss, step)
                    step += 1
                with torch.no_grad():
                    val_logits = model(x_val)
                    writer.add_scalar("val/loss", loss_fn(val_logits, y_val), step)
                    writer.add_scalar("val/accuracy", (val_logits.argmax(1) == y_val).float().mean(), step)
                writer.add_scalar("train/epoch", epoch, step)
                if epoch % 5 == 0 or epoch == a.epochs - 1:
                    for name, param in model.named_parameters():
                        writer.add_histogram(f"weights/{name}", param, step)
                    first = model[0].weight  # 64 x 20: one row per hidden unit
                    span = first.abs().max().clamp(min=1e-8)
                    writer.add_image("weights/layer0", (first / span + 1) / 2, step, dataformats="HW")
                    probs = val_logits.softmax(1)[:, 1]
                    writer.add_pr_curve("val/pr_curve", y_val, probs, step)
            final_acc = (val_logits.argmax(1) == y_val).float().mean()
            writer.add_hparams({"lr": lr, "hidden": 64}, {"hparam/val_accuracy": final_acc}, run_name=".")


if __name__ == "__main__":
    main()
