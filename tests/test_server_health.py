"""A real server stays responsive while visitors export the largest images it allows."""

from __future__ import annotations

import pytest

from bench.bench_health import measure_health
from tests.browser_support import find_chromium


@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium to open the page")
def test_health_answers_within_a_second_while_four_worst_case_exports_run():
    # The test machine is shared: with a load average of 6 on 2 cores, any process (the
    # prober included) is sometimes descheduled for half a second with no export running.
    # So one more measurement is allowed; a server that stalls (drawing in its own process
    # stalled it for 26 s) fails both.
    results = []
    for _attempt in range(2):
        result = measure_health(count=4, kind="image", workers=1, limit_s=180)
        assert result["errors"] == []
        assert result["done"] == 4, "every export finished"
        assert result["probes"] >= 10, "the health check was asked while the exports ran"
        results.append(result)
        if result["max_s"] < 1.0:
            break
    assert results[-1]["max_s"] < 1.0, results
    assert results[-1]["p95_s"] < 0.25, results
