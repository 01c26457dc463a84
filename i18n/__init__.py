"""One string catalogue (zh / en) for the page, the map, legends, captions, exports and errors.

Code looks strings up by key; it never holds "中文 English" literals. Each concept has its own
module of ``{key: (zh, en)}``; keys are unique across modules (checked at import).

>>> t("app.title", "en")
'Shinan District Project Map'
"""

from __future__ import annotations

from i18n import access, admin, editing, evidence, exports, insight, listing, page, scale, search

#: Interface languages: Chinese (default), English, or both side by side.
LANGS = ("zh", "en", "both")
DEFAULT_LANG = "zh"


def _merge(*modules) -> dict[str, tuple[str, str]]:
    strings: dict[str, tuple[str, str]] = {}
    for module in modules:
        repeated = strings.keys() & module.STRINGS.keys()
        if repeated:
            raise ValueError(f"i18n: keys defined twice ({module.__name__}): {sorted(repeated)}")
        strings.update(module.STRINGS)
    return strings


STRINGS = _merge(page, admin, evidence, editing, insight, exports, access, listing, scale, search)


def t(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The text of ``key`` in ``lang`` ("zh", "en" or "both"), with ``values`` filled in.

    "both" gives "中文 English" (one language when the two are the same). A missing key raises
    KeyError: a typo must fail in tests, not show a key to a user.
    """
    zh, en = STRINGS[key]
    if lang == "en":
        text = en
    elif lang == "both" and en and en != zh:
        text = f"{zh} {en}"
    else:
        text = zh
    return text.format(**values) if values else text
