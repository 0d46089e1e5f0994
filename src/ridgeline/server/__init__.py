"""Stage 4 of the data path: DataProvider -> HTTP/JSON (FastAPI), plus the built frontend."""
