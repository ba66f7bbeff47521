"""Reasons that say something: the audio traits a seed and a candidate share that set them
apart from the rest of the catalog.

"Similar instrumentalness" is true of almost any two tracks: nearly every track
has none.  A trait is worth naming when both tracks are far from the catalog's
usual value *on the same side*: both very acoustic, both fast.  "Far" is
measured twice and the smaller of the two counts:

* by rank: the track's mid-rank percentile in the catalog, as a normal score
  (``Φ⁻¹(p)``), so a value most tracks share (instrumentalness 0: mid-rank
  ~0.4) is never far however small the spread;
* by spread: ``(value - mean) / std``, so a value just above a big tie (0.01
  instrumentalness when 80% of tracks have 0) is not called "instrumental".

Traits are ranked by ``min(|z_seed|, |z_candidate|)``; at most two are named,
and "similar overall sound" stands in when none is distinctive.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from mixtape.features.arrays import AUDIO_COLUMNS, TrackArrays
from mixtape.features.reason_kernels import shared_codes

FALLBACK = "similar overall sound"
#: How far (in standard deviations, both ways of measuring) a value must be to be named.
THRESHOLD = 1.0
#: Values kept per feature to compute percentiles (every k-th track past this many).
SAMPLE = 200_000
#: Quantiles kept per feature (0.1% resolution).
N_QUANTILES = 1001


def _bpm(v: float) -> str:
    return f"{round(v)} BPM"


def _db(v: float) -> str:
    return f"{round(v)} dB"


def _minutes(ms: float) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass(frozen=True)
class Trait:
    """How a feature reads when both tracks are high or low on it; ``unit`` formats values."""

    high: str
    low: str
    unit: Callable[[float], str] | None = None


#: Features a reason may name, in the order preferred on a tie.  Key, mode and time
#: signature are categories, not scales: never named.
TRAITS: dict[str, Trait] = {
    "energy": Trait("high energy", "low energy"),
    "acousticness": Trait("very acoustic", "electric"),
    "tempo": Trait("fast", "slow", _bpm),
    "danceability": Trait("very danceable", "hard to dance to"),
    "valence": Trait("upbeat", "dark"),
    "instrumentalness": Trait("instrumental", "sung"),
    "speechiness": Trait("full of speech or rap", "without speech"),
    "loudness": Trait("loud", "quiet", _db),
    "liveness": Trait("live-sounding", "studio-clean"),
    "duration_ms": Trait("long", "short", _minutes),
}


@dataclass(frozen=True)
class FeatureDistribution:
    """The catalog's distribution of each audio feature: mean, std and quantiles.

    ``names`` are the features (columns of ``mean``/``std``, rows of
    ``quantiles``); ``quantiles[j]`` holds feature ``j`` at evenly spaced
    probabilities from 0 to 1 (NaN rows for a feature nobody has).
    """

    names: tuple[str, ...]
    mean: np.ndarray  # (f,)
    std: np.ndarray  # (f,)
    quantiles: np.ndarray  # (f, q)

    @classmethod
    def of(cls, values: np.ndarray, names: tuple[str, ...] = AUDIO_COLUMNS) -> FeatureDistribution:
        """From a (tracks, features) matrix, NaN where unknown."""
        values = np.asarray(values, dtype=np.float64)
        step = max(1, len(values) // SAMPLE)  # a regular sample: percentiles need no more
        probs = np.linspace(0.0, 1.0, N_QUANTILES)
        mean = np.full(len(names), np.nan)
        std = np.full(len(names), np.nan)
        quantiles = np.full((len(names), N_QUANTILES), np.nan)
        for j in range(len(names)):
            column = values[::step, j]
            column = column[~np.isnan(column)]
            if len(column):
                mean[j], std[j] = column.mean(), column.std()
                quantiles[j] = np.quantile(column, probs)
        return cls(names, mean, std, quantiles)

    @functools.cached_property
    def _table(self) -> tuple[np.ndarray, ...]:
        """What :meth:`z` needs, computed once: every feature's quantiles as keys in one
        sorted array (see :meth:`_keys`) and the map from values to keys (low end, 1 /
        span, offset); twice where each feature starts in ``keys``; the normal score of
        each summed rank; the spread (infinite for a constant feature: never far by
        spread)."""
        known = ~np.isnan(self.quantiles[:, 0])
        low = np.where(known, self.quantiles[:, 0], 0.0)
        span = np.where(known, self.quantiles[:, -1], 1.0) - low
        inv_span = 1.0 / np.where(span > 0, span, 1.0)
        offset = 4.0 * np.arange(len(self.names))
        table = np.where(known[:, None], self.quantiles, low[:, None])
        keys = self._keys(table.T, low, inv_span, offset).T.ravel()
        q = self.quantiles.shape[1]
        # left + right positions in ``keys`` count feature j's start (q * j) twice; what
        # is left, m, makes the mid-rank percentile (m - 1) / 2 / (q - 1): a value many
        # tracks share sits in the middle of its tie.
        starts = 2 * q * np.arange(len(self.names))
        p = ((np.arange(2 * q + 1) - 1) * 0.5) / (q - 1)
        rank_z = ndtri(np.clip(p, 0.5 / (q - 1), 1 - 0.5 / (q - 1)))
        std = np.where(self.std > 0, self.std, np.inf)
        return keys, low, inv_span, offset, starts, rank_z, std

    @staticmethod
    def _keys(
        values: np.ndarray, low: np.ndarray, inv_span: np.ndarray, offset: np.ndarray
    ) -> np.ndarray:
        """Values of feature ``j`` (columns) mapped in order into ``[4j - 1, 4j + 2]``: one
        ``searchsorted`` then ranks every feature of every row at once."""
        keys = (values - low) * inv_span
        np.maximum(keys, -1.0, out=keys)  # np.clip's own overhead is most of its cost here
        np.minimum(keys, 2.0, out=keys)
        keys += offset
        return keys

    def z(self, values: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """Signed distance from the usual value per feature: the smaller of the rank and
        spread measures, 0 where they disagree on the side or the value is unknown.

        ``values`` is (features,) or (rows, features) in ``names`` order, or in the order
        of ``columns`` (indexes into ``names``) when given: only those are measured.
        """
        values = np.asarray(values, dtype=np.float64)
        table, low, inv_span, offset, starts, rank_z, std = self._table
        mean = self.mean
        if columns is not None:
            low, inv_span, offset = low[columns], inv_span[columns], offset[columns]
            starts, std, mean = starts[columns], std[columns], mean[columns]
        keys = self._keys(values, low, inv_span, offset)
        summed = table.searchsorted(keys, "left") + table.searchsorted(keys, "right")
        summed -= starts
        # (An unknown value, NaN, sorts last: clipped to the top rank, and cancelled below.)
        by_rank = rank_z.take(summed, mode="clip")
        # Unknown (NaN) for an unknown value or a feature nobody has (mean NaN), and NaN
        # is on no side: 0 below.
        by_spread = (values - mean) / std
        # Both on one side: the smaller distance.
        both = by_rank * by_spread > 0
        return np.where(both, np.copysign(np.minimum(abs(by_rank), abs(by_spread)), by_rank), 0.0)

    @functools.cached_property
    def named(self) -> tuple[np.ndarray, tuple[Trait, ...]]:
        """The columns of the features a reason may name, in ``TRAITS`` order, and theirs."""
        names = [name for name in TRAITS if name in self.names]
        columns = np.array([self.names.index(name) for name in names], dtype=np.int64)
        return columns, tuple(TRAITS[name] for name in names)

    @functools.cached_property
    def _kernel_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:attr:`_table` as :func:`~mixtape.features.reason_kernels.shared_codes` takes it:
        the sorted keys, the per-feature rows (``reason_kernels.LOW`` ... ``MEAN``), the
        normal scores."""
        keys, low, inv_span, offset, starts, rank_z, std = self._table
        keys = _float64(keys)
        q = self.quantiles.shape[1]
        first, end = q * np.arange(len(self.names)), q * np.arange(1, len(self.names) + 1)
        # A feature's keys are searched alone where every other one is below (above) any
        # key its values map to, as ever unless values are infinite; else all of them.
        below = keys[np.maximum(first - 1, 0)] < offset - 1.0
        above = keys[np.minimum(end, len(keys) - 1)] > offset + 2.0
        apart = np.all(np.isfinite(keys)) and np.all(
            ((first == 0) | below) & ((end == len(keys)) | above)
        )
        if not apart:
            first, end = np.zeros_like(first), np.full_like(end, len(keys))
        rows = [low, inv_span, offset, starts, first, end, std, self.mean]
        return keys, np.stack(rows).astype(np.float64), _float64(rank_z)

    @functools.cached_property
    def _code_words(self) -> tuple[tuple[str, ...], tuple[Callable[[float], str] | None, ...]]:
        """Per trait code of the kernel (``2 * trait + high``, :attr:`named` order), its
        words ("both fast") and how its values read (None: not given)."""
        traits = self.named[1]
        texts = tuple("both " + (t.high if high else t.low) for t in traits for high in (0, 1))
        return texts, tuple(t.unit for t in traits for _ in (0, 1))

    def named_in(self, names: tuple[str, ...]) -> np.ndarray:
        """(2, traits): the columns of :attr:`named`, and where each is among ``names``."""
        columns = self.named[0]
        if names == self.names:
            return self._named_twice
        return np.stack([columns, [names.index(self.names[j]) for j in columns.tolist()]])

    @functools.cached_property
    def _named_twice(self) -> np.ndarray:
        return np.stack([self.named[0], self.named[0]])


