"""The RecSys Challenge 2018's files: the challenge set, a submission, and our ground truth.

* A **challenge set** is one JSON object with a ``playlists`` list; each
  playlist has ``pid``, an optional ``name``, ``num_holdouts``,
  ``num_samples``, ``num_tracks`` and ``tracks`` (possibly empty; each with
  ``pos``, ``track_uri`` and optional names and URIs), with
  ``len(tracks) == num_samples`` and ``num_samples + num_holdouts ==
  num_tracks`` (the official ``check.py``'s rules).  Decoded with msgspec: a
  type error names its place (``$.playlists[3].num_tracks``).
* A **submission** is CSV: the first line ``team_info,TEAM NAME,CONTACT EMAIL``
  (the challenge's current form; 2018's had the challenge track first:
  ``team_info,main,TEAM NAME,EMAIL``), then per playlist ``pid,URI_1,...,URI_500``:
  500 distinct track URIs, none of the playlist's seed tracks, every challenge
  playlist once.  :func:`check_submission` enforces that before anything is
  written; the reader accepts what the official verifier does (whitespace
  around commas, ``#`` comments, blank lines).
* The **ground truth** of a set mixtape generated (``challenge make``) is a
  JSON object with ``playlists``: ``pid``, ``category`` and ``holdouts`` (the
  held-out track URIs, in playlist order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from mixtape.errors import InputError, shown
from mixtape.evaluation import metrics
from mixtape.ingest.mpd import MpdTrack

#: Tracks per playlist in a submission.
SUBMISSION_SIZE = 500
URI_PREFIX = "spotify:track:"


class ChallengeTrack(MpdTrack, omit_defaults=True):
    """A seed track: an MPD slice's track fields (``pos``, ``track_uri``, names, URIs)."""


class ChallengePlaylist(msgspec.Struct, omit_defaults=True):
    pid: int
    num_holdouts: int
    num_samples: int
    num_tracks: int
    tracks: list[ChallengeTrack]
    name: str | None = None


class ChallengeSet(msgspec.Struct, omit_defaults=True):
    playlists: list[ChallengePlaylist]
    date: str | None = None
    version: str | None = None


class TruthPlaylist(msgspec.Struct):
    pid: int
    category: str
    holdouts: list[str]


class Truth(msgspec.Struct, omit_defaults=True):
    playlists: list[TruthPlaylist]
    version: str | None = None
    seed: int | None = None


