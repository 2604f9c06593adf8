"""How `familjeapp serve` runs the app: one worker process per core under gunicorn, or waitress.

On Linux (and other systems with ``fork``) gunicorn, a pre-fork server, runs ``--workers``
processes, by default one per core the process may use, each with ``--threads`` threads (the
``gthread`` worker). One Python process runs Python on one core at a time; several processes
use every core. Where gunicorn is not installed (Windows: pyproject.toml installs it only
elsewhere) waitress serves the app in one process, as before.

Safe with several processes, and why:

- Everything a request needs to share is in the SQLite file: sessions, wrong tries and waits,
  TOTP steps used, check-ins. What is kept in memory is made from files that do not change
  under a running app (the static files' hashed names, the picture index and picture sheets,
  the word lists), so each process may keep its own copy.
- The app is made once, in the master, before it forks: the migrations run there exactly once,
  and the static files' copies are made once. The master closes its database connection before
  forking; each request opens its own (``db.get_db``), so no process ever uses a connection
  made in another. The master itself answers no request.
- SIGTERM is a graceful stop: the master stops listening, lets each worker finish the requests
  it has (up to ``GRACEFUL_SECONDS``), then ends.

Behind a reverse proxy (``FAMILJEAPP_PROXIES``) ``TrustedProxy`` takes X-Forwarded-For and
-Proto from ``FAMILJEAPP_TRUSTED_PROXY`` only and removes them from anyone else, as waitress
does with its ``trusted_proxy`` settings; gunicorn's own handling of them is turned off so that
there is one rule, ours.

No personal data in logs: there is no access log unless ``--access-log`` asks for one, and that
one says when, which worker, the method, the status and the time taken; never an address, a
path or a query (an invite link's token is in its path). gunicorn's own messages pass through
``hide_secrets`` all the same, for the few that quote a request line.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import ClosingIterator

GRACEFUL_SECONDS = 30
# Read this much of a body the app did not read, so that its sender gets the answer (the app's
# limit is 12 MB, nginx lets 13 MB through).
DRAIN_LIMIT = 16 * 1024 * 1024
# One line per request: time, the worker's process id, method, status, duration in ms.
ACCESS_LOG_FORMAT = '%(t)s worker=%(p)s "%(m)s" %(s)s %(M)sms'

# Secrets in addresses: an invite link (/i/<token>), a calendar address (/kalender/<token>.ics)
# and the link to a person's copy of their data (/kopia/<token>), as deploy/nginx.conf writes them.
SECRET_IN_PATH = re.compile(r"""(^|[\s'"=(]|//[^/\s'"]+)/(i|kalender|kopia)/[^\s'"?)]+""")
HIDDEN = {"i": "[invite]", "kalender": "[calendar]", "kopia": "[copy]"}


def hide_secrets(text: str) -> str:
    """``GET /i/abc123 HTTP/1.1`` becomes ``GET /i/[invite] HTTP/1.1``."""
    return SECRET_IN_PATH.sub(lambda m: f"{m.group(1)}/{m.group(2)}/{HIDDEN[m.group(2)]}", text)


class HideSecrets(logging.Filter):
    """A log filter that takes the secrets out of a message's paths before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_secrets(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def has_prefork_server() -> bool:
    if not hasattr(os, "fork"):
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


