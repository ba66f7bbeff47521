"""The recommender contract every model follows (estimator discipline).

* ``__init__`` stores hyper-parameters unchanged (no work, no validation
  beyond types); ``get_params()`` returns them.
* ``fit(data)`` learns from :class:`~mixtape.features.arrays.TrackArrays`,
  sets ``trailing_underscore_`` attributes and returns ``self``.
* ``recommend(seeds, n, controls)`` returns ranked :class:`Scored` rows with
  a short human reason; before ``fit`` it raises ``NotFittedError``; a seed the
  model cannot serve raises ``SeedError`` saying why and what to do.
* Randomness only through ``random_state``.
* ``save(path)`` writes an ``.npz`` of arrays plus JSON parameters;
  ``load(path, data)`` reads it back with ``allow_pickle=False``.
"""

from __future__ import annotations

import copy
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar, Self

import numpy as np

from mixtape.errors import InputError, NotFittedError, SeedError, shown
from mixtape.features.arrays import TrackArrays
from mixtape.features.titles import normalize_title
from mixtape.models.controls import Controls


@dataclass(frozen=True)
class Seeds:
    """What to recommend from: track rows, (mood model) a point on the plane, and/or a
    playlist title (``title``: as the user typed it; models compare
    ``normalize_title(title)``)."""

    rows: tuple[int, ...] = ()
    point: tuple[float, float] | None = None  # (valence, energy)
    title: str | None = None

    @classmethod
    def tracks(cls, rows: Sequence[int], title: str | None = None) -> Seeds:
        return cls(rows=tuple(int(r) for r in rows), title=title)

    @classmethod
    def at(cls, valence: float, energy: float) -> Seeds:
        return cls(point=(float(valence), float(energy)))

    @classmethod
    def titled(cls, title: str) -> Seeds:
        """A playlist title alone as the seed."""
        return cls(title=title)

    def __post_init__(self) -> None:
        if self.title is not None and not normalize_title(self.title):
            raise InputError(
                f"the title {shown(self.title)} has no letters or digits to match",
                hint="give a title with words in it",
                field="title",
            )
        if not self.rows and self.point is None and self.title is None:
            raise InputError("no seeds given", hint="give a track, a playlist or a seeds file")


@dataclass(frozen=True)
class Scored:
    """One recommendation: a track row, its score (higher is better) and why."""

    row: int
    score: float
    reason: str


