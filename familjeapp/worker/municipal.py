"""Staff sign-in through the municipality's OpenID provider (OpenID Connect, authorization code
flow with PKCE), by Authlib's Flask client.

The provider says who the person is and whether they may use the app at all (its groups, its own
second factor); the app's account, found by a claim (the e-mail by default), says what they may
see. There are no accounts made at the first sign-in: the administrator makes them, as before.

What protects the round trip, all checked by Authlib or here:
- ``state``: kept in this browser's session cookie (SameSite=Lax, so it comes along on the
  provider's redirect back, a top-level GET from another site) and compared on return;
- ``nonce``: also kept there, and compared with the one inside the signed ID token;
- PKCE (S256): the code is worth nothing without the verifier that only this session holds;
- the ID token's signature (the provider's published keys), issuer, audience and lifetime, and
  the ``iss`` of the redirect back where the provider sends one (RFC 9207).

Starting the sign-in is a POST with the CSRF token, like every other form; only the provider's
redirect back is a GET, and it changes nothing but this browser's own session.
"""

import threading

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from joserfc.errors import JoseError

from ..access import public, staff_role
from ..auth.forms import ConfirmForm
from ..db import get_db
from ..store import audit, staff
from ..store import oidc as oidc_store
from ..store import sessions as sessions_store
from ..urls import safe_next
from .views import bp

NAME = "kommun"
# The provider is asked for this long before the sign-in is given up (seconds).
PROVIDER_TIMEOUT = 10
# The password steps, which are off when the provider is the only way in (OIDC_ONLY).
PASSWORD_STEPS = frozenset({"worker.sign_in", "worker.one_time_code", "worker.enrol"})

# The error codes of RFC 6749 4.1.2.1 and OpenID Connect Core 3.1.2.6.
OAUTH_ERRORS = frozenset(
    {
        "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
        "invalid_scope", "server_error", "temporarily_unavailable", "interaction_required",
        "login_required", "account_selection_required", "consent_required",
        "invalid_request_uri", "invalid_request_object", "request_not_supported",
        "request_uri_not_supported", "registration_not_supported", "invalid_grant",
        "invalid_client", "unsupported_grant_type", "mismatching_state", "missing_token",
    }
)  # fmt: skip

_lock = threading.Lock()