class TrustedProxy:
    """X-Forwarded-For and -Proto from the trusted proxy's address only; dropped from others.

    From ``trusted`` (an address, or ``*`` for any), werkzeug's ProxyFix takes the client's
    address and the scheme from the headers, ``proxies`` hops from the right. From any other
    address, and for the headers no proxy of ours sets, the headers are removed, so that nothing
    further in can read them by mistake. ``proxies=0`` trusts no one.
    """

    TRUSTED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")
    NEVER = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_BY", "HTTP_X_FORWARDED_HOST",
             "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX")  # fmt: skip

    def __init__(self, app: Callable, *, proxies: int, trusted: str) -> None:
        self.app = app
        self.proxies = proxies
        self.trusted = trusted.strip()
        self.fixed = ProxyFix(app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        for key in self.NEVER:
            environ.pop(key, None)
        if self.proxies and self.trusted in ("*", environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for key in self.TRUSTED:
            environ.pop(key, None)
        return self.app(environ, start_response)


class ReadsWholeBody:
    """Reads what is left of a request's body after the answer, up to ``DRAIN_LIMIT`` bytes.

    The app answers a body over its limit (12 MB) at once with its own 413 page, without reading
    it. gunicorn then reads at most 64 KB of what is left and closes the connection, so a phone
    (or nginx, which sends the whole body on) still sending gets a reset instead of the page.
    waitress read every body before the app saw it, so it never showed. Reading the rest here,
    after the answer is sent, lets the sender finish and read the answer.
    """

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        return ClosingIterator(
            self.app(environ, start_response), lambda: self.read_rest(environ["wsgi.input"])
        )

    @staticmethod
    def read_rest(body) -> None:
        left = DRAIN_LIMIT
        while left > 0:
            chunk = body.read(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)


def serve(
    app,
    *,
    host: str,
    port: int,
    threads: int,
    workers: int,
    proxies: int = 0,
    trusted_proxy: str = "127.0.0.1",
    access_log: str | None = None,
) -> None:
    """Serve ``app`` until stopped: gunicorn where there is one, else waitress."""
    if has_prefork_server():
        _serve_gunicorn(
            app, host=host, port=port, threads=threads, workers=workers, proxies=proxies,
            trusted_proxy=trusted_proxy, access_log=access_log,
        )  # fmt: skip
    else:
        _serve_waitress(app, host=host, port=port, threads=threads, proxies=proxies,
                        trusted_proxy=trusted_proxy)  # fmt: skip


def waitress_proxy_settings(proxies: int, trusted_proxy: str) -> dict:
    """Behind a TLS proxy, let waitress take X-Forwarded-Proto and -For from that proxy only.

    Without this waitress drops the headers: the app would think it is served over plain http
    and send a cookie without Secure, and no HSTS. Headers from any other address are removed.
    """
    if not proxies:
        return {}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_count": proxies,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def _serve_waitress(app, *, host, port, threads, proxies, trusted_proxy) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=threads, ident="familjeapp",
                   **waitress_proxy_settings(proxies, trusted_proxy))  # fmt: skip


def gunicorn_options(
    *, host: str, port: int, threads: int, workers: int, access_log: str | None
) -> dict:
    """gunicorn's settings for `serve` (its documented names, see ``gunicorn --help``)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    options = {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # The app is made once in the master (migrations, static copies), then forked.
        "preload_app": True,
        "graceful_timeout": GRACEFUL_SECONDS,
        "proc_name": "familjeapp",
        # X-Forwarded-* are ours to judge (TrustedProxy): gunicorn trusts none of them.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "forwarder_headers": "",
        # No runtime control socket in the home folder: systemd starts and stops the service.
        "control_socket_disable": True,
        "errorlog": "-",
        "loglevel": "info",
        "accesslog": access_log,
        "access_log_format": ACCESS_LOG_FORMAT,
    }
    return options


def _serve_gunicorn(
    app, *, host, port, threads, workers, proxies, trusted_proxy, access_log
) -> None:
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger

    class PrivateLogger(Logger):
        """gunicorn's logger, with invite and calendar tokens taken out of every message."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                if not any(isinstance(f, HideSecrets) for f in log.filters):
                    log.addFilter(HideSecrets())

    options = gunicorn_options(
        host=host, port=port, threads=threads, workers=workers, access_log=access_log
    )
    options["logger_class"] = PrivateLogger
    wsgi = ReadsWholeBody(TrustedProxy(app, proxies=proxies, trusted=trusted_proxy))

    class FamiljeappServer(BaseApplication):
        """gunicorn's documented custom application: our settings, our app, no command line."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return wsgi

    # gunicorn reads sys.argv only through its own command line, which BaseApplication skips;
    # it still calls sys.exit() when it stops.
    FamiljeappServer().run()
    sys.exit(0)
