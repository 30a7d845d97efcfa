"""Redaction for learning summaries: identifiers known from the record, then identifier patterns.

Plain Python: no Flask, no network, no language model (research/sdc_anon.md 2.2: the targets must
be met without NER). Two layers, as in the research's recommended pipeline (2.4):

1. Known identifiers from the structured record (`KnownIdentifiers`): the child's and family's
   names in any case, possessives, initials with surname, hyphenated parts, recorded aliases,
   near-spellings of long names; address lines, postcode, school, GP practice, hospital and
   other places; NHS number spaced or not; date of birth and death in any written form.
2. Patterns for identifiers the record does not hold: NHS numbers (modulus 11), UK postcodes,
   dates (also with the day in words: "the twelfth of March"), UK phone numbers, email
   addresses, URLs, National Insurance numbers, and titled names ("Dr Okafor", "Dr. Ngozi
   Achebe").

Names hidden in handles, hashtags and joined words ("@ashley_smith", "#JusticeForAshley",
"AshleySmith") are found by splitting the token at underscores, digits and changes of case and
matching the parts against the known names; a handle or hashtag holding a name is removed whole.

Replacements: the child's names become the pseudonym (possessive kept: "Ashley's" -> "Child A's"),
family members and carers their role ("the mother"), else "[name]"; places "[place]"; dates
"[date]"; identifiers "[removed]".

Names that are also ordinary words ("May", "Will", "Rose", "Mark", "Grace", "Hope", "Bill"; see
COMMON_WORDS) are redacted only where they read as a name: written with a capital ("Rose",
"ROSE") or possessive in any case ("rose's"). Lowercase "rose", "will", "may" survive, and so
does a month name followed by a year ("May 2019"). The cost is that such a name at the start of
a sentence is always redacted ("Will the panel..."), which errs towards safety. Because a
lowercase "rose" may still be the child Rose, the residual check lists every lowercase
occurrence of this case's ordinary-word names (kind POSSIBLE_NAME), which blocks approval until
the author rewords it. Names that are not ordinary words are redacted in any case. Words never
match inside longer words ("Rose" is not found in "Roseanne" or "prose").

Every replacement is reported with its span in the original text and no original text, so the
author can see each one and the list is safe to log.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote

PLACE = "[place]"
DATE = "[date]"
NAME = "[name]"
REMOVED = "[removed]"

# Kinds of identifier, as reported in Replacement.original_kind and Hit.kind.
CHILD_NAME = "child_name"
FAMILY_NAME = "family_name"
OTHER_NAME = "name"
PLACE_KIND = "place"
DATE_KIND = "date"
NHS_NUMBER = "nhs_number"
POSTCODE = "postcode"
PHONE = "phone"
EMAIL = "email"
URL = "url"
NI_NUMBER = "ni_number"
MARKUP = "markup"
# Reported by the residual check only: a lowercase ordinary word that is also a name in this
# case ("concerns rose" when the child is Rose). It is left in the text by design, so the author
# must reword it before the summary can be approved.
POSSIBLE_NAME = "possible_name"

# English words that are also forenames or surnames: as names they are matched only when
# capitalised or possessive, so the ordinary word survives.
COMMON_WORDS = frozenset("""
    amber angel april art ash august autumn basil bell belle berry best bill bird bishop black
    bob bonnie brook brooks brown buck bud bush butler cash chance charity chase cherry child
    chip church clay cliff cole cook cooper crane cross crystal dale daisy dash dawn day dean
    don drake drew duke dusty earl east eve faith fair fern field fields fish fisher ford fox
    frank frost fry gale gay gene ginger glass glen gold good grace gray green grey guy hall hand
    hardy harmony hart hawk hay hazel head heath heather herb hill holly honey honor honour hood
    hope house hunt hunter iris ivy jack jade jay jean jet jewel joy judge june key king kit
    knight lake lamb lance lane lark law lea lee lily little lock long lord love major mark
    marsh mason may melody mercy miles mill miller mills moon moor moss nash noble north nurse
    oak olive opal page paige park parks patience pearl penny pepper pike pip plant poppy pope
    porter post power precious price prince rain ray read reading reed rex rice rich river
    rivers robin rock rose rowan ruby rush sage salt sandy savage sky skye snow south sparrow
    spring stamp star steel sterling stone storm story street summer summers sunny swan sweet
    swift thorn tiger violet wade walker ward warren waters webb wells west white wild will
    willow winter wise wolf wood woods wren young
""".split())

# Words that describe a kind of place rather than name one ("Hillcrest Primary School").
GENERIC_PLACE_WORDS = frozenset("""
    academy and avenue at building c catholic centre center ce children's church clinic close
    college community cottage cottages county court crescent department district drive e
    estate family flat floor foundation free gardens general grammar green grove group hall
    health high hill hospital house infant infants infirmary junior lane medical methodist mews
    nhs nursery of park partnership place practice prep preparatory primary rc road row royal
    school secondary special square st street surgery terrace the trust unit university view
    village walk ward way women's
""".split())

# Words for people that appear in place names ("Queen Elizabeth the Queen Mother Hospital").
ROLE_WORDS = frozenset("""
    aunt baby boy brother child children daughter duchess duke father girl grandfather
    grandmother king lady lord mother nan prince princess queen sister son uncle
""".split())

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

_APOSTROPHES = "'’"
_SEP = r"(?:\s*[-‐‑–—]\s*|,?\s+)"  # between words: spaces, line breaks, hyphens, a comma
_AFTER_NAME = r"(?=[sS]?(?!\w))"  # a name may carry a possessive or plural s
_ORDINAL = r"(?:st|nd|rd|th)?"


def _month_pattern(month):
    """One month's written forms: "March", "Mar", "Mar.", and "Sept" for September."""
    name = MONTHS[month - 1]
    forms = [name, name[:3]] + (["Sept"] if month == 9 else [])
    return r"(?:" + "|".join(sorted(forms, key=len, reverse=True)) + r")\.?"


