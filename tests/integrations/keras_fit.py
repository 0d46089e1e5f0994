"""Fit tiny Keras 3 models with a TensorBoard callback, in a process of its own (the backend is
chosen by KERAS_BACKEND before Keras is imported).

    python keras_fit.py keras|ridgeline LOGDIR CASE [--no-tensorflow]

``keras`` uses ``keras.callbacks.TensorBoard`` with ``tf.summary`` for the custom summary (the
reference; tensorflow backend only), ``ridgeline`` uses ``ridgeline.keras.TensorBoard`` with
``ridgeline.summary``. ``--no-tensorflow`` checks that TensorFlow is not installed in this
environment (before) and that nothing imported a module of that name (after). Same seed, data and model in both, so on one backend the values match too.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from typing import Any


class _NoTensorflow(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "tensorflow" or name.startswith("tensorflow."):
            raise ModuleNotFoundError(
                f"No module named {name!r} (blocked: this test runs without TensorFlow)"
            )
        return None


def conv_model(keras: Any) -> Any:
    inp = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(4, 3, activation="relu")(inp)
    h = keras.layers.Conv2D(3, 3, activation="relu")(h)
    h = keras.layers.Flatten()(h)
    out = keras.layers.Dense(3, activation="softmax")(h)
    return keras.Model(inp, out)


def embedding_model(keras: Any) -> Any:
    return keras.Sequential(
        [
            keras.Input((4,), dtype="int32"),
            keras.layers.Embedding(20, 5, name="words"),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def main() -> None:
    which, logdir, case = sys.argv[1:4]
    if "--no-tensorflow" in sys.argv:
        assert importlib.util.find_spec("tensorflow") is None, "TensorFlow is installed here"
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    if which == "keras":
        import tensorflow as tf
        from keras.callbacks import TensorBoard

        def custom_scalar(name: str, value: float) -> Any:
            return tf.summary.scalar(name, value)
    else:
        import ridgeline
        from ridgeline.keras import TensorBoard

        def custom_scalar(name: str, value: float) -> Any:
            return ridgeline.summary.scalar(name, value)

    class Custom(keras.callbacks.Callback):  # type: ignore[misc]
        """Logs with the default writer and step the TensorBoard callback set up."""

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            custom_scalar("custom/batch_in_epoch", float(batch))

    if case in ("vanishing", "healthy"):
        # ten sigmoid layers squash the gradient on its way back; two ReLU layers do not
        layers = [keras.layers.Dense(32, activation="sigmoid") for _ in range(10)]
        if case == "healthy":
            layers = [keras.layers.Dense(32, activation="relu") for _ in range(2)]
        model = keras.Sequential([keras.Input((16,)), *layers, keras.layers.Dense(1)])
        x = rng.normal(size=(128, 16)).astype("float32")
        y = (x[:, :1] * 2.0 + x[:, 1:2]).astype("float32")
        model.compile("sgd", "mse")
        model.fit(
            x,
            y,
            batch_size=16,
            epochs=3,
            verbose=0,
            callbacks=[TensorBoard(logdir, health_data=(x[:32], y[:32]), health_freq=4)],
        )
        return
    if case == "helpers":
        import json
        import logging

        from ridgeline.keras import EveryNBatches, EveryNEpochs, ImageGrid

        logging.basicConfig(level=logging.WARNING)
        logging.getLogger("ridgeline.callbacks").setLevel(logging.DEBUG)
        calls: dict[str, list[int]] = {"epochs": [], "batches": []}
        model = keras.Sequential(
            [keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")]
        )
        x = rng.uniform(size=(32, 8, 8, 1)).astype("float32")
        model.compile("adam", "mse")
        writer = ridgeline.SummaryWriter(logdir + "/samples")
        model.fit(
            x,
            x,
            batch_size=8,
            epochs=4,
            verbose=0,
            callbacks=[
                ImageGrid(writer, (x[:4], x[:4]), every_n_epochs=2, prefix="val"),
                EveryNEpochs(2, lambda epoch, logs: calls["epochs"].append(epoch)),
                EveryNBatches(5, lambda batch, logs: calls["batches"].append(batch)),
            ],
        )
        writer.close()
        with open(logdir + "/calls.json", "w") as f:
            json.dump(calls, f)
        return
    if case == "embedding":
        model = embedding_model(keras)
        x = rng.integers(0, 20, size=(32, 4)).astype("int32")
        y = rng.integers(0, 3, 32)
        callback = TensorBoard(logdir, embeddings_freq=1, embeddings_metadata={"words": "words.tsv"})
        validation = None
    else:
        model = conv_model(keras)
        x = rng.normal(size=(64, 8, 8, 1)).astype("float32")
        y = rng.integers(0, 3, 64)
        validation = (x[:32], y[:32])
        if case == "defaults":
            callback = TensorBoard(logdir)
        else:
            callback = TensorBoard(
                logdir, histogram_freq=1, write_images=True, write_steps_per_second=True, update_freq=2
            )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(
        x, y, batch_size=16, epochs=3, validation_data=validation, callbacks=[Custom(), callback], verbose=0
    )
    if "--no-tensorflow" in sys.argv:
        assert not any(m == "tensorflow" or m.startswith("tensorflow.") for m in sys.modules)


if __name__ == "__main__":
    main()
