"""Candidate selection (``select_candidates``) against its numpy predecessor, interleaved.

    .venv/bin/python benchmarks/bench_select.py          # builds the demo in a temp dir
    .venv/bin/python benchmarks/bench_select.py --db sqlite:////path/to/catalog.db --data-dir DIR

Takes the content model's real candidates for ``--seeds`` seed tracks (its search, as a
/api/recommend with n=10 makes it, see bench_recommend_parts.py), checks that the
current ``select_candidates`` returns exactly what the earlier one (kept below:
exclusions as numpy masks, a song as a (primary artist, folded title) tuple per
candidate) returns, for every seed under several controls, on the catalog's arrays and
on a copy with many versions of songs, tracks without a primary artist and without a
name; then times the two alternately, call by call (a slow spell of the machine hits
both alike), and prints the median µs of each.  Timings are measured, never asserted
(see docs/performance.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench_web import build_demo
from mixtape.features.arrays import TrackArrays
from mixtape.keys import song_title_key
from mixtape.models.candidates import candidate_depth, select_candidates
from mixtape.models.controls import Bound, Controls
from mixtape.models.controls import _among as old_among  # unchanged by the new selection

# -- the earlier implementation, as it was --------------------------------------------

Arr = np.ndarray
Picked = list[tuple[int, float]]


def old_song_of(data: TrackArrays, row: int) -> tuple[int, str] | None:
    artist = int(data.primary_artist[row])
    name = data.names[row]
    if artist < 0 or not name:
        return None
    return artist, song_title_key(str(name))


def old_allowed_mask(
    data: TrackArrays, controls: Controls, seeds: Iterable[int], rows: np.ndarray
) -> np.ndarray:
    mask = np.ones(len(rows), dtype=bool)
    for name, bound in controls.bounds.items():
        col = data.column(name)[rows]
        if bound.min is not None:
            mask &= col >= bound.min
        if bound.max is not None:
            mask &= col <= bound.max
    excluded = set(controls.exclude)
    if controls.exclude_seeds:
        excluded.update(seeds)
    if excluded:
        gone = np.fromiter(excluded, dtype=np.int64)
        mask &= ~old_among(rows, gone)
        if controls.one_per_song:
            songs = {song for r in excluded if (song := old_song_of(data, r)) is not None}
            if songs:
                artists = np.fromiter({a for a, _ in songs}, dtype=np.int64)
                hits = np.flatnonzero(mask & old_among(data.primary_artist[rows], artists))
                for i in hits.tolist():
                    if old_song_of(data, int(rows[i])) in songs:
                        mask[i] = False
    return mask


class OldPicker:
    def __init__(self, data: TrackArrays, controls: Controls) -> None:
        self.data = data
        self.cap = controls.max_per_artist
        self.one_per_song = controls.one_per_song
        self.per_artist: dict[int, int] = {}
        self.songs: set[tuple[int, str]] = set()

    def admit(self, row: int) -> bool:
        song = old_song_of(self.data, row) if self.one_per_song else None
        if song is not None and song in self.songs:
            return False
        if self.cap is not None:
            artist = int(self.data.primary_artist[row])
            if artist >= 0:
                if self.per_artist.get(artist, 0) >= self.cap:
                    return False
                self.per_artist[artist] = self.per_artist.get(artist, 0) + 1
        if song is not None:
            self.songs.add(song)
        return True


def old_select(rows: Arr, scores: Arr, n: int, data: TrackArrays, c: Controls, mask: Arr) -> Picked:
    keep = mask[rows]
    rows, scores = rows[keep], scores[keep]
    if len(rows) == 0 or n <= 0:
        return []
    order = np.lexsort((rows, -scores))
    picker = OldPicker(data, c)
    out: list[tuple[int, float]] = []
    for row, score in zip(rows[order].tolist(), scores[order].tolist(), strict=True):
        if not picker.admit(row):
            continue
        out.append((row, score))
        if len(out) == n:
            break
    return out


_EVERYONE: dict[int, np.ndarray] = {}


def old_select_candidates(
    rows: Arr, scores: Arr, n: int, data: TrackArrays, c: Controls, seeds: Sequence[int]
) -> Picked:
    keep = old_allowed_mask(data, c, seeds, rows)
    everyone = _EVERYONE.setdefault(data.n_tracks, np.ones(data.n_tracks, dtype=bool))
    return old_select(rows[keep], scores[keep], n, data, c, everyone)


# -- the measurement --------------------------------------------------------------------

Candidates = list[tuple[np.ndarray, np.ndarray, int]]  # (rows, scores, seed row) per seed


def candidates(model: Any, data: TrackArrays, seeds: list[int], controls: Controls) -> Candidates:
    """The content model's candidates for each seed, as a request with n=10 searches them."""
    from mixtape.models.base import Seeds

    depth = candidate_depth(10, controls, 1)
    out = []
    for seed in seeds:
        query = model.exact_.query(model._positions(Seeds.tracks([seed])))
        pos, scores = model._search([query], depth)[0]
        out.append((model.rows_[pos], scores / (query.norm or 1.0), seed))
    return out


