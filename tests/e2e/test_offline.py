"""On a poor connection (issue 9): the service worker, the outbox for check-ins, reading the plan
offline only when the person chose it, and leaving clears what the phone kept.

Every person here is on a Pixel 7. The server's own SQLite file tells what was really saved.
"""

import re
import sqlite3
from urllib.parse import urlsplit

from playwright.sync_api import expect

from .test_checking_in import SAVE, THANKS, fill_checkin, open_checkin, rows_with

WAITING = "Inte skickat än – skickas när du har internet."
KEEP_OFFLINE = "Spara planen på den här telefonen så att du kan läsa den utan internet"
NOT_CONNECTED = "Du är inte ansluten"
KEPT_NOTE = re.compile(r"Du har inte internet just nu\. Så här såg sidan ut .*\d")

OUTBOX_COUNT = """() => indexedDB.databases().then(all => all.some(d => d.name === "familjeapp")
  ? new Promise(resolve => {
      const open = indexedDB.open("familjeapp");
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve(0); return; }
        const count = db.transaction("outbox").objectStore("outbox").count();
        count.onsuccess = () => { db.close(); resolve(count.result); };
      };
    })
  : 0)"""


def wait_for_the_service_worker(page) -> None:
    """The service worker controls the page (SETUP.md: only then does set_offline work)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def stored(server_env, client_id: str) -> int:
    with sqlite3.connect(server_env["FAMILJEAPP_DB"]) as db:
        return db.execute(
            "SELECT COUNT(*) FROM checkins WHERE client_id = ?", [client_id]
        ).fetchone()[0]


def wait_until(page, condition, seconds: float = 10) -> None:
    """Poll something that happens in the background, with a deadline."""
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("it never happened")


def what_the_phone_keeps(page) -> dict:
    return {
        "caches": page.evaluate("() => caches.keys()"),
        "outbox": page.evaluate(OUTBOX_COUNT),
    }


def checkin_made_offline(phone, page, words: str) -> str:
    """Sara fills in Hur går det? on the bus without a connection and presses save."""
    open_checkin(page)
    wait_for_the_service_worker(page)
    fill_checkin(page, rating=4, words=words)
    client_id = page.locator('input[name="client_id"]').input_value()
    phone.set_offline(True)
    page.get_by_role("button", name=SAVE).click()
    expect(page.get_by_role("alert")).to_contain_text(WAITING)
    expect(page.get_by_role("status").filter(has_text="väntar")).to_have_text(
        "1 svar väntar på att skickas."
    )
    return client_id


def test_the_service_worker_controls_the_family_pages(phone, new_family, sign_in):
    page = phone.new_page()
    sign_in(page, new_family().person("Sara"))
    wait_for_the_service_worker(page)
    # It keeps the app's own files, and nothing personal unless chosen.
    wait_until(page, lambda: page.evaluate("() => caches.keys()"))
    assert [name for name in page.evaluate("() => caches.keys()") if "personal" in name] == []


def test_a_check_in_made_offline_waits_and_is_saved_once_when_the_connection_returns(
    phone, new_family, sign_in, server_env, assert_accessible
):
    family = new_family()
    page = phone.new_page()
    sign_in(page, family.person("Sara"))
    words = "Skrivet på bussen, utan nät."
    client_id = checkin_made_offline(phone, page, words)
    expect(
        page.get_by_label("Vill du berätta något mer? (du behöver inte skriva något)")
    ).to_have_value(words)
    assert stored(server_env, client_id) == 0, "nothing reaches the server without a connection"
    assert page.evaluate(OUTBOX_COUNT) == 1
    assert_accessible(page)

    # The connection returns: it is sent by itself, and the history thanks her.
    phone.set_offline(False)
    page.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))
    expect(page.get_by_role("status").filter(has_text="Tack")).to_have_text(THANKS)
    expect(rows_with(page, 4, "Du")).to_have_count(1)
    assert stored(server_env, client_id) == 1
    assert page.evaluate(OUTBOX_COUNT) == 0


def test_a_check_in_sent_three_times_is_stored_once(phone, new_family, sign_in, server_env):
    """The answer from the server is lost twice on the way back: the phone sends it again on
    each page load, and the server keeps one."""
    family = new_family()
    page = phone.new_page()
    sign_in(page, family.person("Sara"))
    client_id = checkin_made_offline(phone, page, "Tre gånger skickat.")
    sent = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(route.request.url)
        if len(sent) <= 2:
            route.fetch(max_redirects=0)  # the server saves it, the phone never hears
            route.abort()
        else:
            route.continue_()

    phone.route("**/hur-gar-det", lose_the_answer)
    phone.set_offline(False)  # sent once: lost
    wait_until(page, lambda: len(sent) >= 1)
    page.reload()  # sent again on the next page load: lost again
    wait_until(page, lambda: len(sent) >= 2)
    page.reload()  # and a third time: the server confirms it
    wait_until(page, lambda: page.evaluate(OUTBOX_COUNT) == 0)
    expect(page.get_by_role("status").filter(has_text="Skickat")).to_contain_text(
        "Skickat! Det du svarade utan internet är sparat."
    )
    assert stored(server_env, client_id) == 1


def test_with_offline_reading_chosen_the_plan_opens_without_a_connection(
    phone, new_family, sign_in, assert_accessible
):
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    wait_for_the_service_worker(page)
    choice = page.get_by_role("checkbox", name=KEEP_OFFLINE)
    expect(choice).not_to_be_checked()  # off unless chosen
    choice.check()
    # The plan and the history are kept at once.
    wait_until(
        page,
        lambda: (
            page.evaluate(
                "() => caches.open('familjeapp-personal').then(c => c.keys()).then(k => k.length)"
            )
            == 2
        ),
    )
    page.goto(plan_path)

    phone.set_offline(True)
    page.reload()
    expect(page.get_by_text(family.item("strength")["text"])).to_be_visible()
    expect(page.get_by_text(KEPT_NOTE)).to_be_visible()
    assert_accessible(page)
    # The history she has seen too.
    page.goto(plan_path.replace("/plan", "/historik"))
    expect(page.get_by_role("heading", name="Så har det gått", level=1)).to_be_visible()
    expect(page.get_by_text(KEPT_NOTE)).to_be_visible()


def test_without_choosing_it_nothing_personal_opens_offline(
    phone, new_family, sign_in, assert_accessible
):
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    wait_for_the_service_worker(page)
    wait_until(page, lambda: page.evaluate("() => caches.keys()"))
    phone.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name=NOT_CONNECTED, level=1)).to_be_visible()
    assert family.item("strength")["text"] not in page.content()
    assert "Sara" not in page.content()
    assert_accessible(page)
    page.goto(plan_path.replace("/plan", "/historik"))
    expect(page.get_by_role("heading", name=NOT_CONNECTED, level=1)).to_be_visible()


def test_quick_exit_clears_the_kept_plan_and_the_outbox(phone, new_family, sign_in, neutral_url):
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    wait_for_the_service_worker(page)
    page.get_by_role("checkbox", name=KEEP_OFFLINE).check()
    wait_until(page, lambda: page.evaluate("() => caches.has('familjeapp-personal')"))
    checkin_made_offline(phone, page, "Väntar när hon lämnar.")
    # No answer from the server (also for the service worker's own try): it still waits.
    phone.route(
        "**/hur-gar-det", lambda r: r.abort() if r.request.method == "POST" else r.continue_()
    )
    phone.set_offline(False)
    page.get_by_role("button", name="Lämna snabbt").click()
    expect(page).to_have_url(neutral_url)
    # Back in the app, it asks for the code (the phone is locked) and nothing is kept.
    wait_until(page, lambda: page.goto(plan_path) and urlsplit(page.url).path == "/kod")
    assert what_the_phone_keeps(page) == {"caches": [], "outbox": 0}


def test_logging_out_clears_the_kept_plan_and_the_outbox(phone, new_family, sign_in):
    family = new_family()
    page = phone.new_page()
    sign_in(page, family.person("Sara"))
    wait_for_the_service_worker(page)
    page.get_by_role("checkbox", name=KEEP_OFFLINE).check()
    wait_until(page, lambda: page.evaluate("() => caches.has('familjeapp-personal')"))
    page.get_by_role("link", name="Logga ut").click()
    page.get_by_role("button", name="Ja, logga ut och glöm telefonen").click()
    page.wait_for_url("**/utloggad")
    wait_until(page, lambda: page.evaluate("() => caches.keys()") == [])
    assert what_the_phone_keeps(page) == {"caches": [], "outbox": 0}
