"""The plan page's weight on a phone (issue 9): bytes over the wire, first and repeat visit.

Bytes do not depend on the machine's speed, so the budget can be a test. Measured as
scripts/page_weight.py measures it (Chromium's own count of bytes received, through CDP).
"""

import importlib.util
from pathlib import Path

import pytest

from .conftest import sign_in

SCRIPT = Path(__file__).parents[2] / "scripts" / "page_weight.py"
_spec = importlib.util.spec_from_file_location("page_weight", SCRIPT)
page_weight = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(page_weight)


@pytest.fixture
def plan_visits(make_context, new_family, live_server) -> dict:
    """Sara signs in on one phone; then her plan is opened twice in a browser with an empty cache
    that holds only her session."""
    family = new_family()
    signing_in = make_context("Pixel 7")
    plan_path = sign_in(signing_in.new_page(), family.person("Sara"))
    state = signing_in.storage_state()
    fresh = make_context("Pixel 7", storage_state=state)
    return page_weight.measure(fresh, live_server + plan_path)


def test_a_repeat_visit_fetches_nothing_static(plan_visits):
    repeat = plan_visits["repeat"]
    assert repeat["bytes"] <= 10_000, page_weight.table(plan_visits)
    assert all("/static/" not in item["url"] for item in repeat["items"]), repeat["items"]


@pytest.mark.xfail(
    strict=True,
    reason="issue 9 budget not met yet: about 87 KB in 31 requests (the page itself is 26 KB, "
    "sent uncompressed because of BREACH; htmx 17 KB, CSS 9 KB, scripts 8 KB, 26 pictures 26 KB)",
)
def test_a_first_visit_stays_within_60_kb(plan_visits):
    assert plan_visits["first"]["bytes"] <= 60_000, page_weight.table(plan_visits)