_ANY_MONTH = r"(?:" + "|".join(_month_pattern(m) for m in range(1, 13)) + r")"
# Without a year a month must be capitalised, so "4 may" (a verb) is not a date.
_CAP_MONTH = r"(?:" + "|".join(
    f"{m}|{m.upper()}|{m[:3]}\\.?|{m[:3].upper()}" for m in MONTHS) + "|Sept|SEPT)"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:(?:19|20)\d{2}|['’]\d{2})"
# Days of the month in words: "twelfth", "twenty-first", "thirty first".
_UNIT_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                  "ninth")
_WORD_ORDINALS = (*_UNIT_ORDINALS, "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
                  "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
                  "twentieth", "thirtieth")


def _word_day(day):
    """The day of the month as an ordinal in words, as a regex ("twenty[ -]?first")."""
    if day <= 20 or day == 30:
        return _WORD_ORDINALS[day - 1] if day <= 20 else "thirtieth"
    tens = "twenty" if day < 30 else "thirty"
    return rf"{tens}[\s\-]?{_UNIT_ORDINALS[day % 10 - 1]}"


_WORD_DAY = r"(?:" + "|".join(
    [_word_day(d) for d in (*range(21, 30), 31)]
    + sorted(_WORD_ORDINALS, key=len, reverse=True)) + r")"


@dataclass
class KnownIdentifiers:
    """What the structured record knows that could identify the child or the family."""

    pseudonym: str
    forename: str = ""
    surname: str = ""
    aliases: list[str] = field(default_factory=list)  # other names, recorded diminutives
    family: list[tuple[str, str]] = field(default_factory=list)  # (name, role e.g. "mother")
    address_lines: list[str] = field(default_factory=list)
    postcode: str = ""
    school: str = ""
    gp_practice: str = ""
    hospital: str = ""
    nhs_number: str = ""
    date_of_birth: date | None = None
    date_of_death: date | None = None
    places: list[str] = field(default_factory=list)  # any other strings to treat as places


@dataclass(frozen=True)
class Replacement:
    """One replaced span of the original text; carries no original text, so it is safe to log."""

    start: int
    end: int
    original_kind: str
    replacement: str
    rule: str


@dataclass(frozen=True)
class RedactionResult:
    """The redacted text and every replacement made, in order of position."""

    text: str
    replacements: list[Replacement]


@dataclass(frozen=True)
class Hit:
    """An identifier still present in a text: its kind and span, never the text itself."""

    kind: str
    start: int
    end: int
    rule: str


@dataclass
class _Span:
    start: int
    end: int
    kind: str
    replacement: str
    rule: str
    priority: int


@dataclass
class _Rule:
    name: str
    kind: str
    pattern: re.Pattern
    priority: int
    # Returns (start, end, replacement) for an accepted match, or None to reject it.
    accept: object


# Words that say what someone is rather than who: "Independent Chair", "Dr", "Ltd".
_NOT_NAME_WORDS = frozenset("""
    a an and associates author board chair chairs chairperson consultancy consulting council
    cdop director dr executive for independent lead lcsp lscb lscp ltd limited llp lady
    mr mrs ms miss mx of panel partners partnership prof professor reviewer safeguarding
    services sir the team
""".split())


def person_name(value):
    """The name in a free-text "who" field ("Dr Ngozi Achebe, independent reviewer" ->
    "Ngozi Achebe"), or "" when it names a role only ("Independent Chair")."""
    first = re.split(r"[,;(]", value or "")[0]
    words = [w for w in _words(first) if w.casefold().strip(".") not in _NOT_NAME_WORDS]
    return " ".join(w for w in words if w[:1].isupper() and len(w.strip(".")) > 1)


def _key(text):
    """A name's comparison key: case, apostrophes and separators do not matter."""
    text = text.casefold().replace("’", "").replace("'", "")
    return " ".join(re.split(r"\s*[-‐‑–—]\s*|\s+", text.strip()))


def _words(text):
    """The words of a recorded value, split on spaces and hyphens, punctuation trimmed."""
    return [w.strip(".,;:()\"") for w in re.split(r"\s*[-‐‑–—]\s*|\s+", text.strip()) if w]


def _token_pattern(word):
    """A word as a regex: apostrophe of either style or none ("OBRIEN"), "St" or "St."."""
    pattern = "".join(f"[{_APOSTROPHES}]?" if c in _APOSTROPHES else re.escape(c) for c in word)
    return pattern + (r"\.?" if word.casefold() in {"st", "dr", "mt"} else "")


def _is_common(words):
    """True when every word is an ordinary word (or too short to tell), so capitals matter."""
    return all(w.casefold().strip(_APOSTROPHES) in COMMON_WORDS or len(w) <= 2 for w in words)


def _variant_pattern(text, common):
    """A name or place as a regex: any case, or capitalised/possessive only for common words."""
    words = _words(text)
    if not common:
        return "(?i:" + _SEP.join(_token_pattern(w) for w in words) + ")"
    capitalised = _SEP.join(
        "(?:" + "|".join(sorted({_token_pattern(f) for f in (w, w[:1].upper() + w[1:],
                                                               w.upper())})) + ")"
        for w in words)
    possessive = ("(?i:" + _SEP.join(_token_pattern(w) for w in words) + ")"
                  + r"(?=(?:['’]s|s['’])(?!\w))")
    return f"(?:{capitalised}|{possessive})"


def _alternation(variants):
    """Longest first, so a full name is taken whole before any of its words."""
    return "|".join(pattern for _, pattern in sorted(variants, key=lambda v: -len(v[0])))


