"""A test without a tier marker fails collection (crmkit.testing.plugin), so `-m unit` and
friends always select every test of their tier."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration  # it runs pytest in a subprocess

UNMARKED = """
import pytest

@pytest.mark.unit
def test_marked():
    pass

def test_forgotten():
    pass
"""


def _pytest(tmp_path, source: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(tmp_path), "-p", "crmkit.testing.plugin",
         "-o", "markers=unit\nintegration\ne2e\nslow", "--strict-markers",
         str(tmp_path / "test_sample.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_an_unmarked_test_fails_collection_and_is_named(tmp_path):
    done = _pytest(tmp_path, UNMARKED)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "1 test(s) carry no tier marker" in done.stderr
    assert "test_sample.py::test_forgotten" in done.stderr
    assert "test_marked" not in done.stderr


def test_a_module_marker_covers_its_tests(tmp_path):
    done = _pytest(tmp_path, "import pytest\npytestmark = pytest.mark.slow\n"
                             "def test_a():\n    pass\n")
    assert done.returncode == pytest.ExitCode.OK, done.stdout + done.stderr
