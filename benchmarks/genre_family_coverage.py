"""How many real genre names land in a family other than "other".

    .venv/bin/python benchmarks/genre_family_coverage.py [PATH] [--unmapped]

PATH is a CSV with a ``genres`` column, one genre name per row (default: the
Kaggle ``genres_summary.csv`` under ../shared/data/catalogs).  Prints the count
and share of each family, the share landing outside "other" and the time per
name; ``--unmapped`` then lists the names that landed in "other", one per
line, with the rule that sent them there.  Nothing is asserted here: the
coverage gate lives in tests/features/test_families.py.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from mixtape.features.families import FAMILIES, coverage, decide

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/catalogs/genres_summary.csv"


def read_genres(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or "genres" not in reader.fieldnames:
            sys.exit(f"error: {path} has no 'genres' column")
        return [row["genres"] for row in reader]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--unmapped", action="store_true", help='list the names in "other"')
    args = parser.parse_args(argv)
    if not args.path.is_file():
        sys.exit(f"error: {args.path} not found; pass the CSV path")
    names = read_genres(args.path)

    start = time.perf_counter()
    cov = coverage(names)  # cold: every name decided once
    seconds = time.perf_counter() - start

    print(f"{args.path.name}: {cov.total} names")
    print(f"{'family':<10}{'count':>7}{'share':>9}")
    for family in FAMILIES:
        count = cov.counts[family]
        print(f"{family:<10}{count:>7}{count / cov.total:>9.1%}")
    print(f"{'mapped':<10}{cov.total - cov.counts['other']:>7}{cov.mapped_share:>9.1%}")
    print(f"time: {seconds * 1e6 / max(cov.total, 1):.1f} us per name (cold cache)")
    if args.unmapped:
        print(f'\n{len(cov.unmapped)} names in "other":')
        for name in cov.unmapped:
            decision = decide(name)
            why = decision.rule + (f": {decision.term}" if decision.term else "")
            print(f"{name}  ({why})")


if __name__ == "__main__":
    main()
