"""Inventory: the YAML model of a healthy environment, its loader and entry types."""

from .compose import ComposeEntry
from .containers import ContainerEntry
from .hosts import HostEntry
from .http import HttpEntry, HttpExpect
from .loader import load_inventory
from .model import Defaults, Environment, Inventory

__all__ = [
    "ComposeEntry",
    "ContainerEntry",
    "Defaults",
    "Environment",
    "HostEntry",
    "HttpEntry",
    "HttpExpect",
    "Inventory",
    "load_inventory",
]
