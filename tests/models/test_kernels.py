"""Every compiled kernel the models call is compiled ahead by one warm-up."""

from __future__ import annotations

from mixtape.features import reason_kernels
from mixtape.features.arrays import TrackArrays
from mixtape.features.reasons import distinctive_reasons
from mixtape.models import kernels
from mixtape.models.audio import AudioModel
from mixtape.models.base import Seeds
from mixtape.models.content import ContentModel
from mixtape.search import kernels as search_kernels


def test_warm_up_compiles_every_kernel_a_recommendation_calls(tiny_data: TrackArrays) -> None:
    assert set(kernels.KERNELS) == {*search_kernels.KERNELS, *reason_kernels.KERNELS}
    kernels.warm_up()
    assert kernels.cache_is_warm()
    assert all(kernel.cache_files() for kernel in kernels.KERNELS)
    compiled = [len(kernel.dispatcher.signatures) for kernel in kernels.KERNELS]
    content = ContentModel(index="exact").fit(tiny_data)
    audio = AudioModel(index="exact").fit(tiny_data)
    for model in (content, audio):
        for seeds in ([0], [0, 80, 160]):  # one seed, and the nearest seed of several
            recs = model.recommend(Seeds.tracks(seeds), 10)
            assert all(r.reason for r in recs)
    # Traits of values given as they are (float64), not rows of the catalog's audio.
    distinctive_reasons(content.traits_, tiny_data.audio[0], tiny_data.audio[1:20])
    assert [len(kernel.dispatcher.signatures) for kernel in kernels.KERNELS] == compiled
