"""Query parameters shared by the JSON API and the pages' fragments.

Declared once as Pydantic models so that FastAPI validates them (a bad value
is a 422 naming the field) and describes them in the OpenAPI schema.
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mixtape.errors import InputError

#: Attributes with min/max/target controls: (lowest, highest, slider step, label).
ATTRIBUTES: dict[str, tuple[float, float, float, str]] = {
    "energy": (0.0, 1.0, 0.01, "Energy"),
    "valence": (0.0, 1.0, 0.01, "Valence"),
    "danceability": (0.0, 1.0, 0.01, "Danceability"),
    "acousticness": (0.0, 1.0, 0.01, "Acousticness"),
    "tempo": (0.0, 250.0, 1.0, "Tempo (BPM)"),
    "popularity": (0.0, 100.0, 1.0, "Popularity"),
    "year": (1900.0, 2030.0, 1.0, "Year"),
}

Format = Literal["m3u8", "xspf", "jspf", "json"]
M = TypeVar("M", bound=BaseModel)


def _bound(name: str) -> Any:
    low, high, _step, _label = ATTRIBUTES[name]
    return Field(default=None, ge=low, le=high)


_UNIT = _bound("energy")
_TEMPO = _bound("tempo")
_POPULARITY = _bound("popularity")
_YEAR = _bound("year")


class Controls(BaseModel):
    """What shapes a list: its length, caps, exclusions and attribute bounds."""

    model_config = ConfigDict(extra="ignore")

    n: int = Field(default=10, ge=1, le=200, description="How many tracks.")
    max_per_artist: int | None = Field(
        default=None, ge=1, le=200, description="At most this many tracks by one artist."
    )
    all_versions: bool = Field(
        default=False, description="Allow several releases of one song in the list."
    )
    exclude: list[str] = Field(
        default=[], max_length=500, description="Track references never to recommend."
    )
    target: list[str] = Field(
        default=[],
        max_length=len(ATTRIBUTES),
        description="Prefer tracks near a value, as ATTR:VALUE (e.g. energy:0.8); repeatable.",
    )
    target_energy: float | None = _UNIT
    target_valence: float | None = _UNIT
    target_danceability: float | None = _UNIT
    target_acousticness: float | None = _UNIT
    target_tempo: float | None = _TEMPO
    target_popularity: float | None = _POPULARITY
    target_year: float | None = _YEAR
    min_energy: float | None = _UNIT
    min_valence: float | None = _UNIT
    min_danceability: float | None = _UNIT
    min_acousticness: float | None = _UNIT
    min_tempo: float | None = _TEMPO
    min_popularity: float | None = _POPULARITY
    min_year: float | None = _YEAR
    max_energy: float | None = _UNIT
    max_valence: float | None = _UNIT
    max_danceability: float | None = _UNIT
    max_acousticness: float | None = _UNIT
    max_tempo: float | None = _TEMPO
    max_popularity: float | None = _POPULARITY
    max_year: float | None = _YEAR

    def bounds(self) -> Bounds:
        """min/max/target dicts; ``target=ATTR:VALUE`` items join ``target_ATTR`` fields."""
        out = Bounds({}, {}, {})
        for kind, into in (("min", out.minimum), ("max", out.maximum), ("target", out.target)):
            for name in ATTRIBUTES:
                value = getattr(self, f"{kind}_{name}")
                if value is not None:
                    into[name] = float(value)
        for item in self.target:
            name, value = _assignment(item)
            out.target[name] = value
        for name in ATTRIBUTES:
            low, high = out.minimum.get(name), out.maximum.get(name)
            if low is not None and high is not None and low > high:
                raise InputError(
                    f"min_{name} ({low:g}) is above max_{name} ({high:g})", field=f"min_{name}"
                )
        return out

    def control_kwargs(self) -> dict[str, Any]:
        """The controls as keyword arguments of ``Mixtape.recommend`` / ``curate``."""
        b = self.bounds()
        return {
            "n": self.n,
            "max_per_artist": self.max_per_artist,
            "all_versions": self.all_versions,
            "exclude": tuple(r for r in self.exclude if r.strip()),
            "minimum": b.minimum or None,
            "maximum": b.maximum or None,
            "target": b.target or None,
        }


@dataclass(frozen=True)
class Bounds:
    minimum: dict[str, float]
    maximum: dict[str, float]
    target: dict[str, float]


def _assignment(item: str) -> tuple[str, float]:
    """``energy:0.8`` (or ``energy=0.8``) → ("energy", 0.8); errors name the ``target`` field."""
    sep = ":" if ":" in item else "="
    name, _, raw = item.partition(sep)
    name = name.strip().lower()
    if name not in ATTRIBUTES:
        raise InputError(
            f"target {item!r}: unknown attribute {name!r}",
            hint="use one of " + ", ".join(ATTRIBUTES),
            field="target",
        )
    low, high, _step, _label = ATTRIBUTES[name]
    try:
        value = float(raw)
    except ValueError:
        raise InputError(
            f"target {item!r}: {raw!r} is not a number", hint="e.g. energy:0.8", field="target"
        ) from None
    if not low <= value <= high:
        raise InputError(f"target {item!r}: {name} goes from {low:g} to {high:g}", field="target")
    return name, value


class Seeds(BaseModel):
    """What to recommend from: track references, a playlist, or a point on the mood plane."""

    model_config = ConfigDict(extra="ignore")

    track: list[str] = Field(
        default=[],
        max_length=100,
        description="A seed track (repeatable): Spotify id, URI, open.spotify.com URL "
        "or 'artist - title'.",
    )
    playlist: str | None = Field(
        default=None, max_length=200, description="A playlist's key or MPD pid."
    )
    mood: str | None = Field(
        default=None,
        max_length=40,
        description="VALENCE,ENERGY in 0..1 (e.g. 0.8,0.3) or a mood word (happy, angry, "
        "sad, calm).",
    )
    title: str | None = Field(
        default=None,
        max_length=200,
        description="A playlist title to continue (e.g. 'summer hits'): alone (title model) or "
        "with seed tracks or a playlist.",
    )

    def seed_kwargs(self) -> dict[str, Any]:
        """The seeds as keyword arguments of ``Mixtape.recommend``."""
        tracks = tuple(t for t in self.track if t.strip())
        if not (tracks or self.playlist or self.mood or self.title):
            raise InputError(
                "no seeds given", hint="give track, playlist, mood or title", field="track"
            )
        return {
            "tracks": tracks,
            "playlist": self.playlist or None,
            "mood": self.mood or None,
            "title": self.title,
        }

    @property
    def title_only(self) -> bool:
        """Whether a title is the only seed (it then goes to the title model by default)."""
        return bool(self.title) and not (
            any(t.strip() for t in self.track) or self.playlist or self.mood
        )


class RecommendQuery(Seeds, Controls):
    """Everything ``/api/recommend`` takes."""

    model: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="A model name (see /api/models); a title alone goes to the title model "
        "unless another is named.",
    )
    format: Format | None = Field(
        default=None, description="Download the list as a playlist file in this format."
    )


class PanelQuery(Controls):
    """What the track page's recommendations panel takes: one track, a model, controls."""

    track: str = Field(min_length=1, max_length=300)
    model: str = Field(min_length=1, max_length=40)


@functools.cache
def repeated(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that are lists: their query parameters may repeat."""
    return frozenset(
        name for name, f in model.model_fields.items() if typing.get_origin(f.annotation) is list
    )


def parse_query(request: Request, model: type[M]) -> M:
    """The request's query string as ``model``, validated; errors as FastAPI's own 422.

    Parsed here rather than by FastAPI's dependency machinery, which costs more
    than the rest of a fast endpoint (about 0.4 ms against 0.02 ms, measured).
    """
    query = request.query_params
    lists = repeated(model)
    # An empty form field (a number left blank) means "not given", as for the CLI.
    data: dict[str, Any] = {}
    for k in query:
        if k in lists:
            data[k] = [v for v in query.getlist(k) if v != ""]
        elif query[k] != "":
            data[k] = query[k]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def openapi_parameters(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``model``'s fields as query parameters."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        item: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        item["schema"] = prop
        if description:
            item["description"] = description
        parameters.append(item)
    return {"parameters": parameters}
