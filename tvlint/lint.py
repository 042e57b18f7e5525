"""One file: bytes → parse → rules → located problems."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tvlint import TYPE_CHECKING
from tvlint.compiled_json import compiled_data
from tvlint.config import DEFAULT_PROTECT, Settings
from tvlint.document import Document, InvalidJSON, NeedsText, Unplaced, decode, parse_text
from tvlint.interrupts import stop_if_noted
from tvlint.reading import DEFAULT_MAX_FILE_SIZE, describe_os_error, read_file
from tvlint.result import Outcome, Problems
from tvlint.rules import BY_CODE, Rule, configured_rules
from tvlint.rules.interpret import enabled_codes, interpret
from tvlint.rules.schema import MAX_SCHEMA_PROBLEMS, SchemaRule
from tvlint.untrusted import VALUE_LIMIT, cut

if TYPE_CHECKING:
    from tvlint.problem import Finding, Problem
    from tvlint.tree import Tree


class Linter:
    """Runs the enabled rules over files; holds no per-file state."""

    def __init__(
        self,
        rules: Sequence[Rule] | None = None,
        enabled: Iterable[str] | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        protect: Sequence[str] = DEFAULT_PROTECT,
        unsafe_fixes: bool = False,
    ) -> None:
        wanted = set(BY_CODE) if enabled is None else set(enabled)
        if rules is None:
            default = Settings()
            rules = configured_rules(default, default.rule_options, wanted)
        self.rules = [rule for rule in rules if rule.code in wanted]
        self.max_file_size = max_file_size
        self.protect = tuple(protect)  # the keys every fix carries or holds for a person
        self.unsafe_fixes = unsafe_fixes  # --fix also makes the fixes that change values

    @classmethod
    def for_settings(cls, settings: Settings) -> Linter:
        """The linter a run with these settings uses (ConfigError or SchemaLoadError if
        a rule cannot be set up)."""
        settings = interpret(settings)
        enabled = enabled_codes(settings)
        rules = configured_rules(settings, settings.rule_options, enabled)
        return cls(rules, enabled, settings.max_file_size, settings.protect, settings.unsafe_fixes)

    def parse_bytes(self, held: list[bytes]) -> Document:
        """The document of the bytes ``held`` (their only reference, taken from it).

        The text is the file from here: holding its bytes as well would add the file's
        whole size to the peak memory.
        """
        text, has_bom = decode(held.pop())
        return parse_text(text, has_bom)

    def load(self, path: str, tree: Tree | None = None) -> Document | Outcome:
        """The file's document, or its outcome if it cannot be read, is not JSON, or is
        found clean without one (``compiled``). KeyboardInterrupt where a Ctrl-C was noted
        (``tvlint.interrupts``): a run stops before its next file."""
        stop_if_noted()
        try:
            raw = read_file(path, self.max_file_size, tree)
        except OSError as exc:
            return Outcome(path, error=describe_os_error(exc))
        found = self.compiled(path, raw)
        if found is not None:
            return found
        held = [raw]
        del raw  # the one reference is handed over, to be let go once decoded
        try:
            return self.parse_bytes(held)
        except InvalidJSON as exc:
            return self.invalid(path, exc)

    def compiled(self, path: str, raw: bytes) -> Outcome | Document | None:
        """The file through the compiled parser: the outcome of a file with no problem;
        for a file with one, its document (its text, and that parser's data, with places
        found on demand); None where that parser cannot decide (the walking parse then
        does it all)."""
        if len(raw) > COMPILED_UP_TO:
            return None
        parsed = compiled_data(raw)
        if parsed is None:
            return None
        data = parsed[0]
        del parsed
        unplaced = Unplaced(data, len(raw))
        clean: list[Rule] = []
        try:
            for rule in self.rules:
                for _ in rule.check(unplaced):
                    raise NeedsText
                clean.append(rule)
        except NeedsText:  # a rule found something: the document places it
            text, has_bom = decode(raw)
            placed = Document(text, data, has_bom, ())
            placed.model = unplaced.model  # what was worked out of the data holds
            placed.found_clean = frozenset(clean)  # and so do the verdicts reached
            return placed
        return Outcome(path, Problems())

    def check_file(self, path: str, tree: Tree | None = None) -> Outcome:
        """One file's outcome: its problems, or why it could not be read."""
        loaded = self.load(path, tree)
        return loaded if isinstance(loaded, Outcome) else self.lint_document(path, loaded)

    def invalid(self, path: str, exc: InvalidJSON) -> Outcome:
        """The outcome for a file that is not JSON: what the rules say of that."""
        findings = [finding for rule in self.rules for finding in rule.check_unparsed(exc)]
        return Outcome(
            path, tuple(_placed(path, finding, finding.position) for finding in findings)
        )

    def lint_document(self, path: str, doc: Document) -> Outcome:
        clean = doc.found_clean
        findings = (
            finding for rule in self.rules if rule not in clean for finding in rule.check(doc)
        )
        return Outcome(path, locate(path, doc, findings, self.unsafe_fixes))


# Files larger than this take the walking parse at once: a file with a problem is parsed
# twice where the compiled parser goes first, and for a large one the second parse costs
# more than the first saves (bench/README.md).
COMPILED_UP_TO = 1 << 20

# Problems of these rules shown for one file, at most (the rest are counted).
_CAPPED = {SchemaRule.code: MAX_SCHEMA_PROBLEMS}


def locate(
    path: str, doc: Document, findings: Iterable[Finding], unsafe_fixes: bool = False
) -> Problems:
    """The findings placed in the text, in text order; each placed as it comes, so
    that no more than the problems kept are held at once."""
    placed: list[tuple[int, str, Finding]] = []
    shown: dict[str, int] = {}
    omitted: dict[str, int] = {}
    for f in findings:
        cap = _CAPPED.get(f.code)
        if cap is not None:
            if shown.get(f.code, 0) >= cap:
                omitted[f.code] = omitted.get(f.code, 0) + 1
                continue
            shown[f.code] = shown.get(f.code, 0) + 1
        placed.append((doc.locate(f.pointer) if f.offset is None else f.offset, f.code, f))
    placed.sort(key=lambda item: (item[0], item[1]))
    # In text order, so positions cost one pass.
    return Problems(
        (
            _placed(path, finding, doc.position(offset), unsafe_fixes)
            for offset, _, finding in placed
        ),
        omitted,
    )


def _placed(
    path: str, finding: Finding, position: tuple[int, int] | None, unsafe_fixes: bool = False
) -> Problem:
    from tvlint.problem import Problem  # made only where a file has a problem

    line, column = position or (1, 1)
    pointer = finding.pointer
    if len(pointer) > VALUE_LIMIT:  # keys from the file: each shown cut
        pointer = "/".join(cut(token) for token in pointer.split("/"))
    rule = BY_CODE[finding.code]
    fix = finding.fix
    fixable = fix == "safe" or (fix == "unsafe" and unsafe_fixes)
    return Problem(path, line, column, rule.code, rule.name, finding.message, pointer, fixable, fix)
