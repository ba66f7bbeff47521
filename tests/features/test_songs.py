"""Song ids: an int per track, equal exactly where two tracks are versions of one song."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mixtape.features.songs import NO_SONG, SongIds


def test_ids_follow_artist_and_folded_title() -> None:
    names = np.array(["Halo", "Halo - 2009 Remaster", "Halo", "Halo (Remix)", "", "Halo"], object)
    artist = np.array([0, 0, 1, 0, 0, -1], dtype=np.int32)
    songs = SongIds(artist, names)
    a, b, c, d, e, f = songs.of_rows(range(6))
    assert a == b and len({a, c, d}) == 3
    assert e == f == NO_SONG  # no name, no artist: no song
    assert songs.known == [a, b, c, d, e, f]


def test_threads_assigning_at_once_agree() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    names = np.array(
        [f"Song {i % 300} (feat. X)" if i % 2 else f"Song {i % 300}" for i in range(n)]
    )
    artist = rng.integers(-1, 20, n).astype(np.int32)
    songs = SongIds(artist, names.astype(object))
    orders = [rng.permutation(n).tolist() for _ in range(8)]

    def ids(order: list[int]) -> dict[int, int]:
        return dict(zip(order, songs.of_rows(order), strict=True))

    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(ids, orders))
    assert all(s == seen[0] for s in seen)
    alone = SongIds(artist, names.astype(object)).of_rows(range(n))
    for i in range(0, n, 37):
        for j in range(0, n, 41):
            same = alone[i] != NO_SONG and alone[i] == alone[j]
            assert (seen[0][i] != NO_SONG and seen[0][i] == seen[0][j]) == same
