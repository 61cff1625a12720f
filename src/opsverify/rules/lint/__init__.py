"""``opsverify rules lint``: checks on rule files that catch real incidents, each with an id and a severity."""
