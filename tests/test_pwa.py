"""The service worker and the page it shows offline (issue 9): served so that a new version is
seen at once, keeping only what is not personal, and the same for everyone."""

import json
import re

from conftest import person, sign_in


def settings_of(script: str) -> dict:
    found = re.search(r"const SETTINGS = (\{.*?\});", script)
    assert found, "sw.js carries its settings"
    return json.loads(found.group(1))


def test_the_service_worker_is_served_from_the_root_and_never_from_an_old_copy(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    settings = settings_of(response.get_data(as_text=True))
    # What it keeps when installed: the offline page and the app's own files, nothing personal.
    assert settings["offline"] == "/utan-internet"
    assert all(url.startswith("/static/") for url in settings["shell"])
    assert re.fullmatch(r"[0-9a-f]{12}", settings["version"])


def test_a_new_version_of_the_static_files_gives_a_new_service_worker(app, tmp_path):
    from familjeapp.pwa import static_version

    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "app.css").write_text("body { color: black; }")
    before = static_version(str(folder))
    static_version.cache_clear()
    (folder / "css" / "app.css").write_text("body { color: navy; }")
    assert static_version(str(folder)) != before


def test_the_offline_page_says_there_is_no_connection_and_nothing_personal(app, demo):
    client = app.test_client()
    sign_in(client, person(demo, "Sara")["invite_path"])
    page = client.get("/utan-internet")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Du är inte ansluten" in text
    assert "Sara" not in text and demo["items"][0]["text"] not in text
    assert page.headers["Cache-Control"] == "no-store"
