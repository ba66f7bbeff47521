"""The built-in demo catalog: a deterministic synthetic music catalog with playlists.

``generate()`` draws artists, albums, tracks (with genre-dependent audio
features) and themed playlists from one seed; ``load_demo()`` writes them into
a catalog database (refusing one that holds other data unless asked) and
``remove_demo()`` takes it out again; ``write_demo_files()`` writes the same data
as a Kaggle-style tracks CSV, an artists CSV and MPD slices for benchmarks.
"""

from __future__ import annotations

from mixtape.demo.generate import (
    DEFAULT_PLAYLISTS,
    DEFAULT_SEED,
    DEFAULT_TRACKS,
    DemoCatalog,
    DemoPlaylists,
    build_catalog,
)
from mixtape.demo.load import DemoSummary, Step, load_demo, load_steps, summarize
from mixtape.demo.playlists import build_playlists
from mixtape.demo.rows import DemoRemoval, check_demo_target, remove_demo
from mixtape.demo.write_files import file_steps, prepare_folder, write_demo_files


def generate_steps(playlists: int = DEFAULT_PLAYLISTS) -> dict[str, int]:
    """Units of work per generation step (for a progress bar)."""
    return {"catalog": 3, "playlists": playlists}


def generate(
    seed: int = DEFAULT_SEED,
    tracks: int = DEFAULT_TRACKS,
    playlists: int = DEFAULT_PLAYLISTS,
    on_step: Step | None = None,
) -> DemoCatalog:
    """A complete demo catalog; the same arguments always give the same catalog."""
    step = on_step or (lambda _name, _n: None)
    cat = build_catalog(seed, tracks, on_step=lambda _name: step("catalog", 1))
    cat.playlists = build_playlists(cat, playlists, on_progress=lambda n: step("playlists", n))
    return cat


__all__ = [
    "DEFAULT_PLAYLISTS",
    "DEFAULT_SEED",
    "DEFAULT_TRACKS",
    "DemoCatalog",
    "DemoPlaylists",
    "DemoRemoval",
    "DemoSummary",
    "Step",
    "check_demo_target",
    "file_steps",
    "generate",
    "generate_steps",
    "load_demo",
    "load_steps",
    "prepare_folder",
    "remove_demo",
    "summarize",
    "write_demo_files",
]
