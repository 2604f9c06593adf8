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
def plan_visits(make_context, new_context, playwright, new_family, live_server) -> dict:
    """Sara signs in on one phone; then her plan is opened in a browser with an empty cache that
    holds only her session. That browser is a plain Pixel 7 (not make_context's): a context with
    any route has no HTTP cache in Playwright, and the measurement needs the browser's cache."""
    family = new_family()
    signing_in = make_context("Pixel 7")
    plan_path = sign_in(signing_in.new_page(), family.person("Sara"))
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
    fresh = new_context(**device, storage_state=signing_in.storage_state())
    return page_weight.measure(fresh, live_server + plan_path)


def test_a_repeat_visit_fetches_nothing_static(plan_visits):
    repeat = plan_visits["repeat"]
    assert repeat["bytes"] <= 10_000, page_weight.table(plan_visits)
    assert all("/static/" not in item["url"] for item in repeat["items"]), repeat["items"]
    assert all("/bilder/" not in item["url"] for item in repeat["items"]), repeat["items"]


def test_a_first_visit_read_to_the_end_stays_within_60_kb_with_one_request_for_the_pictures(
    plan_visits,
):
    for visit in ("first", "scrolled"):
        what = [f"{i['bytes']:>7} {i['url']}" for i in plan_visits[visit]["items"]]
        assert plan_visits[visit]["bytes"] <= 60_000, "\n".join(
            [page_weight.table(plan_visits), *what]
        )
    items = plan_visits["scrolled"]["items"]
    pictures = [i for i in items if "/bilder/" in i["url"] or "/static/pictures/" in i["url"]]
    assert len(pictures) == 1, [i["url"] for i in pictures]
    assert len(items) <= 10, page_weight.table(plan_visits)
