"""Escaping for every data or user string that reaches HTML (tooltips, legends, titles).

folium escapes nothing, and its templates put strings inside JavaScript template literals,
so plain HTML escaping is not enough: a backtick, ``${...}`` or a backslash must not survive
either (see FIELD_NOTES, "HTML injection").
"""

from __future__ import annotations

import html

# Braces too: folium and branca compile page fragments as Jinja templates, where "{{" runs.
_JS_SAFE = str.maketrans({"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"})


def escape_html(value: object) -> str:
    """Return ``value`` as text that is inert in HTML and in a JavaScript template literal.

    >>> escape_html('<img src=x onerror=alert(1)> ${x} `')
    '&lt;img src=x onerror=alert(1)&gt; &#36;&#123;x&#125; &#96;'
    """
    return html.escape(str(value), quote=True).translate(_JS_SAFE)