def _name_variants(name):
    """A recorded name, each of its words and hyphenated parts, and first plus last name."""
    words = [w for w in _words(name) if len(w.strip(_APOSTROPHES)) >= 2]
    variants = {" ".join(name.split())} if words else set()
    variants.update(words)
    parts = name.split()
    for part in parts:
        if "-" in part:
            variants.add(part.strip(".,"))
    if len(parts) > 2:
        variants.add(f"{parts[0]} {parts[-1]}")
    return {v for v in variants if len(v.strip(_APOSTROPHES + ".")) >= 2}


def _surname_variants(name):
    """The last word of a name and its hyphenated parts: what follows an initial."""
    parts = name.split()
    if not parts:
        return set()
    last = parts[-1].strip(".,")
    return {last, *(p for p in re.split(r"[-‐‑–—]", last) if len(p) >= 2)}


def _role_text(role):
    """A role as it reads in a sentence: "mother" -> "the mother"; "her partner" unchanged."""
    role = " ".join(role.split())
    if re.match(r"(?i)(?:the|a|an|her|his|their|child's)\b", role):
        return role
    return f"the {role}"


def _place_variants(value):
    """A recorded place, each line of it and its distinctive core, each with capitals_only."""
    # Whole lines and cores ("Hillcrest", "Oak Road") match in any case. A single word lifted
    # out of a longer core ("Medway" of "Medway Maritime Hospital") matches only capitalised,
    # so "Queen Elizabeth the Queen Mother Hospital" does not take every "mother" with it.
    variants = {}

    def add(text, capitals_only=False):
        text = " ".join(text.split()).strip(" ,.")
        if len(text) >= 3 and not re.fullmatch(r"[\d\s]+", text):
            variants[text] = variants.get(text, True) and capitals_only

    add(value)
    for line in re.split(r"[,\n;]+", value):
        words = line.split()
        if not words:
            continue
        add(line)
        # "27 Oak Road" is also written "Oak Road"; "Flat 3" alone identifies nothing.
        while words and re.fullmatch(r"\d+[A-Za-z]?|flat|unit|apartment", words[0], re.I):
            words = words[1:]
        if len(words) > 1:
            add(" ".join(words))  # "Hill View", though both words are generic
        core = list(words)
        while core and core[0].casefold() in GENERIC_PLACE_WORDS - {"st"}:
            core = core[1:]
        while core and core[-1].casefold() in GENERIC_PLACE_WORDS:
            core = core[:-1]
        if not core or all(w.casefold() in GENERIC_PLACE_WORDS for w in core):
            continue
        add(" ".join(words))
        add(" ".join(core))
        if len(core) > 1:
            for i, word in enumerate(core):
                after_saint = i and core[i - 1].casefold().strip(".") in {"st", "saint"}
                if (len(word) >= 4 and word.casefold() not in GENERIC_PLACE_WORDS | ROLE_WORDS
                        and not any(c in word for c in _APOSTROPHES) and not after_saint):
                    add(word, capitals_only=True)
    return variants


def _date_pattern(value):
    """Every common written form of one date; any case; the birthday alone counts too."""
    d, m, y = value.day, value.month, value.year
    day, month, year = rf"0?{d}", rf"0?{m}", rf"(?:{y}|['’]?{y % 100:02d})"
    ordinal_day = rf"0?{d}{_ORDINAL}"
    name = _month_pattern(m)
    forms = [
        rf"{day}(?P<a>[/.\-])\s*{month}(?P=a)\s*{year}",  # 12/03/2011, 12.3.11, 12-03-2011
        rf"{month}(?P<b>[/.\-]){day}(?P=b){year}",  # 03/12/2011, as written in American order
        rf"{y}(?P<c>[/.\-]){month}(?P=c){day}",  # 2011-03-12
        rf"(?:the\s+)?{ordinal_day}(?:\s+of)?[\s\-]+{name}(?:,?[\s\-]+{year})?",
        rf"{name}[\s\-]+(?:the\s+)?{ordinal_day}(?:,?[\s\-]+{year})?",
        rf"{name},?\s+{y}",  # March 2011: the month of a birth or death identifies too
        rf"(?:the\s+)?{_word_day(d)}(?:\s+of)?[\s\-]+{name}(?:,?[\s\-]+{year})?",
        rf"{name}[\s\-]+(?:the\s+)?{_word_day(d)}(?:,?[\s\-]+{year})?",
    ]
    return re.compile(r"(?<![\w/.\-])(?:" + "|".join(forms) + r")(?![\w/\-]|\.\d)", re.I)


