"""Projector: plugin name, config file name and the limits TensorBoard's projector uses."""

from __future__ import annotations

PLUGIN_NAME = "projector"
CONFIG_NAME = "projector_config.pbtxt"
PCA_SAMPLE = 50_000  # PCA's components are found from at most this many points (all are projected)
TSNE_SAMPLE = 20_000  # default points t-SNE and UMAP lay out (a parameter raises it)
UMAP_SAMPLE = 20_000
MAX_NEIGHBORS = 1000
