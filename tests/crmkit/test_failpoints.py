"""Failpoints: parsing, a no-op when unset, and a real SIGKILL when hit."""

import signal
import subprocess
import sys

import pytest

from crmkit import failpoints

pytestmark = pytest.mark.unit


def test_parse_names_and_probabilities():
    assert failpoints.parse("") == {}
    assert failpoints.parse("relay.before_publish=0.2, relay.after_publish=1") == {
        "relay.before_publish": 0.2, "relay.after_publish": 1.0}
    assert failpoints.parse("x") == {"x": 1.0}
    with pytest.raises(ValueError, match="0..1"):
        failpoints.parse("x=2")
    with pytest.raises(ValueError, match="name=probability"):
        failpoints.parse("x=often")


def _hit_in_a_process(env: dict[str, str]) -> subprocess.CompletedProcess:
    # In a process of its own: a failpoint that fires SIGKILLs the process that hit it.
    code = ("from crmkit import failpoints\n"
            "for _ in range(100): failpoints.hit('p')\n"
            "print('survived')")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)


def test_unset_or_other_failpoints_are_a_no_op():
    for env in ({}, {"TIDTAM_FAILPOINTS": ""}, {"TIDTAM_FAILPOINTS": "q=1"}):
        out = _hit_in_a_process(env)
        assert out.returncode == 0 and "survived" in out.stdout, (env, out.stderr)
        assert "FAILPOINT" not in out.stderr


def test_a_certain_failpoint_kills_its_process():
    out = _hit_in_a_process({"TIDTAM_FAILPOINTS": "p=1"})
    assert out.returncode == -signal.SIGKILL
    assert "FAILPOINT p" in out.stderr and "survived" not in out.stdout
