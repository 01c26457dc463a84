"""The string catalogue: every key in both languages, lookups by language."""

import pytest

from i18n import LANGS, STRINGS, t


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_chinese_and_english(key):
    zh, en = STRINGS[key]
    assert zh.strip(), f"{key}: no Chinese text"
    assert en.strip(), f"{key}: no English text"
    assert zh.count("{") == en.count("{"), f"{key}: the two languages take different values"


def test_language_choice():
    assert t("app.title", "zh") == "市南区项目地图"
    assert t("app.title", "en") == "Shinan District Project Map"
    assert t("app.title", "both") == "市南区项目地图 Shinan District Project Map"
    assert set(LANGS) == {"zh", "en", "both"}


def test_unknown_key_fails_loudly():
    with pytest.raises(KeyError):
        t("no.such.key")
