"""Installing the app (issue 9): a manifest with name, icons and colours, linked from every
family page, and a neutral name and icon a person can choose on their own device."""

import io
import re

from conftest import csrf_token
from PIL import Image


def manifest_of(client) -> dict:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    return response.get_json(force=True)


def test_the_manifest_has_what_an_install_needs(client):
    manifest = manifest_of(client)
    assert manifest["name"] == "Vår plan" and manifest["short_name"] == "Vår plan"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_every_icon_loads_as_a_png_of_its_size(client):
    for icon in manifest_of(client)["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.mimetype == "image/png"
        assert "immutable" in response.headers["Cache-Control"]
        image = Image.open(io.BytesIO(response.get_data()))
        assert "{}x{}".format(*image.size) == icon["sizes"]
        response.close()


def test_the_start_page_sends_a_signed_in_person_on_to_their_own_page(parent):
    response = parent.get("/")
    assert response.status_code == 302
    assert response.location.endswith(parent.plan_url)


def test_every_family_page_links_the_manifest(parent):
    page = parent.get(parent.plan_url).get_data(as_text=True)
    # With the cookie: a manifest asked for without credentials would never say the neutral name.
    assert (
        '<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">' in page
    )
    assert '<meta name="theme-color" content="#1a5e3a">' in page
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page).group(1)
    with parent.get(touch) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/png"


def test_a_person_can_choose_a_neutral_name_and_icon_on_this_device(parent):
    before = manifest_of(parent)
    page = parent.get(parent.plan_url)
    assert "Kalla appen ”Anteckningar”" in page.get_data(as_text=True)
    chosen = parent.post(
        "/appens-namn",
        data={"csrf_token": csrf_token(page), "look": "neutral", "next": parent.plan_url},
    )
    assert chosen.status_code == 303 and chosen.location.endswith(parent.plan_url)

    manifest = manifest_of(parent)
    assert manifest["name"] == "Anteckningar" and manifest["short_name"] == "Anteckningar"
    assert "plan" not in " ".join(icon["src"] for icon in manifest["icons"])
    assert manifest["id"] == before["id"]  # the same app, renamed
    page = parent.get(parent.plan_url).get_data(as_text=True)
    assert "Vår plan" not in re.search(r"<title>(.*)</title>", page).group(1)
    assert "<title>Anteckningar</title>" in page
    history = parent.get(parent.plan_url.replace("/plan", "/historik"))
    assert history.status_code == 200 and "– Anteckningar</title>" in history.get_data(as_text=True)
    assert "På den här telefonen heter appen ”Anteckningar”" in page

    back = parent.post(
        "/appens-namn", data={"csrf_token": csrf_token(page), "look": "plan", "next": "/"}
    )
    assert back.status_code == 303
    assert manifest_of(parent)["name"] == "Vår plan"


def test_the_neutral_name_is_kept_on_the_device_only(parent, client, db):
    page = parent.get(parent.plan_url)
    parent.post("/appens-namn", data={"csrf_token": csrf_token(page), "look": "neutral"})
    assert manifest_of(client)["name"] == "Vår plan"  # another browser is not told
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        assert "neutral" not in str(db.execute(f"SELECT * FROM {table}").fetchall())


def test_choosing_the_look_needs_the_csrf_token(parent):
    assert parent.post("/appens-namn", data={"look": "neutral"}).status_code == 400
