"""A corpus of statistics and boundary files built from real public sources (see README.md)."""
