"""Ingest throughput: MPD slices (entries/s) and CSV catalogs (rows/s).

    .venv/bin/python benchmarks/bench_ingest.py [--slices 3] [--engines sqlite,mariadb,postgresql]
        [--mpd-subset ../shared/data/mpd-subset] [--csv-rows 200000]

Synthetic inputs are generated here: full-schema MPD slices of 1,000
playlists (about 67,000 entries each, tracks drawn Zipf-like from a 2M-track
universe as in the real MPD) and a tracks CSV in the Kaggle 1.2M layout.
Prints a table; nothing is asserted (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

from mixtape.catalog import open_catalog
from mixtape.demo.write_files import TRACK_COLUMNS
from mixtape.ingest.mpd import ingest_mpd

ALPHABET = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
SERVERS = {
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/",
}


def ids(prefix_seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(prefix_seed)
    chars = ALPHABET[rng.integers(0, 62, size=(n, 22))]
    return np.array(["".join(row) for row in chars], dtype=object)


def write_slices(folder: Path, n_slices: int, seed: int = 7) -> int:
    """Full-schema slices; returns the number of playlist entries written."""
    rng = np.random.default_rng(seed)
    universe = 2_000_000
    track_ids = ids(1, universe)
    artist_ids = ids(2, 300_000)
    album_ids = ids(3, 700_000)
    track_artist = rng.integers(0, len(artist_ids), universe)
    track_album = rng.integers(0, len(album_ids), universe)
    cdf = np.cumsum(1.0 / np.arange(1, universe + 1) ** 0.9)
    cdf /= cdf[-1]
    total = 0
    for s in range(n_slices):
        playlists = []
        for i in range(1000):
            pid = s * 1000 + i
            # About 66 distinct tracks a playlist, as in the MPD (5 to 250).
            length = int(np.clip(rng.lognormal(4.03, 0.7), 5, 250))
            picks = np.unique(np.searchsorted(cdf, rng.random(length)))
            rng.shuffle(picks)
            tracks = [
                {
                    "pos": pos,
                    "artist_name": f"Artist {track_artist[t]}",
                    "track_uri": f"spotify:track:{track_ids[t]}",
                    "artist_uri": f"spotify:artist:{artist_ids[track_artist[t]]}",
                    "track_name": f"Track {t}",
                    "album_uri": f"spotify:album:{album_ids[track_album[t]]}",
                    "duration_ms": 200000 + int(t % 60000),
                    "album_name": f"Album {track_album[t]}",
                }
                for pos, t in enumerate(picks)
            ]
            total += len(tracks)
            playlists.append(
                {
                    "name": f"playlist {pid}",
                    "collaborative": "false",
                    "pid": pid,
                    "modified_at": 1500000000,
                    "num_tracks": len(tracks),
                    "num_albums": 1,
                    "num_followers": 1,
                    "num_edits": 1,
                    "duration_ms": 0,
                    "num_artists": 1,
                    "tracks": tracks,
                }
            )
        doc = {"info": {"slice": f"{s * 1000}-{s * 1000 + 999}"}, "playlists": playlists}
        (folder / f"mpd.slice.{s * 1000}-{s * 1000 + 999}.json").write_text(json.dumps(doc))
    return total


def write_csv(path: Path, rows: int, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    tid = ids(seed, rows)
    artists = ids(seed + 1, max(rows // 10, 1))
    header = list(TRACK_COLUMNS)  # the Kaggle 1.2M layout, as the demo writes it
    u = rng.random((rows, 7)).round(4)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(rows):
            a = int(rng.integers(0, len(artists)))
            year = int(rng.integers(1960, 2021))
            w.writerow(
                [
                    tid[i],
                    f"Track {i}",
                    f"Album {i // 10}",
                    tid[(i // 10) * 10][::-1],
                    f"['Artist {a}']",
                    f"['{artists[a]}']",
                    i % 10 + 1,
                    1,
                    "False",
                    u[i, 0],
                    u[i, 1],
                    int(rng.integers(0, 12)),
                    round(-20 * u[i, 2], 2),
                    int(rng.integers(0, 2)),
                    u[i, 3] / 3,
                    u[i, 4],
                    u[i, 5] / 2,
                    u[i, 6] / 2,
                    u[i, 0],
                    round(80 + 100 * u[i, 1], 2),
                    200000,
                    4,
                    year,
                    f"{year}-01-01",
                ]
            )


def engine_url(engine: str, workdir: Path) -> tuple[str, str | None]:
    if engine == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}", None
    name = f"mixtape_bench_{os.getpid()}"
    admin = create_engine(SERVERS[engine] + "test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return SERVERS[engine] + name, name


def drop(engine: str, name: str | None) -> None:
    if name is None:
        return
    admin = create_engine(SERVERS[engine] + "test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    admin.dispose()


def bench_mpd(url: str, paths: list[Path]) -> tuple[float, float]:
    """(seconds for the first load, seconds to re-ingest the same files)."""
    catalog = open_catalog(url)
    t0 = time.perf_counter()
    statuses = [s.status for s in ingest_mpd(catalog, paths)]
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    list(ingest_mpd(catalog, paths))
    again = time.perf_counter() - t0
    catalog.dispose()
    if set(statuses) != {"ok"}:
        raise SystemExit(f"benchmark ingest failed: {statuses}")
    return first, again


def bench_csv(url: str, path: Path) -> float | None:
    try:
        from mixtape.ingest.tracks_csv import ingest_tracks_csv  # type: ignore[import-not-found]
    except ImportError:
        return None
    catalog = open_catalog(url)
    t0 = time.perf_counter()
    ingest_tracks_csv(catalog, path)
    seconds = time.perf_counter() - t0
    catalog.dispose()
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--slices", type=int, default=3)
    ap.add_argument("--csv-rows", type=int, default=200_000)
    ap.add_argument("--engines", default="sqlite")
    ap.add_argument("--mpd-subset", type=Path, default=None)
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        slices = work / "mpd"
        slices.mkdir()
        t0 = time.perf_counter()
        entries = write_slices(slices, args.slices)
        print(
            f"generated {args.slices} slices, {entries} entries in {time.perf_counter() - t0:.1f}s",
            file=sys.stderr,
        )
        csv_path = work / "tracks_features.csv"
        write_csv(csv_path, args.csv_rows)
        for engine in args.engines.split(","):
            url, name = engine_url(engine, work)
            try:
                files = sorted(slices.glob("*.json"))
                first, again = bench_mpd(url, files)
                rows.append(
                    (
                        engine,
                        f"MPD full slices x{len(files)}",
                        entries,
                        first,
                        f"{entries / first:,.0f} entries/s",
                        f"{first / len(files):.2f} s/slice; re-ingest {again:.1f}s",
                    )
                )
                if args.mpd_subset:
                    url2, name2 = (
                        engine_url(engine, work / "sub")
                        if engine != "sqlite"
                        else (f"sqlite:///{work / 'subset.db'}", None)
                    )
                    files2 = sorted(args.mpd_subset.glob("*.json"))
                    first2, again2 = bench_mpd(url2, files2)
                    rows.append(
                        (
                            engine,
                            f"MPD subset ({len(files2)} files)",
                            527_707,
                            first2,
                            f"{527_707 / first2:,.0f} entries/s",
                            f"re-ingest {again2:.1f}s",
                        )
                    )
                    drop(engine, name2)
                seconds = bench_csv(url, csv_path)
                if seconds is not None:
                    rows.append(
                        (
                            engine,
                            "tracks CSV (Kaggle 1.2M layout)",
                            args.csv_rows,
                            seconds,
                            f"{args.csv_rows / seconds:,.0f} rows/s",
                            "",
                        )
                    )
            finally:
                drop(engine, name)

    print(f"{'engine':<11} {'input':<34} {'records':>9} {'seconds':>8}  {'throughput':>20}  notes")
    for engine, what, n, sec, rate, note in rows:
        print(f"{engine:<11} {what:<34} {n:>9,} {sec:>8.2f}  {rate:>20}  {note}")


if __name__ == "__main__":
    main()
