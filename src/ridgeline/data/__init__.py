"""Stage 3 of the data path: the query boundary. ``server`` reads data only through a
:class:`~ridgeline.data.provider.DataProvider`."""
