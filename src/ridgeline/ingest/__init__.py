"""Stage 2 of the data path: event files on disk -> the index.

``logdir`` finds runs, ``records`` frames TFRecords, ``fast_scalars`` decodes the common scalar
layouts column-wise with numpy, ``events`` parses everything else with protobuf,
``run_loader`` applies TensorBoard's run semantics (file order, restarts) and ``ingester``
drives it all and writes to a :class:`ridgeline.store.Store`.
"""
