"""index → passages: BM25, dense and fused rankings, pure functions over the loaded index."""
