"""Approximate top-k: a faiss HNSW graph over the exact index's vectors.

Built once at fit; ``efSearch`` is tuned (:func:`mixtape.search.tuning.tune_width`,
shared with the inverted lists' ``nprobe``) until recall@10 against exact search
reaches the target; the graph is saved with the model as bytes.  Fastest per
query, but at 13 dimensions its links take about three times the memory of the
vectors; ``index="auto"`` uses inverted lists instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np


class HNSWIndex:
    """A faiss HNSW graph (inner product) over an embedding of the indexed positions."""

    kind = "hnsw"

    def __init__(self, index: Any, ef_search: int = 64, n_threads: int = 1) -> None:
        self.index = index
        self.ef_search = ef_search
        self.n_threads = max(1, n_threads)

    @property
    def width(self) -> int:
        """How much of the graph a query explores (``efSearch``), the knob tuned at fit."""
        return self.ef_search

    @width.setter
    def width(self, value: int) -> None:
        self.ef_search = max(1, int(value))

    @property
    def width_range(self) -> tuple[int, int]:
        """Where the tuning of ``width`` starts and the most it may reach."""
        return 16, 1024

    @classmethod
    def build(
        cls,
        vectors: np.ndarray | Iterable[np.ndarray],
        *,
        links: int = 16,
        ef_construction: int = 64,
        n_threads: int = 1,
    ) -> HNSWIndex:
        """A graph over ``vectors`` (an array, or chunks of one added in order)."""
        import faiss

        faiss.omp_set_num_threads(max(1, n_threads))
        chunks = [vectors] if isinstance(vectors, np.ndarray) else vectors
        index = None
        for chunk in chunks:  # faiss keeps its own copy: add chunk by chunk
            chunk = np.ascontiguousarray(chunk, dtype=np.float32)
            if index is None:
                # 16 links: at 1.2M x 13, 8 links needed efSearch 512 for recall 0.99
                # (1.1 ms a query) where 16 need about 32 (graph 2x larger).
                index = faiss.IndexHNSWFlat(chunk.shape[1], links, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = ef_construction
            index.add(chunk)
        if index is None:
            raise ValueError("no vectors to index")
        return cls(index, n_threads=n_threads)

    def search(self, vectors: np.ndarray, k: int) -> np.ndarray:
        """Positions (len(vectors), k) of the approximate best, -1 where fewer were found."""
        import faiss

        faiss.omp_set_num_threads(self.n_threads if len(vectors) > 1 else 1)
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
        params.efSearch = max(self.ef_search, k)
        _, found = self.index.search(
            np.ascontiguousarray(vectors, dtype=np.float32), k, params=params
        )
        return np.asarray(found, dtype=np.int64)

    def vectors(self) -> np.ndarray:
        """The graph's own vectors (n, d), a read-only view (no copy)."""
        import faiss

        index = self.index
        flat = faiss.downcast_index(index.storage)
        view = faiss.rev_swig_ptr(flat.get_xb(), index.ntotal * index.d)  # type: ignore[attr-defined]
        out = np.asarray(view).reshape(index.ntotal, index.d)
        out.flags.writeable = False
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        import faiss

        return {"hnsw": np.asarray(faiss.serialize_index(self.index), dtype=np.uint8)}

    @classmethod
    def from_arrays(
        cls, state: dict[str, np.ndarray], ef_search: int, n_threads: int = 1
    ) -> HNSWIndex:
        import faiss

        graph = faiss.deserialize_index(np.asarray(state["hnsw"], dtype=np.uint8))
        return cls(graph, ef_search, n_threads)
