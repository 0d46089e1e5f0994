"""tf-explain's classic example on ridgeline: a small CNN on MNIST-shaped data with every
callback for classes 0 and 4, trained a few epochs (KERAS_BACKEND=torch, its own process).

The data are made so the answer is known: class 0 images have a bright square at the top left,
class 4 images a bright bar at the bottom right, the rest is noise.

    python keras_explain_fit.py LOGDIR
"""

from __future__ import annotations

import sys

import keras
import numpy as np

from ridgeline.keras import (
    ActivationsVisualizationCallback,
    GradCAMCallback,
    GradientsInputsCallback,
    IntegratedGradientsCallback,
    OcclusionSensitivityCallback,
    SmoothGradCallback,
    VanillaGradientsCallback,
)


def data(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.choice([0, 4], size=n)
    x = rng.uniform(0, 0.3, size=(n, 28, 28, 1)).astype("float32")
    x[y == 0, 2:10, 2:10] = 1.0
    x[y == 4, 20:26, 14:26] = 1.0
    return x, y


def main() -> None:
    logdir = sys.argv[1]
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = data(256, rng)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(8, 3, activation="relu", name="conv_1"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(16, 3, activation="relu", name="target_layer"),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    callbacks = []
    for cls in (0, 4):
        val = (x[y == cls][:4], None)
        callbacks += [
            GradCAMCallback(val, cls, "target_layer", output_dir=f"{logdir}/grad_cam_{cls}"),
            SmoothGradCallback(val, cls, num_samples=4, noise=0.2, output_dir=f"{logdir}/smoothgrad_{cls}"),
            IntegratedGradientsCallback(
                val, cls, n_steps=8, output_dir=f"{logdir}/integrated_gradients_{cls}"
            ),
            VanillaGradientsCallback(val, cls, output_dir=f"{logdir}/vanilla_gradients_{cls}"),
            GradientsInputsCallback(val, cls, output_dir=f"{logdir}/gradients_inputs_{cls}"),
            OcclusionSensitivityCallback(val, cls, patch_size=4, output_dir=f"{logdir}/occlusion_{cls}"),
        ]
    callbacks.append(
        ActivationsVisualizationCallback((x[:2], None), "conv_1", output_dir=f"{logdir}/activations")
    )
    model.fit(x, y, batch_size=32, epochs=4, verbose=0, callbacks=callbacks)
    print("accuracy", model.evaluate(x, y, verbose=0)[1])


if __name__ == "__main__":
    main()
