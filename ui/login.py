"""Signing in: local accounts (``python -m geo users``) or the bureau's OIDC via ``st.login``.

:func:`current_actor` is what the page hands to the stores, which check the role on every
write. With sign-in off (one planner, the GeoJSON file: :func:`geo.accounts.sign_in_required`)
it is None and the data panel asks for a name as before. A password is only ever passed to
the argon2 check: never stored in the session, logged or shown.
"""

from __future__ import annotations

import streamlit as st

from geo import accounts, auth
from geo.text import escape_markdown
from i18n import t

_ACTOR_KEY = "signed_in_actor"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError):
        return False


def _oidc_actor() -> auth.Actor | None:
    """The OIDC user, with the role of the local account of the same name (else viewer)."""
    if not _oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    name = str(st.user.get("email") or st.user.get("name") or "")
    found = accounts.AccountStore().get(name) if accounts.NAME.fullmatch(name) else None
    return auth.Actor(name, found.role if found else "viewer")


def current_actor() -> auth.Actor | None:
    """Who is signed in (ANONYMOUS when nobody); None when sign-in is off."""
    if not accounts.sign_in_required():
        return None
    return st.session_state.get(_ACTOR_KEY) or _oidc_actor() or auth.ANONYMOUS


def sign_in_box(lang: str) -> None:
    """Sidebar: who is signed in and a sign-out button, or the sign-in form."""
    if not accounts.sign_in_required():
        return
    actor = current_actor()
    box = st.sidebar.expander(t("access.sign_in", lang), expanded=False)
    if actor is not None and actor.signed_in:
        role = t(f"access.role.{actor.role}", lang)
        box.caption(t("access.signed_in", lang, name=escape_markdown(actor.name), role=role))
        if box.button(t("access.sign_out", lang), key="sign_out"):
            st.session_state.pop(_ACTOR_KEY, None)
            if getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
        return
    if _oidc_configured() and box.button(t("access.sign_in.oidc", lang), key="sign_in_oidc"):
        st.login()
    with box.form("sign_in", clear_on_submit=True):
        name = st.text_input(t("access.name", lang), max_chars=60, key="sign_in_name")
        password = st.text_input(
            t("access.password", lang), type="password", max_chars=200, key="sign_in_password"
        )
        submitted = st.form_submit_button(t("access.sign_in", lang))
    if submitted:
        signed = accounts.AccountStore().sign_in(name.strip(), password)
        if signed is None:
            box.error(t("access.failed", lang))
        else:
            st.session_state[_ACTOR_KEY] = signed
            st.rerun()


def denied_text(exc: auth.AccessDenied, lang: str) -> str:
    if lang == "both":  # each language with its own words for the action and the role
        return f"{denied_text(exc, 'zh')} {denied_text(exc, 'en')}"
    who = exc.actor.name or t("access.nobody", lang)
    needed = t(f"access.role.{exc.needed}", lang)
    action = t(f"access.action.{exc.action}", lang)
    return t("access.denied", lang, who=escape_markdown(who), action=action, needed=needed)
