"""The models by name: one mapping, built in one place (used by the CLI, the evaluation
and the web app).

The mapping is built on first use, not at import: importing this module
costs nothing, and the models' own imports (numba, faiss, scikit-learn)
wait until a model is asked for.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mixtape.errors import InputError
from mixtape.models.base import Recommender


@cache
def models() -> dict[str, type[Recommender]]:
    """Every built-in model class by its ``name`` (one shared, mutable mapping)."""
    from mixtape.models.als import AlsModel
    from mixtape.models.audio import AudioModel
    from mixtape.models.clusters import ClustersModel
    from mixtape.models.content import ContentEqualModel, ContentModel
    from mixtape.models.cooccurrence import CooccurrenceModel
    from mixtape.models.ease import EaseModel
    from mixtape.models.genre_clusters import GenreClustersModel
    from mixtape.models.hybrid import HybridModel
    from mixtape.models.mood import MoodModel
    from mixtape.models.popular import PopularModel
    from mixtape.models.random_baseline import RandomBaseline
    from mixtape.models.rerank import RerankModel
    from mixtape.models.rp3beta import RP3betaModel
    from mixtape.models.sonic import SonicModel
    from mixtape.models.spotify_model import SpotifyModel
    from mixtape.models.title import TitleModel

    built_in: tuple[type[Recommender], ...] = (
        AlsModel,
        AudioModel,
        ClustersModel,
        ContentModel,
        ContentEqualModel,
        CooccurrenceModel,
        EaseModel,
        GenreClustersModel,
        HybridModel,
        MoodModel,
        PopularModel,
        RandomBaseline,
        RerankModel,
        RP3betaModel,
        SonicModel,
        SpotifyModel,
        TitleModel,
    )
    return {cls.name: cls for cls in built_in}


def names() -> list[str]:
    """The registered model names."""
    return list(models())


def model_class(name: str) -> type[Recommender]:
    """The model class called ``name``; InputError for an unknown name."""
    try:
        return models()[name]
    except KeyError:
        raise InputError(
            f"unknown model {name!r}", hint="run `mixtape models` to list them"
        ) from None


def create(name: str, **params: Any) -> Recommender:
    """A new, unfitted model by name."""
    return model_class(name)(**params)
