"""Större text (issue 10): a button on every family and child page makes the text larger on this
device. The choice is a cookie on the phone, nothing on the server, and the page itself says
it with a class on <html>, so it works without JavaScript."""

import pytest
from conftest import csrf_token, person, sign_in

from familjeapp.auth.forms import TEXT_SIZE_COOKIE

LARGE_HTML = '<html lang="sv" dir="ltr" class="text-large">'


def choose(client, size: str, page: str, **extra):
    token = csrf_token(client.get(page))
    return client.post(
        "/textstorlek", data={"csrf_token": token, "text_size": size, "next": page, **extra}
    )


def test_larger_text_is_kept_on_this_phone_and_shown_on_every_page(client, demo):
    plan = sign_in(client, person(demo, "Sara")["invite_path"])
    before = client.get(plan).get_data(as_text=True)
    assert "Större text" in before and "text-large" not in before

    chosen = choose(client, "large", plan)

    assert chosen.status_code == 303 and chosen.location == plan
    cookie = client.get_cookie(TEXT_SIZE_COOKIE)
    assert cookie.value == "large" and cookie.http_only and cookie.same_site == "Lax"
    assert cookie.max_age == 365 * 24 * 3600
    for path in (plan, plan.replace("/plan", "/hur-gar-det"), plan.replace("/plan", "/historik")):
        page = client.get(path).get_data(as_text=True)
        assert LARGE_HTML in page, path
        # The same button now gives the usual size back.
        assert "Vanlig text" in page and "Större text" not in page

    back = choose(client, "normal", plan)

    assert back.status_code == 303
    assert client.get_cookie(TEXT_SIZE_COOKIE) is None
    assert "text-large" not in client.get(plan).get_data(as_text=True)


def test_a_child_can_choose_larger_text_too(client, demo):
    home = sign_in(client, person(demo, "Elsa")["invite_path"])
    assert "Större text" in client.get(home).get_data(as_text=True)
    choose(client, "large", home)
    assert LARGE_HTML in client.get(home).get_data(as_text=True)


def test_before_signing_in_the_choice_works_too(client):
    assert choose(client, "large", "/").status_code == 303
    assert LARGE_HTML in client.get("/").get_data(as_text=True)


def test_without_the_form_token_nothing_changes(client):
    client.get("/")
    refused = client.post("/textstorlek", data={"text_size": "large", "next": "/"})
    assert refused.status_code == 400
    assert "Sidan är för gammal" in refused.get_data(as_text=True)
    assert client.get_cookie(TEXT_SIZE_COOKIE) is None


@pytest.mark.parametrize("size", ["huge", "", "LARGE", "large\n", "<b>large</b>"])
def test_a_size_that_is_not_offered_is_refused_in_plain_swedish(client, size):
    refused = choose(client, size, "/")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert '<html lang="sv"' in page and "Gå tillbaka och försök igen." in page
    assert "<b>large</b>" not in page
    assert client.get_cookie(TEXT_SIZE_COOKIE) is None


def test_the_choice_never_sends_anyone_to_another_site(client):
    for target in ("//evil.example/", "https://evil.example/", "/\t/evil.example/"):
        chosen = choose(client, "large", "/", next=target)
        assert chosen.status_code == 303
        assert chosen.location == "/", (target, chosen.location)
