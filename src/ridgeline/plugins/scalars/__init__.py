"""The ``scalars`` plugin: one number per step, drawn as line charts."""
