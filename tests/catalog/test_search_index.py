"""Search as you type on every engine: prefixes, "artist - title", exact keys, and an index
that follows every write (new tracks, renamed tracks, new artists, deletes, rollbacks)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import delete, select

from mixtape.catalog import Catalog, open_catalog, schema
from mixtape.catalog.db import migration_config
from mixtape.catalog.search_docs import PENDING, PENDING_NEW, fold
from mixtape.catalog.search_index import MAX_LIMIT, Query, SearchHit, parse_query, search_tracks
from mixtape.catalog.search_rank import rank
from mixtape.catalog.writes import BatchWriter
from mixtape.errors import InputError
from mixtape.records import AlbumRef, ArtistRef, PlaylistRecord, TrackRecord
from tests.factories.databases import ServerCatalogs

HALO = "A" * 22
BEYONCE = ArtistRef("Beyoncé", "B" * 22)
QUEEN = ArtistRef("Queen")
TRACKS = (
    TrackRecord(
        "Halo",
        spotify_id=HALO,
        artists=(BEYONCE,),
        album=AlbumRef("I Am... Sasha Fierce", release_year=2008),
    ),
    TrackRecord("Halo Effect", spotify_id="C" * 22, artists=(ArtistRef("Someone Else"),)),
    TrackRecord("Crazy in Love", spotify_id="D" * 22, artists=(BEYONCE, ArtistRef("JAY-Z"))),
    TrackRecord("Don't Stop Me Now", artists=(QUEEN,), release_year=1978),
    TrackRecord("Bohemian Rhapsody", artists=(QUEEN,)),
    TrackRecord("Beyond the Sea", artists=(ArtistRef("Bobby Darin"),)),
    TrackRecord("Zoë's Song", artists=(ArtistRef("Zoë Kravitz"),)),
)


def _write(catalog: Catalog, records: tuple[TrackRecord, ...] | list[TrackRecord]) -> None:
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks(list(records))


def _names(hits: list[SearchHit]) -> list[str]:
    return [h.name for h in hits]


@pytest.fixture
def catalog(any_db_url: str) -> Iterator[Catalog]:
    catalog = open_catalog(any_db_url)
    _write(catalog, TRACKS)
    yield catalog
    catalog.dispose()


def test_prefixes_of_name_and_artist_words(catalog: Catalog) -> None:
    assert _names(search_tracks(catalog, "beyon halo")) == ["Halo"]
    assert set(_names(search_tracks(catalog, "halo"))) == {"Halo", "Halo Effect"}
    assert set(_names(search_tracks(catalog, "beyonc"))) == {"Halo", "Crazy in Love"}
    assert len(search_tracks(catalog, "beyon")) == 3  # and "Beyond the Sea"
    assert _names(search_tracks(catalog, "quee bohem")) == ["Bohemian Rhapsody"]
    assert _names(search_tracks(catalog, "CRAZY jay")) == ["Crazy in Love"]
    assert search_tracks(catalog, "halo nothing") == []


def test_accents_apostrophes_and_punctuation_fold(catalog: Catalog) -> None:
    assert _names(search_tracks(catalog, "zoes song")) == ["Zoë's Song"]
    assert _names(search_tracks(catalog, "Zoë's")) == ["Zoë's Song"]
    assert _names(search_tracks(catalog, "don't stop")) == ["Don't Stop Me Now"]
    assert _names(search_tracks(catalog, "dont")) == ["Don't Stop Me Now"]
    assert _names(search_tracks(catalog, "jay-z crazy")) == ["Crazy in Love"]


def test_artist_dash_title_matches_each_side_in_its_column(catalog: Catalog) -> None:
    assert _names(search_tracks(catalog, "Beyoncé - Halo")) == ["Halo"]
    assert _names(search_tracks(catalog, "queen - don")) == ["Don't Stop Me Now"]
    # "title - artist" after the hits in the stated order.
    assert _names(search_tracks(catalog, "halo - beyonce")) == ["Halo"]
    assert search_tracks(catalog, "someone - halo eff")[0].name == "Halo Effect"
    assert search_tracks(catalog, "bobby - halo") == []


def test_hits_carry_key_artists_album_and_year(catalog: Catalog) -> None:
    (hit,) = search_tracks(catalog, "halo beyonce")
    assert hit == SearchHit(HALO, "Halo", ("Beyoncé",), "I Am... Sasha Fierce", 2008)
    (crazy,) = search_tracks(catalog, "crazy")
    assert crazy.artists == ("Beyoncé", "JAY-Z")  # in credit order
    (dont,) = search_tracks(catalog, "don't stop")
    assert dont.key.startswith("local:") and dont.year == 1978 and dont.album is None
    assert hit.as_dict() == {
        "track_id": HALO,
        "name": "Halo",
        "artists": ["Beyoncé"],
        "album": "I Am... Sasha Fierce",
        "year": 2008,
    }


def test_exact_ids_uris_urls_and_local_keys(catalog: Catalog) -> None:
    for ref in (HALO, f"spotify:track:{HALO}", f"https://open.spotify.com/track/{HALO}?si=x"):
        assert _names(search_tracks(catalog, ref)) == ["Halo"]
    local = search_tracks(catalog, "bohemian")[0].key
    assert _names(search_tracks(catalog, f" {local} ")) == ["Bohemian Rhapsody"]
    assert search_tracks(catalog, "Z" * 22) == []  # an unknown id is no word of any name


def test_limit_and_empty_queries(catalog: Catalog) -> None:
    assert len(search_tracks(catalog, "halo", limit=1)) == 1
    assert search_tracks(catalog, "") == search_tracks(catalog, " - !? ") == []
    for bad in (0, MAX_LIMIT + 1):
        with pytest.raises(InputError, match=f"1 to {MAX_LIMIT} tracks"):
            search_tracks(catalog, "halo", limit=bad)


def test_the_index_follows_renames_new_artists_and_deletes(catalog: Catalog) -> None:
    _write(catalog, [TrackRecord("Halo (Live)", spotify_id=HALO, artists=(BEYONCE,))])
    assert _names(search_tracks(catalog, "halo live")) == ["Halo (Live)"]
    # A later source credits another artist on an existing track.
    guest = ArtistRef("Guest Star")
    _write(
        catalog,
        [TrackRecord(None, spotify_id="C" * 22, artists=(ArtistRef("Someone Else"), guest))],
    )
    assert _names(search_tracks(catalog, "guest star")) == ["Halo Effect"]
    with catalog.begin() as conn:
        conn.execute(delete(schema.tracks).where(schema.tracks.c.key == "C" * 22))
    assert search_tracks(catalog, "guest") == []
    assert _names(search_tracks(catalog, "halo")) == ["Halo (Live)"]


def _write_then_fail(catalog: Catalog) -> None:
    with catalog.begin() as conn:
        BatchWriter(conn).upsert_tracks([TrackRecord("Ghost Track", artists=(QUEEN,))])
        raise RuntimeError("stop")


def test_a_rolled_back_write_leaves_no_document_and_no_note(catalog: Catalog) -> None:
    with pytest.raises(RuntimeError):
        _write_then_fail(catalog)
    assert search_tracks(catalog, "ghost") == []
    with catalog.begin() as conn:
        assert PENDING not in conn.info and PENDING_NEW not in conn.info
    with catalog.connect() as conn:
        found = conn.execute(
            select(schema.track_search.c.name).where(schema.track_search.c.name == "ghost track")
        )
        assert found.all() == []


def test_playlist_loads_index_the_tracks_they_bring(catalog: Catalog) -> None:
    new = TrackRecord("Brand New Tune", spotify_id="E" * 22, artists=(ArtistRef("Newcomer"),))
    with catalog.begin() as conn:
        BatchWriter(conn).replace_playlists([PlaylistRecord("pl1", "mix", (new, TRACKS[0]))])
    assert _names(search_tracks(catalog, "newcomer brand")) == ["Brand New Tune"]


def test_tracks_before_the_migration_are_indexed_by_it(any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    with catalog.engine.begin() as conn:
        command.downgrade(migration_config(conn), "0001_initial_catalog")
    with catalog.engine.begin() as conn:  # written as an older mixtape would: no documents
        BatchWriter(conn).upsert_tracks(list(TRACKS))
    catalog.dispose()
    catalog = open_catalog(any_db_url)  # migrates to head, building the documents
    try:
        assert _names(search_tracks(catalog, "beyon halo")) == ["Halo"]
        assert len(search_tracks(catalog, "queen")) == 2
    finally:
        catalog.dispose()


def _primary_artists(catalog: Catalog) -> dict[int, tuple[str, str]]:
    """track id → (the stored primary artist, its first credited artist's name folded)."""
    with catalog.connect() as conn:
        rows = conn.execute(
            select(schema.track_search.c.track_id, schema.track_search.c.primary_artist)
        )
        stored = {int(r[0]): str(r[1]) for r in rows}
        credits = conn.execute(
            select(schema.artist_track.c.track_id, schema.artists.c.name)
            .join(schema.artists, schema.artists.c.id == schema.artist_track.c.artist_id)
            .order_by(schema.artist_track.c.track_id, schema.artist_track.c.position)
        )
        first: dict[int, str] = {}
        for track_id, name in credits:
            first.setdefault(int(track_id), str(name))
    return {t: (p, fold(first.get(t))) for t, p in stored.items()}


def test_documents_hold_the_primary_artist(catalog: Catalog) -> None:
    guest = ArtistRef("Guest Star")
    _write(catalog, [TrackRecord("Pressure", artists=(ArtistRef("David Bowie"), QUEEN))])
    _write(catalog, [TrackRecord(None, spotify_id=HALO, artists=(BEYONCE, guest))])
    _write(catalog, [TrackRecord("Nobody's", spotify_id="F" * 22)])  # no artist
    primary = _primary_artists(catalog)
    assert len(primary) == len(TRACKS) + 2
    assert all(stored == expected for stored, expected in primary.values())
    assert {p for p, _ in primary.values()} == {
        "beyonce", "someone else", "queen", "bobby darin", "zoe kravitz", "david bowie", ""
    }  # fmt: skip


def test_the_primary_artists_of_documents_before_the_migration(any_db_url: str) -> None:
    catalog = open_catalog(any_db_url)
    _write(catalog, [*TRACKS, TrackRecord("Pressure", artists=(ArtistRef("David Bowie"), QUEEN))])
    with catalog.engine.begin() as conn:  # documents as mixtape wrote them before 0006
        command.downgrade(migration_config(conn), "0005_local_audio")
        columns = conn.exec_driver_sql("SELECT * FROM track_search").keys()
        assert "primary_artist" not in list(columns)
    catalog.dispose()
    catalog = open_catalog(any_db_url)  # migrates to head: the column filled
    try:
        primary = _primary_artists(catalog)
        assert len(primary) == len(TRACKS) + 1
        assert all(stored == expected for stored, expected in primary.values())
        assert _names(search_tracks(catalog, "queen")) == [
            "Bohemian Rhapsody",
            "Don't Stop Me Now",
            "Pressure",
        ]
    finally:
        catalog.dispose()


def test_sqlite_full_text_index_stays_consistent(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    _write(catalog, TRACKS)
    _write(catalog, [TrackRecord("Renamed", spotify_id=HALO, artists=(BEYONCE,))])
    with catalog.begin() as conn:
        conn.execute(delete(schema.tracks).where(schema.tracks.c.key == "D" * 22))
        conn.exec_driver_sql(
            "INSERT INTO track_search_fts(track_search_fts) VALUES ('integrity-check')"
        )
        assert conn.exec_driver_sql("SELECT count(*) FROM track_search_fts").scalar() == 6
    catalog.dispose()


def test_sqlite_indexes_prefixes_of_two_to_six_characters(sqlite_url: str) -> None:
    catalog = open_catalog(sqlite_url)
    _write(catalog, TRACKS)
    with catalog.engine.begin() as conn:  # an index built by 0003, then migrated again
        command.downgrade(migration_config(conn), "0003_search_index")
    catalog.dispose()
    catalog = open_catalog(sqlite_url)
    try:
        with catalog.connect() as conn:
            sql = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'track_search_fts'"
            ).scalar()
            conn.exec_driver_sql(
                "INSERT INTO track_search_fts(track_search_fts) VALUES ('integrity-check')"
            )
        assert "prefix='2 3 4 5 6'" in sql
        assert _names(search_tracks(catalog, "bohem")) == ["Bohemian Rhapsody"]
        _write(catalog, [TrackRecord("Rhapsody in Blue", artists=(ArtistRef("Gershwin"),))])
        assert _names(search_tracks(catalog, "rhaps")) == ["Rhapsody in Blue", "Bohemian Rhapsody"]
        with catalog.begin() as conn:  # the delete trigger is back too
            conn.execute(delete(schema.tracks).where(schema.tracks.c.name == "Rhapsody in Blue"))
        assert _names(search_tracks(catalog, "rhaps")) == ["Bohemian Rhapsody"]
    finally:
        catalog.dispose()


@pytest.fixture
def mysql_url(_server_catalogs: ServerCatalogs) -> str:
    return _server_catalogs.empty("mariadb")


def test_mysql_short_words_and_stopwords(mysql_url: str) -> None:
    catalog = open_catalog(mysql_url)
    _write(catalog, TRACKS)
    try:
        assert _names(search_tracks(catalog, "the sea")) == ["Beyond the Sea"]  # a stopword
        assert _names(search_tracks(catalog, "in lov")) == ["Crazy in Love"]
        # Only words InnoDB does not index: names or artists starting with the first.
        assert set(_names(search_tracks(catalog, "ha"))) == {"Halo", "Halo Effect"}
    finally:
        catalog.dispose()


def test_one_character_words(catalog: Catalog) -> None:
    _write(catalog, [TrackRecord("X", artists=(ArtistRef("M"),))])
    assert _names(search_tracks(catalog, "bohemian r")) == ["Bohemian Rhapsody"]  # r waits
    assert _names(search_tracks(catalog, "x")) == ["X"]  # alone: whole words
    assert _names(search_tracks(catalog, "m - x")) == ["X"]


def test_ranking_prefers_whole_words_titles_and_short_documents() -> None:
    found = [
        (1, "halo effect extended", "someone", "someone"),
        (2, "halogen", "halo", "halo"),
        (3, "halo", "beyonce", "beyonce"),
        (4, "halo effect", "someone", "someone"),
        (5, "sky", "halo band", "halo band"),
        (6, "nothing", "nobody", "nobody"),  # misses the word: an engine matched too loosely
    ]
    # 2 holds "halo" whole (as its artist) and starts its title with it: before 5.
    assert rank(parse_query("halo"), found, 10) == [3, 4, 1, 2, 5]
    whole_artist = [(7, "haloscape", "x", "x"), (8, "sky", "halo", "halo")]
    assert rank(parse_query("halo"), whole_artist, 10) == [8, 7]
    assert rank(parse_query("halo"), found, 2) == [3, 4]
    assert rank(parse_query("halo - sky"), found, 10) == [5]  # artist "halo", title "sky"
    assert rank(parse_query("sky - halo"), found, 10) == []
    assert rank(parse_query("halo band - sky"), found, 10) == [5]


def test_an_artist_own_tracks_come_before_those_it_features_on(catalog: Catalog) -> None:
    # Shorter than "Don't Stop Me Now" by Queen: by length alone it would come first.
    _write(catalog, [TrackRecord("Pressure", artists=(ArtistRef("David Bowie"), QUEEN))])
    assert _names(search_tracks(catalog, "queen")) == [
        "Bohemian Rhapsody",
        "Don't Stop Me Now",
        "Pressure",
    ]
    assert _names(search_tracks(catalog, "bowie")) == ["Pressure"]  # featured, still found


def test_ranking_a_featured_artist_below_the_primary() -> None:
    found = [(1, "run", "sky high queen", "sky high"), (2, "a longer title", "queen", "queen")]
    assert rank(parse_query("queen"), found, 10) == [2, 1]
    assert rank(parse_query("sky"), found, 10) == [1]
    assert rank(parse_query("queen - run"), found, 10) == [1]
    # Not knowing whose (every credited artist the primary one): by length.
    alike = [(i, name, credit, credit) for i, name, credit, _ in found]
    assert rank(parse_query("queen"), alike, 10) == [1, 2]


def test_queries_fold_like_documents() -> None:
    assert fold("  Beyoncé — Déjà  Vu (feat. JAY-Z)\n") == "beyonce deja vu feat jay z"
    assert fold("Don’t") == "dont" and fold(None) == "" and fold("ＡＢＣ") == "abc"
    assert parse_query("Beyoncé - Halo").title == ("halo",)
    assert parse_query("Beyoncé - Halo").artist == ("beyonce",)
    assert parse_query("a - ").words == ("a",)  # one side empty: not a split
    assert len(parse_query(" ".join("w" * 3 for _ in range(30))).words) == 8
    assert parse_query("a tribe c") == Query(words=("tribe",))
    assert parse_query("a b") == Query(words=("a", "b"), whole=True)
