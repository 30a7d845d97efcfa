"""Known-identifier replacement for what panel members read (plain Python, no Flask).

The child's names become the case pseudonym ("Child A"); family members' names become their
relationship ("[mother]"); places named in the record become "[place]"; NHS numbers, postcodes,
phone numbers and email addresses become "[removed]"; dates become "[date]". The learning
issue's redaction engine will do more (diminutives, initials, NI numbers, URLs); this is the
panel's floor: every identifier held in the structured record never reaches a member's page.
"""

import re
from dataclasses import dataclass, field
from datetime import date

REMOVED = "[removed]"
PLACE = "[place]"
DATE = "[date]"
NAME = "[name]"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_ORDINAL = r"(?:st|nd|rd|th)?"

# Patterns that are identifiers whoever they belong to.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NHS_NUMBER = re.compile(r"(?<![\d])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d])")
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?![\d])")
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
DATES = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(rf"\b\d{{1,2}}{_ORDINAL}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{2,4}})?\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+\d{{1,2}}{_ORDINAL}(?:,?\s+\d{{4}})?\b", re.IGNORECASE),
]
HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+"
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr"}


@dataclass
class Identifiers:
    """Everything the record knows that could identify the child or family."""

    pseudonym: str
    forename: str | None = None
    surname: str | None = None
    other_names: list[str] = field(default_factory=list)
    # (relationship label, full name), e.g. ("mother", "Jane Smith").
    family: list[tuple[str, str]] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # address, school, GP, hospital...
    postcode: str | None = None
    nhs_number: str | None = None
    dates: list[date] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # anything else to remove outright


def _words(text):
    """A pattern matching `text` as whole words, any case, any run of spaces or hyphens."""
    parts = [re.escape(p) for p in re.split(r"[\s]+", text.strip()) if p]
    return r"(?<![\w])" + r"[\s]+".join(parts) + r"(?![\w])"


def _name_parts(name):
    """The parts of a name worth replacing alone: each word and each hyphenated piece."""
    parts = set()
    for word in re.split(r"\s+", name.strip()):
        word = word.strip(".,'\"()")
        if word.casefold() in HONORIFICS:
            continue
        if len(word) >= 2:
            parts.add(word)
        for piece in word.split("-"):
            if len(piece) >= 2 and piece != word:
                parts.add(piece)
    return parts


def date_forms(value):
    """The ways a person might write this date: 12/03/2011, 12.3.11, 12 March 2011 ..."""
    d, m, y = value.day, value.month, value.year
    month, short = MONTHS[m - 1], MONTHS[m - 1][:3]
    suffix = "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    forms = {value.isoformat()}
    for sep in "/.-":
        for dd in {f"{d}", f"{d:02d}"}:
            for mm in {f"{m}", f"{m:02d}"}:
                for yy in (f"{y}", f"{y % 100:02d}"):
                    forms.add(f"{dd}{sep}{mm}{sep}{yy}")
    for day in {f"{d}", f"{d:02d}", f"{d}{suffix}"}:
        for mon in (month, short):
            forms.add(f"{day} {mon} {y}")
            forms.add(f"{day} of {mon} {y}")
            forms.add(f"{mon} {day}, {y}")
            forms.add(f"{mon} {day} {y}")
            forms.add(f"{day} {mon}")
    return forms


class Pseudonymiser:
    """Replace one case's known identifiers and the general identifier patterns in text."""

    def __init__(self, identifiers):
        self.ids = identifiers
        self.rules = self._build()

    def _build(self):
        ids = self.ids
        rules = [(EMAIL, REMOVED)]  # (compiled pattern, replacement), applied in order

        def add(text, replacement):
            if text and text.strip():
                rules.append((re.compile(_words(text), re.IGNORECASE), replacement))

        # Whole strings first, so "12 Acacia Avenue" goes before its parts.
        places = set()
        for place in (p for p in ids.places if p):
            places.add(place.strip())
            places.update(line.strip() for line in re.split(r"[,\n]+", place)
                          if len(line.strip()) >= 4)
        for place in sorted(places, key=len, reverse=True):
            add(place, PLACE)
        for value in ids.other:
            add(value, REMOVED)
        for when in ids.dates:
            for form in sorted(date_forms(when), key=len, reverse=True):
                rules.append((re.compile(r"(?<![\w])" + re.escape(form) + r"(?![\w])",
                                         re.IGNORECASE), DATE))
        if ids.nhs_number:
            digits = re.sub(r"\D", "", ids.nhs_number)
            if digits:
                rules.append((re.compile(r"[\s-]?".join(digits)), REMOVED))
        if ids.postcode:
            compact = re.sub(r"\s", "", ids.postcode)
            rules.append((re.compile(r"\s*".join(map(re.escape, compact)), re.IGNORECASE),
                          REMOVED))

        # Names: longest first, so a full name goes whole before its parts.
        child_names = [n for n in [f"{ids.forename or ''} {ids.surname or ''}".strip(),
                                   *(ids.other_names or [])] if n]
        family = [(f"[{relation}]", name) for relation, name in ids.family if name]
        names = [(name, ids.pseudonym) for name in child_names]
        names += [(name, label) for label, name in family]
        for name, _ in list(names):
            for part in _name_parts(name):
                names.append((part, None))
        seen = set()
        for name, replacement in sorted(names, key=lambda item: len(item[0]), reverse=True):
            key = name.casefold()
            if key in seen:
                continue
            seen.add(key)
            if replacement is None:
                replacement = self._part_replacement(name, child_names, family)
            # "Mrs Smith" is a parent, not the child.
            rules.append((re.compile(HONORIFIC + _words(name), re.IGNORECASE), NAME))
            add(name, replacement)

        for pattern in (NHS_NUMBER, PHONE, *DATES, POSTCODE):
            rules.append((pattern, DATE if pattern in DATES else REMOVED))
        return rules

    def _part_replacement(self, part, child_names, family):
        key = part.casefold()
        if any(key in {p.casefold() for p in _name_parts(n)} for n in child_names):
            return self.ids.pseudonym
        for label, name in family:
            if key in {p.casefold() for p in _name_parts(name)}:
                return label
        return NAME

    def __call__(self, text):
        if not text:
            return text
        for pattern, replacement in self.rules:
            text = pattern.sub(replacement, text)
        return text


def pseudonymise(text, identifiers):
    """`text` with `identifiers` and identifier patterns replaced."""
    return Pseudonymiser(identifiers)(text)
