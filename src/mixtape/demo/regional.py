"""Regional variants of fine genres ("german pop", "swedish metal"), for big demo catalogs.

All are real Spotify genre names; each sounds like its base genre (the second
name of a row) and joins that genre's family.
"""

from __future__ import annotations

#: Regional variants (all real Spotify genres), used only for big catalogs: each
#: sounds like its base genre (the second name) and joins that genre's family.
_REGIONS: tuple[tuple[str, str, str], ...] = (
    (
        "hip hop",
        "hip hop",
        "french spanish dutch brazilian canadian australian norwegian danish"
        " argentine colombian irish scottish mexican",
    ),
    (
        "pop",
        "pop",
        "german french swedish spanish dutch polish canadian australian russian"
        " turkish norwegian danish belgian colombian greek irish mexican",
    ),
    (
        "rock",
        "rock",
        "german french spanish dutch polish brazilian canadian australian russian"
        " norwegian danish belgian argentine chilean colombian irish scottish mexican",
    ),
    (
        "indie",
        "indie rock",
        "german dutch brazilian canadian australian norwegian belgian"
        " argentine chilean irish scottish mexican",
    ),
    (
        "metal",
        "metal",
        "german french swedish italian spanish dutch brazilian canadian"
        " australian russian finnish norwegian danish argentine irish scottish",
    ),
    ("punk", "punk", "german brazilian canadian russian danish argentine"),
    (
        "jazz",
        "jazz",
        "german french swedish italian dutch polish brazilian japanese russian"
        " turkish norwegian danish belgian greek indian scottish",
    ),
    ("folk", "folk", "dutch japanese canadian russian turkish greek indian irish scottish"),
    ("house", "house", "german swedish dutch canadian australian greek"),
    ("techno", "techno", "german french italian spanish belgian"),
    ("edm", "edm", "dutch brazilian russian turkish finnish belgian indian"),
    ("dance", "pop dance", "german australian russian belgian"),
    ("country", "country", "german swedish canadian australian irish"),
    ("blues", "blues", "italian dutch polish canadian"),
    ("reggae", "reggae", "french polish brazilian argentine"),
    ("soul", "soul", "swedish brazilian finnish"),
    ("r&b", "r&b", "japanese australian"),
    (
        "singer-songwriter",
        "singer-songwriter",
        "swedish japanese canadian australian norwegian danish belgian irish scottish",
    ),
)
REGIONAL: tuple[tuple[str, str], ...] = tuple(
    (f"{region} {kind}", base) for kind, base, regions in _REGIONS for region in regions.split()
)
