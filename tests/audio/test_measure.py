"""What analyse() measures from synthesized signals whose right answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from mixtape.audio import measure
from tests.factories.audio import Synth


def test_a_click_track_at_97_bpm_measures_97(synth: Synth) -> None:
    assert synth.analysis("click97.wav").tempo == pytest.approx(97, abs=2)


def test_chords_in_f_sharp_minor_give_f_sharp_minor(synth: Synth) -> None:
    found = synth.analysis("f_sharp_minor.wav")
    assert (found.key, found.mode) == (6, 0)


def test_loud_drums_do_not_hide_the_key(synth: Synth) -> None:
    found = synth.analysis("f_sharp_minor_drums.wav")
    assert (found.key, found.mode) == (6, 0)
    assert found.tempo == pytest.approx(124, abs=2)


def test_chords_in_c_major_give_c_major(synth: Synth) -> None:
    found = synth.analysis("c_major.wav")
    assert (found.key, found.mode) == (0, 1)


def test_a_997_hz_tone_at_minus_14_dbfs_rms_measures_minus_14_db(synth: Synth) -> None:
    # At 997 Hz the K-weighting's gain cancels BS.1770's -0.691 dB: loudness == RMS level.
    assert synth.analysis("tone.wav").loudness == pytest.approx(-14, abs=1)


def test_loudness_is_clipped_to_spotifys_scale() -> None:
    silence = np.zeros((44100, 1), dtype=np.float32)
    assert measure.loudness(silence, 44100) == -60.0
    # A full-scale 1 kHz square wave in stereo: about +3 LUFS by BS.1770's sum of channels.
    square = np.sign(np.sin(2 * np.pi * 1000 * np.arange(44100) / 44100)).astype(np.float32)
    square = np.repeat(square[:, None], 2, axis=1)
    assert measure.loudness(square, 44100) == 0.0


def test_a_stereo_file_sums_its_channels_power_as_bs1770_does() -> None:
    t = np.arange(44100 * 2) / 44100
    mono = (np.sin(2 * np.pi * 997 * t) * 10 ** (-20 / 20) * np.sqrt(2))[:, None]
    stereo = np.repeat(mono, 2, axis=1)
    assert measure.loudness(stereo, 44100) - measure.loudness(mono, 44100) == pytest.approx(
        3.01, abs=0.05
    )


def test_accents_every_third_beat_give_three_four_and_every_fourth_four_four(
    synth: Synth,
) -> None:
    assert synth.analysis("waltz.wav").time_signature == 3
    assert synth.analysis("march.wav").time_signature == 4


def test_beats_without_accents_give_no_time_signature(synth: Synth) -> None:
    assert synth.analysis("click97.wav").time_signature is None


def test_a_steady_tone_has_no_tempo_and_no_metre(synth: Synth) -> None:
    found = synth.analysis("tone.wav")
    assert found.tempo is None
    assert found.time_signature is None


def test_tempi_fold_into_the_range() -> None:
    assert measure.fold_tempo(48.5) == 97.0
    assert measure.fold_tempo(194.0) == 97.0
    assert measure.fold_tempo(120.0) == 120.0


def test_energy_ranks_a_loud_groove_above_a_quiet_tone(synth: Synth) -> None:
    groove, quiet = synth.analysis("groove.wav"), synth.analysis("quiet_tone.wav")
    assert 0.0 <= quiet.energy < groove.energy <= 1.0
    assert quiet.energy < 0.3


def test_danceability_ranks_a_groove_above_noise_and_a_tone(synth: Synth) -> None:
    groove = synth.analysis("groove.wav").danceability
    assert groove > 0.6
    assert synth.analysis("noise.wav").danceability < groove - 0.3
    assert synth.analysis("tone.wav").danceability < groove - 0.3
    # Chords struck every two seconds: a clear, regular pulse, but at 30 BPM.
    assert synth.analysis("f_sharp_minor.wav").danceability < groove - 0.3


def test_the_groove_is_measured_whole(synth: Synth) -> None:
    found = synth.analysis("groove.wav")
    assert found.tempo == pytest.approx(124, abs=2)
    assert found.time_signature == 4  # kick on 1 and 3, snare on 2 and 4
    assert found.duration_s == pytest.approx(12, abs=0.01)


def test_features_are_the_local_features_columns(synth: Synth) -> None:
    found = synth.analysis("f_sharp_minor.wav")
    assert found.features() == {
        "danceability": found.danceability,
        "energy": found.energy,
        "key": 6,
        "loudness": found.loudness,
        "mode": 0,
        "tempo": found.tempo,
        "duration_ms": 16000,
        "time_signature": found.time_signature,
    }


def test_a_bass_accent_marks_the_bar_when_the_whole_spectrum_does_not() -> None:
    beats = np.arange(10, 10 + 21 * 24, 21)
    levels = np.full((2, beats[-1] + 20), -40.0)
    levels[0, beats] = -10.0  # every beat equally loud over the whole spectrum
    levels[1, beats] = -30.0
    levels[1, beats[::3]] = -20.0  # the kick on every third beat
    assert measure.time_signature(levels, beats) == 3
    levels[1, beats] = -30.0
    assert measure.time_signature(levels, beats) is None
