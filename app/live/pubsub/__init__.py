"""Pub/sub: which local members listen on which topic, and the relay that carries broadcasts between nodes."""
