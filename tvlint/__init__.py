"""tvlint: a linter and fixer for training_versions.json files."""

__version__ = "0.1.0"

# typing.TYPE_CHECKING without importing typing, which a check never needs: modules
# write `from tvlint import TYPE_CHECKING` (type checkers read the name as theirs).
# tests/test_startup.py shows what a one-file check must not import.
TYPE_CHECKING = False
