"""On a poor connection (issue 9): the service worker, the outbox for check-ins, views on worries
and promises, reading the plan offline only when the person chose it, leaving (or a phone the
social worker ended) clears what the phone kept, and a new version of the app replaces the old.

Every person here is on a Pixel 7. The server's own SQLite file tells what was really saved.
"""

import json
import re
import sqlite3
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlite_utils import Database

from familjeapp.store import plans as plans_store
from familjeapp.store import sessions as sessions_store

from .conftest import Family, _free_port, _run, _running, _serve
from .test_checking_in import BRITT_CALLS, SAVE, THANKS, fill_checkin, open_checkin, rows_with

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


def stored(server_env, client_id: str, table: str = "checkins") -> int:
    with sqlite3.connect(server_env["FAMILJEAPP_DB"]) as db:
        return db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE client_id = ?", [client_id]
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


def installability(page) -> dict:
    """What Chromium itself says of installing the page as an app: its errors (none means it can
    be installed; it fetches the manifest's icons to say so) and the manifest it read."""
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A Playwright context is a private window, where Chromium installs nothing: not the app's.
    errors = [e for e in errors if e["errorId"] != "in-incognito"]
    manifest = cdp.send("Page.getAppManifest")
    cdp.detach()
    return {"errors": errors, "manifest": json.loads(manifest["data"] or "{}")}


