"""Vector search: exact, inverted-list and graph indexes and top-k selection.

Only numpy, scipy, numba, faiss (and threadpoolctl, platformdirs): nothing here knows
about models, features or the catalog.  The cosine models
(:mod:`mixtape.models.cosine`) build their indexes from these parts.

* :mod:`~mixtape.search.exact` -- exact top-k over block-structured unit vectors;
* :mod:`~mixtape.search.pruning` -- its branch and bound over genre signatures;
* :mod:`~mixtape.search.signatures` -- the distinct sparse rows that bound it;
* :mod:`~mixtape.search.kernels` -- its two inner loops, compiled with numba;
* :mod:`~mixtape.search.ivf` and :mod:`~mixtape.search.hnsw` -- approximate
  indexes, their width tuned by :mod:`~mixtape.search.tuning`;
* :mod:`~mixtape.search.embedding` -- dense vectors for the HNSW graph;
* :mod:`~mixtape.search.topk` -- partial selection with one tie rule: at equal
  score the lower index wins;
* :mod:`~mixtape.search.threads` -- search threads and BLAS threads.
"""
