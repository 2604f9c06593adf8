"""Over HTTPS, as a municipality runs it: deploy/nginx.conf from Debian's nginx ends TLS in front
of `familjeapp serve` (FAMILJEAPP_PROXIES=1). Issue #7, point 1.

Every form must work in Chromium over HTTPS (it sends no Referer: the app says no-referrer), the
cookie must be `__Host-` and Secure, HSTS must be sent, and invite tokens must stay out of the
proxy's log.
"""

import re
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from playwright.sync_api import expect

COOKIE = "__Host-familjeapp"


def the_cookie(context) -> dict:
    cookies = {c["name"]: c for c in context.cookies()}
    assert "familjeapp" not in cookies, "a cookie without the __Host- prefix over HTTPS"
    return cookies[COOKIE]


def asks_for_the_code(page, plan_path: str) -> None:
    """Opening the plan again leads to the code prompt. The beacon that locks the phone is sent
    as the page leaves; allow it a moment to arrive."""
    deadline = time.monotonic() + 5
    while True:
        page.goto(plan_path)
        if urlsplit(page.url).path == "/kod":
            return
        assert time.monotonic() < deadline, f"the plan opens without the code: {page.url}"
        time.sleep(0.2)


def test_a_parent_uses_the_whole_app_over_https_and_leaves_quickly(
    https_phone, tls_proxy, new_family, sign_in, neutral_url, code
):
    family = new_family()
    sara = family.person("Sara")
    page = https_phone.new_page()
    opened = page.goto(sara["invite_path"])
    headers = opened.headers
    assert "max-age" in headers["strict-transport-security"]
    assert headers["referrer-policy"] == "no-referrer"

    # The invite, the code, the plan: each a form posted over HTTPS with no Referer.
    plan_path = sign_in(page, sara)
    expect(page.get_by_role("heading", name="Vår plan", level=1)).to_be_visible()
    cookie = the_cookie(https_phone)
    assert cookie["secure"] and cookie["httpOnly"] and cookie["path"] == "/"
    assert cookie["sameSite"] == "Lax"

    # A view on a worry, through htmx.
    danger = family.item("danger")
    card = page.locator(f"#oro-{danger['id']}")
    card.get_by_text("Säg vad du tycker", exact=True).click()
    card.get_by_label("Delvis", exact=True).check()
    card.get_by_role("button", name="Spara vad jag tycker").click()
    expect(card.get_by_role("status")).to_contain_text("Tack!")

    # Hur går det?
    page.goto(plan_path.replace("/plan", "/hur-gar-det"))
    page.get_by_role("radio", name="7", exact=True).check()
    page.get_by_role("button", name="Spara hur det går").click()
    page.wait_for_url(re.compile(r"/historik\?sparad=\d+$"))
    expect(page.get_by_role("status")).to_have_text("Tack! Det du svarade är sparat.")

    # Lämna snabbt: the neutral site, and the phone asks for the code before anything else.
    page.goto(plan_path)
    page.get_by_role("button", name="Lämna snabbt").click()
    page.wait_for_url(neutral_url)
    asks_for_the_code(page, plan_path)
    assert danger["text"] not in page.content()
    page.get_by_label("Din kod").fill(code)
    page.get_by_role("button", name="Öppna planen").click()
    expect(page.get_by_text(danger["text"])).to_be_visible()

    # Logga ut asks once, then the phone forgets the person.
    page.get_by_role("link", name="Logga ut").click()
    expect(
        page.get_by_role("heading", name="Vill du logga ut från den här telefonen?")
    ).to_be_visible()
    page.get_by_role("button", name="Ja, logga ut och glöm telefonen").click()
    expect(page.get_by_role("heading", name="Du är utloggad", level=1)).to_be_visible()
    page.goto(plan_path)
    assert urlsplit(page.url).path == "/"
    assert danger["text"] not in page.content()

    # The invite's secret never reached the proxy's log.
    token = sara["invite_path"].rsplit("/", 1)[1]
    log = tls_proxy["log"].read_text()
    assert "/i/[invite]" in log
    assert token not in log