def test_the_app_can_be_installed_and_the_service_worker_controls_the_family_pages(
    phone, new_family, sign_in
):
    page = phone.new_page()
    sign_in(page, new_family().person("Sara"))
    wait_for_the_service_worker(page)
    # It keeps the app's own files, and nothing personal unless chosen.
    wait_until(page, lambda: page.evaluate("() => caches.keys()"))
    assert [name for name in page.evaluate("() => caches.keys()") if "personal" in name] == []
    # Chromium's own installability check: manifest, icons, service worker, start URL.
    installable = installability(page)
    assert installable["errors"] == [], installable["errors"]
    assert installable["manifest"]["name"] == "Vår plan"
    assert installable["manifest"]["display"] == "standalone"
    # A neutral name and icon, chosen on this phone: the installed app says nothing of a plan.
    page.get_by_text("Använd appen utan att andra ser").click()
    page.get_by_role("button", name="Kalla appen ”Anteckningar”").click()
    expect(page).to_have_title("Anteckningar")
    installable = installability(page)
    assert installable["errors"] == [], installable["errors"]
    assert installable["manifest"]["name"] == "Anteckningar"
    assert "plan" not in json.dumps(installable["manifest"]["icons"])


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
    expect(page.get_by_role("status").filter(has_text="Klart")).to_contain_text(
        "Klart! Det du svarade utan internet är nu sparat."
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
            == 3
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


def choose_offline_reading(page) -> None:
    wait_for_the_service_worker(page)
    page.get_by_role("checkbox", name=KEEP_OFFLINE).check()
    kept = "() => caches.open('familjeapp-personal').then(c => c.keys()).then(k => k.length)"
    wait_until(page, lambda: page.evaluate(kept) == 3)  # the plan, the history, Hur går det?


def test_a_promise_and_a_view_made_offline_wait_and_are_each_stored_once(
    phone, new_family, sign_in, server_env, assert_accessible
):
    """Farmor Britt, without a connection, presses Jag lovar and says what she thinks of a
    worry; both wait on the phone, and both reach the server once when it is back, even though
    the first answer is lost on its way back and the token kept with it has gone stale."""
    family = new_family()
    page = phone.new_page()
    sign_in(page, family.person("Farmor Britt"))
    wait_for_the_service_worker(page)
    promise = page.locator(".card--promise").filter(has_text=BRITT_CALLS)
    promise_id = promise.locator("input[name=client_id]").first.input_value()
    worry = page.locator(".card--worry").first
    phone.set_offline(True)

    promise.get_by_role("button", name="Jag lovar").click()
    expect(promise.get_by_role("alert")).to_contain_text(WAITING)
    worry.get_by_text("Säg vad du tycker", exact=True).click()
    worry.get_by_label("Delvis", exact=True).check()
    worry.get_by_role("textbox").fill("Skrivet utan nät.")
    view_id = worry.locator("input[name=client_id]").input_value()
    worry.get_by_role("button", name="Spara vad jag tycker").click()
    expect(worry.get_by_role("alert")).to_contain_text(WAITING)
    expect(page.get_by_role("status").filter(has_text="väntar")).to_have_text(
        "2 svar väntar på att skickas."
    )
    assert_accessible(page)
    assert stored(server_env, promise_id, "commitment_responses") == 0
    assert stored(server_env, view_id, "worry_views") == 0
    # What she wrote is still on the page.
    expect(worry.get_by_role("textbox")).to_have_value("Skrivet utan nät.")

    # Her session's token goes stale meanwhile (as after a long time offline): the phone fetches
    # a new one from the page the answer was made on, and sends it again.
    page.evaluate("""() => new Promise(resolve => {
      const open = indexedDB.open("familjeapp");
      open.onsuccess = () => {
        const tx = open.result.transaction("outbox", "readwrite");
        const store = tx.objectStore("outbox");
        store.getAll().onsuccess = (event) => event.target.result.forEach(entry => {
          entry.fields = entry.fields.map(f => f[0] === "csrf_token" ? [f[0], "gammal"] : f);
          store.put(entry);
        });
        tx.oncomplete = () => { open.result.close(); resolve(); };
      };
    })""")
    lost = []

    def lose_the_first_saved_answer(route):
        request = route.request
        if request.method == "POST" and "gammal" not in (request.post_data or "") and not lost:
            lost.append(request.url)
            route.fetch(max_redirects=0)  # saved on the server; the phone never hears
            route.abort()
        else:
            route.continue_()

    phone.route("**/familj/*/lofte/*", lose_the_first_saved_answer)
    phone.route("**/familj/*/oro/*", lose_the_first_saved_answer)
    phone.set_offline(False)  # sent: refused for the stale token, sent again with a new one, lost
    wait_until(page, lambda: lost)
    page.reload()  # sent again on the next page load: each is kept once
    wait_until(page, lambda: page.evaluate(OUTBOX_COUNT) == 0)
    assert stored(server_env, promise_id, "commitment_responses") == 1
    assert stored(server_env, view_id, "worry_views") == 1
    page.reload()
    expect(promise).to_contain_text("Du har lovat det här")
    expect(worry.get_by_role("listitem").filter(has_text="Du")).to_contain_text("håller delvis med")


def test_a_check_in_made_on_the_kept_page_offline_is_its_own(
    phone, new_family, sign_in, server_env
):
    """With offline reading chosen, Hur går det? opens without a connection too. Each check-in
    made on that kept page gets an id of its own, made on the phone: two check-ins made
    offline are two, not one taken for the other."""
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    choose_offline_reading(page)
    checkin_path = plan_path.replace("/plan", "/hur-gar-det")
    phone.set_offline(True)
    ids = []
    for words in ("Första utan nät.", "Andra utan nät."):
        page.goto(checkin_path)
        expect(page.get_by_text(KEPT_NOTE)).to_be_visible()
        fill_checkin(page, rating=6, words=words)
        ids.append(page.locator('input[name="client_id"]').input_value())
        page.get_by_role("button", name=SAVE).click()
        expect(page.get_by_role("alert")).to_contain_text(WAITING)
    assert ids[0] != ids[1]
    expect(page.get_by_role("status").filter(has_text="väntar")).to_have_text(
        "2 svar väntar på att skickas."
    )
    phone.set_offline(False)
    wait_until(page, lambda: stored(server_env, ids[0]) + stored(server_env, ids[1]) == 2, 20)
    # The check-in made on this page is opened where it is saved; nothing waits any more.
    page.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))
    wait_until(page, lambda: page.evaluate(OUTBOX_COUNT) == 0)


KEPT_PLAN = """(path) => caches.open('familjeapp-personal')
  .then(c => c.match(location.origin + path))
  .then(r => r.text().then(html => [
    r.headers.get('ETag'), r.headers.get('X-Familjeapp-Saved-At'), html]))"""


