"""One JSON object: summary, problems, fixes and the files that could not be read or written."""

from __future__ import annotations

from tvlint import TYPE_CHECKING
from tvlint.report import ReportOptions, Summary
from tvlint.result import Mode, RunResult
from tvlint.untrusted import clipped, cut

if TYPE_CHECKING:
    from typing import Any

    from tvlint.report.groups import EntryReport, GroupReport, RunReport
    from tvlint.result import FileFix


def _fix(fix: FileFix) -> dict[str, Any]:
    from tvlint.report.groups import group_reports, rename_reports, run_reports

    groups = group_reports(fix)
    merged = set(fix.merged)
    record: dict[str, Any] = {
        "path": fix.path,
        "written": fix.written,
        "backup": fix.backup,
        # The entries kept for their model file that are still there (a merge of one run
        # recorded twice may have taken one in: it is listed among its run's merged).
        "kept": [
            clipped(g.kept.id)
            for g, group in zip(groups, fix.groups, strict=True)
            if group.kept not in merged
        ],
        "removed": [clipped(r.id) for g in groups for r in g.removed],
        # Values from the file, clipped: a report grows with the entries, not their size.
        "groups": [_clipped(g) for g in groups],
        "runs": [_clipped_run(run) for run in run_reports(fix)],
        "renamed": [
            {"id": clipped(r.id), "name": clipped(r.name), "version": clipped(r.version)}
            for r in rename_reports(fix)
        ],
    }
    if fix.diff is not None:
        record["diff"] = fix.diff
    return record


def _clipped(group: GroupReport) -> dict[str, Any]:
    return {
        "model_file": cut(group.model_file),
        "kept": _clipped_entry(group.kept),
        "removed": [_clipped_entry(r) for r in group.removed],
    }


def _clipped_run(run: RunReport) -> dict[str, Any]:
    return {
        "version": clipped(run.version),
        "kept": _clipped_entry(run.kept),
        "merged": [_clipped_entry(r) for r in run.removed],
        "completed": run.completed,
    }


def _clipped_entry(report: EntryReport) -> dict[str, Any]:
    # Field by field rather than through asdict, which copies every value deeply only
    # for the values to be cut here.
    shown = {**vars(report), "id": clipped(report.id), "name": clipped(report.name)}
    for field in ("only_here", "carried"):
        if field in shown:
            shown[field] = {cut(k): clipped(v) for k, v in shown[field].items()}
    if "differs" in shown:
        shown["differs"] = {
            cut(k): {side: clipped(v) for side, v in values.items()}
            for k, values in shown["differs"].items()
        }
    return shown


def render(result: RunResult, summary: Summary, options: ReportOptions) -> dict[str, Any]:
    s = summary
    counts: dict[str, Any] = {
        "files": s.files,
        "files_with_problems": s.files_with_problems,
        "problems": s.problems,
        **{f"{noun}s": count for noun, count in s.counted.items()},
        "fixable": s.fixable,  # what --fix would remove
        "unsafe_fixable": s.unsafe_fixable,  # what only --fix --unsafe-fixes would
        "errors": s.errors,
        "skipped": s.skipped,
        "by_rule": s.by_rule,
    }
    document: dict[str, Any] = {
        "summary": counts,
        # A problem holds strings and numbers: its fields as they are (asdict would copy
        # each deeply, the most of a report with many problems).
        "problems": [dict(vars(p)) for p in result.problems],
        "errors": [{"path": path, "message": why} for path, why in result.errors],
    }
    if s.omitted:  # problems found and not listed; the report's shape is otherwise as ever
        counts["omitted"] = sum(count for _, _, count in s.omitted)
        document["omitted"] = [
            {"path": path, "code": code, "count": count} for path, code, count in s.omitted
        ]
    if result.mode is not Mode.CHECK:
        counts.update(
            changed=s.changed,
            removed=s.removed,
            merged=s.merged,
            renamed=s.renamed,
            backups=s.backups,
        )
        document["fixes"] = [_fix(f) for f in result.fixes]
    return document
