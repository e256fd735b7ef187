"""No module grows past the hard cap (STYLE: ≤ 400 lines as a habit, 600 at most)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HARD_CAP = 600


def test_no_module_exceeds_the_hard_cap() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for folder in ("src", "tests", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > HARD_CAP
    }
    assert offenders == {}