class Recommender(ABC):
    """Base of every model. Subclasses implement ``_fit`` and ``_recommend``."""

    #: Registry name, e.g. "content".
    name: ClassVar[str]
    #: One line for ``mixtape models``.
    summary: ClassVar[str]
    #: What the score of a recommendation means, in one line (shown to users).
    score_meaning: ClassVar[str]
    #: Whether a (valence, energy) point is an acceptable seed.
    accepts_point: ClassVar[bool] = False
    #: Whether the model asks a remote service (offline suites skip it).
    needs_network: ClassVar[bool] = False
    #: Whether a playlist title is a seed the model uses.  One that does not refuses a
    #: title alone and ignores a title given with seed tracks.
    uses_title: ClassVar[bool] = False
    #: Parameters that change only how a fitted model serves, not what ``fit`` learns:
    #: :meth:`with_serving_params` changes them without a refit (a grid search's shortcut).
    serving_params: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def available(cls) -> tuple[bool, str]:
        """Whether the model can be used here, and if not why (override when it depends on
        credentials or a remote service)."""
        return True, ""

    @classmethod
    def available_on(cls, data: TrackArrays) -> tuple[bool, str]:
        """Whether the model can run on this catalog's arrays, and if not why (override
        when it needs what not every catalog has, e.g. sonic embeddings)."""
        return True, ""

    @classmethod
    def fit_note(cls) -> str:
        """Slow one-off work the next fit will also do, in a few words for a status line
        ("" when none), e.g. "compiling kernels (first run only)"."""
        return ""

    data_: TrackArrays

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters as given to ``__init__`` (JSON-serializable)."""
        import inspect

        sig = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in sig.parameters if p != "self"}

    def with_serving_params(self, **params: Any) -> Self:
        """A copy of this fitted model with other :attr:`serving_params`, sharing the fitted
        state (read-only); ``ValueError`` for a parameter that would need a refit."""
        self._check_fitted()
        refit = sorted(set(params) - self.serving_params)
        if refit:
            raise ValueError(f"changing {', '.join(refit)} needs a new fit of {self.name}")
        twin = copy.copy(self)
        for key, value in params.items():
            setattr(twin, key, value)
        twin.check_params()
        return twin

    def check_params(self) -> None:
        """Raise ``InputError`` for a parameter value the model refuses, before any work
        (called by ``fit`` and :meth:`with_serving_params`; override where values have
        limits)."""
        return None  # no limits by default

    # -- fitting ----------------------------------------------------------------
    def fit(self, data: TrackArrays) -> Self:
        self.check_params()
        self.data_ = data
        self._fit(data)
        return self

    @abstractmethod
    def _fit(self, data: TrackArrays) -> None: ...

    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "data_")

    def _check_fitted(self) -> TrackArrays:
        if not self.is_fitted:
            raise NotFittedError(
                f"the {self.name} model is not fitted", hint="call fit(data) before recommend()"
            )
        return self.data_

    # -- recommending -----------------------------------------------------------
    def recommend(
        self, seeds: Seeds, n: int = 10, controls: Controls | None = None
    ) -> list[Scored]:
        """The ``n`` best tracks for ``seeds`` (fewer if fewer are allowed)."""
        data = self._check_fitted()
        self._validate(seeds, data)
        return self._recommend(seeds, n, controls or Controls())

    def recommend_batch(
        self, seeds: Sequence[Seeds], n: int = 10, controls: Controls | None = None
    ) -> list[list[Scored]]:
        """Many queries at once (one search for all of them where a model can batch)."""
        data = self._check_fitted()
        for s in seeds:
            self._validate(s, data)
        return self._recommend_many(list(seeds), n, controls or Controls())

    def _recommend_many(self, seeds: list[Seeds], n: int, controls: Controls) -> list[list[Scored]]:
        """Validated queries answered together; models with a batched search override this."""
        return [self._recommend(s, n, controls) for s in seeds]

    def _validate(self, seeds: Seeds, data: TrackArrays) -> None:
        title_only = seeds.title is not None and not seeds.rows and seeds.point is None
        if title_only and not self.uses_title:
            raise SeedError(
                f"the {self.name} model needs seed tracks; "
                "the title model (or rerank) takes a title",
                field="title",
            )
        if seeds.point is not None and not self.accepts_point:
            raise SeedError(
                f"the {self.name} model needs seed tracks, not a point on the mood plane",
                hint="use the mood model for a point on the mood plane",
            )
        for row in seeds.rows:
            if not 0 <= row < data.n_tracks:
                raise SeedError(f"seed row {row} is outside the catalog (0..{data.n_tracks - 1})")
        if self.uses_title and seeds.title is not None:
            return  # the title is enough, whatever the tracks
        usable = self.can_serve(np.asarray(seeds.rows, dtype=np.int64))
        if seeds.rows and not usable.any():
            raise SeedError(self.cannot_serve_reason(len(seeds.rows)))

    def can_serve(self, rows: np.ndarray) -> np.ndarray:
        """Which seed rows this model can use (e.g. only tracks with features)."""
        return np.ones(len(rows), dtype=bool)

    def cannot_serve_reason(self, n_seeds: int) -> str:
        return f"the {self.name} model cannot use {'this seed' if n_seeds == 1 else 'these seeds'}"

    @abstractmethod
    def _recommend(self, seeds: Seeds, n: int, controls: Controls) -> list[Scored]: ...

    # -- persistence ------------------------------------------------------------
    def _state(self) -> dict[str, np.ndarray]:
        """Fitted arrays to save (override; names without the trailing underscore)."""
        return {}

    def _restore(self, state: dict[str, np.ndarray], data: TrackArrays) -> None:
        """Rebuild fitted attributes from ``_state()``'s arrays (default: refit)."""
        self._fit(data)

    def save(self, path: Path | IO[bytes]) -> None:
        """Save parameters and fitted state to ``path``, a file name or a binary file open
        for writing (.npz, no pickle)."""
        self._check_fitted()
        meta = json.dumps(
            {"model": self.name, "params": self.get_params(), "fingerprint": self.data_.fingerprint}
        )
        arrays: dict[str, Any] = {"__meta__": np.array(meta), **self._state()}
        if isinstance(path, str | os.PathLike):
            with open(path, "wb") as fh:  # (np.savez would add ".npz" to a name without it)
                np.savez(fh, **arrays)
        else:
            np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path, data: TrackArrays) -> Self:
        """Load a model saved by :meth:`save` and attach it to ``data``."""
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(str(npz["__meta__"]))
            state = {k: npz[k] for k in npz.files if k != "__meta__"}
        if meta.get("model") != cls.name:
            raise InputError(f"{path} holds a {meta.get('model')!r} model, not {cls.name!r}")
        if meta.get("fingerprint") != data.fingerprint:
            raise InputError(f"{path} was fitted on another catalog state", hint="refit the model")
        model = cls(**meta["params"])
        model.data_ = data
        model._restore(state, data)
        return model
