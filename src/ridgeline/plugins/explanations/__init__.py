"""Explanations: attribution maps logged while training (inputs, overlays, downsampled values)."""
