"""Years and periods as the report gives them: "2016–2020" is one period, never five years."""

from __future__ import annotations

from typing import Final

# Where each part of the report begins: the 2016–2020 review, then 2020, the 14th five-year
# goals and the 2021 plan. A sentence's place tells which period its figure belongs to.
_SECTIONS: Final = (
    ("一、“十三五”时期工作回顾", (2016, 2020)),
    ("各位代表,刚刚过去的2020年", (2020, 2020)),
    ("二、“十四五”时期主要目标任务", (2021, 2025)),
    ("三、2021年工作安排", (2021, 2021)),
    ("四、全面提升政府建设水平", None),
)


def period_label(year: int, year_end: int | None = None) -> str:
    """A year or a period as the report gives it: ``2020`` or ``2016–2020``."""
    if year_end is None or year_end == year:
        return str(year)
    return f"{year}–{year_end}"


def report_period(quote: str, report_text: str) -> tuple[int, int] | None:
    """The years the report's part holding ``quote`` speaks about, or None if not found.

    >>> text = "一、“十三五”时期工作回顾 建成33处口袋公园 三、2021年工作安排 建成2处口袋公园"
    >>> report_period("建成33处口袋公园", text), report_period("建成2处口袋公园", text)
    ((2016, 2020), (2021, 2021))
    """
    at = report_text.find(quote)
    if at < 0:
        return None
    found = None
    for heading, years in _SECTIONS:
        start = report_text.find(heading)
        if 0 <= start <= at:
            found = years
    return found
