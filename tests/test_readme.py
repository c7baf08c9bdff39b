"""The README's Modules table matches the tree: every module is named, and every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_LISTED = {"__init__.py", "errors.py"}  # the package's re-exports and its two exception classes


def _modules_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Modules", 1)[1].split("\n## ", 1)[0]


def _named(section: str) -> set[str]:
    """Paths in the first column, with `a.py`, `b.py` after an `analytics/x.py` read as analytics/a.py."""
    names = set()
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        first = row.split("|")[1]
        folder = ""
        for path in re.findall(r"`([^`]+)`", first):
            if "/" in path:
                folder = path.rsplit("/", 1)[0] + "/" if not path.endswith("/") else path
                names.add(path)
            else:
                names.add(folder + path)
    return names


def test_every_module_is_in_the_readme():
    named = _named(_modules_section())
    modules = {str(p.relative_to(ROOT)) for p in [*ROOT.glob("analytics/*.py"), *ROOT.glob("analytics/*/*.py"),
                                                  *ROOT.glob("ui/*.py")]
               if p.name not in NOT_LISTED}
    missing = sorted(m for m in modules if m not in named)
    assert missing == []


def test_every_path_the_readme_names_exists():
    named = _named(_modules_section())
    assert sorted(p for p in named if not (ROOT / p.rstrip("/")).exists()) == []
