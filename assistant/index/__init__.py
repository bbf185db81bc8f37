"""chunks → index: the on-disk store (FAISS + chunks + manifest, atomic versions) and its incremental update."""
