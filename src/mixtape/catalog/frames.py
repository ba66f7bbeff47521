"""Audio features as a pandas frame, sampled in SQL (for plots and quick looks).

Only tracks with at least one audio feature are read, and a million-track
catalog is thinned in the database by a seeded hash of the track id before
anything crosses into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, or_, select

from mixtape.catalog import schema
from mixtape.errors import CatalogError, InputError

if TYPE_CHECKING:
    import pandas as pd

#: Columns a feature frame can hold: the audio features plus two track columns.
TRACK_COLUMNS: tuple[str, ...] = ("release_year", "popularity")
FRAME_COLUMNS: tuple[str, ...] = schema.AUDIO_FEATURES + TRACK_COLUMNS

NO_FEATURES = (
    "no tracks with audio features in the catalog; "
    "run `mixtape ingest tracks` or `mixtape demo-data` first"
)

# Sampling by id hash: ((id mod _MOD) * _MULT + seed) mod _MOD is a bijection on
# every run of _MOD consecutive ids (_MULT is odd), so keeping the ids whose hash
# falls under a threshold keeps an evenly spread, seeded fraction of any id
# range.  _MOD * _MULT + _MOD stays under 2**31: no overflow on 32-bit integers.
_MOD = 65536
_MULT = 25173


def any_feature() -> Any:
    """A clause true for audio-feature rows with at least one value."""
    af = schema.audio_features
    return or_(*(af.c[f].is_not(None) for f in schema.AUDIO_FEATURES))


def _count(conn: Connection, stmt: Any) -> int:
    return int(conn.execute(stmt).scalar_one() or 0)


@dataclass(frozen=True)
class FeatureSample:
    """A frame of feature values (index: track id) and how many tracks it was drawn from."""

    frame: pd.DataFrame
    eligible: int

    @property
    def sampled(self) -> bool:
        return len(self.frame) < self.eligible


def feature_frame(
    conn: Connection,
    columns: Sequence[str] = FRAME_COLUMNS,
    *,
    sample: int | None = None,
    seed: int = 0,
    require: Sequence[str] | None = None,
) -> FeatureSample:
    """Tracks with audio features as a frame of ``columns`` (float, NaN for null).

    Only tracks with at least one audio feature are read; ``require`` lists
    columns that must all be non-null (e.g. valence and energy for a mood map).
    With ``sample`` the rows are thinned in SQL by a seeded hash of the track
    id to about ``sample`` (then exactly ``sample`` with a seeded draw), so a
    million-track catalog never crosses into Python whole.  The frame's index
    is the track id.  Raises :class:`CatalogError` when no track qualifies.
    """
    import numpy as np
    import pandas as pd

    unknown = [c for c in (*columns, *(require or ())) if c not in FRAME_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown feature column(s): {', '.join(unknown)}",
            hint=f"choose from {', '.join(FRAME_COLUMNS)}",
        )
    if sample is not None and sample < 1:
        raise InputError("the sample size must be at least 1")
    af, t = schema.audio_features, schema.tracks
    source = {**{c: af.c[c] for c in schema.AUDIO_FEATURES}, **{c: t.c[c] for c in TRACK_COLUMNS}}
    where = [any_feature(), *(source[c].is_not(None) for c in require or ())]
    joined = af.join(t, t.c.id == af.c.track_id)

    eligible = _count(conn, select(func.count()).select_from(joined).where(*where))
    if eligible == 0:
        if require and _count(conn, select(func.count()).where(any_feature())):
            raise CatalogError(
                f"no tracks with {' and '.join(require)} in the catalog",
                hint="ingest a track catalog with these audio features",
            )
        raise CatalogError(NO_FEATURES)
    if sample is not None and eligible > sample:
        # Over-ask by 10 % so the hash's unevenness rarely leaves us short.
        threshold = min(_MOD, int(_MOD * sample * 1.1 / eligible) + 1)
        bucket = ((af.c.track_id % _MOD) * _MULT + seed % _MOD) % _MOD
        where.append(bucket < threshold)

    stmt = (
        select(af.c.track_id, *(source[c] for c in columns))
        .select_from(joined)
        .where(*where)
        .order_by(af.c.track_id)  # a stable order makes the seeded draw below repeatable
    )
    # numpy turns None into NaN and Decimal into float itself; plain tuples are
    # read ~15x faster than Row objects.
    rows = [tuple(row) for row in conn.execute(stmt)]
    table = np.array(rows, dtype=np.float64).reshape(-1, len(columns) + 1)
    ids, values = table[:, 0].astype(np.int64), table[:, 1:]
    if sample is not None and len(ids) > sample:
        keep = np.sort(np.random.default_rng(seed).choice(len(ids), size=sample, replace=False))
        ids, values = ids[keep], values[keep]
    frame = pd.DataFrame(values, columns=list(columns), index=pd.Index(ids, name="track_id"))
    return FeatureSample(frame=frame, eligible=eligible)