def with_versions(data: TrackArrays, seed: int = 1) -> TrackArrays:
    """A copy of ``data`` where a third of the tracks are another version of a song of
    their artist (a featured artist, a remaster, a case change), 5% have no primary
    artist and 2% no name."""
    rng = np.random.default_rng(seed)
    names = data.names.copy()
    artist = data.primary_artist.copy()
    for a in range(len(data.artist_names)):
        rows = data.artist_rows(a)
        if len(rows) < 2:
            continue
        for row in rows[rng.random(len(rows)) < 0.35].tolist():
            base = str(names[rng.choice(rows)])
            names[row] = rng.choice(
                [base, f"{base} (feat. Someone)", f"{base} - 2011 Remaster", base.upper()]
            )
    artist[rng.random(len(artist)) < 0.05] = -1
    names[rng.random(len(names)) < 0.02] = ""
    return dataclasses.replace(data, names=names, primary_artist=artist)


def check(data: TrackArrays, found: Candidates, controls: Controls, n: int) -> None:
    for rows, scores, seed in found:
        old = old_select_candidates(rows, scores, n, data, controls, (seed,))
        new = select_candidates(rows, scores, n, data, controls, (seed,))
        assert old == new, (seed, controls, old, new)


def interleaved(data: TrackArrays, found: Candidates, controls: Controls, calls: int) -> tuple:
    old_times, new_times = [], []
    for i in range(-len(found), calls):  # one warm-up round through the seeds
        rows, scores, seed = found[i % len(found)]
        started = time.perf_counter()
        old_select_candidates(rows, scores, 10, data, controls, (seed,))
        middle = time.perf_counter()
        select_candidates(rows, scores, 10, data, controls, (seed,))
        ended = time.perf_counter()
        if i >= 0:
            old_times.append(middle - started)
            new_times.append(ended - middle)
    return statistics.median(old_times) * 1e6, statistics.median(new_times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="catalog URL (default: build the demo in a temp dir)")
    parser.add_argument("--data-dir", help="the app's data directory (default: a temp dir)")
    parser.add_argument("--tracks", type=int, default=20_000, help="demo size (without --db)")
    parser.add_argument("--seeds", type=int, default=300, help="seed tracks")
    parser.add_argument("--calls", type=int, default=3000, help="calls timed per setting")
    args = parser.parse_args()

    from mixtape.library import Mixtape
    from mixtape.settings import load_settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-select-"))
    try:
        db = args.db or build_demo(tmp, args.tracks, 5_000)
        data_dir = args.data_dir or str(tmp / "data")
        mx = Mixtape(load_settings({"MIXTAPE_DATA_DIR": data_dir}, db_url=db))
        data = mx.arrays()
        model = mx.fitted("content")
        rng = np.random.default_rng(0)
        with_audio = np.flatnonzero(data.has_audio)
        seeds = rng.choice(with_audio, min(args.seeds, len(with_audio)), replace=False).tolist()
        plain = candidates(model, data, seeds, Controls())
        # A library to leave out: the 25 tracks most often among the candidates, 25 others.
        counts = np.bincount(np.concatenate([r for r, _, _ in plain]), minlength=data.n_tracks)
        library = np.argsort(-counts, kind="stable")[:25].tolist()
        library += rng.choice(data.n_tracks, 25, replace=False).tolist()
        settings = {
            "default Controls": Controls(),
            "max_per_artist=1": Controls(max_per_artist=1),
            "exclude 50 tracks": Controls(exclude=frozenset(library)),
        }
        checked = {
            **settings,
            "all versions": Controls(one_per_song=False, exclude=frozenset(library[:5])),
            "seeds kept, cap 2": Controls(exclude_seeds=False, max_per_artist=2),
            "energy >= 0.4": Controls(bounds={"energy": Bound(min=0.4)}, max_per_artist=1),
        }
        found = {name: candidates(model, data, seeds, c) for name, c in checked.items()}
        versions = with_versions(data)
        for name, controls in checked.items():
            for arrays in (data, versions):
                for n in (1, 10, 40):
                    check(arrays, found[name], controls, n)
        print(f"identical output: {len(seeds)} seeds x {len(checked)} controls x n in 1, 10, 40,")
        print("  on the catalog's arrays and on a copy with many versions of songs")
        rows = [
            (name, len(found[name][0][0]), *interleaved(data, found[name], c, args.calls))
            for name, c in settings.items()
        ]
        mx.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{args.calls} calls each, interleaved; load {os.getloadavg()[0]:.1f}")
    print(f"{'controls':<22}{'candidates':>11}{'before us':>11}{'now us':>9}{'x':>7}")
    for name, depth, old, new in rows:
        print(f"{name:<22}{depth:>11}{old:>11.1f}{new:>9.1f}{old / new:>7.2f}")


if __name__ == "__main__":
    main()
