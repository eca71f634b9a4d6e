"""crmkit.serve: every process starts uvicorn with TIDTAM_WORKERS and an explicit keep-alive."""

from __future__ import annotations

import pytest

from crmkit.serve import uvicorn_args

pytestmark = pytest.mark.unit


def test_workers_and_keep_alive_come_from_the_environment():
    assert uvicorn_args("a:app", "--port", "1", env={}) == [
        "a:app", "--workers", "1", "--timeout-keep-alive", "5", "--port", "1"]
    assert uvicorn_args("a:app", env={"TIDTAM_WORKERS": "2", "TIDTAM_KEEP_ALIVE_SECONDS": "9"}
                        ) == ["a:app", "--workers", "2", "--timeout-keep-alive", "9"]


@pytest.mark.parametrize("name", ["TIDTAM_WORKERS", "TIDTAM_KEEP_ALIVE_SECONDS"])
@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_value_that_is_not_a_positive_whole_number_is_refused_by_name(name, value):
    with pytest.raises(SystemExit, match=f"{name}='{value}': expected a whole number"):
        uvicorn_args("a:app", env={name: value})
