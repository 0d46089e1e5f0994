"""Protocol buffers for TensorBoard event files: .proto sources and committed generated code."""
