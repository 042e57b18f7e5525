"""tvlint: a linter and fixer for training_versions.json files."""

__version__ = "0.1.0"
