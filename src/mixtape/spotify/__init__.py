"""Spotify Web API: sign-in, library and playlist import/export, crawls.

Nothing here runs at import time; see ``docs/spotify.md``.  Modules:
``config`` (credentials), ``transport`` (retrying httpx transport), ``auth``
(OAuth flows, token store), ``client`` (typed API methods), ``availability``
(closed endpoints), ``library`` (import/match/export), ``crawl`` (genre crawl,
enrich), ``session`` (building clients), ``payloads`` (raw JSON shapes).
"""
