"""Coherent demo playlists: a theme, a title from it, and tracks sampled around it.

Each playlist has a theme (one or two fine genres, a family, a mood region or
an era, the last two sometimes within a family), a title drawn from that
theme and an MPD-like length (median about 50, 5 to 250).  Its tracks come
from three sources, mixed per draw:

* the theme's pool, sampled with probability proportional to
  ``(popularity + 1) ** ALPHA`` (hits recur across playlists, as in the MPD);
* a few "anchor" artists picked from the theme, so an artist usually has
  several songs in a playlist;
* a little noise: popular tracks from anywhere.

All playlists of a chunk are drawn at once (one ``searchsorted`` per source),
then de-duplicated per playlist keeping the first occurrence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np

from mixtape.demo import themes
from mixtape.demo.generate import DemoCatalog, DemoPlaylists
from mixtape.demo.sampling import segments, stream, weighted_in_segments
from mixtape.demo.taxonomy import FAMILIES
from mixtape.errors import InputError

ALPHA = 2.5
ANCHOR_SHARE = 0.35
NOISE_SHARE = 0.04
MAX_ANCHORS = 8
MIN_POOL = 30
CHUNK = 2_000
KINDS = ("genre", "genre2", "family", "mood", "era")
KIND_WEIGHTS = (0.38, 0.12, 0.26, 0.15, 0.09)
FIRST_EDIT = int(datetime(2010, 1, 1, tzinfo=UTC).timestamp())
LAST_EDIT = int(datetime(2024, 12, 31, 23, 59, tzinfo=UTC).timestamp())


class _Pools:
    """Track pools (genre, family, mood, era, all), concatenated for segment sampling."""

    def __init__(self, cat: DemoCatalog) -> None:
        self.cat = cat
        self.rows: list[np.ndarray] = []
        self.ids: dict[tuple[object, ...], int] = {}
        n_genres = len(cat.genres)
        artist_genres = cat.artist_genres[cat.track_artist]
        track = np.tile(np.arange(cat.n_tracks), 3)
        genre = artist_genres.T.ravel()
        ok = genre >= 0
        order, starts, ends = segments(genre[ok].astype(np.int64), n_genres)
        grouped = track[ok][order]
        self.genre = [self.add(("genre", g), grouped[starts[g] : ends[g]]) for g in range(n_genres)]
        self.track_family = family = cat.track_family.astype(np.int64)
        self.family = [
            self.add(("family", f), np.flatnonzero(family == f)) for f in range(len(FAMILIES))
        ]
        self.all = self.add(("all",), np.arange(cat.n_tracks))
        self._masks: dict[tuple[str, int], np.ndarray] = {}

    def add(self, spec: tuple[object, ...], rows: np.ndarray) -> int:
        self.ids[spec] = len(self.rows)
        self.rows.append(rows)
        return self.ids[spec]

    def size(self, pool: int) -> int:
        return len(self.rows[pool])

    def region(self, kind: str, index: int, family: int) -> int:
        """The pool of a mood or era, within one family (or all families for -1)."""
        spec = (kind, index, family)
        if spec not in self.ids:
            if (kind, index) not in self._masks:
                cat = self.cat
                if kind == "mood":
                    mask = themes.MOODS[index].mask(cat.audio)
                else:
                    first, last = themes.ERAS[index].years
                    mask = (cat.track_year >= first) & (cat.track_year <= last)
                self._masks[kind, index] = mask
            mask = self._masks[kind, index]
            if family >= 0:
                mask = mask & (self.track_family == family)
            self.add(spec, np.flatnonzero(mask))
        return self.ids[spec]

    def finish(self, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        sizes = np.array([len(r) for r in self.rows])
        ends = np.cumsum(sizes)
        concat = np.concatenate(self.rows)
        return concat, np.cumsum(weight[concat]), ends - sizes, ends


def build_playlists(
    cat: DemoCatalog,
    n_playlists: int,
    on_progress: Callable[[int], None] | None = None,
) -> DemoPlaylists:
    """``n_playlists`` themed playlists over ``cat``'s tracks (deterministic in ``cat.seed``).

    ``on_progress`` is called with the number of playlists each chunk added.
    """
    if n_playlists < 0:
        raise InputError(f"the number of playlists cannot be negative ({n_playlists})")
    pools = _Pools(cat)
    rng = stream(cat.seed, "themes")
    pool_a, pool_b, titles = _themes(rng, cat, pools, n_playlists)
    sizes = np.array(
        [
            pools.size(int(a)) + pools.size(int(b)) * (a != b)
            for a, b in zip(pool_a, pool_b, strict=True)
        ]
    )
    length = np.clip(np.round(rng.lognormal(np.log(50), 0.75, n_playlists)), 5, 250)
    length = np.minimum(length, np.maximum(5, sizes // 2)).astype(np.int64)

    sampler = _Sampler(cat, pools)
    parts: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for first in range(0, n_playlists, CHUNK):
        sl = slice(first, min(first + CHUNK, n_playlists))
        crng = stream(cat.seed, "playlists", first // CHUNK)
        own, trk = sampler.fill(crng, pool_a[sl], pool_b[sl], length[sl])
        parts.append(trk.astype(np.int32))
        counts.append(np.bincount(own, minlength=sl.stop - sl.start))
        if on_progress is not None:
            on_progress(sl.stop - sl.start)
    entries = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    offsets = np.r_[0, np.cumsum(np.concatenate(counts) if counts else [])].astype(np.int64)
    return _with_metadata(rng, cat, titles, entries, offsets)


class _Sampler:
    """Draws tracks for many playlists at once: from themes, anchor artists, anywhere."""

    def __init__(self, cat: DemoCatalog, pools: _Pools) -> None:
        self.cat = cat
        self.all = pools.all
        weight = (cat.popularity.astype(float) + 1.0) ** ALPHA
        self.pooled, self.cdf, self.starts, self.ends = pools.finish(weight)
        self.by_artist, self.a_starts, self.a_ends = segments(
            cat.track_artist.astype(np.int64), len(cat.artist_ids)
        )
        self.artist_cdf = np.cumsum(weight[self.by_artist])

    def from_pools(self, rng: np.random.Generator, pool: np.ndarray) -> np.ndarray:
        """A track of each pool, popular ones more often."""
        return self.pooled[weighted_in_segments(rng, self.cdf, self.starts, self.ends, pool)]

    def from_artists(self, rng: np.random.Generator, artist: np.ndarray) -> np.ndarray:
        cdf, starts, ends = self.artist_cdf, self.a_starts, self.a_ends
        return self.by_artist[weighted_in_segments(rng, cdf, starts, ends, artist)]

    def uniform(self, rng: np.random.Generator, pool: np.ndarray) -> np.ndarray:
        span = self.ends[pool] - self.starts[pool]
        return self.pooled[self.starts[pool] + (rng.random(len(pool)) * span).astype(np.int64)]

    def fill(
        self, rng: np.random.Generator, a: np.ndarray, b: np.ndarray, want: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(playlist, track) rows of playlists with theme pools ``a``/``b`` and lengths ``want``."""
        n = len(want)
        # anchors: the main artists of a few popular tracks of the theme
        seeds = np.where(rng.random((n, MAX_ANCHORS)) < 0.5, a[:, None], b[:, None]).ravel()
        anchors = self.cat.track_artist[self.from_pools(rng, seeds)].reshape(n, MAX_ANCHORS)
        n_anchors = np.clip(1 + want // 15 + rng.integers(0, 3, n), 1, MAX_ANCHORS)

        owner = np.repeat(np.arange(n), 2 * want + 10)
        source = rng.random(len(owner))
        drawn = np.empty(len(owner), dtype=np.int64)
        rows = np.flatnonzero(source < ANCHOR_SHARE)
        pick = (rng.random(len(rows)) * n_anchors[owner[rows]]).astype(np.int64)
        drawn[rows] = self.from_artists(rng, anchors[owner[rows], pick])
        rows = np.flatnonzero((source >= ANCHOR_SHARE) & (source < 1 - NOISE_SHARE))
        drawn[rows] = self.from_pools(
            rng, np.where(rng.random(len(rows)) < 0.5, a[owner[rows]], b[owner[rows]])
        )
        rows = np.flatnonzero(source >= 1 - NOISE_SHARE)
        drawn[rows] = self.from_pools(rng, np.full(len(rows), self.all))

        n_tracks = self.cat.n_tracks
        own, trk = _first_unique(owner, drawn, want, n_tracks)
        short = np.flatnonzero(np.bincount(own, minlength=n) < want)
        if len(short):  # popular tracks repeat: top up from the whole theme, uniformly
            extra = np.repeat(short, 3 * want[short] + 10)
            pool = np.where(rng.random(len(extra)) < 0.5, a[extra], b[extra])
            own, trk = _first_unique(
                np.r_[own, extra], np.r_[trk, self.uniform(rng, pool)], want, n_tracks
            )
        return own, trk


def _first_unique(
    owner: np.ndarray, drawn: np.ndarray, want: np.ndarray, n_tracks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per playlist, the first ``want`` distinct tracks in draw order, grouped by playlist."""
    _, firsts = np.unique(owner * n_tracks + drawn, return_index=True)
    firsts.sort()
    firsts = firsts[np.argsort(owner[firsts], kind="stable")]
    own = owner[firsts]
    rank = np.arange(len(own)) - np.searchsorted(own, np.arange(len(want)))[own]
    keep = rank < want[own]
    return own[keep], drawn[firsts][keep]


def _themes(
    rng: np.random.Generator, cat: DemoCatalog, pools: _Pools, n: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each playlist's two pools (equal for single-pool themes) and its title."""
    genre_names = cat.genre_names
    n_genres = len(genre_names)
    gsize = np.array([pools.size(p) for p in pools.genre], dtype=float)
    gweight = np.maximum(gsize, 1) ** 0.8
    kind = rng.choice(len(KINDS), size=n, p=KIND_WEIGHTS)
    g1 = rng.choice(n_genres, size=n, p=gweight / gweight.sum())
    order, starts, ends = segments(cat.genre_family.astype(np.int64), len(FAMILIES))
    g2 = order[
        weighted_in_segments(
            rng, np.cumsum(gweight[order]), starts, ends, cat.genre_family[g1].astype(np.int64)
        )
    ]
    fsize = np.array([pools.size(p) for p in pools.family], dtype=float)
    fam = rng.choice(len(FAMILIES), size=n, p=fsize / fsize.sum())
    mood_w = np.array([m.weight for m in themes.MOODS])
    mood = rng.choice(len(themes.MOODS), size=n, p=mood_w / mood_w.sum())
    era_w = np.array([e.weight for e in themes.ERAS])
    era = rng.choice(len(themes.ERAS), size=n, p=era_w / era_w.sum())
    in_family = rng.random(n) < 0.5
    u = rng.random((n, 2))

    pool_a = np.empty(n, dtype=np.int64)
    pool_b = np.empty(n, dtype=np.int64)
    titles: list[str] = []
    for p in range(n):
        k, f, t1, t2 = KINDS[kind[p]], int(fam[p]), float(u[p, 0]), float(u[p, 1])
        a = b = pools.family[f]
        title = themes.pick(themes.FAMILY_TITLES[FAMILIES[f]], t1)
        if k in ("genre", "genre2"):
            a = b = pools.genre[g1[p]]
            name = genre_names[g1[p]]
            title = themes.genre_title(name, t1)
            if k == "genre2" and g2[p] != g1[p] and pools.size(pools.genre[g2[p]]) >= MIN_POOL:
                b = pools.genre[g2[p]]
                if t2 < 0.6:
                    title = f"{name} & {genre_names[g2[p]]}"
        elif k in ("mood", "era"):
            which = int(mood[p] if k == "mood" else era[p])
            region = themes.MOODS[which] if k == "mood" else themes.ERAS[which]
            if in_family[p]:
                a = b = pools.region(k, which, f)
                family_word = themes.FAMILY_TITLES[FAMILIES[f]][0]
                lead = region.titles[0] if k == "mood" else themes.ERAS[which].prefix
                title = f"{lead} {family_word}"
            else:
                a = b = pools.region(k, which, -1)
                title = themes.pick(region.titles, t1)
        if pools.size(a) < MIN_POOL:  # too narrow for this catalog: fall back to the family
            a = b = pools.family[f]
            title = themes.pick(themes.FAMILY_TITLES[FAMILIES[f]], t1)
        pool_a[p], pool_b[p] = a, b
        titles.append(title)
    return pool_a, pool_b, titles


def _with_metadata(
    rng: np.random.Generator,
    cat: DemoCatalog,
    titles: list[str],
    entries: np.ndarray,
    offsets: np.ndarray,
) -> DemoPlaylists:
    n = len(titles)
    lengths = np.diff(offsets)
    year = cat.track_year[entries]
    nonempty = lengths > 0
    latest = np.full(n, 2010, dtype=np.int64)
    latest[nonempty] = np.maximum.reduceat(year, offsets[:-1][nonempty])
    newest = np.array(
        [int(datetime(max(y, 2010), 1, 1, tzinfo=UTC).timestamp()) for y in range(1950, 2025)]
    )[np.clip(latest, 1950, 2024) - 1950]
    modified = newest + np.sqrt(rng.random(n)) * (LAST_EDIT - newest)
    has_description = rng.random(n) < 0.02
    template = rng.integers(0, len(themes.DESCRIPTIONS), n)
    descriptions = [
        themes.DESCRIPTIONS[t].format(t=title) if d else None
        for title, d, t in zip(titles, has_description.tolist(), template.tolist(), strict=True)
    ]
    edits = np.maximum(1, np.round(lengths / 6 * rng.lognormal(0, 0.6, n)))
    return DemoPlaylists(
        names=titles,
        descriptions=descriptions,
        offsets=offsets,
        entries=entries,
        collaborative=rng.random(n) < 0.023,
        modified_at=modified.astype(np.int64),
        num_followers=np.minimum(rng.zipf(2.6, n), 100_000).astype(np.int64),
        num_edits=edits.astype(np.int64),
    )
