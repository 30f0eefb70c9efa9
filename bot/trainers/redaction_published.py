"""The council's and the ICO's own published contact details are not personal data.

A resident who asks "is dpo@cheshirewestandchester.gov.uk right?" or "can I post it to 4
Civic Way?" shows a trainer nothing about themselves, and the detail is what the question is
about. So before the rules run, each published detail (from :mod:`bot.rules.council`, the one
home of them) is set aside behind a marker no rule matches, and put back afterwards.
Addresses are protected part by part (a resident types "Wellington Road" or "CH65 0BA" alone),
except the towns and counties, which the rules keep anyway; phone numbers in any spacing.
"""
from __future__ import annotations

import functools
import re
from re import Pattern

from bot.rules import council

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(_OPEN + "(.)" + _CLOSE)
_NOT_PROTECTED = frozenset(
    {"chester", "ellesmere port", "wilmslow", "cheshire", council.COUNCIL_NAME.lower(),
     council.ICO_NAME.lower(), "data protection officer"}
)


def _loose(part: str) -> str:
    """``part`` as a regex matching it in any case and spacing ("CH65 0BE", "ch650be")."""
    pieces = re.findall(r"[A-Za-z0-9]+", part)
    return r"[\s\-.,]*".join(re.escape(p) for p in pieces)


_POSTCODES: set[str] = set()
_NO_HOUSE_NUMBER = r"(?<!\d\s)(?<!\d,\s)(?<!\d[A-Za-z]\s)(?<!\d\s\s)"


@functools.lru_cache(maxsize=1)
def _patterns() -> list[Pattern[str]]:
    details: set[str] = {council.DPO_EMAIL, council.ICO_EMAIL}
    for address in (council.DPO_POSTAL_ADDRESS, council.ICO_POSTAL_ADDRESS,
                    *council.OTHER_PUBLISHED_ADDRESSES):
        for part in address.split(","):
            part = part.strip()
            postcode = re.search(r"[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}$", part)
            if postcode:
                _POSTCODES.add(postcode.group(0))
                part = part[: postcode.start()].strip()
            if part and part.lower() not in _NOT_PROTECTED:
                details.add(part)
    out = [re.compile(r"(?<![\w@.])" + re.escape(d) + r"(?![\w@])", re.I)
           for d in details if "@" in d]
    # With a house number before it ("9 Wellington Road") a published street is a
    # resident's address, not the council's: left to the rules.
    out += [re.compile(_NO_HOUSE_NUMBER + r"(?<![\w])" + _loose(d) + r"(?![\w])", re.I)
            for d in sorted(details, key=len, reverse=True) if "@" not in d]
    # A postcode alone may be a resident's own (a form answer): kept only beside the rest
    # of the published address.
    out += [re.compile(r"(?<=\ue001)((?:,?\s+[A-Za-z]+){0,3},?\s+)" + _loose(p) + r"(?![\w])",
                       re.I) for p in sorted(_POSTCODES)]
    for phone in (council.DPO_PHONE, council.ICO_PHONE, council.ICO_PHONE_NATIONAL_RATE):
        digits = re.sub(r"\D", "", phone)
        out.append(re.compile(r"(?<![\d+])" + r"[\s\-.]?".join(digits) + r"(?!\d)"))
    return out


def set_aside(text: str) -> tuple[str, list[str]]:
    """``text`` with each published detail replaced by a marker, and the details in order."""
    kept: list[str] = []

    def mark(match: re.Match[str]) -> str:
        lead = match.group(1) if match.re.groups else ""
        kept.append(match.group(0)[len(lead):])
        return lead + _OPEN + chr(0xE100 + len(kept) - 1) + _CLOSE

    if _OPEN in text:
        text = text.replace(_OPEN, "").replace(_CLOSE, "")
    for pattern in _patterns():
        text = pattern.sub(mark, text)
    return text, kept


def put_back(text: str, kept: list[str]) -> str:
    """The details :func:`set_aside` took out, back in their places."""
    if not kept:
        return text
    return _MARKER.sub(lambda m: kept[ord(m.group(1)) - 0xE100], text)


def published_spans(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` a published detail stands (the learned recogniser leaves them)."""
    return [
        match.span()
        for pattern in _patterns()
        if _CLOSE not in pattern.pattern
        for match in pattern.finditer(text)
    ]