def nhs_number_is_valid(digits):
    """Modulus 11 check of a 10-digit NHS number (weights 10..2; 11 -> 0; 10 is invalid)."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(c) * w for c, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# Patterns for identifiers the record may not hold.
_NHS_RE = re.compile(r"(?<![\w+\-])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\w\-]|[.,]\d)")
_POSTCODE_RE = re.compile(
    r"(?<![\w\-])(?:GIR\s?0AA|[A-Z]{1,2}\d[A-Z\d]?\s?(\d)([A-Z]{2}))(?![\w\-])", re.I)
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[\s\-]?(?:\(0\)[\s\-]?)?\(?|\(?0)"
    r"(?:\d{2}\)?[\s\-]?\d{4}[\s\-]?\d{4}|\d{3}\)?[\s\-]?\d{3}[\s\-]?\d{4}"
    r"|\d{4}\)?[\s\-]?\d{3}[\s\-]?\d{3}|\d{4}\)?[\s\-]?\d{5,6}|\d{9,10})(?![\d])")
_EMAIL_RE = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_URL_RE = re.compile(
    r"(?<![\w@/.])(?:(?:https?|ftp)://|www\.)[^\s<>\"]+"
    r"|(?<![\w@/.\-])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+"
    r"(?:co\.uk|org\.uk|gov\.uk|nhs\.uk|ac\.uk|sch\.uk|net\.uk|com|org|net|uk|info|io|ly|me|tv"
    r"|co|us|eu|ie|biz|app|edu|gov|scot|wales|london)"
    r"(?:/[^\s<>\"]*)?(?![\w\-])", re.I)
_NINO_RE = re.compile(
    r"(?<![\w\-])[A-Z]{2}(?:\d{6}[A-D]?|[ \-]\d{2}[ \-]\d{2}[ \-]\d{2}[ \-]?[A-D])(?![\w\-])",
    re.I)
_DATE_RES = [
    re.compile(r"(?<![\w/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/\-]|\.\d)"),
    re.compile(r"(?<![\w/.\-])((?:19|20)\d{2})([/.\-])(\d{1,2})\2(\d{1,2})(?![\w/\-]|\.\d)"),
    re.compile(rf"(?<!\w)(?:the\s+)?{_DAY}{_ORDINAL}(?:\s+of)?[\s\-]+{_ANY_MONTH},?[\s\-]+"
               rf"{_YEAR}(?!\w)", re.I),
    re.compile(rf"(?<!\w){_ANY_MONTH}[\s\-]+(?:the\s+)?{_DAY}{_ORDINAL},?[\s\-]+{_YEAR}(?!\w)",
               re.I),
    re.compile(rf"(?<!\w)(?:the\s+)?{_DAY}{_ORDINAL}(?:\s+of)?\s+{_CAP_MONTH}(?!\w)"),
    re.compile(rf"(?<!\w){_CAP_MONTH}\s+(?:the\s+)?{_DAY}(?:st|nd|rd|th)(?!\w)"),
    # In words: "the twelfth of March 2011", "March the twelfth, 2011"; without a year only
    # with "of" ("the twelfth of March") or "the" ("March the twelfth"), so "her first May
    # at school" stays.
    re.compile(rf"(?<!\w)(?:the\s+)?{_WORD_DAY}(?:\s+of)?[\s\-]+{_ANY_MONTH},?[\s\-]+"
               rf"{_YEAR}(?!\w)", re.I),
    re.compile(rf"(?<!\w){_ANY_MONTH}[\s\-]+(?:the\s+)?{_WORD_DAY},?[\s\-]+{_YEAR}(?!\w)",
               re.I),
    re.compile(rf"(?<!\w)(?i:(?:the\s+)?{_WORD_DAY}\s+of)\s+{_CAP_MONTH}(?!\w)"),
    re.compile(rf"(?<!\w){_CAP_MONTH}\s+(?i:the\s+{_WORD_DAY})(?!\w)"),
]
_CAPITALISED_WORD = r"[A-Z][\w'’]*(?:-[A-Z][\w'’]*)?"
# A title and up to two capitalised words: "Dr Achebe", "Dr. Ngozi Achebe", "Mrs J. Smith".
_TITLED_NAME_RE = re.compile(
    r"(?<!\w)(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+(?:[A-Z]\.?\s+)?"
    rf"({_CAPITALISED_WORD}(?:[ \t]+(?!(?:{'|'.join(MONTHS)})\b){_CAPITALISED_WORD})?)"
    + _AFTER_NAME)
_CAPITALISED_RE = re.compile(r"(?<!\w)[A-Z][a-z]{4,}" + _AFTER_NAME)
# Handles and hashtags ("@ashley_smith", "#JusticeForAshley"), and words joined by underscores,
# digits or capitals ("ashley_smith", "AshleySmith2011"): a name can hide inside any of them.
_JOINED_RE = re.compile(
    r"(?<![\w@#])(?:[@#]\w+|\w*?(?:_|[a-z][A-Z]|[^\W\d_]\d|\d[^\W\d_])\w*)")
_JOINED_PART_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_]+")
# "McDonald" is one name, not "Mc" and a name "Donald".
_NAME_PREFIXES = frozenset({"mc", "mac", "o", "fitz"})


def _joined_parts(body):
    """The words of a joined token, split at underscores, digits and changes of case."""
    return [p for chunk in re.split(r"[_\d]+", body) for p in _JOINED_PART_RE.findall(chunk)]


def _near(a, b):
    """True when a and b differ by one edit: a letter changed, added, dropped or swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _at_sentence_start(text, index):
    """True when only spaces separate `index` from the start of the text or a sentence."""
    i = index - 1
    while i >= 0 and text[i] in " \t\xa0":
        i -= 1
    while i >= 0 and text[i] in "\"'“‘(":
        i -= 1
    return i < 0 or text[i] in ".!?\n" + _BLOCK_BREAK


