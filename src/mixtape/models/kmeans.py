"""Standardized audio and k-means: what the two cluster models share.

Both ``clusters`` and ``genre-clusters`` describe a track by the
:data:`CLUSTER_FEATURES` of its audio, standardized (scikit-learn's
``StandardScaler``; a missing value becomes the mean), and cluster them with
scikit-learn's ``KMeans`` fitted on a sample and then used to label every
track.  ``clusters`` also chooses k by the silhouette score (:func:`choose_k`).
"""

from __future__ import annotations

import math

import numpy as np

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays

#: Audio columns the cluster models use. Left out: ``key``, ``mode`` and
#: ``time_signature`` (categorical: a numeric distance between C and C# means
#: nothing, and a binary column would split every cluster in two) and
#: ``duration_ms`` (length says little about how a track sounds).
CLUSTER_FEATURES: tuple[str, ...] = tuple(
    c for c in AUDIO_COLUMNS if c not in ("key", "mode", "time_signature", "duration_ms")
)

_SELECTION_SAMPLE = 10_000
_SILHOUETTE_SAMPLE = 2_000
# A cap on Lloyd iterations per k-means run (scikit-learn's default is 300):
# on weakly clustered data a run can crawl on for a last sliver of inertia.
# Typical runs converge well before it (13 iterations at k = 8 on 50k
# synthetic tracks, 58 at k = 20 on 1.2M).
_MAX_ITER = 100


def audio_features(data: TrackArrays, rows: np.ndarray) -> np.ndarray:
    """``CLUSTER_FEATURES`` of ``rows`` as float32 (NaN where unknown)."""
    cols = [AUDIO_COLUMNS.index(c) for c in CLUSTER_FEATURES]
    return np.asarray(data.audio[rows][:, cols], dtype=np.float32)


def fit_standardizer(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of each column (scikit-learn's StandardScaler; NaN ignored)."""
    from sklearn.preprocessing import StandardScaler  # lazy: sklearn costs ~1.5 s to import

    d = x.shape[1]
    if len(x) == 0:
        return np.zeros(d), np.ones(d)
    scaler = StandardScaler().fit(x.astype(np.float64))
    mean = np.nan_to_num(np.asarray(scaler.mean_, dtype=np.float64), nan=0.0)
    scale = np.asarray(scaler.scale_, dtype=np.float64)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    return mean, scale


def standardize(x: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """z-scores, float32; a missing value becomes 0 (imputed with the mean)."""
    z = (x - mean.astype(np.float32)) / scale.astype(np.float32)
    return np.nan_to_num(z, nan=0.0).astype(np.float32, copy=False)


def unit_rows(z: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero): dot products are cosines."""
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return np.divide(z, norms, out=np.zeros_like(z), where=norms > 0)


def _distinct(z: np.ndarray) -> int:
    return len(np.unique(z, axis=0))


def choose_k(z: np.ndarray, k_min: int, k_max: int, random_state: int) -> int:
    """k in ``k_min..k_max`` with the best silhouette on a sample (ties: smaller k)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(random_state)
    sub = z if len(z) <= _SELECTION_SAMPLE else z[rng.choice(len(z), _SELECTION_SAMPLE, False)]
    hi = min(k_max, _distinct(sub) - 1, len(sub) - 1)  # silhouette needs 2 <= k <= n - 1
    if hi < 2:
        return max(1, min(k_min, _distinct(sub)))
    lo = max(2, min(k_min, hi))
    best_k, best = lo, -math.inf
    for k in range(lo, hi + 1):
        labels = KMeans(k, n_init=1, max_iter=_MAX_ITER, random_state=random_state).fit_predict(sub)
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(
            sub,
            labels,
            sample_size=min(len(sub), _SILHOUETTE_SAMPLE),
            random_state=random_state,
        )
        if score > best:
            best_k, best = k, float(score)
    return best_k


def fit_kmeans(
    z: np.ndarray, k: int, random_state: int, fit_sample: int
) -> tuple[np.ndarray, np.ndarray]:
    """Centres (k' × d) and a label per row; k' <= k when there are fewer distinct points."""
    from sklearn.cluster import KMeans

    if len(z) == 0:
        return np.zeros((0, z.shape[1])), np.zeros(0, dtype=np.int32)
    rng = np.random.default_rng(random_state)
    sampled = len(z) > fit_sample
    sub = z[np.sort(rng.choice(len(z), fit_sample, replace=False))] if sampled else z
    k = max(1, min(k, _distinct(sub)))
    km = KMeans(k, n_init=3, max_iter=_MAX_ITER, random_state=random_state).fit(sub)
    labels = km.predict(z) if sampled else km.labels_
    return np.asarray(km.cluster_centers_, dtype=np.float64), labels.astype(np.int32)
