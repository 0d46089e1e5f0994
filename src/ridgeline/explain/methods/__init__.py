"""One module per explanation method; ``ridgeline.explain`` re-exports the functions."""
