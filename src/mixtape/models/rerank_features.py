"""What the ``rerank`` model knows about a (playlist, candidate track) pair: its features.

:class:`Candidates` is the union of the generators' rankings for one query,
with each generator's score and rank per candidate (NaN where it did not
propose the track).  :class:`TrackStats` holds what is computed once per
arrays (playlist counts, artist counts, standardized audio, genre vectors,
the track × playlist matrix) and turns a query's candidates into a feature
matrix, one row per candidate, columns named by :func:`feature_names`:

* per generator: its score (divided by its best, as it ranks) and its rank;
  how many generators proposed the track; whether a title was a seed (the
  ``title`` generator's score is the title match);
* the track: playlist count, its primary artist's playlist entries, catalog
  popularity (log counts; NaN when unknown);
* the seeds: how many; their mean playlist count; the share of them by the
  candidate's artist;
* co-occurrence with the seeds: playlists shared with the best seed, on
  average, with the last five seeds (the end of a playlist says most about
  what comes next), the share of seeds it shares any playlist with, and the
  best seed's shared playlists over the candidate's own count;
* sound and genre: distance of the candidate's standardized audio to the
  seeds' mean, cosine of its genres with the seeds', years from the seeds'
  median year (NaN where features are missing: LightGBM learns a direction
  for missing values).

Albums are not in the arrays (the MPD subset has none), so album features are
absent.  Everything here is computed from the arrays the model was fitted on,
so at fit time the training playlists' hidden tracks are not counted.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mixtape.features.arrays import TrackArrays

#: Audio columns compared with the seeds (standardized over the catalog).
AUDIO = ("danceability", "energy", "valence", "acousticness", "instrumentalness", "speechiness")
#: How many of the last seeds the "recent" co-occurrence feature looks at.
LAST_SEEDS = 5

TRACK_FEATURES = (
    "generators",
    "has_title",
    "track_playlists",
    "artist_entries",
    "popularity",
    "seeds",
    "seed_playlists",
    "artist_share",
    "cooc_best",
    "cooc_mean",
    "cooc_last",
    "cooc_seed_share",
    "cooc_best_ratio",
    "audio_distance",
    "genre_cosine",
    "year_gap",
)


def feature_names(generators: Sequence[str]) -> list[str]:
    """Column names of the feature matrix for these generators."""
    per_generator = [f"{g}_{what}" for g in generators for what in ("score", "rank")]
    return [*per_generator, *TRACK_FEATURES]


@dataclass(frozen=True)
class Candidates:
    """One query's candidate rows (sorted) and each generator's score and rank for them."""

    rows: np.ndarray  # (c,) int64, ascending
    scores: np.ndarray  # (c, g) float64, NaN where the generator did not propose the row
    ranks: np.ndarray  # (c, g) float64, 0 = first, NaN where not proposed

    @classmethod
    def union(cls, rankings: Sequence[Sequence[tuple[int, float]]]) -> Candidates:
        """The union of several best-first (row, score) lists."""
        found = [np.fromiter((r for r, _ in ranking), dtype=np.int64) for ranking in rankings]
        rows = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        scores = np.full((len(rows), len(rankings)), np.nan)
        ranks = np.full((len(rows), len(rankings)), np.nan)
        for g, (ranking, these) in enumerate(zip(rankings, found, strict=True)):
            if not len(these):
                continue
            at = np.searchsorted(rows, these)
            scores[at, g] = [s for _, s in ranking]
            ranks[at, g] = np.arange(len(these))
        return cls(rows, scores, ranks)

    def best_generator(self) -> np.ndarray:
        """Per candidate, the generator that ranked it highest (-1 when none did)."""
        ranks = np.where(np.isnan(self.ranks), np.inf, self.ranks)
        best = np.argmin(ranks, axis=1) if ranks.shape[1] else np.zeros(len(self.rows), int)
        none = ~np.isfinite(ranks.min(axis=1)) if ranks.shape[1] else np.ones(len(best), bool)
        return np.where(none, -1, best)


class TrackStats:
    """Per-track arrays the features read, computed once from the arrays."""

    def __init__(self, data: TrackArrays) -> None:
        baskets = sp.csr_matrix(data.playlists, dtype=np.float32)
        baskets.data = (baskets.data != 0).astype(np.float32)
        baskets.eliminate_zeros()
        self.track_playlists = sp.csr_matrix(baskets.T)
        counts = np.diff(self.track_playlists.indptr).astype(np.float64)
        self.counts = counts
        self.log_counts = np.log1p(counts)
        artist = data.primary_artist.astype(np.int64)
        n_artists = len(data.artist_names)
        has_artist = artist >= 0
        per_artist = np.bincount(
            artist[has_artist], weights=counts[has_artist], minlength=n_artists
        )
        self.artist = artist
        self.artist_entries = np.full(data.n_tracks, np.nan)
        self.artist_entries[has_artist] = np.log1p(per_artist[artist[has_artist]])
        self.popularity = data.popularity.astype(np.float64)
        self.year = data.year.astype(np.float64)
        audio = np.column_stack([data.column(c) for c in AUDIO]).astype(np.float64)
        with warnings.catch_warnings():  # a column with no value at all stays NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            mean, std = np.nanmean(audio, axis=0), np.nanstd(audio, axis=0)
        self.audio = (audio - mean) / np.where(std > 0, std, 1.0)
        genres = sp.csr_matrix(data.track_genres, dtype=np.float64)
        norms = np.sqrt(np.asarray(genres.multiply(genres).sum(axis=1)).ravel())
        inverse = np.zeros_like(norms)
        inverse[norms > 0] = 1.0 / norms[norms > 0]
        self.genres = sp.csr_matrix(sp.diags(inverse) @ genres)
        self.has_genres = norms > 0

    def features(self, seeds: Sequence[int], cand: Candidates, titled: bool) -> np.ndarray:
        """The (candidates × features) float32 matrix for ``seeds`` (in playlist order) and
        whether a title was a seed."""
        rows = cand.rows
        seed_rows = np.asarray(seeds, dtype=np.int64)
        n_seeds = len(seed_rows)
        proposed = (~np.isnan(cand.ranks)).sum(axis=1).astype(np.float64)
        artist = self.artist[rows]
        seed_artists = self.artist[seed_rows]
        same_artist = (artist[:, None] == seed_artists[None, :]) & (artist[:, None] >= 0)
        shared = (self.track_playlists[rows] @ self.track_playlists[seed_rows].T).toarray()
        best_shared = shared.max(axis=1) if n_seeds else np.zeros(len(rows))
        counts = self.counts[rows]
        columns = [
            proposed,
            np.full(len(rows), float(titled)),
            self.log_counts[rows],
            self.artist_entries[rows],
            self.popularity[rows],
            np.full(len(rows), float(n_seeds)),
            np.full(len(rows), float(self.log_counts[seed_rows].mean()) if n_seeds else 0.0),
            same_artist.mean(axis=1) if n_seeds else np.zeros(len(rows)),
            best_shared,
            shared.mean(axis=1) if n_seeds else np.zeros(len(rows)),
            shared[:, -LAST_SEEDS:].sum(axis=1),
            (shared > 0).mean(axis=1) if n_seeds else np.zeros(len(rows)),
            np.divide(best_shared, counts, out=np.zeros(len(rows)), where=counts > 0),
            self._audio_distance(seed_rows, rows),
            self._genre_cosine(seed_rows, rows),
            self._year_gap(seed_rows, rows),
        ]
        pairs = np.empty((len(rows), 2 * cand.scores.shape[1]))
        pairs[:, 0::2] = cand.scores
        pairs[:, 1::2] = cand.ranks
        return np.column_stack([pairs, *columns]).astype(np.float32)

    def _audio_distance(self, seeds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        known = seeds[~np.isnan(self.audio[seeds]).any(axis=1)]
        if not len(known):
            return np.full(len(rows), np.nan)
        centre = self.audio[known].mean(axis=0)
        return np.sqrt(((self.audio[rows] - centre) ** 2).sum(axis=1))  # NaN without audio

    def _genre_cosine(self, seeds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        known = seeds[self.has_genres[seeds]]
        if not len(known):
            return np.full(len(rows), np.nan)
        centre = np.asarray(self.genres[known].sum(axis=0)).ravel()
        centre /= np.linalg.norm(centre)
        out = self.genres[rows] @ centre
        return np.where(self.has_genres[rows], out, np.nan)

    def _year_gap(self, seeds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        years = self.year[seeds]
        years = years[~np.isnan(years)]
        if not len(years):
            return np.full(len(rows), np.nan)
        return np.abs(self.year[rows] - float(np.median(years)))
