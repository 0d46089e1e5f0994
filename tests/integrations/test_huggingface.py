"""Hugging Face: ``RidgelineCallback`` with the real ``transformers.Trainer`` on a tiny BERT built
from a config (no download), and logs from ``report_to="tensorboard"`` read unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
from serving import indexed_client  # noqa: E402
from tb_oracle import tensorboard_scalars  # noqa: E402

from ridgeline.huggingface import RidgelineCallback  # noqa: E402


def tiny_bert() -> Any:
    config = transformers.BertConfig(
        vocab_size=40,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=2,
    )
    torch.manual_seed(0)
    return transformers.BertForSequenceClassification(config)


def dataset(n: int) -> list[dict[str, Any]]:
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(1, 40, (n, 8), generator=g)
    labels = (ids[:, 0] > 20).long()
    return [
        {"input_ids": ids[i], "attention_mask": torch.ones(8, dtype=torch.long), "labels": labels[i]}
        for i in range(n)
    ]


def train(tmp: Path, report_to: str, callbacks: list[Any]) -> Any:
    args = transformers.TrainingArguments(
        output_dir=str(tmp / "out"),
        max_steps=12,
        per_device_train_batch_size=8,
        learning_rate=1e-3,
        logging_steps=2,
        eval_strategy="steps",
        eval_steps=6,
        report_to=report_to,
        use_cpu=True,
        save_strategy="no",
        disable_tqdm=True,
    )
    trainer = transformers.Trainer(
        model=tiny_bert(), args=args, train_dataset=dataset(64), eval_dataset=dataset(16), callbacks=callbacks
    )
    trainer.train()
    return trainer


def test_ridgeline_callback_logs_what_tensorboard_would_plus_an_hparams_session(tmp_path: Path) -> None:
    callback = RidgelineCallback(log_dir=tmp_path / "logs" / "bert")
    train(tmp_path, "none", [callback])
    scalars = tensorboard_scalars(tmp_path / "logs" / "bert")
    assert [s for s, _, _ in scalars["train/loss"]] == [2, 4, 6, 8, 10, 12]
    assert [s for s, _, _ in scalars["eval/loss"]] == [6, 12]
    assert "train/learning_rate" in scalars
    client = indexed_client(tmp_path / "logs", tmp_path / "i.sqlite")
    (session,) = client.get("/api/plugins/hparams/experiment").json()["sessions"]
    assert session["run"] == "bert" and session["status"] == "success"
    assert session["hparams"]["learning_rate"] == 0.001 and session["hparams"]["model_type"] == "bert"
    assert session["hparams"]["lr_scheduler_type"] == "linear"
    assert session["metrics"]["eval/loss"] == pytest.approx(scalars["eval/loss"][-1][2])
    texts = client.get("/api/plugins/text/tags").json()["runs"]["bert"]
    assert {"args/text_summary", "model_config/text_summary"} <= set(texts)


def test_report_to_tensorboard_logs_open_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENSORBOARD_LOGGING_DIR", str(tmp_path / "tb"))
    train(tmp_path, "tensorboard", [])
    theirs = tensorboard_scalars(tmp_path / "tb")
    client = indexed_client(tmp_path / "tb", tmp_path / "i.sqlite")
    series = client.get("/api/plugins/scalars/series", params={"run": ".", "tag": "train/loss"}).json()
    assert series["step"] == [s for s, _, _ in theirs["train/loss"]] == [2, 4, 6, 8, 10, 12]
    assert series["value"] == pytest.approx([v for _, _, v in theirs["train/loss"]])
