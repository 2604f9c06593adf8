"""Where a form may be sent from: this site only, beside the CSRF token in every form.

Flask-WTF checks the Referer over HTTPS, but the app sends ``Referrer-Policy: no-referrer`` so
that an invite token in an address never reaches another site, and so browsers send no Referer
at all. What browsers do send is ``Sec-Fetch-Site`` (and ``Origin``), which a page cannot forge:
refuse a POST that another site made the browser send, the way Go's CrossOriginProtection does.
"""

from flask import request
from flask_wtf.csrf import CSRFError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# "none": the person typed the address or used a bookmark; "same-origin": one of our pages.
OWN_SITE = frozenset({"same-origin", "none"})
# Leaving must work whatever else fails (SECURITY.md); it only locks the device.
ALWAYS_ALLOWED = frozenset({"auth.quick_exit"})


def refuse_cross_site_posts() -> None:
    """Before every request: a state-changing request must come from our own pages."""
    if request.method in SAFE_METHODS or request.endpoint in ALWAYS_ALLOWED:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site not in OWN_SITE:
            raise CSRFError("The form was sent from another site.")
        return
    # Older browsers: compare Origin when there is one. "null" (sent under no-referrer) says
    # nothing either way, and the CSRF token still has to match.
    origin = request.headers.get("Origin")
    if origin and origin != "null" and origin != request.host_url.rstrip("/"):
        raise CSRFError("The form was sent from another site.")