class Redactor:
    """One case's redaction rules, compiled once and applied to any number of texts."""

    def __init__(self, known, keep_link_hosts=()):
        self.known = known
        # Links to these public hosts (and their subdomains) survive redact_html and the
        # residual check: national guidance ("gov.uk", "nhs.uk") identifies nobody.
        self.keep_link_hosts = tuple(h.casefold().strip(".") for h in keep_link_hosts if h)
        self._owners = {}  # name key -> (kind, replacement)
        self._surname_owners = {}  # surname key -> list of (initial, kind, replacement)
        self._surname_texts = set()  # surnames as recorded, for the initial-and-surname rule
        self.rules = self._compile()

    # Building the rules -------------------------------------------------------------------

    def _own(self, variant, kind, replacement):
        key = _key(variant)
        held = self._owners.get(key)
        if held is None or held == (kind, replacement):
            self._owners[key] = (kind, replacement)
        elif kind == CHILD_NAME:
            self._owners[key] = (kind, replacement)
        elif held[0] != CHILD_NAME:
            # Two family members share this name: neither role would be right.
            self._owners[key] = (kind, NAME)

    def _compile(self):
        known = self.known
        pseudonym = " ".join(known.pseudonym.split())
        if not pseudonym:
            raise ValueError("A pseudonym is needed to redact the child's name.")

        child_names = [n for n in [f"{known.forename} {known.surname}", *known.aliases]
                       if n and n.strip()]
        if known.forename.strip():
            child_names.append(known.forename)
        if known.surname.strip():
            child_names.append(known.surname)
        for name in child_names:
            for variant in _name_variants(name):
                self._own(variant, CHILD_NAME, pseudonym)
        for name, role in known.family:
            if name and name.strip():
                for variant in _name_variants(name):
                    self._own(variant, FAMILY_NAME, _role_text(role) if role else NAME)

        for word in _words(pseudonym):
            if _key(word) in self._owners and len(word) > 1:
                raise ValueError("The pseudonym must not contain the child's or family's names.")

        # Who an initial and surname refer to: "A. Smith" is the child, "J. Smith" the mother.
        child_first = [n.split()[0] for n in [known.forename, *known.aliases] if n and n.split()]
        child_last = _surname_variants(known.surname) if known.surname.strip() else set()
        for alias in known.aliases:
            if len(alias.split()) > 1:
                child_last |= _surname_variants(alias)
        self._surname_texts |= child_last
        for surname in child_last:
            for first in child_first:
                self._surname_owners.setdefault(_key(surname), []).append(
                    (first[:1].upper(), CHILD_NAME, pseudonym))
        for name, role in known.family:
            if len((name or "").split()) > 1:
                self._surname_texts |= _surname_variants(name)
                for surname in _surname_variants(name):
                    self._surname_owners.setdefault(_key(surname), []).append(
                        (name.split()[0][:1].upper(), FAMILY_NAME,
                         _role_text(role) if role else NAME))
        self._pseudonym_keys = {_key(w) for w in _words(pseudonym)}
        # Names as they run together in a handle or joined word: "smith jones" -> "smithjones".
        self._joined_owners = {key.replace(" ", ""): owner for key, owner in
                               self._owners.items()}
        # This case's names that are ordinary words: lowercase, they survive redaction, so the
        # residual check lists them for the author to reword.
        common = sorted({_key(w) for name in self._all_name_variants() for w in _words(name)
                         if _is_common([w]) and len(w.strip(_APOSTROPHES)) >= 2
                         and _key(w) in self._owners})
        self._lowercase_names = re.compile(
            r"(?<![^\W_])(?:" + "|".join(map(re.escape, common)) + r")(?![^\W_])") \
            if common else None

        rules = []
        rules += self._date_rules()
        rules += self._number_rules()
        rules += self._place_rules()
        rules += self._name_rules()
        rules += self._pattern_rules()
        return rules

    def _date_rules(self):
        rules = []
        for label, value in (("date_of_birth", self.known.date_of_birth),
                             ("date_of_death", self.known.date_of_death)):
            if value:
                rules.append(_Rule(f"known:{label}", DATE_KIND, _date_pattern(value), 10,
                                   lambda m: (m.start(), m.end(), DATE)))
        return rules

    def _number_rules(self):
        rules = []
        digits = re.sub(r"\D", "", self.known.nhs_number or "")
        if digits:
            pattern = re.compile(r"(?<![\w])" + r"[\s\-]*".join(digits) + r"(?![\w])")
            rules.append(_Rule("known:nhs_number", NHS_NUMBER, pattern, 11,
                               lambda m: (m.start(), m.end(), REMOVED)))
        compact = re.sub(r"\s", "", self.known.postcode or "")
        if compact:
            pattern = re.compile(
                r"(?<![\w])" + r"\s*".join(map(re.escape, compact)) + r"(?![\w])", re.I)
            rules.append(_Rule("known:postcode", POSTCODE, pattern, 12,
                               lambda m: (m.start(), m.end(), REMOVED)))
        return rules

    def _place_rules(self):
        known = self.known
        values = [*known.address_lines, known.school, known.gp_practice, known.hospital,
                  *known.places]
        variants = {}
        for value in values:
            if value and value.strip():
                for variant, capitals_only in _place_variants(value).items():
                    variants[variant] = variants.get(variant, True) and capitals_only
        if not variants:
            return []
        # Priority below names: a single word of a place gives way to a name ("Elizabeth").
        patterns = [(v, _variant_pattern(v, capitals_only or _is_common(_words(v))))
                    for v, capitals_only in variants.items()]
        generic = "|".join(sorted((re.escape(w) for w in GENERIC_PLACE_WORDS
                                   if w not in {"and", "of", "the", "at", "c", "e"}),
                                  key=len, reverse=True))
        # Generic words either side belong to the place: "the Royal Berkshire Hospital".
        gap = r"(?:\s*[-‐‑–—]\s*|\s+)"  # no comma: "school, Westlands" is two phrases
        pattern = re.compile(rf"(?<!\w)(?:(?i:{generic}){gap})*(?:{_alternation(patterns)})"
                             rf"(?:{gap}(?i:{generic}))*(?!\w)")
        return [_Rule("known:place", PLACE_KIND, pattern, 25,
                      lambda m: (m.start(), m.end(), PLACE))]

    def _name_rules(self):
        if not self._owners:
            return []
        rules = []
        variants = []
        seen = set()
        for name in self._all_name_variants():
            key = _key(name)
            if key in seen:
                continue
            seen.add(key)
            variants.append((name, _variant_pattern(name, _is_common(_words(name)))))
        names = re.compile(rf"(?<!\w)(?:{_alternation(variants)}){_AFTER_NAME}")
        rules.append(_Rule("known:name", CHILD_NAME, names, 20, self._accept_name))

        surnames = [(s, _variant_pattern(s, _is_common(_words(s))))
                    for s in sorted(self._surname_texts)]
        if surnames:
            initials = re.compile(
                rf"(?<!\w)([A-Z])(?:\.\s*|\s+)(?:[A-Z](?:\.\s*|\s+))?"
                rf"((?:{_alternation(surnames)})){_AFTER_NAME}")
            rules.append(_Rule("known:initial_and_surname", CHILD_NAME, initials, 21,
                               self._accept_initial))
        rules.append(_Rule("known:joined_name", CHILD_NAME, _JOINED_RE, 22,
                           self._accept_joined))
        rules.append(_Rule("known:near_spelling", CHILD_NAME, _CAPITALISED_RE, 40,
                           self._accept_near))
        return rules

    def _all_name_variants(self):
        known = self.known
        names = [f"{known.forename} {known.surname}", known.forename, known.surname,
                 *known.aliases, *(name for name, _ in known.family)]
        out = []
        for name in names:
            if name and name.strip():
                out.extend(sorted(_name_variants(name)))
        return out

    def _pattern_rules(self):
        def whole(replacement):
            return lambda m: (m.start(), m.end(), replacement)

        rules = [
            _Rule("pattern:email", EMAIL, _EMAIL_RE, 50, whole(REMOVED)),
            _Rule("pattern:url", URL, _URL_RE, 51, _accept_url),
            _Rule("pattern:nhs_number", NHS_NUMBER, _NHS_RE, 52, _accept_nhs),
            _Rule("pattern:phone", PHONE, _PHONE_RE, 53, _accept_phone),
            _Rule("pattern:ni_number", NI_NUMBER, _NINO_RE, 54, whole(REMOVED)),
            _Rule("pattern:postcode", POSTCODE, _POSTCODE_RE, 55, _accept_postcode),
            _Rule("pattern:titled_name", OTHER_NAME, _TITLED_NAME_RE, 56, self._accept_titled),
        ]
        for pattern in _DATE_RES:
            rules.append(_Rule("pattern:date", DATE_KIND, pattern, 57, _accept_date))
        return rules

    # Accepting matches ---------------------------------------------------------------------

    def _possessive(self, m, start, end, replacement, kind):
        """Extend a name match over a possessive or plural s, keeping the possessive."""
        text = m.string
        base, after, next_ = text[start:end], text[end:end + 1], text[end + 1:end + 2]
        if after in ("s", "S") and next_ and next_ in _APOSTROPHES:
            return start, end + 2, replacement + "'s", kind  # "Ashleys'" -> "Child A's"
        if after and after in _APOSTROPHES and next_ not in ("s", "S"):
            if base[-1:] in ("s", "S"):  # "James'" -> "Child A's"
                return start, end + 1, replacement + ("'" if replacement.endswith("s")
                                                      else "'s"), kind
            return start, end, replacement, kind  # a closing quote
        if after in ("s", "S"):
            # A plural or an apostrophe-less possessive ("the Smiths", "Ashleys mum"); short
            # names need a capital, so "SIDS" and "sids" are not "Sid" plus s.
            if len(base) < 4 and not (base[:1].isupper() and base[1:].islower()):
                return None
            return start, end + 1, replacement, kind
        return start, end, replacement, kind

    def _accept_name(self, m):
        kind, replacement = self._owners[_key(m.group())]
        if _key(m.group()).capitalize() in MONTHS and re.match(r"\s+(?:19|20)\d{2}\b",
                                                              m.string[m.end():]):
            return None  # "May 2019" reads as a month
        return self._possessive(m, m.start(), m.end(), replacement, kind)

    def _accept_initial(self, m):
        initial, surname = m.group(1), _key(m.group(2))
        owners = self._surname_owners.get(surname, [])
        matching = [(kind, rep) for first, kind, rep in owners if first == initial]
        if matching:
            kind, replacement = matching[0]
        elif owners:
            kind, replacement = FAMILY_NAME, NAME
        else:
            return None
        return self._possessive(m, m.start(), m.end(), replacement, kind)

    def _accept_titled(self, m):
        words = m.group(1).split()
        name, surname = _key(m.group(1)), _key(words[-1])
        whole = self._owners.get(name) if len(words) > 1 else None
        if whole:  # "Mrs Kerry Turner": the full name says who
            return self._possessive(m, m.start(), m.end(), whole[1], whole[0])
        family = {rep for _, kind, rep in self._surname_owners.get(surname, [])
                  if kind == FAMILY_NAME}
        owner = self._owners.get(surname)
        if len(family) == 1:
            kind, replacement = FAMILY_NAME, family.pop()
        elif owner and owner[0] == FAMILY_NAME:
            kind, replacement = owner
        elif owner or family:
            kind, replacement = FAMILY_NAME, NAME  # "Mrs Smith" is a parent, not the child
        else:
            kind, replacement = OTHER_NAME, NAME
        return self._possessive(m, m.start(), m.end(), replacement, kind)

    def _accept_joined(self, m):
        """A handle, hashtag or joined word holding a known name: the whole token goes."""
        token = m.group()
        tagged = token[:1] in "@#"
        body = token[1:] if tagged else token
        parts = _joined_parts(body)
        found = []
        for i in range(len(parts)):
            if not tagged and i and parts[i - 1].casefold() in _NAME_PREFIXES:
                continue
            for j in range(i + 1, min(len(parts), i + 4) + 1):
                words = parts[i:j]
                owner = self._joined_owners.get("".join(words).casefold())
                if owner is None:
                    continue
                # Outside a handle an ordinary-word name needs its capital ("JusticeForRose").
                if not tagged and _is_common(words) and all(w.islower() for w in words):
                    continue
                found.append((len(words), owner))
        if tagged and not found:
            # "@ashleysmith", "#justiceforashley": a handle is often one lowercase run. A short
            # name counts only at either end ("#justiceformay"), so "#SaferSleep" keeps "Lee".
            folded = body.casefold()
            found = [(len(key), owner) for key, owner in self._joined_owners.items()
                     if (len(key) >= 4 and key in folded)
                     or (len(key) == 3 and (folded.startswith(key) or folded.endswith(key)))]
        if not found or (not tagged and len(parts) < 2):
            return None
        # The fullest name found says whose it is ("JaneSmith" is Jane Smith, not a Smith);
        # between equals, the child's.
        _, (kind, replacement) = max(found, key=lambda f: (f[0], f[1][0] == CHILD_NAME))
        # A handle or hashtag is an identifier in itself: it is removed, not renamed.
        return m.start(), m.end(), REMOVED if tagged else replacement, kind

    def _accept_near(self, m):
        word = m.group().casefold()
        if word in COMMON_WORDS or word in self._owners or word in self._pseudonym_keys:
            return None
        for key, (kind, replacement) in self._owners.items():
            if len(key) >= 5 and " " not in key and key not in COMMON_WORDS and _near(word, key):
                return self._possessive(m, m.start(), m.end(), replacement, kind)
        return None

    # Applying the rules --------------------------------------------------------------------

    def find(self, text):
        """Every identifier in `text`, overlaps merged, as spans in order of position."""
        candidates = []
        for rule in self.rules:
            for m in rule.pattern.finditer(text):
                accepted = rule.accept(m)
                if accepted is None:
                    continue
                start, end, replacement, *kind = accepted
                kind = kind[0] if kind else rule.kind
                if end > start:
                    candidates.append(_Span(start, end, kind, replacement, rule.name,
                                            rule.priority))
        # Longest first, then the more specific rule; a partial overlap widens the kept span
        # so no fragment of an identifier survives between two replacements.
        candidates.sort(key=lambda s: (-(s.end - s.start), s.priority, s.start))
        kept = []
        for span in candidates:
            overlapping = [k for k in kept if k.start < span.end and span.start < k.end]
            if not overlapping:
                kept.append(span)
                continue
            for k in overlapping:
                k.start, k.end = min(k.start, span.start), max(k.end, span.end)
        kept.sort(key=lambda s: s.start)
        merged = []
        for span in kept:
            if merged and span.start < merged[-1].end:
                merged[-1].end = max(merged[-1].end, span.end)
            else:
                merged.append(span)
        return merged

    def redact(self, text):
        """`text` with every identifier replaced, and the replacements made."""
        text = text or ""
        out, replacements, last = [], [], 0
        for span in self.find(text):
            replacement = span.replacement
            if replacement[:1].islower() and _at_sentence_start(text, span.start):
                replacement = replacement[:1].upper() + replacement[1:]
            out.append(text[last:span.start])
            out.append(replacement)
            replacements.append(Replacement(span.start, span.end, span.kind, replacement,
                                            span.rule))
            last = span.end
        out.append(text[last:])
        return RedactionResult("".join(out), replacements)

    def residual_hits(self, text, html_fragment=False):
        """Every identifier still in `text` (kind and span), to block approval while any remain.

        Besides everything `find` would replace, this lists lowercase ordinary words that are
        also this case's names ("rose", "will"), which redaction leaves by design.
        """
        if html_fragment:
            return _html_residual_hits(self, text or "")
        return [Hit(s.kind, s.start, s.end, s.rule) for s in self._residual_spans(text or "")]

    def _residual_spans(self, text):
        spans = self.find(text)
        if self._lowercase_names is None:
            return spans
        for m in self._lowercase_names.finditer(text):
            if not any(s.start < m.end() and m.start() < s.end for s in spans):
                spans.append(_Span(m.start(), m.end(), POSSIBLE_NAME, "",
                                   "residual:lowercase_name", 90))
        return sorted(spans, key=lambda s: s.start)

    def redact_html(self, fragment):
        """A sanitised HTML fragment with text nodes redacted and links unwrapped."""
        return _redact_html(self, fragment or "")

    def keeps_link(self, href):
        """True when `href` is an https link to a host on the keep list."""
        m = re.fullmatch(r"https://([a-z0-9.\-]+)(?::443)?(?:[/?#][^\s\"'<>@]*)?", href or "",
                         re.I)
        if not m or not self.keep_link_hosts:
            return False
        host = m.group(1).casefold().rstrip(".")
        if not any(host == h or host.endswith("." + h) for h in self.keep_link_hosts):
            return False
        # A kept host's path may still carry a name or a number ("/news/ashley-smith").
        path = unquote(href[m.end(1):])
        return not self.find(re.sub(r"[/\-_+.?#=&]+", " ", path))


