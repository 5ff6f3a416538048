"""The index on disk: settings, the corpus folder, builds swapped in atomically, loading, vectors, BM25."""
