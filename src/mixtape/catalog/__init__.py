"""The relational catalog: schema, migrations, connections, batched writes, reads."""

from mixtape.catalog.db import Catalog, open_catalog

__all__ = ["Catalog", "open_catalog"]
