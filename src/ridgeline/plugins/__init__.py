"""Vertical slices, one folder per data kind.

Each folder has the same files: ``metadata.py`` (the plugin name and metadata proto shared by
writer and reader), ``summary.py`` (numpy in, Summary proto out; no I/O), ``reader.py`` (a
logged value, in any form real logs use, to plain data), ``plugin.py`` (HTTP routes over the
data provider), ``api.md`` (the wire contract) and its proto; the browser side is
``frontend/src/plugins/<kind>/``. ``common.py`` holds what every plugin's routes share. Importing this package (or a
plugin's ``metadata``/``summary``) pulls in no server code, so the writer can use them.
"""
