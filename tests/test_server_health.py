"""A real server stays responsive while visitors export the largest images it allows."""

from __future__ import annotations

import pytest

from bench.bench_health import measure_health
from tests.browser_support import find_chromium


@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium to open the page")
def test_health_answers_within_a_second_while_four_worst_case_exports_run():
    result = measure_health(count=4, kind="image", workers=1, limit_s=180)
    assert result["errors"] == []
    assert result["done"] == 4, "every export finished"
    assert result["probes"] >= 10, "the health check was asked while the exports ran"
    assert result["max_s"] < 1.0, result
