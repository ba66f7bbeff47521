"""Approximate top-k in the exact index's own memory: inverted lists (IVF).

k-means (faiss ``Kmeans``, spherical, on a sample) splits the indexed unit
vectors into ``n_lists`` lists, and the model lays its positions out list by
list, so that each list is a contiguous slice of the exact index's matrix.
The approximate index then holds only the centroids and the list bounds: the
memory of the exact index, against about 3.9x for an HNSW graph at 13
dimensions (its links cost more than the vectors).  A query scores the
centroids, then the ``nprobe`` closest lists with one matrix-vector product
each; ``nprobe`` is tuned at fit, like HNSW's ``efSearch``, until recall@10
against exact search reaches the target.

faiss's own ``IndexIVFFlat`` does the same search in C++ but keeps a second
copy of every vector (and an 8-byte id) in its lists: 2.2x the raw features
together with the exact index, for a search measured once at 1.2M x 13 at
0.15 ms (``nprobe`` 32) against 0.18 ms for these slices of the shared matrix.
"""

from __future__ import annotations

import numpy as np

from mixtape.search.signatures import ranges
from mixtape.search.topk import ordered, top_k

#: Training points per centroid (faiss warns below 39; more costs time, not recall).
POINTS_PER_LIST = 64
#: Vectors assigned to their list at once (bounds the temporary row-major copy).
ASSIGN_CHUNK = 100_000


def default_lists(m: int) -> int:
    """Lists for ``m`` vectors: the power of two nearest ``4 * sqrt(m)`` (4,096 at 1.2M),
    with at least 40 vectors a list."""
    if m < 80:
        return 1
    want = 2 ** int(np.round(np.log2(4 * np.sqrt(m))))
    return int(max(1, min(want, m // 40)))


class IVFIndex:
    """Inverted lists over positions laid out list by list (``bounds[l]..bounds[l+1]``).

    ``vectors_t`` is the exact index's (d, m) matrix, read in place.
    """

    kind = "ivf"

    def __init__(
        self, centroids: np.ndarray, bounds: np.ndarray, vectors_t: np.ndarray, nprobe: int = 8
    ) -> None:
        self.centroids = np.ascontiguousarray(centroids, dtype=np.float32)
        self.bounds = np.asarray(bounds, dtype=np.int64)
        self._bounds: list[int] = self.bounds.tolist()
        self.vectors_t = vectors_t
        self.nprobe = nprobe

    @property
    def n_lists(self) -> int:
        return len(self.centroids)

    @property
    def width(self) -> int:
        """How much of the index a query reads (``nprobe``), the knob tuned at fit."""
        return self.nprobe

    @width.setter
    def width(self, value: int) -> None:
        self.nprobe = max(1, min(int(value), self.n_lists))

    @property
    def width_range(self) -> tuple[int, int]:
        """Where the tuning of ``width`` starts and the most it may reach (every list)."""
        return min(4, self.n_lists), self.n_lists

    @staticmethod
    def train(
        vectors_t: np.ndarray, n_lists: int, *, random_state: int = 0, n_threads: int = 1
    ) -> tuple[np.ndarray, np.ndarray]:
        """k-means centroids (n_lists, d) of the columns of ``vectors_t`` (d, m), and each
        column's list."""
        import faiss

        d, m = vectors_t.shape
        n_lists = max(1, min(n_lists, m))
        faiss.omp_set_num_threads(max(1, n_threads))
        rng = np.random.default_rng(random_state)
        take = min(m, POINTS_PER_LIST * n_lists)
        sample = np.sort(rng.choice(m, take, replace=False)) if take < m else np.arange(m)
        points = np.ascontiguousarray(vectors_t[:, sample].T, dtype=np.float32)
        kmeans = faiss.Kmeans(
            d,
            n_lists,
            niter=20,
            spherical=True,
            seed=int(random_state) + 1,  # faiss treats a seed of 0 like any other
            max_points_per_centroid=POINTS_PER_LIST,
            min_points_per_centroid=1,
            verbose=False,
        )
        kmeans.train(points)
        centroids = np.ascontiguousarray(kmeans.centroids, dtype=np.float32)
        nearest = faiss.IndexFlatIP(d)
        nearest.add(centroids)
        lists = np.empty(m, dtype=np.int64)
        for a in range(0, m, ASSIGN_CHUNK):
            chunk = np.ascontiguousarray(vectors_t[:, a : a + ASSIGN_CHUNK].T, dtype=np.float32)
            lists[a : a + len(chunk)] = nearest.search(chunk, 1)[1][:, 0]
        return centroids, lists

    @staticmethod
    def layout(lists: np.ndarray, n_lists: int) -> tuple[np.ndarray, np.ndarray]:
        """(the position order that puts each list's vectors together, the list bounds)."""
        order = np.argsort(lists, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(lists, minlength=n_lists))))
        return order, bounds

    def search(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Positions (len(queries), k) of the best found, best first (ties: the lower
        position), -1 where fewer were found."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        out = np.full((len(queries), k), -1, dtype=np.int64)
        probe_k = min(self.nprobe, self.n_lists)
        closeness = queries @ self.centroids.T
        bounds = self._bounds
        for i, q in enumerate(queries):
            probe = top_k(closeness[i], probe_k)
            parts = [q @ self.vectors_t[:, bounds[lst] : bounds[lst + 1]] for lst in probe.tolist()]
            positions = ranges(self.bounds[probe], self.bounds[probe + 1] - self.bounds[probe])
            if not len(positions):
                continue
            best, _ = ordered(positions, np.concatenate(parts), k)
            out[i, : len(best)] = best
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"ivf_centroids": self.centroids, "ivf_bounds": self.bounds}

    @classmethod
    def from_arrays(
        cls, state: dict[str, np.ndarray], vectors_t: np.ndarray, nprobe: int
    ) -> IVFIndex:
        return cls(state["ivf_centroids"], state["ivf_bounds"], vectors_t, nprobe)
