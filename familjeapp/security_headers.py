"""Flask-Talisman's security headers, worked out once instead of for every answer.

Talisman builds its headers anew for every response: it looks up the view's own options, joins
the Content-Security-Policy and the Permissions-Policy from their dictionaries, and checks for
HTTPS twice, before each request and after it. With the same settings for every view (no view of
ours has options of its own, and no nonce is used) the headers differ only by whether the request
came over HTTPS (Strict-Transport-Security). So they are made once for each of the two, by
Talisman's own code, and set on every answer as Talisman would set them: a small part of every
page's time, and a large part of a 304's (README, *Performance*).

A view with options of its own (``@talisman(...)``) or a request with a nonce gets Talisman's
own, per-request handling, as before.
"""

from flask import current_app, request
from flask_talisman import Talisman
from werkzeug.datastructures import Headers


class OnceTalisman(Talisman):
    def init_app(self, app, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)
        # Talisman keeps the settings of the app it was given last; so do the headers made.
        self._kept_headers: dict[bool, tuple] = {}

    def _same_for_every_view(self) -> bool:
        view = current_app.view_functions.get(request.endpoint)
        return (
            not hasattr(view, "talisman_view_options")
            and not self.content_security_policy_nonce_in
            and not getattr(request, "csp_nonce", None)
        )

    def _force_https(self):
        if self.force_https or self.session_cookie_secure or not self._same_for_every_view():
            return super()._force_https()
        return None  # nothing to redirect and nothing to set: Talisman's own check would say so

    def _make_nonce(self):
        if not self._same_for_every_view():
            super()._make_nonce()

    def _set_response_headers(self, response):
        if not self._same_for_every_view():
            return super()._set_response_headers(response)
        over_https = (
            request.is_secure or request.headers.get("X-Forwarded-Proto", "http") == "https"
        )
        kept = self._kept_headers
        headers = kept.get(over_https)
        if headers is None:
            made = Headers()
            options = self._get_local_options()
            self._set_feature_policy_headers(made, options)
            self._set_permissions_policy_headers(made, options)
            self._set_document_policy_headers(made, options)
            self._set_frame_options_headers(made, options)
            self._set_content_security_policy_headers(made, options)
            self._set_hsts_headers(made)
            self._set_referrer_policy_headers(made)
            headers = kept[over_https] = tuple(made.items())
        for name, value in headers:
            response.headers[name] = value
        return response
