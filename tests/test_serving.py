"""familjeapp/serving.py without a server: whom the forwarded headers are taken from, and what a
log line keeps of a path."""

import logging

import pytest
from flask import Flask, jsonify, request

from familjeapp.serving import HideSecrets, TrustedProxy, hide_secrets


def app_behind(proxies: int, trusted: str = "127.0.0.1"):
    app = Flask("probe")

    @app.get("/")
    def probe():
        return jsonify(
            address=request.remote_addr,
            scheme=request.scheme,
            forwarded={k: v for k, v in request.headers.items() if "Forward" in k},
        )

    app.wsgi_app = TrustedProxy(app.wsgi_app, proxies=proxies, trusted=trusted)
    return app.test_client()


FROM_PROXY = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def seen(client, peer: str, headers: dict) -> dict:
    return client.get("/", headers=headers, environ_base={"REMOTE_ADDR": peer}).get_json()


def test_the_trusted_proxy_gives_the_clients_address_and_https():
    answer = seen(app_behind(1), "127.0.0.1", {**FROM_PROXY, "X-Forwarded-Host": "evil.example"})
    assert answer["address"] == "203.0.113.9"
    assert answer["scheme"] == "https"
    assert "X-Forwarded-Host" not in answer["forwarded"]


def test_with_one_proxy_only_the_address_it_saw_counts():
    # A client sending its own X-Forwarded-For: nginx adds the address it saw at the end.
    headers = {"X-Forwarded-For": "10.9.9.9, 203.0.113.9", "X-Forwarded-Proto": "https"}
    assert seen(app_behind(1), "127.0.0.1", headers)["address"] == "203.0.113.9"


@pytest.mark.parametrize(("proxies", "peer"), [(1, "198.51.100.7"), (0, "127.0.0.1")])
def test_anyone_else_cannot_claim_an_address_or_https(proxies: int, peer: str):
    answer = seen(app_behind(proxies), peer, FROM_PROXY)
    assert answer == {"address": peer, "scheme": "http", "forwarded": {}}


@pytest.mark.parametrize(
    ("logged", "kept"),
    [
        ("Invalid HTTP request line: 'GET /i/abc_DEF-123 HTTP/1.1'",
         "Invalid HTTP request line: 'GET /i/[invite] HTTP/1.1'"),
        ("Error handling request /kalender/Zm9v.ics?x=1",
         "Error handling request /kalender/[calendar]?x=1"),
        ("GET https://familjeapp.example.se/i/abc HTTP/1.1",
         "GET https://familjeapp.example.se/i/[invite] HTTP/1.1"),
        ("GET /kopia/abc-123 HTTP/1.1", "GET /kopia/[copy] HTTP/1.1"),
        # A family's own calendar page holds no secret, and nothing else is touched.
        ("GET /familj/3/kalender/ny", "GET /familj/3/kalender/ny"),
        ("Booting worker with pid: 12", "Booting worker with pid: 12"),
    ],
)  # fmt: skip
def test_secrets_in_paths_are_hidden(logged: str, kept: str):
    assert hide_secrets(logged) == kept


def test_the_log_filter_hides_them_in_formatted_messages(caplog):
    log = logging.getLogger("familjeapp.test_serving")
    log.addFilter(HideSecrets())
    with caplog.at_level(logging.INFO, logger=log.name):
        log.warning("Error handling request %s %s", "GET", "/i/hemligt")
    assert caplog.messages == ["Error handling request GET /i/[invite]"]


def test_without_gunicorn_waitress_serves_with_the_same_proxy_rule(monkeypatch):
    import waitress

    from familjeapp import serving

    called = {}
    monkeypatch.setattr(serving, "has_prefork_server", lambda: False)
    monkeypatch.setattr(waitress, "serve", lambda app, **options: called.update(options))
    serving.serve(object(), host="127.0.0.1", port=8000, threads=4, workers=3, proxies=1,
                  trusted_proxy="10.0.0.5")  # fmt: skip
    assert called["threads"] == 4 and called["port"] == 8000
    assert called["trusted_proxy"] == "10.0.0.5" and called["trusted_proxy_count"] == 1
    assert called["clear_untrusted_proxy_headers"] is True