def test_with_the_plan_kept_an_unchanged_plan_comes_as_304_and_its_answers_save_once(
    phone, new_family, sign_in, server_env
):
    """Farmor Britt keeps the plan on her phone. Opening it again while nothing has changed,
    the server answers 304 and no page (her phone has it): she reads the current plan from the
    phone's copy, with new form ids, and her promise made on it is saved once. When someone else
    has said something, the page comes anew and shows it."""
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Farmor Britt"))
    choose_offline_reading(page)
    tag, kept_at, kept_html = page.evaluate(KEPT_PLAN, plan_path)
    assert tag, "the kept plan has its ETag"
    answers = []  # what the service worker's own request for the plan got
    phone.on(
        "response",
        lambda r: (
            r.request.service_worker
            and urlsplit(r.url).path == plan_path
            and answers.append(r.status)
        ),
    )

    page.goto(plan_path)
    wait_until(page, lambda: answers)
    assert answers == [304]
    # The copy is the current page: kept again, now, and not marked as an old copy.
    wait_until(page, lambda: page.evaluate(KEPT_PLAN, plan_path)[1] > kept_at)
    promise = page.locator(".card--promise").filter(has_text=BRITT_CALLS)
    expect(promise.get_by_role("button", name="Jag lovar")).to_be_visible()
    expect(page.get_by_text(KEPT_NOTE)).to_be_hidden()
    promise_id = promise.locator("input[name=client_id]").first.input_value()
    assert promise_id not in kept_html, "the copy shown gets form ids of its own"
    promise.get_by_role("button", name="Jag lovar").click()
    expect(promise).to_contain_text("Du har lovat det här")
    assert stored(server_env, promise_id, "commitment_responses") == 1
    # Her promise changed the page: it comes anew, and then, kept with her promise, as 304.
    for answer in (200, 304):
        answers.clear()
        page.goto(plan_path)
        wait_until(page, lambda: answers)
        assert answers == [answer]
        expect(promise).to_contain_text("Du har lovat det här")

    # Sara says what she thinks of a worry meanwhile: Britt's next visit gets the new page.
    worry = page.locator(".card--worry").first
    item_key = worry.get_attribute("id").removeprefix("oro-")
    db = Database(server_env["FAMILJEAPP_DB"])
    plans_store.record_worry_view(
        db,
        family_id=family["family_id"],
        item_key=item_key,
        person_id=family.person("Sara")["id"],
        view="partly",
        words="Sagt av Sara.",
    )
    db.close()
    answers.clear()
    page.goto(plan_path)
    wait_until(page, lambda: answers)
    assert answers == [200]
    expect(worry.get_by_role("listitem").filter(has_text="Sara")).to_contain_text("Sagt av Sara.")
    expect(promise).to_contain_text("Du har lovat det här")
    assert stored(server_env, promise_id, "commitment_responses") == 1


def test_a_phone_the_social_worker_ended_forgets_what_it_kept(
    phone, new_family, sign_in, server_env
):
    """Farmor lost her phone: the social worker ends it. The next time the phone opens the app,
    the kept plan, the outbox and the service worker are gone from it."""
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    choose_offline_reading(page)
    db = Database(server_env["FAMILJEAPP_DB"])
    for device in sessions_store.devices(db, family.person("Sara")["id"]):
        sessions_store.end_session(db, device["id"], "revoked")
    db.close()

    page.goto(plan_path)
    expect(page).to_have_url(re.compile(r"/$"))
    wait_until(page, lambda: what_the_phone_keeps(page) == {"caches": [], "outbox": 0})
    wait_until(
        page,
        lambda: (
            page.evaluate("() => navigator.serviceWorker.getRegistrations().then(r => r.length)")
            == 0
        ),
    )


def test_a_new_version_of_the_app_replaces_the_old_files_by_itself(
    make_context, sign_in, server_env, tmp_path
):
    """The server is updated while Sara's phone has the app: at her next visit the new version
    takes over without her doing anything, the old version's files are deleted from the phone,
    and the page has all its files. Two real servers, one after the other, on the same address."""
    env = {**server_env, "FAMILJEAPP_DB": str(tmp_path / "db.sqlite3"), "FAMILJEAPP_RELEASE": "1"}
    _run(env, "init-db")
    family = Family(json.loads(_run(env, "demo", "--json")))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    page = make_context("Pixel 7", base_url=base).new_page()
    with _running(_serve(env, port), env, tmp_path / "release-1.log", base + "/"):
        plan_path = sign_in(page, family.person("Sara"))
        wait_for_the_service_worker(page)
        wait_until(page, lambda: page.evaluate("() => caches.keys()"))
        (old,) = page.evaluate("() => caches.keys()")

    env["FAMILJEAPP_RELEASE"] = "2"
    with _running(_serve(env, port), env, tmp_path / "release-2.log", base + "/"):
        page.goto(plan_path)  # the browser looks for a new service worker at each visit
        wait_until(
            page,
            lambda: (
                len(page.evaluate("() => caches.keys()")) == 1
                and page.evaluate("() => caches.keys()") != [old]
            ),
            20,
        )
        failed = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
        page.reload()
        expect(page.get_by_text(family.item("strength")["text"])).to_be_visible()
        assert page.evaluate("() => navigator.serviceWorker.controller !== null")
        assert failed == []
