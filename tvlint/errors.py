"""The errors that stop a run before any file is checked, raised at every layer."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration that cannot be used; the message says where and why."""
