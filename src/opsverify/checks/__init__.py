"""The opsverify checks suite: one thin pytest module per check kind, parametrized over the inventory.

The repository's top-level ``checks/`` is a symlink to this package, so there is one copy, shipped in the wheel.
"""
