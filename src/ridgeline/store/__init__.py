"""The index: where ingested data lives between the reader and the data provider.

``Store`` (``base.py``) is the seam; ``SQLiteStore`` the embedded implementation.
"""

from ridgeline.store.base import FileState, ScalarSeries, Store, TagInfo, ValueRef
from ridgeline.store.sqlite_store import SQLiteStore, default_db_path

__all__ = ["FileState", "SQLiteStore", "ScalarSeries", "Store", "TagInfo", "ValueRef", "default_db_path"]