def _accept_url(m):
    end = m.end()
    while end > m.start() and m.string[end - 1] in ".,;:!?)]}'’\"":
        end -= 1
    return m.start(), end, REMOVED


def _accept_nhs(m):
    return (m.start(), m.end(), REMOVED) if nhs_number_is_valid(re.sub(r"\D", "", m.group())) \
        else None


def _accept_phone(m):
    digits = re.sub(r"\D", "", m.group())
    national = digits[2:] if m.group().lstrip("(").startswith(("+", "00")) else digits[1:]
    if national.startswith("0"):
        national = national[1:]  # "+44 (0)7700 ..." carries its trunk zero
    if len(national) in (9, 10) and national[0] in "1235789":
        return m.start(), m.end(), REMOVED
    return None


def _accept_postcode(m):
    digit, letters = m.group(1), m.group(2)
    if letters and letters.islower():
        ordinal = {"1": "st", "2": "nd", "3": "rd"}.get(digit, "th")
        if letters in (ordinal, "am", "pm"):
            return None  # "M1 2nd", "at 4pm" are not postcodes
    return m.start(), m.end(), REMOVED


def _accept_date(m):
    numbers = [int(g) for g in m.groups() if g and g.isdigit()]
    if len(numbers) == 3 and m.re is _DATE_RES[0]:
        a, b, _ = numbers
        if not ((1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)):
            return None
    if len(numbers) == 3 and m.re is _DATE_RES[1]:
        _, month, day = numbers
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
    return m.start(), m.end(), DATE


