"""A body over the size limit, sent to the real `familjeapp serve` (waitress).

Issue 7: 13 MB to a form, or a large photo, got waitress's bare 500 without security headers,
because the error page read the body again. The Flask test client does not show what waitress
does, so these go over a socket: the answer must be our own 413 page, with every header.
"""

import http.client
import re
from urllib.parse import urlsplit

import pytest

TOO_BIG = 13 * 1024 * 1024  # the limit is 12 MB (MAX_CONTENT_LENGTH)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def send(base_url: str, method: str, path: str, *, body: bytes = b"", headers=None):
    """One request on its own connection; returns (status, headers in lower case, text)."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        headers = {name.lower(): value for name, value in answer.getheaders()}
        return answer.status, headers, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


def assert_our_own_413(status: int, headers: dict, text: str) -> None:
    assert status == 413, (status, text[:200])
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert '<html lang="sv"' in text and "Det blev för mycket på en gång" in text


def test_a_form_too_big_gets_the_plain_413_page(live_server):
    status, headers, page = send(live_server, "GET", "/personal/logga-in")
    cookie = headers["set-cookie"].split(";")[0]
    token = CSRF.search(page).group(1)
    body = f"csrf_token={token}&email=a%40b.se&password=".encode() + b"x" * TOO_BIG
    assert_our_own_413(
        *send(
            live_server, "POST", "/personal/logga-in", body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
    )  # fmt: skip


def test_leaving_quickly_with_a_huge_body_still_answers_with_our_headers(live_server):
    status, headers, _text = send(
        live_server, "POST", "/lamna-snabbt", body=b"x" * TOO_BIG,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert status in (303, 413)
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


@pytest.mark.usefixtures("live_server")
def test_a_photo_too_big_gets_the_plain_413_page(desktop, new_family, staff_sign_in):
    family = new_family()
    page = desktop.new_page()
    staff_sign_in(page, family["workers"][0])
    form_path = f"/personal/familj/{family['family_id']}/personer/ny"
    page.goto(form_path)
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    answer = page.request.post(
        form_path,
        multipart={
            "csrf_token": token, "role": "parent", "name": "Lina", "language": "sv",
            "photo": {"name": "stor.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * TOO_BIG},
        },
    )  # fmt: skip
    assert_our_own_413(answer.status, answer.headers, answer.text())
