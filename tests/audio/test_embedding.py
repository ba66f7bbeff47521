"""The sonic embedding: fixed length, finite, stored as bytes, near for alike sounds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mixtape.audio import SONIC_DIM, SONIC_FIELDS, analyse, from_bytes, to_bytes
from mixtape.audio.embedding import SONIC_PARTS, assemble
from tests.factories.audio import Synth, write

NAMES = ["groove.wav", "groove_b.wav", "noise.wav", "tone.wav", "f_sharp_minor.wav", "click97.wav"]


def test_every_file_gives_a_finite_vector_of_the_fixed_length(synth: Synth) -> None:
    assert len(SONIC_FIELDS) == len(set(SONIC_FIELDS)) == SONIC_DIM
    for name in NAMES:
        vector = synth.analysis(name).embedding
        assert vector.dtype == np.float32
        assert vector.shape == (SONIC_DIM,)
        assert np.all(np.isfinite(vector)), name


def test_silence_and_a_blip_still_give_finite_vectors(tmp_path: Path) -> None:
    for name, samples in (
        ("silence.wav", np.zeros(22050 * 3, dtype=np.float32)),
        ("blip.wav", np.full(300, 0.5, dtype=np.float32)),
    ):
        found = analyse(write(tmp_path / name, samples))
        assert found.embedding.shape == (SONIC_DIM,)
        assert np.all(np.isfinite(found.embedding))
        assert (found.tempo, found.key, found.danceability) == (None, None, 0.0)
    assert analyse(tmp_path / "silence.wav").loudness == -60.0


def standardized(synth: Synth) -> dict[str, np.ndarray]:
    """Each component standardized over the files, as a model does over its catalog."""
    matrix = np.stack([synth.analysis(name).embedding for name in NAMES]).astype(np.float64)
    matrix = (matrix - matrix.mean(axis=0)) / (matrix.std(axis=0) + 1e-9)
    return dict(zip(NAMES, matrix, strict=True))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_two_grooves_are_closer_to_each_other_than_to_anything_else(synth: Synth) -> None:
    vectors = standardized(synth)
    alike = cosine(vectors["groove.wav"], vectors["groove_b.wav"])
    for other in NAMES[2:]:
        assert alike > cosine(vectors["groove.wav"], vectors[other]) + 0.3, other
    raw = {name: synth.analysis(name).embedding for name in NAMES}  # unstandardized too
    near = np.linalg.norm(raw["groove.wav"] - raw["groove_b.wav"])
    assert all(near < np.linalg.norm(raw["groove.wav"] - raw[other]) for other in NAMES[2:])


def test_the_embedding_round_trips_through_bytes(synth: Synth) -> None:
    found = synth.analysis("groove.wav")
    blob = found.embedding_bytes()
    assert blob == to_bytes(found.embedding)
    assert len(blob) == 4 * SONIC_DIM
    assert np.array_equal(from_bytes(blob), found.embedding)
    with pytest.raises(ValueError, match="another analyser version"):
        from_bytes(blob[:-4])


def test_assembling_checks_every_part_by_name_and_size() -> None:
    parts = {name: np.zeros(len(fields)) for name, fields in SONIC_PARTS}
    parts["tempo"] = np.array([0.6])
    vector = assemble(dict(reversed(parts.items())))  # placed by name, not by order
    assert vector[SONIC_FIELDS.index("tempo")] == pytest.approx(0.6)
    with pytest.raises(ValueError, match="tempo"):
        assemble({name: part for name, part in parts.items() if name != "tempo"})
    with pytest.raises(ValueError, match="mfcc_mean has shape"):
        assemble({**parts, "mfcc_mean": np.zeros(13)})
