"""mixtape: a music recommender you can run on your own data."""

__version__ = "0.1.0"
