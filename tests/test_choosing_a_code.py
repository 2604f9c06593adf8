"""Opening the invite and choosing a code: the words say one thing, and easy codes are refused."""

import re

import pytest
from conftest import csrf_token, person

from familjeapp.auth import forms

EASY = "Den koden är lätt för andra att gissa."


def test_the_invite_page_says_open_our_plan_throughout(client, demo):
    page = client.get(person(demo, "Sara")["invite_path"]).get_data(as_text=True)
    title = re.search(r"<title>([^<]*)</title>", page).group(1)
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)).strip()
    assert title.startswith("Öppna vår plan")
    assert heading == "Öppna vår plan på den här telefonen"
    assert ">Öppna vår plan</button>" in page
    assert "din plan" not in page


@pytest.fixture
def choosing(client, demo):
    """A phone fresh from its invite, on the page to choose a code; returns a way to try one."""
    link = person(demo, "Sara")["invite_path"]
    client.post(link, data={"csrf_token": csrf_token(client.get(link))})
    token = csrf_token(client.get("/kod/ny"))

    def choose(code):
        return client.post("/kod/ny", data={"csrf_token": token, "code": code, "repeat": code})

    return choose


@pytest.mark.parametrize(
    "code",
    ["0000", "1111", "9999", "1234", "2345", "6789", "0123", "4321", "9876", "3210",
     "2580", "0852", "1212", "6969", "1940", "1985", "2000", "2025"],
)  # fmt: skip
def test_a_code_that_others_could_guess_is_refused_kindly(choosing, code):
    response = choosing(code)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert EASY in page
    assert 'aria-invalid="true"' in page


@pytest.mark.parametrize("code", ["2468", "1357", "1939", "7391", "5082"])
def test_a_code_that_is_hard_to_guess_is_taken(choosing, code):
    assert choosing(code).status_code == 303


def test_the_page_says_which_codes_are_easy_to_guess_before_the_person_tries(client, demo):
    link = person(demo, "Sara")["invite_path"]
    client.post(link, data={"csrf_token": csrf_token(client.get(link))})
    assert "inte 1234, 1111 eller ett årtal" in client.get("/kod/ny").get_data(as_text=True)


@pytest.mark.parametrize("code", ["111111", "123456", "654321", "121212", "123123", "890123"])
def test_the_same_rule_holds_for_six_digits(code):
    assert forms.easy_to_guess(code)


@pytest.mark.parametrize("code", ["246813", "135792", "201999", "2468"])
def test_six_digits_that_are_hard_to_guess_pass(code):
    assert not forms.easy_to_guess(code)


def test_a_code_typed_in_persian_or_arabic_digits_is_the_same_code(app, client, demo):
    """A phone set to Persian or Arabic types ۲۴۶۸ or ٢٤٦٨: that is the code 2468, when it is
    chosen and every time it is written again, whichever digits the phone types then."""
    link = person(demo, "Sara")["invite_path"]
    client.post(link, data={"csrf_token": csrf_token(client.get(link))})
    token = csrf_token(client.get("/kod/ny"))
    chosen = client.post("/kod/ny", data={"csrf_token": token, "code": "۲۴۶۸", "repeat": "2468"})
    assert chosen.status_code == 303
    for typed in ("٢٤٦٨", "2468"):
        client.post("/lamna-snabbt")
        again = client.post(
            "/kod", data={"csrf_token": csrf_token(client.get("/kod")), "code": typed}
        )
        assert again.status_code == 303, typed
    client.post("/lamna-snabbt")
    wrong = client.post("/kod", data={"csrf_token": csrf_token(client.get("/kod")), "code": "۱۳۵۷"})
    assert wrong.status_code != 303  # another code, in any digits, is not hers
