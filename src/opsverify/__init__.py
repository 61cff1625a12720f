"""opsverify: runbook checks as pytest checks, and offline Prometheus rule tests."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("opsverify")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
