"""Natural keys to surrogate ids inside one transaction, and link rows written once.

:class:`KeyResolver` is the half of :class:`~mixtape.catalog.writes.BatchWriter`
that knows no entity: it resolves keys in chunks (``pending`` first, then the
run's :class:`IdCache`, then the database), inserts the missing rows, and
remembers the rows and links it created so that they need no look-up.

Ids learned inside the transaction are kept in ``pending`` and merged into the
shared :class:`IdCache` only after the transaction commits, so a rolled-back
batch never leaves stale ids behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table, func, select

from mixtape.catalog.bulk import bulk_insert, coalesce_update, select_in


class IdCache:
    """Committed natural-key → id maps, shared by the batches of one run."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {
            "artists": {},
            "albums": {},
            "tracks": {},
            "genres": {},
            "playlists": {},
        }


#: Link-table column → the entity table its ids come from.
_LINKED = {"artist_id": "artists", "track_id": "tracks", "album_id": "albums"}


class KeyResolver:
    """Key look-ups and link rows inside one open transaction (``conn``)."""

    def __init__(self, conn: Connection, cache: IdCache | None = None) -> None:
        self.conn = conn
        self.cache = cache or IdCache()
        self.pending: dict[str, dict[str, int]] = {name: {} for name in self.cache.ids}
        # Ids created in this transaction: they cannot have link rows yet, except
        # the ones this writer inserted (kept per link table), so their links
        # need no existence look-up.
        self.created: dict[str, set[int]] = {name: set() for name in self.cache.ids}
        self.linked: dict[str, set[tuple[int, int]]] = {}

    # -- key resolution -------------------------------------------------------
    def commit_to_cache(self) -> None:
        """Call after the transaction committed."""
        for name, ids in self.pending.items():
            self.cache.ids[name].update(ids)
            ids.clear()

    def _split_known(self, table: str, keys: Iterable[str]) -> tuple[dict[str, int], list[str]]:
        """(key → id for keys already resolved, the keys still unknown)."""
        pending, cached = self.pending[table], self.cache.ids[table]
        out: dict[str, int] = {}
        unknown = []
        for key in keys:
            known = pending.get(key) or cached.get(key)
            if known is None:
                unknown.append(key)
            else:
                out[key] = known
        return out, unknown

    def _select_ids(self, table: Table, col: Column[Any], keys: Sequence[str]) -> dict[str, int]:
        return dict(select_in(self.conn, table, (col.name, "id"), col.name, keys))

    def _insert_ids(
        self, table: Table, key_col: str, rows: Sequence[Mapping[str, Any]]
    ) -> dict[str, int]:
        """Insert ``rows`` (all new) and return their key → id.

        On SQLite the ids are known without a look-up: one ``executemany``
        inside a transaction that holds the write lock gives consecutive
        rowids past the largest, in row order.  That is checked (count, lowest
        and highest new id) and any surprise falls back to selecting by key,
        as the other engines always do.
        """
        keys = [r[key_col] for r in rows]
        ids: dict[str, int] | None = None
        if self.conn.dialect.name == "sqlite":
            before = int(self.conn.execute(select(func.max(table.c.id))).scalar() or 0)
            bulk_insert(self.conn, table, rows)
            span = self.conn.execute(
                select(func.count(), func.min(table.c.id), func.max(table.c.id)).where(
                    table.c.id > before
                )
            ).one()
            if tuple(span) == (len(rows), before + 1, before + len(rows)):
                ids = {key: before + 1 + i for i, key in enumerate(keys)}
        else:
            bulk_insert(self.conn, table, rows)
        if ids is None:
            ids = self._select_ids(table, table.c[key_col], keys)
        self.created[table.name].update(ids.values())
        return ids

    def _ensure(
        self, table: Table, key_col: str, rows: Mapping[str, dict[str, Any]]
    ) -> dict[str, int]:
        """Ids for every key in ``rows``, inserting the missing rows."""
        return self._resolve(table, key_col, rows)[0]

    def _resolve(
        self, table: Table, key_col: str, rows: Mapping[str, dict[str, Any]]
    ) -> tuple[dict[str, int], set[str], set[str]]:
        """(key → id for every key in ``rows``, the keys this run already knew, the keys
        found in the database); the rest are inserted (and land in ``self.created``)."""
        name = table.name
        out, unknown = self._split_known(name, rows)
        known = set(out)
        in_db: set[str] = set()
        if unknown:
            found = self._select_ids(table, table.c[key_col], unknown)
            in_db = set(found)
            missing = [k for k in unknown if k not in found]
            if missing:
                found.update(self._insert_ids(table, key_col, [rows[k] for k in missing]))
            self.pending[name].update(found)
            out.update(found)
        return out, known, in_db

    def _grouped_update(
        self, table: Table, updates: list[tuple[tuple[str, ...], dict[str, Any]]]
    ) -> None:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for cols, row in updates:
            groups.setdefault(cols, []).append(row)
        for rows in groups.values():
            coalesce_update(self.conn, table, "id", rows)

    def _existing_links(
        self, table: Table, left: str, right: str, lefts: Iterable[int]
    ) -> set[tuple[int, int]]:
        """(left, right) link rows already there for these lefts: in the database for
        ids older than this transaction, from this writer's own inserts for new ones."""
        created = self.created[_LINKED[left]]
        old = sorted({a for a in lefts if a not in created})
        found = {(a, b) for a, b in select_in(self.conn, table, (left, right), left, old)}
        return found | self.linked.get(table.name, set())

    def _insert_links(
        self, table: Table, rows: Sequence[Mapping[str, Any]], cols: Sequence[str]
    ) -> None:
        bulk_insert(self.conn, table, rows)
        left, right = cols
        self.linked.setdefault(table.name, set()).update((r[left], r[right]) for r in rows)

    def insert_missing_pairs(
        self, table: Table, left: str, right: str, pairs: set[tuple[int, int]]
    ) -> int:
        """Insert (left, right) link rows that are not there yet."""
        if not pairs:
            return 0
        existing = self._existing_links(table, left, right, (p[0] for p in pairs))
        rows = [{left: a, right: b} for a, b in sorted(pairs - existing)]
        self._insert_links(table, rows, (left, right))
        return len(rows)
