"""The code's shape: no module of an app grows past what a reader takes in at once.

Issue 14 split the modules that had grown to 700-1,100 lines; this keeps them split. A module
that needs more is two ideas: give the second its own module (as ``assessment_forms.py``,
``compile_curation.py`` or the ``protection`` package did)."""

from pathlib import Path

APPS = Path(__file__).resolve().parent.parent / "apps"
MAX_LINES = 600
MODULES = sorted(p for p in APPS.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_is_longer_than_the_limit() -> None:
    assert len(MODULES) > 100  # the apps are found
    lengths = {
        p.relative_to(APPS): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES
    }
    too_long = {str(path): n for path, n in lengths.items() if n > MAX_LINES}
    assert not too_long, f"Modules over {MAX_LINES} lines: {too_long}"
