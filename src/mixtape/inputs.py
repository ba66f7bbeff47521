"""User input for recommending: option values, seed files, seeds resolved to rows, controls.

Pure parsing and look-ups over :class:`TrackArrays`; used by :mod:`mixtape.service`
(and so by the CLI). Nothing prints.
"""

from __future__ import annotations

import json
import math
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mixtape.errors import (
    InputError,
    UnknownTrackError,
)
from mixtape.features.arrays import TrackArrays
from mixtape.features.index import TrackIndex
from mixtape.models import mood as mood_model
from mixtape.models.base import Seeds
from mixtape.models.controls import Bound, Controls

_index_lock = threading.RLock()
_indexes: weakref.WeakKeyDictionary[TrackArrays, TrackIndex] = weakref.WeakKeyDictionary()


def track_index(data: TrackArrays) -> TrackIndex:
    """The (cached) reference index of ``data``."""
    with _index_lock:
        index = _indexes.get(data)
        if index is None:
            index = _indexes[data] = TrackIndex(data)
        return index


# -- parsing user values ----------------------------------------------------------------


def parse_number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"bad {what} {text!r}: not a number") from None
    if not math.isfinite(value):
        raise InputError(f"bad {what} {text!r}: not a finite number")
    return value


def _split_assignment(item: str, option: str, example: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise InputError(f"bad {option} {item!r}: expected NAME=VALUE, e.g. {option} {example}")
    return name, value


def parse_assignments(items: Sequence[str], option: str) -> dict[str, float]:
    """``["energy=0.8", "tempo=120"]`` → ``{"energy": 0.8, "tempo": 120.0}`` (min/max/target)."""
    out: dict[str, float] = {}
    for item in items:
        name, value = _split_assignment(item, option, "energy=0.8")
        out[name] = parse_number(value, f"{option} {name}")
    return out


def _coerce(value: str) -> Any:
    low = value.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    """``["k=20", "metric=cosine"]`` → ``{"k": 20, "metric": "cosine"}`` (numbers, booleans)."""
    out: dict[str, Any] = {}
    for item in items:
        name, value = _split_assignment(item, "--param", "n_clusters=8")
        out[name] = _coerce(value)
    return out


#: The values each min/max/target attribute can take (those the catalog accepts from
#: files: fractions in [0, 1], BPM, Spotify's popularity, a release year).
ATTRIBUTE_RANGES: dict[str, tuple[float, float]] = {
    "energy": (0.0, 1.0),
    "valence": (0.0, 1.0),
    "danceability": (0.0, 1.0),
    "acousticness": (0.0, 1.0),
    "tempo": (0.0, 300.0),
    "popularity": (0.0, 100.0),
    "year": (1000.0, 2100.0),
}


def _check_ranges(values: Mapping[str, float] | None, field: str, label: str) -> None:
    for name, value in (values or {}).items():
        low, high = ATTRIBUTE_RANGES.get(name, (-math.inf, math.inf))  # unknown: see Controls
        if not low <= value <= high:
            raise InputError(
                f"{label} {name}={value:g} is outside the range of {name}, {low:g} to {high:g}",
                field=field,
            )


def bounds(
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
) -> dict[str, Bound]:
    """Merge min/max/target dicts into one :class:`Bound` per attribute.

    A value outside the attribute's range (:data:`ATTRIBUTE_RANGES`) raises
    :class:`InputError` with ``field`` ``"min"``, ``"max"`` or ``"target"``.
    """
    _check_ranges(minimum, "min", "minimum")
    _check_ranges(maximum, "max", "maximum")
    _check_ranges(target, "target", "target")
    names = {*(minimum or {}), *(maximum or {}), *(target or {})}
    out = {
        name: Bound(
            min=(minimum or {}).get(name),
            max=(maximum or {}).get(name),
            target=(target or {}).get(name),
        )
        for name in sorted(names)
    }
    for name, b in out.items():
        if b.min is not None and b.max is not None and b.min > b.max:
            raise InputError(f"--min {name}={b.min:g} is above --max {name}={b.max:g}")
    return out


def parse_mood(text: str) -> tuple[float, float]:
    """``"0.8,0.3"`` (valence, energy in 0..1) or a mood word such as ``calm``."""
    return mood_model.parse_mood(text)


def read_refs_file(path: Path) -> list[str]:
    """Track references from a file: one per line (``#`` comments), or a JSON list.

    JSON items may be strings or objects with a ``track_id``, ``id`` or ``uri``
    (so the ``recommendations`` of ``mixtape recommend --json`` can be fed back).
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: bad JSON at line {exc.lineno}: {exc.msg}") from exc
        if isinstance(items, dict) and isinstance(items.get("recommendations"), list):
            items = items["recommendations"]
        if not isinstance(items, list):
            raise InputError(f"{path}: expected a JSON list of track references")
        refs = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                item = item.get("track_id") or item.get("id") or item.get("uri")
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise InputError(f"{path}: item {i} is not a track reference")
            refs.append(str(item))
        return refs
    refs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            refs.append(line)
    return refs


# -- seeds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedSpec:
    """What to recommend from: exactly one of tracks, a playlist, a seeds file or a mood."""

    tracks: tuple[str, ...] = ()
    playlist: str | None = None
    seeds_file: Path | None = None
    mood: str | None = None

    def kinds(self) -> list[str]:
        given = {
            "--track": bool(self.tracks),
            "--playlist": self.playlist is not None,
            "--seeds": self.seeds_file is not None,
            "--mood": self.mood is not None,
        }
        return [k for k, v in given.items() if v]


@dataclass(frozen=True)
class ResolvedSeeds:
    seeds: Seeds
    track_ids: tuple[str, ...] = ()
    mood: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()


def _resolve_lenient(
    index: TrackIndex, refs: Sequence[str], source: str
) -> tuple[list[int], list[str]]:
    """Rows for the refs that resolve; one warning per ref that does not."""
    rows: list[int] = []
    warnings: list[str] = []
    for ref in refs:
        row = index.find(ref)
        if row is None:
            warnings.append(f"{source}: skipped {index.unknown(ref)}")
        else:
            rows.append(row)
    return rows, warnings


def resolve_seeds(data: TrackArrays, spec: SeedSpec) -> ResolvedSeeds:
    """Turn a :class:`SeedSpec` into model :class:`Seeds`.

    Tracks given one by one must all exist; unknown tracks in a seeds file
    are skipped with a warning as long as one resolves.
    """
    kinds = spec.kinds()
    if not kinds:
        raise InputError("no seeds given", hint="give --track, --playlist, --seeds FILE or --mood")
    if len(kinds) > 1:
        raise InputError(f"give only one kind of seed, not {' and '.join(kinds)}")
    index = track_index(data)
    warnings: list[str] = []
    if spec.mood is not None:
        valence, energy = parse_mood(spec.mood)
        return ResolvedSeeds(seeds=Seeds.at(valence, energy), mood=(valence, energy))
    if spec.tracks:
        rows = index.rows(spec.tracks)
    elif spec.playlist is not None:
        rows = index.playlist_rows(spec.playlist)
        if not rows:
            raise InputError(f"playlist {spec.playlist} has no tracks")
    else:
        assert spec.seeds_file is not None
        refs = read_refs_file(spec.seeds_file)
        if not refs:
            raise InputError(f"{spec.seeds_file} holds no track references")
        rows, warnings = _resolve_lenient(index, refs, str(spec.seeds_file))
        if not rows:
            first = index.unknown(refs[0])
            raise UnknownTrackError(
                f"none of the {len(refs)} tracks in {spec.seeds_file} is in the catalog "
                f"(first: {first.message})",
                hint=first.hint,
            )
    rows = list(dict.fromkeys(rows))  # keep the order, drop repeats
    return ResolvedSeeds(
        seeds=Seeds.tracks(rows),
        track_ids=tuple(index.key(r) for r in rows),
        warnings=tuple(warnings),
    )


def make_controls(
    data: TrackArrays,
    *,
    max_per_artist: int | None = None,
    exclude: Sequence[str] = (),
    exclude_file: Path | None = None,
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
    all_versions: bool = False,
) -> tuple[Controls, list[str]]:
    """:class:`Controls` from user values; unknown excluded tracks are skipped with warnings.

    ``all_versions`` keeps other releases of a song (see ``Controls.one_per_song``).
    """
    index = track_index(data)
    refs = list(exclude)
    if exclude_file is not None:
        refs += read_refs_file(exclude_file)
    rows, warnings = _resolve_lenient(index, refs, str(exclude_file or "--exclude"))
    controls = Controls(
        exclude=frozenset(rows),
        max_per_artist=max_per_artist,
        bounds=bounds(minimum, maximum, target),
        one_per_song=not all_versions,
    )
    return controls, warnings
