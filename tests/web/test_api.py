"""The JSON API: the CLI's --json shapes, every control, downloads parsed back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mixtape.library import Mixtape
from tests.factories.web import parse_playlist
from tests.web.client import Client


def as_json(data: Any) -> Any:
    """``data`` as it comes back from JSON (tuples become lists, NaN becomes None)."""
    return json.loads(json.dumps(data))


def test_ping_is_a_constant(client: Client) -> None:
    assert client.get("/api/ping").json() == {"ok": True}


def test_models_match_the_facade(client: Client, mx: Mixtape) -> None:
    assert client.get("/api/models").json() == {
        "models": as_json([m.as_dict() for m in mx.models()])
    }


def test_stats_match_the_facade(client: Client, mx: Mixtape) -> None:
    assert client.get("/api/stats").json() == as_json(mx.stats().as_dict())


def test_a_track_by_id_url_or_name(client: Client, mx: Mixtape, track_id: str) -> None:
    details = mx.track(track_id)
    expected = as_json(details.as_dict())
    assert client.get(f"/api/tracks/{track_id}").json() == expected
    url = f"https://open.spotify.com/track/{track_id}?si=x"
    assert client.get("/api/tracks/" + url.replace("?", "%3F")).json() == expected
    label = f"{details.artists[0]} - {details.name}"
    assert client.get("/api/tracks/" + label).json()["track_id"] == track_id


def test_recommend_has_the_cli_json_shape(client: Client, mx: Mixtape, track_id: str) -> None:
    answer = client.get(f"/api/recommend?model=content&track={track_id}&n=5")
    assert answer.status_code == 200
    expected = mx.recommend("content", tracks=(track_id,), n=5).as_dict()
    assert answer.json() == as_json(expected)
    assert len(answer.json()["recommendations"]) == 5


def test_recommend_applies_every_control(client: Client, mx: Mixtape, track_id: str) -> None:
    first = client.get(f"/api/recommend?model=audio&track={track_id}&n=3").json()
    excluded = first["recommendations"][0]["track_id"]
    query = (
        f"model=audio&track={track_id}&n=8&max_per_artist=1&all_versions=true"
        f"&exclude={excluded}&target=energy:0.8&min_valence=0.2&max_tempo=200"
    )
    answer = client.get("/api/recommend?" + query)
    assert answer.status_code == 200, answer.text
    expected = mx.recommend(
        "audio",
        tracks=(track_id,),
        n=8,
        max_per_artist=1,
        all_versions=True,
        exclude=(excluded,),
        target={"energy": 0.8},
        minimum={"valence": 0.2},
        maximum={"tempo": 200},
    ).as_dict()
    assert answer.json() == as_json(expected)
    ids = [r["track_id"] for r in answer.json()["recommendations"]]
    assert excluded not in ids
    artists = [r["artists"][0] for r in answer.json()["recommendations"]]
    assert len(artists) == len(set(artists))
    # target_energy= is the same as target=energy:
    same = client.get("/api/recommend?" + query.replace("target=energy:0.8", "target_energy=0.8"))
    assert same.json() == answer.json()


def test_recommend_from_a_mood_or_a_playlist(client: Client, mx: Mixtape) -> None:
    mood = client.get("/api/recommend?model=mood&mood=calm&n=4").json()
    assert mood["mood"] is not None
    assert len(mood["recommendations"]) == 4
    key = mx.playlists(limit=1)[0].key
    from_playlist = client.get(f"/api/recommend?model=hybrid&playlist={key}&n=4")
    assert from_playlist.status_code == 200, from_playlist.text
    assert len(from_playlist.json()["seeds"]) > 1


def test_recommend_from_a_title_alone_or_with_tracks(
    client: Client, mx: Mixtape, track_id: str
) -> None:
    title = mx.playlists(limit=1)[0].name
    answer = client.get("/api/recommend", params={"title": title, "n": 5})
    assert answer.status_code == 200, answer.text
    assert answer.json() == as_json(mx.recommend("title", title=title, n=5).as_dict())
    assert answer.json()["model"] == "title" and answer.json()["title"] == title
    beside = client.get(
        "/api/recommend", params={"model": "content", "track": track_id, "title": title}
    )
    assert beside.status_code == 200, beside.text
    assert any("does not use playlist titles" in w for w in beside.json()["warnings"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("model=content", "track"),  # no seeds at all
        ("model=content&title=%F0%9F%94%A5", "title"),  # a title without words
        ("model=popular&title=summer", "title"),  # a model that needs tracks
        ("track=x", "model"),  # tracks and no model
        ("model=nope&mood=calm", "model"),
        ("model=mood&mood=sideways", "mood"),
        ("model=content&track=x&max_per_artist=0", "max_per_artist"),
        ("model=content&track=x&min_energy=0.9&max_energy=0.1", "min_energy"),
        ("model=content&track=x&format=mp3", "format"),
    ],
)
def test_recommend_refuses_bad_input_naming_the_field(
    client: Client, query: str, field: str | None
) -> None:
    answer = client.get("/api/recommend?" + query)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field


@pytest.mark.parametrize("fmt", ["m3u8", "xspf", "jspf", "json"])
def test_recommendations_download_in_every_format(
    client: Client, mx: Mixtape, track_id: str, fmt: str
) -> None:
    answer = client.get(f"/api/recommend?model=content&track={track_id}&n=6&format={fmt}")
    found = parse_playlist(answer, fmt)
    expected = [
        r.track_id for r in mx.recommend("content", tracks=(track_id,), n=6).recommendations
    ]
    assert len(found) == 6
    assert all(e in f for e, f in zip(expected, found, strict=True))


def test_path_walks_from_one_track_to_another(client: Client, mx: Mixtape, track_id: str) -> None:
    end = mx.recommend("mood", mood="angry", n=1).recommendations[0].track_id
    answer = client.get(f"/api/path?from={track_id}&to={end}&n=7&model=audio")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body == as_json(mx.path(track_id, end, n=7, model="audio").as_dict())
    ids = [t["track_id"] for t in body["tracks"]]
    assert (ids[0], ids[-1], len(ids), len(set(ids))) == (track_id, end, 7, 7)
    found = parse_playlist(
        client.get(f"/api/path?from={track_id}&to={end}&n=7&format=xspf"), "xspf"
    )
    assert len(found) == 7
    same_end = client.get(f"/api/path?from={track_id}&to={track_id}")
    assert same_end.status_code == 422
    assert same_end.json()["error"]["field"] == "to"
    wrong_model = client.get(f"/api/path?from={track_id}&to={end}&model=mood")
    assert wrong_model.json()["error"]["field"] == "model"


def test_the_mood_map_is_a_grid_and_a_sample(client: Client, mx: Mixtape) -> None:
    body = client.get("/api/mood/map").json()
    assert body["bins"] == len(body["counts"]) == len(body["counts"][0])
    assert sum(map(sum, body["counts"])) == body["total"]
    assert 0 < len(body["sample"]) <= body["total"]
    key, valence, energy = body["sample"][0]
    assert mx.briefs([key])[0].valence == pytest.approx(valence, abs=1e-3)
    assert 0 <= energy <= 1