def feature_distribution(data: TrackArrays) -> FeatureDistribution:
    """The catalog's :class:`FeatureDistribution` (tracks with features only)."""
    return FeatureDistribution.of(data.audio[data.has_audio])


def _float64(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64)


def _matrix(values: np.ndarray) -> np.ndarray:
    """``values`` as the compiled loop takes them: C-ordered float32 (the catalog's audio,
    as it is) or float64."""
    values = np.asarray(values)
    if values.dtype == np.float32 and values.flags.c_contiguous:
        return values
    return _float64(values)


#: The row of a single seed.
_FIRST = np.zeros(1, dtype=np.int64)


def _row(dist: FeatureDistribution, values: np.ndarray | Mapping[str, float]) -> np.ndarray:
    if isinstance(values, Mapping):
        return np.array([values.get(n, np.nan) for n in dist.names], dtype=np.float64)
    return np.asarray(values, dtype=np.float64)


def _traits_of(
    dist: FeatureDistribution,
    seed: np.ndarray,
    candidates: np.ndarray,
    limit: int,
    threshold: float,
) -> list[list[str]]:
    """Per candidate row (``dist.names`` order), its shared traits with ``seed``."""
    rows = np.arange(len(candidates), dtype=np.int64)
    return shared_trait_lists(
        dist, seed[None, :], _FIRST, candidates, rows, limit=limit, threshold=threshold
    )