def _read(path: Path, field: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", field=field) from exc


def _decode(raw: bytes, kind: type[Any], path: Path, what: str, field: str) -> Any:
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise InputError(f"{path} is not {what}: {exc}", field=field) from exc
    except msgspec.DecodeError as exc:
        raise InputError(f"{path} is not JSON: {exc}", field=field) from exc


def _no_repeated_pids(pids: Iterable[int], path: Path, field: str) -> None:
    first: dict[int, int] = {}
    for index, pid in enumerate(pids):
        earlier = first.setdefault(pid, index)
        if earlier != index:
            raise InputError(
                f"{path}: pid {pid} is used twice, by playlists[{earlier}] and playlists[{index}]",
                field=field,
            )


def read_challenge_set(path: Path, field: str = "challenge_set") -> ChallengeSet:
    """The challenge set in ``path``, checked as the official ``check.py`` does."""
    challenge: ChallengeSet = _decode(
        _read(path, field), ChallengeSet, path, "a challenge set", field
    )
    _no_repeated_pids((p.pid for p in challenge.playlists), path, field)
    for i, p in enumerate(challenge.playlists):
        where = f"{path}: playlists[{i}] (pid {p.pid})"
        if len(p.tracks) != p.num_samples:
            raise InputError(
                f"{where} has {len(p.tracks)} tracks but num_samples {p.num_samples}", field=field
            )
        if p.num_samples + p.num_holdouts != p.num_tracks:
            raise InputError(
                f"{where}: num_samples {p.num_samples} + num_holdouts {p.num_holdouts} "
                f"is not num_tracks {p.num_tracks}",
                field=field,
            )
    return challenge


def read_truth(path: Path, field: str = "truth") -> Truth:
    """A ground truth written by ``challenge make``."""
    truth: Truth = _decode(_read(path, field), Truth, path, "a challenge ground truth", field)
    _no_repeated_pids((p.pid for p in truth.playlists), path, field)
    return truth


# -- submissions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """A submission's team line and each playlist's ranked track URIs, in file order."""

    team_info: tuple[str, ...]
    lists: dict[int, list[str]] = field(default_factory=dict)


def team_line(team: str, email: str, challenge_track: str | None = None) -> tuple[str, ...]:
    """The ``team_info`` fields; ``challenge_track`` ("main" or "creative") for 2018's form."""
    for name, value in (("team", team), ("email", email)):
        if not value.strip() or "," in value or "\n" in value:
            raise InputError(
                f"the {name} {shown(value)} must be non-empty and hold no comma or line break",
                field=name,
            )
    if challenge_track is not None and challenge_track not in ("main", "creative"):
        raise InputError(
            f"the challenge track must be main or creative, not {shown(challenge_track)}",
            field="challenge_track",
        )
    track = (challenge_track,) if challenge_track else ()
    return ("team_info", *track, team.strip(), email.strip())


def check_submission(challenge: ChallengeSet, lists: Mapping[int, Sequence[str]]) -> None:
    """InputError unless ``lists`` is a valid submission for ``challenge``: every pid once,
    500 distinct ``spotify:track:`` URIs each, none of the playlist's seeds."""
    pids = {p.pid for p in challenge.playlists}
    extra = sorted(set(lists) - pids)
    if extra:
        raise InputError(f"the submission has pid {extra[0]}, which the challenge set lacks")
    for p in challenge.playlists:
        uris = lists.get(p.pid)
        if uris is None:
            raise InputError(f"the submission has no line for pid {p.pid}")
        where = f"the submission's pid {p.pid}"
        if len(uris) != SUBMISSION_SIZE:
            raise InputError(f"{where} has {len(uris)} tracks, not {SUBMISSION_SIZE}")
        if len(set(uris)) != len(uris):
            raise InputError(f"{where} repeats a track")
        bad = next((u for u in uris if not u.startswith(URI_PREFIX)), None)
        if bad is not None:
            raise InputError(f"{where} has {shown(bad)}, which is not a spotify:track: URI")
        seeds = {t.track_uri for t in p.tracks} & set(uris)
        if seeds:
            raise InputError(f"{where} holds its seed track {min(seeds)}")


def submission_text(team_info: Sequence[str], lists: Mapping[int, Sequence[str]]) -> str:
    """The CSV text: the team line, then one line per playlist."""
    lines = [",".join(team_info)]
    lines += [",".join([str(pid), *uris]) for pid, uris in lists.items()]
    return "\n".join(lines) + "\n"


def read_submission(path: Path, field: str = "submission") -> Submission:
    """A submission CSV as the official verifier reads it (comments, blank lines and spaces
    around commas allowed); the first line that counts must be the team line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", field=field) from exc
    team: tuple[str, ...] | None = None
    lists: dict[int, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if team is None:
            if cells[0] != "team_info":
                raise InputError(
                    f"{path}, line {number}: the first line must start with team_info",
                    field=field,
                )
            team = tuple(cells)
            continue
        try:
            pid = int(cells[0])
        except ValueError:
            raise InputError(
                f"{path}, line {number}: {shown(cells[0])} is not a pid", field=field
            ) from None
        if pid in lists:
            raise InputError(f"{path}, line {number}: pid {pid} again", field=field)
        lists[pid] = cells[1:]
    if team is None:
        raise InputError(f"{path} has no team_info line", field=field)
    return Submission(team, lists)


# -- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryScore:
    category: str
    playlists: int
    r_precision: float
    ndcg: float
    clicks: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "playlists": self.playlists,
            "r_precision": self.r_precision,
            "ndcg": self.ndcg,
            "clicks": self.clicks,
        }


def score(submission: Submission, truth: Truth) -> list[CategoryScore]:
    """R-precision, NDCG and clicks (the challenge's metrics, ``evaluation.metrics``) per
    category and overall (``all``, last); a playlist missing from the submission scores 0."""
    per: dict[str, list[tuple[float, float, float]]] = {}
    for p in truth.playlists:
        ranked = submission.lists.get(p.pid, [])
        values = (
            metrics.r_precision(p.holdouts, ranked),
            metrics.ndcg(p.holdouts, ranked),
            float(metrics.clicks(p.holdouts, ranked)),
        )
        per.setdefault(p.category, []).append(values)
        per.setdefault("all", []).append(values)
    order = [c for c in per if c != "all"] + (["all"] if "all" in per else [])
    return [
        CategoryScore(
            category=c,
            playlists=len(per[c]),
            r_precision=sum(v[0] for v in per[c]) / len(per[c]),
            ndcg=sum(v[1] for v in per[c]) / len(per[c]),
            clicks=sum(v[2] for v in per[c]) / len(per[c]),
        )
        for c in order
    ]


__all__ = [
    "SUBMISSION_SIZE",
    "URI_PREFIX",
    "CategoryScore",
    "ChallengePlaylist",
    "ChallengeSet",
    "ChallengeTrack",
    "Submission",
    "Truth",
    "TruthPlaylist",
    "check_submission",
    "read_challenge_set",
    "read_submission",
    "read_truth",
    "score",
    "submission_text",
    "team_line",
]
