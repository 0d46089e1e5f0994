"""Writes a ResNet-50 training graph with TensorFlow's own writer (run with a Python that has
TensorFlow): graph mode, forward pass, gradients and Adam updates — the ~10k-node graph a
``tf.compat.v1.summary.FileWriter(logdir, graph)`` user logs. Usage: ``make_tf_graph.py DIR``."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

v1 = tf.compat.v1


def conv_bn(net: tf.Tensor, filters: int, k: int, s: int, name: str, relu: bool = True) -> tf.Tensor:
    with v1.variable_scope(name):
        w = v1.get_variable("kernel", [k, k, net.shape[-1], filters])
        net = tf.nn.conv2d(net, w, s, "SAME")
        mean, var = tf.nn.moments(net, [0, 1, 2])
        gamma = v1.get_variable("gamma", [filters], initializer=v1.ones_initializer())
        beta = v1.get_variable("beta", [filters], initializer=v1.zeros_initializer())
        net = tf.nn.batch_normalization(net, mean, var, beta, gamma, 1e-5)
        return tf.nn.relu(net) if relu else net


def main(out: str) -> None:
    with tf.Graph().as_default() as graph:
        x = v1.placeholder(tf.float32, [None, 64, 64, 3], name="images")
        y = v1.placeholder(tf.int64, [None], name="labels")
        net = conv_bn(x, 64, 7, 2, "conv1")
        cin = 64
        for i, (n, width) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512), strict=True)):
            for j in range(n):
                with v1.variable_scope(f"layer{i + 1}/block{j}"):
                    s = 2 if j == 0 and i > 0 else 1
                    h = conv_bn(net, width, 1, 1, "conv1")
                    h = conv_bn(h, width, 3, s, "conv2")
                    h = conv_bn(h, width * 4, 1, 1, "conv3", relu=False)
                    short = (
                        conv_bn(net, width * 4, 1, s, "downsample", relu=False)
                        if (s != 1 or cin != width * 4)
                        else net
                    )
                    net = tf.nn.relu(h + short)
                    cin = width * 4
        net = tf.reduce_mean(net, [1, 2])
        with v1.variable_scope("fc"):
            logits = tf.matmul(net, v1.get_variable("kernel", [2048, 10])) + v1.get_variable(
                "bias", [10], initializer=v1.zeros_initializer()
            )
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits), name="loss"
        )
        v1.train.AdamOptimizer(1e-3).minimize(loss)
        v1.global_variables_initializer()
        writer = v1.summary.FileWriter(out, graph)
        writer.close()
        print(len(graph.as_graph_def().node))


if __name__ == "__main__":
    main(sys.argv[1])