# HTML fragments ----------------------------------------------------------------------------

_BLOCK_BREAK = "\x00"
_MARKUP_RE = re.compile(r"<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_ENTITY_RE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_BLOCK_TAG_RE = re.compile(r"</?(?:p|div|li|ul|ol|br|hr|h[1-6]|blockquote|table|tr|td|th|pre)\b",
                           re.I)
_LINK_OPEN_RE = re.compile(r"<a\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*\bhref\s*=", re.I)
_LINK_CLOSE_RE = re.compile(r"</a\s*>", re.I)
_HREF_RE = re.compile(r"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)


def _decode(fragment):
    """The text of an HTML fragment, each character mapped to its (start, end) in the source."""
    # Block tags become _BLOCK_BREAK (mapped to nothing), neither a word character nor a space,
    # so a name never runs on from one paragraph into the next; inline tags vanish, so
    # "<em>Ash</em>ley" is still read as one word.
    chars, origins, markup = [], [], []
    position = 0
    for m in list(_MARKUP_RE.finditer(fragment)) + [None]:
        stop = m.start() if m else len(fragment)
        i = position
        for entity in _ENTITY_RE.finditer(fragment, position, stop):
            for c in range(i, entity.start()):
                chars.append(fragment[c])
                origins.append((c, c + 1))
            decoded = html.unescape(entity.group())
            if decoded == entity.group():
                decoded_pairs = [(c, (entity.start() + k, entity.start() + k + 1))
                                 for k, c in enumerate(decoded)]
            else:
                decoded_pairs = [(c, (entity.start(), entity.end())) for c in decoded]
            for c, origin in decoded_pairs:
                chars.append(c)
                origins.append(origin)
            i = entity.end()
        for c in range(i, stop):
            chars.append(fragment[c])
            origins.append((c, c + 1))
        if m is None:
            break
        markup.append(m)
        if _BLOCK_TAG_RE.match(m.group()):
            chars.append(_BLOCK_BREAK)
            origins.append(None)
        position = m.end()
    return "".join(chars), origins, markup


def _runs(origins, start, end):
    """The source ranges behind decoded characters start..end, one per unbroken stretch."""
    runs = []
    for origin in origins[start:end]:
        if origin is None:
            continue
        if runs and runs[-1][1] == origin[0]:
            runs[-1][1] = origin[1]
        else:
            runs.append([origin[0], origin[1]])
    return runs


def _href_of(tag):
    """The decoded href of an opening link tag, or ""."""
    href = _HREF_RE.search(tag)
    if not href:
        return ""
    return html.unescape(next(g for g in href.groups() if g is not None))


def _redact_html(redactor, fragment):
    text, origins, markup = _decode(fragment)
    edits = []  # Replacement records in source positions; applying them gives the output
    for span in redactor.find(text):
        replacement = span.replacement
        if replacement[:1].islower() and _at_sentence_start(text, span.start):
            replacement = replacement[:1].upper() + replacement[1:]
        for i, (start, end) in enumerate(_runs(origins, span.start, span.end)):
            edits.append(Replacement(start, end, span.kind,
                                     html.escape(replacement, quote=False) if i == 0 else "",
                                     span.rule))
    open_link = kept_link = False
    for m in markup:
        tag = m.group()
        if tag.startswith("<!--"):
            edits.append(Replacement(m.start(), m.end(), MARKUP, "", "html:comment"))
        elif _LINK_OPEN_RE.match(tag):
            kept_link = redactor.keeps_link(_href_of(tag))
            if not kept_link:
                # The link's address may identify; the link gives way to its redacted text.
                edits.append(Replacement(m.start(), m.end(), URL, "", "html:link"))
            open_link = True
        elif open_link and _LINK_CLOSE_RE.match(tag):
            if not kept_link:
                edits.append(Replacement(m.start(), m.end(), URL, "", "html:link"))
            open_link = kept_link = False
    edits.sort(key=lambda r: r.start)
    out, last = [], 0
    for edit in edits:
        out.append(fragment[last:edit.start])
        out.append(edit.replacement)
        last = edit.end
    out.append(fragment[last:])
    return RedactionResult("".join(out), edits)


def _html_residual_hits(redactor, fragment):
    text, origins, markup = _decode(fragment)
    hits = []
    for span in redactor._residual_spans(text):
        runs = _runs(origins, span.start, span.end)
        if runs:
            hits.append(Hit(span.kind, runs[0][0], runs[-1][1], span.rule))
    for m in markup:
        href = _HREF_RE.search(m.group()) if m.group().startswith("<") else None
        if href and _LINK_OPEN_RE.match(m.group()):
            if redactor.keeps_link(_href_of(m.group())):
                continue
            group = next(g for g in (1, 2, 3) if href.group(g) is not None)
            hits.append(Hit(URL, m.start() + href.start(group), m.start() + href.end(group),
                            "html:href"))
    return sorted(hits, key=lambda h: h.start)


# Module-level conveniences -----------------------------------------------------------------

def redact(text, known):
    """`text` with `known` identifiers and identifier patterns replaced."""
    return Redactor(known).redact(text)


def redact_html(fragment, known):
    """A sanitised HTML fragment redacted in its text nodes, links unwrapped, tags intact."""
    return Redactor(known).redact_html(fragment)


def residual_hits(text, known, html_fragment=False):
    """Every known identifier or pattern still in `text`; any hit blocks approval."""
    return Redactor(known).residual_hits(text, html_fragment=html_fragment)
