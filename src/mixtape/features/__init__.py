"""Feature matrices built from the catalog.

id<->row index, scaled audio, buckets, genre TF-IDF, genre families.
"""
