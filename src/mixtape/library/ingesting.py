"""Ingest of each kind and the demo catalog: the facade's writing side.

Each source is its own transaction; ``on_summary`` hears each committed
source's summary as soon as it is committed, so a front end that is stopped
half-way (Ctrl-C) can still say what was kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from mixtape.library.core import Core, Progress, about
from mixtape.library.results import DemoResult
from mixtape.records import IngestSummary

#: Hears each source's summary once it is committed (or recorded as failed).
OnSummary = Callable[[IngestSummary], None]
#: CSV progress: ``(file, rows read, rows in the file or None when not counted)``.
RowProgress = Callable[[Path, int, int | None], None]
#: Demo progress: ``on_phase(verb, {step: units})`` then ``on_step(step, units done)``.
OnPhase = Callable[[str, dict[str, int]], None]
OnStep = Callable[[str, int], None]


def _collect(
    summaries: Iterable[IngestSummary],
    on_summary: OnSummary | None,
    progress: Progress | None = None,
    total: int = 0,
) -> list[IngestSummary]:
    """Every summary, each passed on as soon as its source is committed."""
    out: list[IngestSummary] = []
    if progress is not None:
        progress(0, total)
    for summary in summaries:
        out.append(summary)
        if on_summary is not None:
            on_summary(summary)
        if progress is not None:
            progress(len(out), total)
    return out


class Ingesting(Core):
    """Load MPD slices, track and artist CSV files, and the demo catalog."""

    def ingest_mpd(
        self,
        paths: Sequence[Path],
        *,
        strict: bool = False,
        on_summary: OnSummary | None = None,
        progress: Progress | None = None,
    ) -> list[IngestSummary]:
        """Load Million Playlist Dataset slices (files, or folders of ``*.json``).

        One transaction per slice: a bad slice is recorded as failed and the
        others load, unless ``strict``, where the first bad slice raises.
        ``progress(done, total)`` counts slices.
        """
        from mixtape.ingest.mpd import expand_paths, ingest_mpd

        with about("paths"):
            files = expand_paths(paths)
        summaries = ingest_mpd(self.catalog, files, strict=strict)
        return _collect(summaries, on_summary, progress, len(files))

    def ingest_tracks(
        self,
        paths: Sequence[Path],
        *,
        maps: Sequence[str] = (),
        strict: bool = False,
        on_summary: OnSummary | None = None,
        progress: RowProgress | None = None,
        count_rows: bool = False,
    ) -> list[IngestSummary]:
        """Load track catalogs with audio features from CSV files (layout from the header).

        ``maps``: ``COLUMN=FIELD`` pairs for columns the header cannot name;
        every header is checked before the catalog is touched.  A bad row is
        skipped (its line kept in the summary) or, with ``strict``, fails its
        file, which then leaves nothing.  ``progress`` hears rows read per
        file (``count_rows`` counts each file's lines first, for a total).
        """
        from mixtape.ingest.tracks_csv import TRACKS

        return self._ingest_csv(TRACKS, paths, maps, strict, on_summary, progress, count_rows)

    def ingest_artists(
        self,
        paths: Sequence[Path],
        *,
        maps: Sequence[str] = (),
        strict: bool = False,
        on_summary: OnSummary | None = None,
        progress: RowProgress | None = None,
        count_rows: bool = False,
    ) -> list[IngestSummary]:
        """Load artist genres, popularity and followers from CSV files, one row per artist.

        Options as for :meth:`ingest_tracks`.
        """
        from mixtape.ingest.artists_csv import ARTISTS

        return self._ingest_csv(ARTISTS, paths, maps, strict, on_summary, progress, count_rows)

    def _ingest_csv(
        self,
        spec: Any,
        paths: Sequence[Path],
        maps: Sequence[str],
        strict: bool,
        on_summary: OnSummary | None,
        progress: RowProgress | None,
        count_rows: bool,
    ) -> list[IngestSummary]:
        from mixtape.ingest.csv_files import count_lines, ingest_csv_files, plan_file
        from mixtape.ingest.csv_layouts import parse_map_options

        with about("map"):
            mapping = parse_map_options(list(maps), spec.fields)
            for path in paths:  # every header is checked before the catalog is touched
                plan_file(spec, path, mapping)
        catalog = self.catalog
        totals = {path: count_lines(path) if count_rows else None for path in paths}

        def rows(path: Path, done: int) -> None:
            if progress is not None:
                progress(path, done, totals[path])

        summaries = ingest_csv_files(
            catalog, spec, list(paths), mapping=mapping, strict=strict, on_progress=rows
        )
        return _collect(summaries, on_summary)

    def demo_data(
        self,
        *,
        seed: int | None = None,
        tracks: int | None = None,
        playlists: int | None = None,
        out: Path | None = None,
        overwrite: bool = False,
        on_phase: OnPhase | None = None,
        on_step: OnStep | None = None,
    ) -> DemoResult:
        """Generate the demo catalog and load it into the catalog, or write it to ``out``.

        With ``out`` the same data is written as a Kaggle-layout tracks CSV, an
        artists CSV and MPD slices (``overwrite`` replaces demo files already
        there) and no database is touched.  ``on_phase(verb, steps)`` and
        ``on_step(step, n)`` report progress.
        """
        from mixtape import demo

        seed = demo.DEFAULT_SEED if seed is None else seed
        tracks = demo.DEFAULT_TRACKS if tracks is None else tracks
        playlists = demo.DEFAULT_PLAYLISTS if playlists is None else playlists
        started = time.perf_counter()
        if out is not None:  # fail before minutes of work, not after
            with about("out"):
                demo.prepare_folder(out, overwrite=overwrite)
        catalog = self.catalog if out is None else None
        phase = on_phase or (lambda _verb, _steps: None)
        phase("generate", demo.generate_steps(playlists))
        cat = demo.generate(seed, tracks, playlists, on_step=on_step)
        files: list[Path] = []
        if catalog is not None:
            phase("load", demo.load_steps(cat))
            summary = demo.load_demo(catalog, cat, on_step=on_step)
        else:
            assert out is not None
            phase("write", demo.file_steps(cat))
            files = demo.write_demo_files(cat, out, overwrite=overwrite, on_step=on_step)
            summary = demo.summarize(cat, str(out))
        seconds = round(time.perf_counter() - started, 2)
        return DemoResult(summary=summary, files=tuple(files), seconds=seconds)
