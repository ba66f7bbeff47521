"""Ingest of each kind and the demo catalog: the facade's writing side.

Each source is its own transaction; ``on_summary`` hears each committed
source's summary as soon as it is committed, and a run stopped half-way
(Ctrl-C) raises :class:`~mixtape.errors.Interrupted` carrying the summaries of
the committed sources, so a front end can say what was kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from mixtape.demo.rows import DemoRemoval
from mixtape.errors import InputError
from mixtape.ingest.audio_summary import AudioIngestSummary
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
        encoding: str = "utf-8",
        on_summary: OnSummary | None = None,
        progress: RowProgress | None = None,
        count_rows: bool = False,
    ) -> list[IngestSummary]:
        """Load track catalogs with audio features from CSV files (layout from the header).

        ``maps``: ``COLUMN=FIELD`` pairs for columns the header cannot name.
        Each file is one transaction: a bad file (not text in ``encoding``, a
        header that does not fit, malformed CSV) is rolled back and returned as
        a ``failed`` summary with its reason, and the others load.  A bad row is
        skipped (its line kept in the summary) or, with ``strict``, fails its
        file; ``strict`` also checks every header first and raises at the first
        bad file.  ``progress`` hears rows read per file (``count_rows`` counts
        each file's lines first, for a total).  Ctrl-C raises
        :class:`~mixtape.errors.Interrupted` carrying the committed summaries.
        """
        from mixtape.ingest.tracks_csv import TRACKS

        return self._ingest_csv(
            TRACKS, paths, maps, strict, encoding, on_summary, progress, count_rows
        )

    def ingest_artists(
        self,
        paths: Sequence[Path],
        *,
        maps: Sequence[str] = (),
        strict: bool = False,
        encoding: str = "utf-8",
        on_summary: OnSummary | None = None,
        progress: RowProgress | None = None,
        count_rows: bool = False,
    ) -> list[IngestSummary]:
        """Load artist genres, popularity and followers from CSV files, one row per artist.

        Options as for :meth:`ingest_tracks`.
        """
        from mixtape.ingest.artists_csv import ARTISTS

        return self._ingest_csv(
            ARTISTS, paths, maps, strict, encoding, on_summary, progress, count_rows
        )

    def _ingest_csv(
        self,
        spec: Any,
        paths: Sequence[Path],
        maps: Sequence[str],
        strict: bool,
        encoding: str,
        on_summary: OnSummary | None,
        progress: RowProgress | None,
        count_rows: bool,
    ) -> list[IngestSummary]:
        from mixtape.ingest.csv_files import count_lines, ingest_csv_files
        from mixtape.ingest.csv_layouts import parse_map_options

        with about("map"):
            mapping = parse_map_options(list(maps), spec.fields)
        catalog = self.catalog
        totals = {
            path: count_lines(path) if count_rows and path.is_file() else None for path in paths
        }

        def rows(path: Path, done: int) -> None:
            if progress is not None:
                progress(path, done, totals[path])

        summaries = ingest_csv_files(
            catalog,
            spec,
            list(paths),
            mapping=mapping,
            strict=strict,
            encoding=encoding,
            on_progress=rows,
        )
        return _collect(summaries, on_summary)

    def ingest_audio(
        self,
        dirs: Sequence[Path],
        *,
        strict: bool = False,
        workers: int | None = None,
        on_progress: Progress | None = None,
        on_scan: Callable[[int], None] | None = None,
        on_summary: Callable[[AudioIngestSummary], None] | None = None,
    ) -> AudioIngestSummary:
        """Analyse the audio files under ``dirs`` into the catalog; M3U files become playlists.

        Each file becomes a track (tags, else names from its path) with its measured
        features, sonic embedding and ``audio_files`` row.  A rescan opens only new
        and changed files (size and modification time), marks vanished ones missing
        (their tracks and playlists stay) and retries a failed file only once it
        changes.  ``workers`` processes analyse (default: every core; 1 analyses in
        this process).  A file or folder that cannot be used is one line of the
        summary's ``problems`` and the rest go on; ``strict`` raises
        :class:`~mixtape.errors.IngestError` at the first instead.  Batches are
        committed as they fill, so Ctrl-C raises :class:`~mixtape.errors.Interrupted`
        carrying the summary of what was kept, and running again goes on from there.
        ``on_scan(found)`` counts audio files found while the folders are walked,
        ``on_progress(done, total)`` files analysed; ``on_summary`` hears the summary
        once the run is committed.
        """
        from mixtape.ingest.audio_ingest import check_roots, ingest_audio

        if workers is not None and workers < 1:
            raise InputError(f"workers must be at least 1, not {workers}", field="workers")
        check_roots(dirs)  # a bad folder is refused before a catalog is created
        summary = ingest_audio(
            self.catalog,
            dirs,
            strict=strict,
            workers=workers,
            on_progress=on_progress,
            on_scan=on_scan,
        )
        if on_summary is not None:
            on_summary(summary)
        return summary

    def demo_data(
        self,
        *,
        seed: int | None = None,
        tracks: int | None = None,
        playlists: int | None = None,
        out: Path | None = None,
        overwrite: bool = False,
        into_existing: bool = False,
        on_phase: OnPhase | None = None,
        on_step: OnStep | None = None,
    ) -> DemoResult:
        """Generate the demo catalog and load it into the catalog, or write it to ``out``.

        A catalog that already holds other data is refused (:class:`InputError`,
        field ``into_existing``, before anything is generated) unless
        ``into_existing``; :meth:`remove_demo` takes the demo out again.  With
        ``out`` the same data is written as a Kaggle-layout tracks CSV, an
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
        if catalog is not None and not into_existing:  # before minutes of generating
            demo.check_demo_target(catalog)
        phase = on_phase or (lambda _verb, _steps: None)
        phase("generate", demo.generate_steps(playlists))
        cat = demo.generate(seed, tracks, playlists, on_step=on_step)
        files: list[Path] = []
        if catalog is not None:
            phase("load", demo.load_steps(cat))
            summary = demo.load_demo(catalog, cat, on_step=on_step, into_existing=into_existing)
        else:
            assert out is not None
            phase("write", demo.file_steps(cat))
            files = demo.write_demo_files(cat, out, overwrite=overwrite, on_step=on_step)
            summary = demo.summarize(cat, str(out))
        seconds = round(time.perf_counter() - started, 2)
        return DemoResult(summary=summary, files=tuple(files), seconds=seconds)

    def remove_demo(self) -> DemoRemoval:
        """Delete the demo's rows from the catalog (other data stays); see ``demo.rows``.

        Removes nothing (and says so in the result) where there is no catalog or no demo.
        """
        from mixtape.demo import remove_demo

        if not self.exists():
            return DemoRemoval(removed={}, target=self.url)
        return remove_demo(self.catalog)
