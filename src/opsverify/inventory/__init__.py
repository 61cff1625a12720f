"""Inventory: the YAML model of a healthy environment, its loader and entry types."""

from .entries import ComposeEntry, ContainerEntry, HttpEntry, HttpExpect
from .hosts import HostEntry
from .loader import embedded_path, load_inventory
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
    "embedded_path",
    "load_inventory",
]
