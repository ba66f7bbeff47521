"""``title``: the tracks of playlists whose titles match a title (BM25 over title words).

The RecSys Challenge 2018's title-only playlists were served this way by its
leading teams: the training playlists are documents made of their normalised
titles' words (``features.titles.normalize_title``; words and, with
``ngrams=2``, word pairs, counted by scikit-learn's ``CountVectorizer``),
weighted by BM25.  A query title is the same kind of word vector, and each
playlist's match is its BM25 score (Lucene's idf, which never goes below
zero); a playlist whose whole normalised title equals the query's weighs
``1 + exact_boost`` times as much.  The ``neighbours`` best-matching
playlists vote for their tracks::

    score(track) = Σ over those playlists holding it of  match(p) / length(p)^length_power

divided by the best candidate's, ties to the lower row.  A list the matches
cannot fill is completed with popular tracks (as ``cooccurrence`` does).

Seed tracks make an implied title: the words of the titles of the playlists
holding them, counted once per seed in the playlist, the ``query_words`` most
frequent kept.  The query is the seed title's words (each part summing to 1),
plus the implied title weighted ``track_weight`` when seed tracks come with it
(0: the title alone, the tracks only excluded); seed tracks alone query their
implied title.  A seed track in no titled playlist gives no implied title and
cannot be served alone.

Reasons count the matching playlists holding a track: "in 12 playlists titled
like 'summer hits'".  Saved models keep the vocabulary, the title-word matrix
and the distinct titles (strings as one UTF-8 buffer each, no pickle).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from mixtape.errors import InputError
from mixtape.features.arrays import TrackArrays
from mixtape.features.titles import normalize_title, normalize_titles
from mixtape.models.base import Recommender, Scored, Seeds
from mixtape.models.collaborative import binary_baskets, check_format
from mixtape.models.controls import Controls, allowed_mask, apply_targets, select
from mixtape.models.cooccurrence import popular_fill
from mixtape.models.seeding import refuse_unservable, unique_rows
from mixtape.search.topk import top_k

#: Version of what ``_state`` saves; a saved model of another format is refitted.
STATE_FORMAT = 1
#: Separates the strings of one saved buffer (normalised titles never hold it).
_SEP = "\x00"


def _pack(values: Sequence[str]) -> np.ndarray:
    return np.frombuffer(_SEP.join(values).encode("utf-8"), dtype=np.uint8)


def _unpack(buffer: np.ndarray, count: int) -> np.ndarray:
    out = np.empty(count, dtype=object)
    if count:
        out[:] = bytes(buffer).decode("utf-8").split(_SEP)
    return out


def _vectorizer(ngrams: int, vocabulary: dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import CountVectorizer  # lazy: sklearn is slow to import

    return CountVectorizer(
        token_pattern=r"\S+",
        lowercase=False,
        ngram_range=(1, ngrams),
        vocabulary=vocabulary,
        dtype=np.float64,
    )


def bm25_rows(words: sp.csr_matrix, k1: float, b: float) -> sp.csr_matrix:
    """(playlists × words) counts weighted by BM25 with Lucene's idf,
    ``log(1 + (N - df + 0.5) / (df + 0.5))`` over the N titled playlists.

    Written out rather than taken from implicit's ``bm25_weight``, whose idf
    ``log(N) - log(1 + df)`` goes below zero for a word in over a third of the
    titles (every word of a small catalog's few titles): such a word would then
    count against a match instead of for it.
    """
    counts = sp.csr_matrix(words, dtype=np.float64)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    titled = lengths > 0
    if not titled.any():
        return sp.csr_matrix(counts.shape, dtype=np.float32)
    n = float(titled.sum())
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    idf = np.log1p((n - df + 0.5) / (df + 0.5))
    norm = (1.0 - b) + b * lengths / lengths[titled].mean()
    tf = counts.data
    row_norm = np.repeat(norm, np.diff(counts.indptr))
    data = tf * (k1 + 1.0) / (tf + k1 * row_norm) * idf[counts.indices]
    return sp.csr_matrix((data.astype(np.float32), counts.indices, counts.indptr), counts.shape)


class TitleModel(Recommender):
    name = "title"
    uses_title = True
    summary = (
        "Tracks of the playlists whose titles match a playlist title (BM25 over title words); "
        "seed tracks alone stand for their playlists' titles."
    )
    score_meaning = (
        "summed title match (BM25) of the playlists holding the track, divided by the best "
        "candidate's (1 = the strongest); below 0: popular tracks that fill the list"
    )

    def __init__(
        self,
        neighbours: int = 1000,
        ngrams: int = 2,
        exact_boost: float = 1.0,
        length_power: float = 0.0,
        query_words: int = 20,
        track_weight: float = 10.0,
        bm25_k1: float = 1.2,
        bm25_b: float = 0.75,
        backfill: bool = True,
    ) -> None:
        self.neighbours = neighbours
        self.ngrams = ngrams
        self.exact_boost = exact_boost
        self.length_power = length_power
        self.query_words = query_words
        self.track_weight = track_weight
        self.bm25_k1 = bm25_k1
        self.bm25_b = bm25_b
        self.backfill = backfill

    # -- fitting ------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.neighbours < 1 or self.query_words < 1:
            raise InputError("neighbours and query_words must be at least 1")
        if self.ngrams not in (1, 2, 3):
            raise InputError(f"ngrams must be 1, 2 or 3, got {self.ngrams}")
        if self.exact_boost < 0 or self.length_power < 0 or self.track_weight < 0:
            raise InputError("exact_boost, length_power and track_weight must not be negative")

    def _fit(self, data: TrackArrays) -> None:
        self._check_params()
        titles = normalize_titles(data.playlist_names)
        self.titles_, codes = np.unique(titles, return_inverse=True)
        self.title_codes_ = codes.astype(np.int64)
        self.words_ = np.array([], dtype=object)
        words = sp.csr_matrix((len(titles), 0), dtype=np.float64)
        if (titles != "").any():
            vectorizer = _vectorizer(self.ngrams)
            try:
                words = sp.csr_matrix(vectorizer.fit_transform(titles))
                self.words_ = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
            except ValueError:  # no word in any title
                pass
        self._index(data, words)

    def _index(self, data: TrackArrays, words: sp.csr_matrix) -> None:
        """What serving needs, from the (playlists × words) counts."""
        self.title_words_ = sp.csr_matrix(words, dtype=np.float64)
        self.match_ = bm25_rows(self.title_words_, self.bm25_k1, self.bm25_b)
        vocabulary = {str(w): i for i, w in enumerate(self.words_)}
        self.vectorizer_ = _vectorizer(self.ngrams, vocabulary or None)
        self.code_of_ = {str(t): i for i, t in enumerate(self.titles_) if t}
        self.baskets_ = sp.csr_matrix(binary_baskets(data), dtype=np.float32)
        self.track_playlists_ = sp.csr_matrix(self.baskets_.T)  # a seed's playlists, by row
        self.playlist_counts_ = np.diff(self.track_playlists_.indptr).astype(np.int64)
        lengths = np.diff(self.baskets_.indptr).astype(np.float64)
        self.length_weight_ = np.maximum(lengths, 1.0) ** -self.length_power
        titled = (np.diff(self.title_words_.indptr) > 0).astype(np.float32)
        self.titled_tracks_ = np.asarray(self.baskets_.T @ titled).ravel() > 0

    def _state(self) -> dict[str, np.ndarray]:
        w = self.title_words_
        return {
            "format": np.array(STATE_FORMAT),
            "words": _pack([str(x) for x in self.words_]),
            "word_count": np.array(len(self.words_)),
            "titles": _pack([str(x) for x in self.titles_]),
            "title_count": np.array(len(self.titles_)),
            "title_codes": self.title_codes_,
            "counts_data": w.data,
            "counts_indices": w.indices,
            "counts_indptr": w.indptr,
        }

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        check_format(self.name, state, STATE_FORMAT)
        self._check_params()
        self.words_ = _unpack(state["words"], int(state["word_count"]))
        self.titles_ = _unpack(state["titles"], int(state["title_count"]))
        self.title_codes_ = state["title_codes"]
        words = sp.csr_matrix(
            (state["counts_data"], state["counts_indices"], state["counts_indptr"]),
            shape=(len(self.title_codes_), len(self.words_)),
        )
        self._index(data, words)

    # -- serving ------------------------------------------------------------------------
    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self.titled_tracks_[rows], dtype=bool)

    def cannot_serve_reason(self, n_seeds: int) -> str:
        which = "this seed is" if n_seeds == 1 else f"none of the {n_seeds} seeds is"
        return f"{which} in a titled playlist, so the title model has no title to go on"

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        if seeds.title is None:
            refuse_unservable(
                self,
                seeds,
                data,
                "is in no titled playlist, so the title model has no title to go on",
                "is in a titled playlist, so the title model has no title to go on",
                "give a playlist title, or try the cooccurrence or hybrid model",
            )
        super()._validate(seeds, data)

    def query(self, seeds: Seeds) -> tuple[np.ndarray, str]:
        """Each training playlist's title match for ``seeds`` ((playlists,) float64, 0 for
        none) and how the reasons name the title ("like 'summer hits'")."""
        implied, label = self._implied(seeds.rows)
        if seeds.title is None:
            if implied is None:
                return np.zeros(self.match_.shape[0]), label
            return self._match(implied), label
        text = normalize_title(seeds.title)
        vector = self._title_vector(text)
        parts = [vector / vector.sum()] if vector.any() else []
        if implied is not None and self.track_weight > 0:
            parts.append(self.track_weight * implied / implied.sum())
        match = self._match(sum(parts) if parts else vector)
        code = self.code_of_.get(text)
        if code is not None and self.exact_boost:
            match[self.title_codes_ == code] *= 1.0 + self.exact_boost
        both = implied is not None and self.track_weight > 0
        return match, f"like {text!r}" + (" or the seeds' playlists" if both else "")

    def _implied(self, rows: Sequence[int]) -> tuple[np.ndarray | None, str]:
        """The seeds' implied title: the ``query_words`` words most frequent in the titles of
        the playlists holding them (None when there is none), and its label."""
        label = "like the seeds' playlists"
        if not rows or not len(self.words_):
            return None, label
        held_by = self.track_playlists_[np.asarray(unique_rows(rows), dtype=np.int64)]
        seeds_in = np.bincount(held_by.indices, minlength=self.baskets_.shape[0]).astype(float)
        implied = np.asarray(self.title_words_.T @ seeds_in).ravel()
        if not implied.any():
            return None, label
        if np.count_nonzero(implied) > self.query_words:
            keep = top_k(implied, self.query_words)
            kept = np.zeros_like(implied)
            kept[keep] = implied[keep]
            implied = kept
        per_title = np.bincount(self.title_codes_, weights=seeds_in, minlength=len(self.titles_))
        named = [int(c) for c in np.argsort(-per_title, kind="stable") if self.titles_[c]]
        if named:
            label += f" ({self.titles_[named[0]]!r})"
        return implied, label

    def _title_vector(self, text: str) -> np.ndarray:
        if not len(self.words_):
            return np.zeros(0)
        return np.asarray(self.vectorizer_.transform([text]).toarray()).ravel()

    def _match(self, vector: np.ndarray) -> np.ndarray:
        if not len(vector) or not vector.any():
            return np.zeros(self.match_.shape[0])
        return np.asarray(self.match_ @ vector).ravel()

    def _playlists(self, match: np.ndarray) -> np.ndarray:
        """The ``neighbours`` best-matching playlists (ties to the lower row), sorted."""
        candidates = np.flatnonzero(match > 0)
        if len(candidates) > self.neighbours:
            candidates = np.sort(candidates[top_k(match[candidates], self.neighbours)])
        return candidates

    def scores(self, seeds: Seeds) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """Candidate rows, their raw scores, the matching playlists and the title's label."""
        match, label = self.query(seeds)
        playlists = self._playlists(match)
        votes = match[playlists] * self.length_weight_[playlists]
        raw = np.asarray(self.baskets_[playlists].T @ votes).ravel()
        rows = np.flatnonzero(raw > 0)
        return rows.astype(np.int64), raw[rows], playlists, label

    def ranked(
        self, seeds: Seeds, n: int = 10, controls: Controls | None = None
    ) -> list[tuple[int, float]]:
        """:meth:`recommend` without reasons or popular filling: (row, score), best first."""
        data = self._check_fitted()
        self._validate(seeds, data)
        controls = controls or Controls()
        mask = allowed_mask(data, controls, seeds.rows)
        rows, raw, _, _ = self.scores(seeds)
        return self._select(rows, raw, n, controls, mask)

    def _select(
        self, rows: np.ndarray, raw: np.ndarray, n: int, controls: Controls, mask: np.ndarray
    ) -> list[tuple[int, float]]:
        keep = mask[rows]
        rows, raw = rows[keep], raw[keep]
        if not len(rows):
            return []
        scores = apply_targets(rows, raw / raw.max(), self.data_, controls)
        return select(rows, scores, n, self.data_, controls, mask)

    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]:
        mask = allowed_mask(self.data_, controls, seeds.rows)
        rows, raw, playlists, label = self.scores(seeds)
        picked = self._select(rows, raw, n, controls, mask)
        reasons = self._explain(playlists, [row for row, _ in picked], label)
        out = [Scored(r, s, why) for (r, s), why in zip(picked, reasons, strict=True)]
        if self.backfill and len(out) < n:
            taken = {r for r, _ in picked}
            counts = self.playlist_counts_
            out += popular_fill(self.data_, counts, n - len(out), mask, taken, controls)
        return out

    def explain(self, seeds: Seeds, rows: Sequence[int]) -> list[str]:
        """The reasons :meth:`recommend` gives ``rows`` (tracks it found) for ``seeds``."""
        match, label = self.query(seeds)
        return self._explain(self._playlists(match), rows, label)

    def _explain(self, playlists: np.ndarray, rows: Sequence[int], label: str) -> list[str]:
        """Per row, "in 12 playlists titled like 'summer hits'"."""
        if not len(rows):
            return []
        held = self.baskets_[playlists][:, np.asarray(rows, dtype=np.int64)]
        counts = np.asarray(held.sum(axis=0)).ravel().astype(np.int64).tolist()
        return [f"in {c:,} playlist{'' if c == 1 else 's'} titled {label}" for c in counts]


__all__ = ["TitleModel", "bm25_rows"]
