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


def test_unset_is_a_no_op():
    failpoints.configure("")
    for _ in range(100):
        failpoints.hit("relay.after_publish")


def test_a_certain_failpoint_kills_its_process():
    code = "from crmkit import failpoints; failpoints.hit('p'); print('survived')"
    env = {"TIDTAM_FAILPOINTS": "p=1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == -signal.SIGKILL
    assert "FAILPOINT p" in out.stderr and "survived" not in out.stdout
    out = subprocess.run([sys.executable, "-c", code], env={"TIDTAM_FAILPOINTS": "q=1"},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "survived" in out.stdout