def shared_trait_lists(
    dist: FeatureDistribution,
    seeds: np.ndarray,
    seed_rows: np.ndarray,
    values: np.ndarray,
    rows: np.ndarray,
    nearest: np.ndarray | None = None,
    *,
    names: tuple[str, ...] | None = None,
    limit: int = 2,
    threshold: float = THRESHOLD,
) -> list[list[str]]:
    """Per row ``values[rows[i]]``, the :func:`shared_traits` it has with its seed,
    ``seeds[seed_rows[nearest[i]]]`` (the first seed when ``nearest`` is None).

    ``seeds`` and ``values`` are (tracks, features) matrices whose columns are
    ``names`` (``dist.names`` when None), NaN unknown: the catalog's audio, with no
    gather.  Measured in one compiled loop (:mod:`mixtape.features.reason_kernels`).
    """
    where = dist.named_in(dist.names if names is None else names)
    keys, table, rank_z = dist._kernel_table
    seeds, values = _matrix(seeds), _matrix(values)
    seed_rows = np.ascontiguousarray(seed_rows, dtype=np.int64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    nearest = _FIRST[:0] if nearest is None else np.ascontiguousarray(nearest, dtype=np.int64)
    width = limit if limit >= 0 else where.shape[1]  # a negative limit drops the weakest
    codes, both = shared_codes(
        seeds, seed_rows, values, rows, nearest, where, keys, table, rank_z, float(threshold), width
    )
    found = _words(dist, codes, both)
    return [words[:limit] for words in found] if limit < 0 else found


def _words(dist: FeatureDistribution, codes: np.ndarray, both: np.ndarray) -> list[list[str]]:
    """The phrases of the kernel's trait codes ("both fast (172 BPM)"), with the seed's
    and the row's values (``both``) where a trait reads them in units.

    Plain Python: a few phrases, where numpy's per-call cost would dominate.
    """
    texts, units = dist._code_words
    values: list[list[list[float]]] = []  # read when first needed
    seen: dict[tuple[int, float], str] = {}  # a seed's value, read once (rows share seeds)
    out: list[list[str]] = []
    for i, found in enumerate(codes.tolist()):
        words = []
        for k, code in enumerate(found):
            if code < 0:
                break
            unit = units[code]
            if unit is None:
                words.append(texts[code])
                continue
            values = values or both.tolist()
            seed, value = values[i][k]
            if not (math.isfinite(seed) and math.isfinite(value)):  # no number to show
                words.append(texts[code])
                continue
            a = seen.get((code, seed))
            if a is None:
                a = seen[code, seed] = unit(seed)
            b = unit(value)
            words.append(f"{texts[code]} ({a})" if a == b else f"{texts[code]} ({a} and {b})")
        out.append(words)
    return out


def shared_traits(
    dist: FeatureDistribution,
    seed: np.ndarray | Mapping[str, float],
    candidate: np.ndarray | Mapping[str, float],
    *,
    limit: int = 2,
    threshold: float = THRESHOLD,
) -> list[str]:
    """Up to ``limit`` phrases ("both very acoustic", "both fast (172 BPM)") for the
    features where seed and candidate are both at least ``threshold`` from the catalog's
    usual value on the same side, the most distinctive first; [] when none is.

    ``seed``/``candidate``: values in ``dist.names`` order (NaN unknown) or a mapping
    from feature name to value (for several seeds, pass their mean).
    """
    rows = _row(dist, candidate)[None, :]
    return _traits_of(dist, _row(dist, seed), rows, limit, threshold)[0]


def distinctive_reasons(
    dist: FeatureDistribution,
    seed: np.ndarray | Mapping[str, float],
    candidates: np.ndarray,
    *,
    limit: int = 2,
) -> list[str]:
    """One reason per row of ``candidates`` ((rows, features) in ``dist.names`` order):
    its :func:`shared_traits` with ``seed`` joined ("both very acoustic and both slow
    (68 BPM)"), or "similar overall sound" when nothing shared is distinctive."""
    rows = np.asarray(candidates, dtype=np.float64).reshape(-1, len(dist.names))
    found = _traits_of(dist, _row(dist, seed), rows, limit, THRESHOLD)
    return [" and ".join(traits) or FALLBACK for traits in found]


def distinctive_reason(
    dist: FeatureDistribution,
    seed: np.ndarray | Mapping[str, float],
    candidate: np.ndarray | Mapping[str, float],
    *,
    limit: int = 2,
) -> str:
    """:func:`distinctive_reasons` for one candidate."""
    return distinctive_reasons(dist, seed, _row(dist, candidate)[None, :], limit=limit)[0]


__all__ = [
    "FALLBACK",
    "TRAITS",
    "FeatureDistribution",
    "distinctive_reason",
    "distinctive_reasons",
    "feature_distribution",
    "shared_trait_lists",
    "shared_traits",
]
