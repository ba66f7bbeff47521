"""min/max/target values outside an attribute's range are refused, naming the input."""

from __future__ import annotations

import pytest

from mixtape.errors import InputError
from mixtape.inputs import ATTRIBUTE_RANGES, bounds
from mixtape.models.controls import ATTRIBUTES, Bound


def test_every_attribute_has_a_range() -> None:
    assert set(ATTRIBUTE_RANGES) == set(ATTRIBUTES)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"target": {"energy": 7}},
            "target",
            "energy=7 is outside the range of energy, 0 to 1",
        ),
        (
            {"minimum": {"tempo": -1}},
            "min",
            "tempo=-1 is outside the range of tempo, 0 to 300",
        ),
        ({"maximum": {"popularity": 101}}, "max", "popularity=101 is outside the range"),
        ({"target": {"year": 20240}}, "target", "year=20240 is outside the range of year"),
        ({"minimum": {"valence": -0.1}}, "min", "valence=-0.1 is outside"),
    ],
)
def test_values_out_of_range_are_refused(
    kwargs: dict[str, dict[str, float]], field: str, message: str
) -> None:
    with pytest.raises(InputError) as err:
        bounds(**kwargs)
    assert err.value.field == field
    assert str(err.value).startswith(message)


def test_the_ends_of_each_range_are_accepted() -> None:
    merged = bounds(
        minimum={"energy": 0.0, "year": 1950},
        maximum={"energy": 1.0, "tempo": 300.0},
        target={"popularity": 100.0},
    )
    assert merged["energy"] == Bound(min=0.0, max=1.0)
    assert merged["popularity"] == Bound(target=100.0)
