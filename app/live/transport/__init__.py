"""Transport: one socket's outgoing side, and broadcast frames written straight into uvicorn."""
