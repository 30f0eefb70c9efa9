"""Server-rendered HTML with autoescaping: small templates filled by ``Markup.format``.

Templates (``templates/*.html``) are HTML with ``{name}`` placeholders. Every value is
escaped unless it is already :class:`markupsafe.Markup` (built here, from escaped parts), so
a resident's ``<script>`` is shown as text. Templates hold no logic; loops and conditions are
plain Python in the views, building fragments with :func:`tag` and :func:`join`.
No inline scripts or styles: the Content-Security-Policy forbids them.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

TEMPLATES = Path(__file__).resolve().parent / "templates"
LONDON = ZoneInfo("Europe/London")

__all__ = ["Markup", "escape", "render", "tag", "join", "fmt_date", "fmt_time", "table"]


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render(template: str, /, **values: Any) -> Markup:
    """Fill ``templates/<name>`` with escaped ``values``."""
    return Markup(_template(template)).format(**values)


def tag(element: str, content: Any = "", /, **attributes: Any) -> Markup:
    """``<name attr="...">content</name>``; ``class_`` for ``class``, ``True`` for a bare
    attribute, ``None``/``False`` to leave one out. Content and values are escaped."""
    parts = [element]
    for key, value in attributes.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")
        parts.append(key if value is True else f'{key}="{escape(value)}"')
    opening = Markup("<" + " ".join(parts) + ">")
    if element in ("input", "meta", "br", "link"):
        return opening
    return opening + escape(content) + Markup(f"</{element}>")


def join(items: Iterable[Any], separator: str = "\n") -> Markup:
    return Markup(separator).join(escape(item) for item in items)


def fmt_date(day: date | None, empty: str = "—") -> str:
    if day is None:
        return empty
    return day.strftime("%a %d %b %Y").replace(" 0", " ")


def fmt_time(moment: datetime | None, empty: str = "—") -> str:
    """A UTC timestamp shown in the council's local time."""
    if moment is None:
        return empty
    return moment.astimezone(LONDON).strftime("%d %b %Y %H:%M").lstrip("0")


def table(caption: str, headers: list[str], rows: list[list[Any]], **attributes: Any) -> Markup:
    """A data table with a caption and column headers (``scope="col"``)."""
    head = tag("tr", join(tag("th", h, scope="col") for h in headers))
    body = join(tag("tr", join(tag("td", cell) for cell in row)) for row in rows)
    if not rows:
        body = tag("tr", tag("td", "Nothing to show.", colspan=str(len(headers))))
    return tag("table", tag("caption", caption) + tag("thead", head) + tag("tbody", body),
               **attributes)
