"""User input for recommending: option values, seed files, seeds resolved to rows, controls.

Pure parsing and look-ups over a :class:`TrackIndex`; used by the facade
(:mod:`mixtape.library`).  Nothing prints, nothing is cached here.  Errors name
the input they concern (``field``), never a command-line option.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mixtape.errors import (
    InputError,
    UnknownTrackError,
    shown,
)
from mixtape.features.index import TrackIndex
from mixtape.models import mood as mood_model
from mixtape.models.base import Seeds
from mixtape.models.controls import ATTRIBUTES, Bound, Controls

# -- parsing user values ----------------------------------------------------------------


def parse_number(text: str, what: str, field: str | None = None) -> float:
    """``text`` as a finite float; errors name ``what`` (e.g. ``"energy"``)."""
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"bad value for {what}: {shown(text)} is not a number", field=field
        ) from None
    if not math.isfinite(value):
        raise InputError(f"bad value for {what}: {shown(text)} is not finite", field=field)
    return value


def _split_assignment(item: str, field: str, example: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise InputError(
            f"bad value {shown(item)}: expected NAME=VALUE, e.g. {example}", field=field
        )
    return name, value


def parse_assignments(items: Sequence[str], field: str) -> dict[str, float]:
    """``["energy=0.8", "tempo=120"]`` → ``{"energy": 0.8, "tempo": 120.0}`` (min/max/target).

    ``field`` names the input in errors (``"min"``, ``"max"`` or ``"target"``).
    """
    out: dict[str, float] = {}
    for item in items:
        name, value = _split_assignment(item, field, "energy=0.8")
        out[name] = parse_number(value, name, field)
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
        name, value = _split_assignment(item, "param", "n_clusters=8")
        out[name] = _coerce(value)
    return out


def parse_model_params(items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``["hybrid.alpha=0.7", "ease.l2=500"]`` → ``{"hybrid": {"alpha": 0.7}, "ease": {...}}``.

    Only the form is checked here (``field="param"``); whether the model takes the
    parameter is the evaluation's check.
    """
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        name, value = _split_assignment(item, "param", "hybrid.alpha=0.7")
        model, dot, key = name.partition(".")
        if not dot or not model.strip() or not key.strip():
            raise InputError(
                f"bad value {shown(item)}: expected MODEL.KEY=VALUE, e.g. hybrid.alpha=0.7",
                field="param",
            )
        out.setdefault(model.strip(), {})[key.strip()] = _coerce(value)
    return out


def parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    """``["alpha=0.5,0.7", "weighting=bm25,tfidf"]`` → the values to try per parameter
    (numbers, booleans and words as :func:`parse_params` reads them; ``field="grid"``)."""
    out: dict[str, list[Any]] = {}
    for item in items:
        name, value = _split_assignment(item, "grid", "alpha=0.5,0.7,0.9")
        if name in out:
            raise InputError(f"{shown(name)} is given twice: list its values once", field="grid")
        values = [v.strip() for v in value.split(",")]
        if not all(values):
            raise InputError(f"bad value {shown(item)}: an empty value in the list", field="grid")
        out[name] = [_coerce(v) for v in dict.fromkeys(values)]
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