class Refused(Exception):
    """The sign-in is refused; ``reason`` goes to the audit log, never anything personal."""

    def __init__(self, reason: str, worker_id: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.worker_id = worker_id


def configured(config=None) -> bool:
    config = config if config is not None else current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def provider_only() -> bool:
    return configured() and bool(current_app.config.get("OIDC_ONLY"))


def client():
    """The provider as Authlib's client, made once per app; its metadata and keys are fetched
    from the issuer's discovery document when first needed, and kept."""
    app = current_app._get_current_object()
    with _lock:
        found = app.extensions.get("familjeapp_oidc")
        if found is None:
            config = app.config
            found = OAuth(app).register(
                NAME,
                client_id=config["OIDC_CLIENT_ID"],
                client_secret=config["OIDC_CLIENT_SECRET"] or None,
                server_metadata_url=config["OIDC_ISSUER"].rstrip("/")
                + "/.well-known/openid-configuration",
                client_kwargs={
                    "scope": config["OIDC_SCOPES"],
                    "code_challenge_method": "S256",
                    "default_timeout": PROVIDER_TIMEOUT,
                },
            )
            app.extensions["familjeapp_oidc"] = found
    return found


def allowed_groups() -> set[str]:
    return {g.strip() for g in current_app.config["OIDC_ALLOWED_GROUPS"].split(",") if g.strip()}


@bp.context_processor
def sign_in_choices() -> dict:
    """What the staff sign-in page offers: the municipality's account, the password, or both."""
    return {"municipal_sign_in": configured(), "password_sign_in": not provider_only()}


@bp.before_request
def password_steps_off():
    """With the provider as the only way in, the password steps answer nothing but the page."""
    if provider_only() and request.endpoint in PASSWORD_STEPS and request.method == "POST":
        abort(404)


@bp.post("/logga-in/kommun")
@public
def municipal_sign_in():
    """Logga in med kommunens konto: off to the provider, with state, nonce and PKCE."""
    if not configured():
        abort(404)
    ConfirmForm().validate_on_submit() or abort(400)
    if g.worker is not None:
        return redirect(url_for(".dashboard"), 303)
    session["staff_next"] = safe_next(request.args.get("next"))
    try:
        answer = client().authorize_redirect(url_for(".municipal_return", _external=True))
    except (requests.RequestException, ValueError, KeyError) as error:
        return refused_page(Refused(f"provider_unreachable:{type(error).__name__}"))
    answer.status_code = 303
    return answer


@bp.get("/logga-in/kommun/klar")
@public
def municipal_return():
    """The provider sends the person back here with a code: check everything, then sign in."""
    if not configured():
        abort(404)
    try:
        worker_id, id_token = signed_in_worker()
    except Refused as refusal:
        return refused_page(refusal)
    return finish(worker_id, id_token)


def signed_in_worker() -> tuple[int, str]:
    """The account of the person the provider vouches for, and the provider's ID token; or
    Refused with the reason."""
    provider = client()
    try:
        metadata = provider.load_server_metadata()
        said_issuer = request.args.get("iss")
        if said_issuer is not None and said_issuer != metadata.get("issuer"):
            raise Refused("wrong_issuer")
        token = provider.authorize_access_token()
    except MismatchingStateError:
        raise Refused("state_mismatch") from None
    except OAuthError as error:
        # The error code comes from the address: only the standard ones are written down.
        said = error.error if error.error in OAUTH_ERRORS else "other"
        raise Refused(f"provider_said:{said}") from None
    except JoseError as error:
        # A nonce that is not ours, a bad signature, an expired or foreign token.
        raise Refused(f"id_token:{error.error}"[:60]) from None
    except requests.RequestException:
        raise Refused("provider_unreachable") from None
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise Refused("no_id_token")
    claims = with_userinfo(provider, token, dict(claims))
    account_claim = current_app.config["OIDC_ACCOUNT_CLAIM"]
    account = claims.get(account_claim)
    if not isinstance(account, str) or not account.strip():
        raise Refused("account_claim_missing")
    if account_claim == "email" and claims.get("email_verified") is False:
        raise Refused("email_not_verified")
    worker_id = oidc_store.active_account(get_db(), account)
    wanted = allowed_groups()
    if wanted and not wanted & groups_of(claims):
        raise Refused("not_in_allowed_group", worker_id)
    if worker_id is None:
        raise Refused("unknown_account")
    return worker_id, token["id_token"]


def with_userinfo(provider, token: dict, claims: dict) -> dict:
    """Claims the ID token lacks, from the provider's userinfo endpoint, for the same person.

    A certified provider may put only ``sub`` in the ID token of the code flow and the rest in
    userinfo."""
    wanted = (current_app.config["OIDC_ACCOUNT_CLAIM"], current_app.config["OIDC_GROUPS_CLAIM"])
    if all(name in claims for name in wanted):
        return claims
    if not provider.load_server_metadata().get("userinfo_endpoint"):
        return claims
    try:
        info = provider.userinfo(token=token)
    except (requests.RequestException, OAuthError):
        raise Refused("userinfo_unreachable") from None
    if info.get("sub") != claims.get("sub"):
        raise Refused("userinfo_other_subject")
    return {**info, **claims}


def groups_of(claims: dict) -> set[str]:
    found = claims.get(current_app.config["OIDC_GROUPS_CLAIM"])
    if isinstance(found, str):
        return {found}
    if isinstance(found, list | tuple):
        return {str(group) for group in found}
    return set()


def finish(worker_id: int, id_token: str):
    """A new staff session (a new token in the cookie), as after the password and the code."""
    session.pop("staff_pending", None)
    target = session.pop("staff_next", None)
    db = get_db()
    token = sessions_store.start_session(db, worker_id=worker_id)
    oidc_store.remember_id_token(db, token, id_token)
    session["staff_sid"] = token
    session.permanent = True
    worker = staff.get_staff(db, worker_id)
    audit.record(
        db, "staff_sign_in_oidc", actor_type="worker", actor_id=worker_id,
        role=staff_role(worker),
    )  # fmt: skip
    return redirect(target or url_for(".dashboard"), 303)


MESSAGES = {
    "not_in_allowed_group": lambda: _(
        "Your account in the municipality does not give you access to familjeapp. "
        "Ask your manager or the administrator if you should have it."
    ),
    "unknown_account": lambda: _(
        "There is no familjeapp account for your account in the municipality. "
        "Ask the administrator to make one for you."
    ),
}


def refused_page(refusal: Refused):
    """Say plainly why, in the staff's words; write the reason, and the account if known."""
    session.pop("staff_next", None)
    worker = staff.get_staff(get_db(), refusal.worker_id) if refusal.worker_id else None
    audit.record(
        get_db(), "staff_sign_in_oidc_refused",
        actor_type="worker" if worker else "anonymous",
        actor_id=worker.id if worker else None, role=staff_role(worker) if worker else None,
        object_type="reason", object_id=refusal.reason, outcome="denied",
    )  # fmt: skip
    known = MESSAGES.get(refusal.reason)
    message = (
        known()
        if known
        else _("Signing in with the municipality's account did not work. Try again from the start.")
    )
    return render_template("worker/municipal_refused.html", message=message), 403


def sign_out_url(session_id: int) -> str | None:
    """Where signing out goes when the session came through the provider and the provider can
    end its own session too (RP-initiated logout): its end_session_endpoint, with the ID token
    as the hint and our sign-in page to come back to. Else None: our own sign-in page."""
    if not configured():
        return None
    id_token = oidc_store.id_token_of(get_db(), session_id)
    if not id_token:
        return None
    provider = client()
    try:
        if not provider.load_server_metadata().get("end_session_endpoint"):
            return None
        made = provider.create_logout_url(
            post_logout_redirect_uri=url_for(".sign_in", _external=True),
            id_token_hint=id_token,
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )
    except (requests.RequestException, ValueError, RuntimeError):
        return None  # the provider is away: our own session ends all the same
    return made["url"]
