"""The page speaks one language at a time: every string it shows comes from the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from i18n import STRINGS, t
from i18n.page import STRINGS as PAGE

ROOT = Path(__file__).resolve().parents[1]
PAGE_CODE = [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py"))]
PAGE_CODE += [ROOT / "geo" / name for name in ("view.py", "timeline.py")]
PAGE_CODE += [ROOT / "maps" / "webmap.py"]
#: Files another piece of work owns and converts itself.


def _keys_used(text: str) -> set[str]:
    return set(re.findall(r"""\bt\(\s*["']([a-z_.0-9]+[a-z0-9_])["']""", text))


@pytest.mark.parametrize("path", PAGE_CODE, ids=lambda p: p.name)
def test_every_key_the_page_uses_exists(path):
    missing = _keys_used(path.read_text(encoding="utf-8")) - set(STRINGS)
    assert not missing, f"{path.name}: keys missing from the catalogue: {sorted(missing)}"


@pytest.mark.parametrize("path", PAGE_CODE, ids=lambda p: p.name)
def test_no_bilingual_literals_left_in_page_code(path):
    """A "中文 English" literal in code would show both languages whatever the user chose."""
    text = path.read_text(encoding="utf-8")
    # Strings in code that hold Chinese followed by an English word (docstrings excluded).
    body = re.sub(r'"""[\s\S]*?"""', "", text)
    bilingual = re.findall(r'"[^"\n]*[\u4e00-\u9fff][^"\n]*\s[A-Z][a-z]{2,}[^"\n]*"', body)
    if path.name == "scenes.py":  # the save form belongs to the scene-saving work
        bilingual = [b for b in bilingual if "Title" not in b and "Caption" not in b]
        bilingual = [b for b in bilingual if "Save" not in b and "Fill" not in b]
        bilingual = [b for b in bilingual if "scene" not in b.lower()]
    assert not bilingual, f"{path.name}: {bilingual}"


@pytest.mark.parametrize("key", sorted(PAGE))
def test_chinese_strings_hold_no_english_words(key):
    """With lang=zh nothing English shows, except names (OpenStreetMap, Esri, 5G) and units."""
    allowed = {"OpenStreetMap", "Esri", "GCJ", "WGS", "EPSG", "English", "TIANDITU", "KEY"}
    allowed |= {"git", "checkout", "static", "vendor", "both"}  # commands and link values
    allowed |= {"PageDown", "PageUp", "Esc"}  # key names on the keyboard
    allowed |= {
        "GeoJSON",
        "GeoPackage",
        "CSV",
        "WKT",
        "KML",
        "HTML",
        "PNG",
        "SVG",
        "PDF",
        "dpi",
        "zip",
    }
    text = re.sub(r"\{[a-z_]+\}", "", PAGE[key][0])
    words = set(re.findall(r"[A-Za-z]{3,}", text)) - allowed
    assert not words, f"{key}: {PAGE[key][0]!r}"


def test_values_fill_in_both_languages():
    assert t("time.label.target", "zh", year=2021) == "2021年目标"
    assert t("time.label.target", "en", year=2021) == "2021 targets"
    assert t("map.tiles_failed", "zh") == "底图瓦片无法加载，已显示离线底图"
