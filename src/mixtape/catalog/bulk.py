"""Bulk statements through the driver: many-row inserts, chunked look-ups, COALESCE updates.

The building blocks of :mod:`mixtape.catalog.writes` (and of the Spotify
library writes): each renders one portable statement and hands the driver all
its rows at once, because compiling thousands of statements (or one huge
``IN``) through SQLAlchemy costs more than running them.
"""

from __future__ import annotations

import contextlib
import gc
import operator
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func

from mixtape.batches import chunks

CHUNK = 500
LOOKUP_CHUNK = 5000  # keys per IN (...) look-up; under every engine's bind limit


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one bounded bulk load.

    A slice creates a few hundred thousand short-lived, acyclic objects
    (records, tuples, row dicts) that reference counting frees anyway; the
    collector's passes over them were measured at ~40% of parsing time.
    Restored (and any cycles collected later as usual) on the way out.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows (dicts with the same keys) at once."""
    if not rows:
        return
    cols = list(rows[0].keys())
    get = operator.itemgetter(*cols)  # one C call per row (a generator per row costs 4x)
    tuples = [get(r) for r in rows] if len(cols) > 1 else [(get(r),) for r in rows]
    insert_tuples(conn, table, cols, tuples)


def insert_tuples(
    conn: Connection, table: Table, cols: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows given as tuples in ``cols`` order, via the driver's executemany."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        quote = conn.dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        conn.exec_driver_sql(sql, list(rows))
    else:
        conn.execute(table.insert(), [dict(zip(cols, r, strict=True)) for r in rows])


def select_in(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    where: str,
    values: Sequence[Any],
) -> list[tuple[Any, ...]]:
    """``SELECT columns FROM table WHERE where IN (values)``, chunked, through the driver.

    Compiling a large ``IN`` with SQLAlchemy costs more than running it, so
    this one portable statement is rendered once per chunk size as plain SQL.
    """
    if not values:
        return []
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    head = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} "
        f"WHERE {quote(where)} IN "
    )
    out: list[tuple[Any, ...]] = []
    for part in chunks(values, LOOKUP_CHUNK):
        sql = head + "(" + ", ".join([mark] * len(part)) + ")"
        out.extend(tuple(r) for r in conn.exec_driver_sql(sql, tuple(part)).all())
    return out


def coalesce_update(
    conn: Connection, table: Table, id_col: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``SET col = COALESCE(:new, col)`` for every column the rows carry."""
    if not rows:
        return
    cols = [c for c in rows[0] if c != id_col]
    if not cols:
        return
    stmt = (
        table.update()
        .where(table.c[id_col] == bindparam("_id"))
        .values({c: func.coalesce(bindparam("_v_" + c), table.c[c]) for c in cols})
    )
    params = [{"_id": r[id_col], **{"_v_" + c: r[c] for c in cols}} for r in rows]
    conn.execute(stmt, params)