def _check_ranges(values: Mapping[str, float] | None, field: str) -> None:
    for name, value in (values or {}).items():
        low, high = ATTRIBUTE_RANGES.get(name, (-math.inf, math.inf))  # unknown: see Controls
        if not low <= value <= high:
            raise InputError(
                f"{name}={value:g} is outside the range of {name}, {low:g} to {high:g}",
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
    _check_ranges(minimum, "min")
    _check_ranges(maximum, "max")
    _check_ranges(target, "target")
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
            raise InputError(
                f"the minimum {name}={b.min:g} is above the maximum {name}={b.max:g}", field="min"
            )
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
    return parse_refs(text, str(path))


def parse_refs(text: str, source: str = "the list") -> list[str]:
    """Track references from text: one per line (``#`` comments), or a JSON list."""
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: bad JSON at line {exc.lineno}: {exc.msg}") from exc
        if isinstance(items, dict) and isinstance(items.get("recommendations"), list):
            items = items["recommendations"]
        if not isinstance(items, list):
            raise InputError(f"{source}: expected a JSON list of track references")
        refs = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                item = item.get("track_id") or item.get("id") or item.get("uri")
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise InputError(f"{source}: item {i} is not a track reference")
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
    """What to recommend from: at most one of tracks, a playlist or a mood, and a playlist
    title with tracks, a playlist or alone.

    With ``skip_unknown`` (a list read from a file, say) tracks the catalog
    lacks are skipped with a warning as long as one resolves; otherwise each
    must exist.
    """

    tracks: tuple[str, ...] = ()
    playlist: str | None = None
    mood: str | None = None
    skip_unknown: bool = False
    #: A playlist title: alone, or with tracks or a playlist (not with a mood).
    title: str | None = None

    def kinds(self) -> list[str]:
        """The fields given (``"tracks"``, ``"playlist"``, ``"mood"``)."""
        given = {
            "tracks": bool(self.tracks),
            "playlist": self.playlist is not None,
            "mood": self.mood is not None,
        }
        return [k for k, v in given.items() if v]


@dataclass(frozen=True)
class ResolvedSeeds:
    seeds: Seeds
    track_ids: tuple[str, ...] = ()
    mood: tuple[float, float] | None = None
    warnings: tuple[str, ...] = ()
    title: str | None = None


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


def resolve_seeds(index: TrackIndex, spec: SeedSpec) -> ResolvedSeeds:
    """Turn a :class:`SeedSpec` into model :class:`Seeds`."""
    kinds = spec.kinds()
    if not kinds and spec.title is None:
        raise InputError("no seeds given", hint="give seed tracks, a playlist, a title or a mood")
    if len(kinds) > 1:
        raise InputError(f"give only one kind of seed, not {' and '.join(kinds)}", field=kinds[1])
    if spec.title is not None and spec.mood is not None:
        raise InputError(
            "a playlist title goes with seed tracks or a playlist, not with a mood", field="title"
        )
    if not kinds:
        return ResolvedSeeds(seeds=Seeds.titled(spec.title or ""), title=spec.title)
    warnings: list[str] = []
    if spec.mood is not None:
        try:
            valence, energy = parse_mood(spec.mood)
        except InputError as exc:
            exc.field = exc.field or "mood"
            raise
        return ResolvedSeeds(seeds=Seeds.at(valence, energy), mood=(valence, energy))
    if spec.playlist is not None:
        try:
            rows = index.playlist_rows(spec.playlist)
        except InputError as exc:
            exc.field = exc.field or "playlist"
            raise
        if not rows:
            raise InputError(f"playlist {shown(spec.playlist)} has no tracks", field="playlist")
    elif not spec.skip_unknown:
        rows = index.rows(spec.tracks)
    else:
        rows, warnings = _resolve_lenient(index, spec.tracks, "seeds")
        if not rows:
            first = index.unknown(spec.tracks[0])
            raise UnknownTrackError(
                f"none of the {len(spec.tracks)} seed tracks is in the catalog "
                f"(first: {first.message})",
                hint=first.hint,
            )
    rows = list(dict.fromkeys(rows))  # keep the order, drop repeats
    return ResolvedSeeds(
        seeds=Seeds.tracks(rows, title=spec.title),
        track_ids=tuple(index.key(r) for r in rows),
        warnings=tuple(warnings),
        title=spec.title,
    )


#: The controls of a request that gives none (frozen: shared by every such request).
_DEFAULT = Controls()
_EVERY_VERSION = Controls(one_per_song=False)


def make_controls(
    index: TrackIndex,
    *,
    max_per_artist: int | None = None,
    exclude: Sequence[str] = (),
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
    all_versions: bool = False,
) -> tuple[Controls, list[str]]:
    """:class:`Controls` from user values; unknown excluded tracks are skipped with warnings.

    ``all_versions`` keeps other releases of a song (see ``Controls.one_per_song``).
    """
    if max_per_artist is None and not exclude and not minimum and not maximum and not target:
        # The common request (no exclusions, no bounds): nothing to check or look up.
        return (_EVERY_VERSION if all_versions else _DEFAULT), []
    if max_per_artist is not None and max_per_artist < 1:
        raise InputError(
            f"at most {max_per_artist} per artist: give at least 1", field="max_per_artist"
        )
    for field, given in (("min", minimum), ("max", maximum), ("target", target)):
        unknown = [name for name in given or () if name not in ATTRIBUTES]
        if unknown:
            raise InputError(
                f"unknown attribute {shown(unknown[0])} for {field}",
                hint="use one of " + ", ".join(ATTRIBUTES),
                field=field,
            )
    rows, warnings = _resolve_lenient(index, list(exclude), "exclude")
    controls = Controls(
        exclude=frozenset(rows),
        max_per_artist=max_per_artist,
        bounds=bounds(minimum, maximum, target),
        one_per_song=not all_versions,
    )
    return controls, warnings