def test_quick_exit_works_over_https_without_javascript(
    make_context, tls_proxy, new_family, sign_in, neutral_url
):
    phone = make_context(
        "Pixel 7", base_url=tls_proxy["url"], ignore_https_errors=True, java_script_enabled=False
    )
    family = new_family()
    page = phone.new_page()
    plan_path = sign_in(page, family.person("Johan"))
    page.get_by_role("button", name="Lämna snabbt").click()
    page.wait_for_url(neutral_url)
    asks_for_the_code(page, plan_path)


def test_quick_exit_locks_the_phone_even_with_a_stale_form(
    https_phone, new_family, sign_in, neutral_url
):
    """A page left open for days: its form's token no longer matches. Leaving still locks."""
    family = new_family()
    page = https_phone.new_page()
    plan_path = sign_in(page, family.person("Sara"))
    page.locator('.quick-exit input[name="csrf_token"]').evaluate("e => { e.value = 'stale'; }")
    page.get_by_role("button", name="Lämna snabbt").click()
    page.wait_for_url(neutral_url)
    asks_for_the_code(page, plan_path)


def test_a_social_worker_signs_in_and_publishes_over_https(
    https_desktop, https_phone, new_family, sign_in, staff_sign_in
):
    family = new_family()
    anna = next(w for w in family["workers"] if w["sees_family"])
    page = https_desktop.new_page()
    staff_sign_in(page, anna)
    the_cookie(https_desktop)

    fid = family["family_id"]
    page.goto(f"/personal/familj/{fid}/plan")
    page.get_by_role("button", name="Börja på en ny version").click()
    page.goto(f"/personal/familj/{fid}/plan/ny/worries")
    page.get_by_role("radio", name="Skada: det som har hänt").check()
    worry = "Pappa somnade i soffan när han skulle hämta Elsa."
    page.get_by_label("Text för vuxna").fill(worry)
    page.get_by_label("Hitta en bild: skriv ett ord på svenska").fill("tand")
    page.get_by_role("radio", name="tand", exact=True).check()
    page.get_by_role("radio", name="Vuxna: föräldrarna och nätverket").check()
    page.get_by_role("button", name="Spara i utkastet").click()
    expect(page.get_by_role("listitem").filter(has_text=worry)).to_have_count(1)
    page.get_by_role("button", name="Publicera ny version").click()
    expect(page.get_by_role("status")).to_contain_text("Publicerad.")

    # The parent, over HTTPS too, reads it.
    parent = https_phone.new_page()
    sign_in(parent, family.person("Sara"))
    worries = parent.get_by_role("region", name="Vad oroar oss?")
    expect(worries.get_by_text(worry)).to_be_visible()
    expect(parent.get_by_role("region", name="Det här är nytt i planen")).to_contain_text(worry)

    page.get_by_role("button", name="Logga ut").click()
    page.goto(f"/personal/familj/{fid}/plan")
    assert urlsplit(page.url).path == "/personal/logga-in"


def test_plain_http_to_the_proxy_is_sent_to_https(tls_proxy):
    request = urllib.request.Request(tls_proxy["http_url"] + "/", method="GET")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=5)
        raise AssertionError("plain http answered without a redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 301
        assert answer.headers["Location"].startswith("https://")


def test_through_the_proxy_a_page_is_compressed_only_for_our_own_pages(tls_proxy):
    """BREACH: nginx must not compress pages itself (Debian turns gzip on for every site); the
    app compresses a page only when the browser says the request came from our own pages."""
    import ssl

    unverified = ssl._create_unverified_context()  # noqa: S323 (a certificate made for the test)

    def encoding(site: str) -> str | None:
        request = urllib.request.Request(
            tls_proxy["url"] + "/",
            headers={"Accept-Encoding": "gzip, br", "Sec-Fetch-Site": site},
        )
        with urllib.request.urlopen(request, timeout=5, context=unverified) as answer:
            assert answer.status == 200
            return answer.headers.get("Content-Encoding")

    assert encoding("cross-site") is None
    assert encoding("same-origin") in ("br", "gzip")
