"""Vertical slices, one folder per data kind.

Each folder has the same files: ``metadata.py`` (the plugin name and metadata proto shared by
writer and reader), ``summary.py`` (numpy in, Summary proto out; no I/O), ``plugin.py`` (HTTP
routes over the data provider) and ``api.md`` (the wire contract). Importing this package (or a
plugin's ``metadata``/``summary``) pulls in no server code, so the writer can use them.
"""
