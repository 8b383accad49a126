"""Tests for the page writer of the continuous sync benchmark."""

import importlib.util
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "benchmarks" / "continuous_report.py"
_spec = importlib.util.spec_from_file_location("continuous_report", REPORT)
continuous_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(continuous_report)

BEGIN = continuous_report.PAGE_BEGIN
END = continuous_report.PAGE_END


def test_replace_keeps_blank_line_after_section(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Benchmarks\n\n{BEGIN}\nold\n{END}\n\n### After\n")

    continuous_report.replace_section(page, "new\n")

    assert page.read_text() == f"# Benchmarks\n\n{BEGIN}\nnew\n{END}\n\n### After\n"


def test_replace_at_page_end_adds_no_blank_line(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Benchmarks\n\n{BEGIN}\nold\n{END}\n")

    continuous_report.replace_section(page, "new\n")

    assert page.read_text() == f"# Benchmarks\n\n{BEGIN}\nnew\n{END}\n"


def test_replace_appends_when_markers_missing(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nIntro.\n")

    continuous_report.replace_section(page, "new\n")

    assert page.read_text() == f"# Benchmarks\n\nIntro.\n\n{BEGIN}\nnew\n{END}\n"
