"""A synthetic corpus for measuring redaction: narratives with every planted identifier marked.

Each narrative has a structured record (`KnownIdentifiers`) and text in which identifiers are
planted in varied forms, each with its span, its kind and its source:
- "known": in the record (names in many forms, places, dates, NHS number, postcode);
- "pattern": not in the record (phones, emails, URLs, NI numbers, other NHS numbers, postcodes,
  dates, titled names of professionals);
- "trap": ordinary words that must survive ("may", "will", "rose", "mark", "May 2019").

Names that are ordinary English words ("Rose", "Will", "Green") are planted lowercase too
("concerns about rose"), marked `lower ordinary` in their form. Redaction leaves such words by
design; the residual check must list every one of them for the author to reword, and the test
reports that rate apart from the known identifiers' recall. Which names are ordinary words is
this corpus's own list (`ORDINARY_WORDS`), never the engine's.

The generator uses a fixed seed, so the corpus is the same on every run; `HELD_OUT_SEED` gives
a second corpus from the same templates that was not used while tuning the engine. No real
person, place of residence or case is described: names are drawn from common lists, NHS
numbers from the never-issued 999 range, phone numbers from Ofcom's drama ranges, and web
addresses from the reserved example domains.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from cdop_scr.learning.redaction import (
    CHILD_NAME,
    DATE_KIND,
    EMAIL,
    FAMILY_NAME,
    NHS_NUMBER,
    NI_NUMBER,
    OTHER_NAME,
    PHONE,
    PLACE_KIND,
    POSTCODE,
    URL,
    KnownIdentifiers,
)

SEED = 20111203
GENERATED = 60
# Not used while the engine was tuned: measured only, never looked at to fix a miss.
HELD_OUT_SEED = 20260417
HELD_OUT = 60

KNOWN, PATTERN, TRAP = "known", "pattern", "trap"
LOWER_ORDINARY = "lower ordinary"  # ends the form of a lowercase name that is also a word
HANDLE = "handle"  # begins the form of a name inside a handle or hashtag (becomes [removed])


@dataclass
class Planted:
    """One planted item: where it is in the text, what it is, and which layer should find it."""

    start: int
    end: int
    kind: str
    source: str
    form: str


@dataclass
class Narrative:
    """A record and a text with identifiers planted in it."""

    title: str
    known: KnownIdentifiers
    text: str
    planted: list[Planted] = field(default_factory=list)


class _Writer:
    """Builds a text from plain strings and planted items, recording each item's span."""

    def __init__(self):
        self.parts, self.planted, self.length = [], [], 0

    def say(self, text):
        self.parts.append(text)
        self.length += len(text)

    def plant(self, text, kind, source, form):
        self.planted.append(Planted(self.length, self.length + len(text), kind, source, form))
        self.say(text)

    def write(self, *segments):
        """Plain strings are said; (text, kind, source, form) tuples are planted."""
        for segment in segments:
            if isinstance(segment, str):
                self.say(segment)
            else:
                self.plant(*segment)

    def text(self):
        return "".join(self.parts)


# Names, some of them ordinary words, so the capitalisation rule is exercised.
CHILD_FORENAMES = [
    "Ashley", "Tyler", "Kayden", "Leah", "Chloe", "Jayden", "Aaliyah", "Oliver", "Amelia",
    "Harvey", "Keira", "Liam", "Niamh", "Reece", "Brandon", "Demi", "Jessica", "Mohammed",
    "Zainab", "Tomasz", "Oskar", "Priya", "Declan", "Siobhan", "Kwame", "Rhys", "Ffion",
    "Rebecca", "William", "Alexander", "Thomas", "Samuel", "Daniel", "Katherine", "Charlotte",
    "Elizabeth", "Benjamin", "Rose", "Grace", "Hope", "May", "Will", "Mark", "Holly", "Ruby",
    "Daisy", "Summer", "Jack", "Faith",
]
DIMINUTIVES = {
    "William": "Billy", "Alexander": "Alex", "Thomas": "Tommy", "Jessica": "Jess",
    "Oliver": "Ollie", "Charlotte": "Lottie", "Elizabeth": "Lizzie", "Rebecca": "Becky",
    "Samuel": "Sammy", "Daniel": "Danny", "Katherine": "Katie", "Benjamin": "Ben",
    "Mohammed": "Mo", "Ashley": "Ash", "Kayden": "Kay",
}
SURNAMES = [
    "Smith", "Okafor", "Patel", "Kowalski", "O'Brien", "McDonald", "Jones", "Evans", "Thompson",
    "Hughes", "Begum", "Hussain", "Nowak", "Fitzgerald", "Pemberton", "Lewis", "Davies",
    "Wilson", "Robinson", "Achterberg", "Mensah", "Adeyemi", "Campbell", "Doherty", "Gallagher",
    "Kaur", "Singh", "Brown", "Green", "White", "Young", "King", "Wood", "Hall", "Baker", "Wells",
    "Ward", "Mason", "Hill",
]
ADULT_FORENAMES = [
    "Jane", "Kerry", "Stacey", "Lisa", "Nicola", "Joanne", "Amina", "Agnieszka", "Funmi",
    "Shannon", "Paul", "Darren", "Craig", "Wayne", "Jamal", "Piotr", "Dean", "Mark", "Will",
    "Bill", "Dawn", "Joy", "Lee", "Gemma", "Kirsty", "Stuart", "Ryan",
]
# Names in the lists above that are also ordinary English words (a dictionary reading, made for
# this corpus): lowercase, they could be the word or the name.
ORDINARY_WORDS = frozenset("""
    rose grace hope may will mark holly ruby daisy summer jack faith brown green white young
    king wood hall baker wells ward mason hill bill dawn joy lee dean ash price kay
""".split())
STAFF_FORENAMES = ["Ngozi", "Ingrid", "Tomoko", "Bartosz", "Eszter", "Rafael", "Yusuf",
                   "Marguerite", "Anneliese", "Oluwaseun"]
STAFF_SURNAMES = ["Achebe", "Lindqvist", "Oduya", "Ferreira", "Kaczmarek", "Varga", "Nakamura",
                  "Oyelaran", "Quigley", "Szabo"]
PSEUDONYMS = ["Child A", "Child B", "Child C", "Child F", "Baby H", "Child K", "Sam", "Charlie",
              "Alfie", "Child P"]
TOWNS = ["Maidstone", "Gillingham", "Dartford", "Sittingbourne", "Folkestone", "Margate",
         "Tonbridge", "Gravesend", "Faversham", "Ashford"]
STREETS = ["Acacia Avenue", "Belmont Road", "Cheriton Close", "Dunstan Way", "Elmstead Drive",
           "Foxglove Lane", "Hawthorn Crescent", "Tanner Street", "Mill Lane", "Larkfield Road"]
SCHOOLS = [("St Mary's Primary School", "St Mary's"), ("Hillcrest Academy", "Hillcrest"),
           ("Oakwood Infant School", "Oakwood"), ("Brookfield Junior School", "Brookfield"),
           ("Riverside Primary School", "Riverside"), ("Holy Trinity CE Primary School",
                                                        "Holy Trinity"),
           ("Westlands School", "Westlands"), ("Archbishop Courtenay Primary", "Courtenay")]
GP_PRACTICES = ["Wayfield Surgery", "Marsh Lane Medical Centre", "The Orchard Practice",
                "Cornwallis Health Centre", "Bower Mount Medical Practice", "Thornhill Surgery"]
HOSPITALS = [("Maidstone Hospital", None), ("William Harvey Hospital", "Harvey"),
             ("Darent Valley Hospital", "Darent"), ("Medway Maritime Hospital", "Medway"),
             ("Evelina London Children's Hospital", "Evelina"),
             ("Queen Elizabeth the Queen Mother Hospital", "Elizabeth"),
             ("Tunbridge Wells Hospital", "Tunbridge")]
ROLES = ["the new partner", "the stepfather", "the maternal grandmother", "the aunt",
         "the foster carer", "the older brother"]
POSTCODE_AREAS = ["ME", "CT", "TN", "DA", "BR", "SE", "N", "E", "M", "B", "LS", "CF"]
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def _ordinal(day):
    return f"{day}{'th' if 11 <= day <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                  "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                  "nineteenth twentieth").split()


def _ordinal_words(day):
    """12 -> "twelfth", 21 -> "twenty-first", 30 -> "thirtieth"."""
    if day <= 20:
        return _ORDINAL_WORDS[day - 1]
    if day == 30:
        return "thirtieth"
    return f"{'twenty' if day < 30 else 'thirty'}-{_ORDINAL_WORDS[day % 10 - 1]}"


DATE_FORMS = {
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "dd-mm-yyyy": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
    "d.m.yy": lambda d: f"{d.day}.{d.month}.{d.year % 100:02d}",
    "d month yyyy": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "dth month yyyy": lambda d: f"{_ordinal(d.day)} {MONTHS[d.month - 1]} {d.year}",
    "month dth, yyyy": lambda d: f"{MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year}",
    "d mon yyyy": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "yyyy-mm-dd": lambda d: d.isoformat(),
    "d/m/yyyy": lambda d: f"{d.day}/{d.month}/{d.year}",
    "the dth of month yyyy": lambda d: f"the {_ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",
    "the dth of month": lambda d: f"the {_ordinal(d.day)} of {MONTHS[d.month - 1]}",
    "the day in words of month": lambda d: f"the {_ordinal_words(d.day)} of {MONTHS[d.month - 1]}",
    "day in words of month yyyy": lambda d: (f"{_ordinal_words(d.day)} of "
                                             f"{MONTHS[d.month - 1]} {d.year}"),
    "month the day in words, yyyy": lambda d: (f"{MONTHS[d.month - 1]} the "
                                               f"{_ordinal_words(d.day)}, {d.year}"),
}


def nhs_number(rng):
    """A valid NHS number from the 999 range, which is valid but never issued."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits + [check]))


def nhs_form(digits, rng):
    form = rng.choice(["spaced", "unspaced", "hyphenated"])
    if form == "spaced":
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}", form
    if form == "hyphenated":
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", form
    return digits, form


def postcode(rng):
    area = rng.choice(POSTCODE_AREAS)
    unit = "".join(rng.choice(POSTCODE_UNIT_LETTERS) for _ in range(2))
    return f"{area}{rng.randint(1, 20)} {rng.randint(0, 9)}{unit}"


def postcode_form(code, rng):
    form = rng.choice(["spaced", "unspaced", "lowercase"])
    if form == "unspaced":
        return code.replace(" ", ""), form
    if form == "lowercase":
        return code.lower(), form
    return code, form


def ni_number(rng):
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    digits = [f"{rng.randrange(100):02d}" for _ in range(3)]
    suffix = rng.choice("ABCD")
    form = rng.choice(["spaced", "compact"])
    if form == "spaced":
        return f"{first}{second} {' '.join(digits)} {suffix}", form
    return f"{first}{second}{''.join(digits)}{suffix}", form


def phone(rng):
    n = rng.randrange(1000)
    forms = {
        "mobile": f"07700 900{n:03d}",
        "mobile unspaced": f"07700900{n:03d}",
        "mobile +44": f"+44 7700 900{n:03d}",
        "mobile +44 (0)": f"+44 (0)7700 900{n:03d}",
        "mobile hyphenated": f"07700-900-{n:03d}",
        "mobile 5-3-3": f"07700 900 {n:03d}",
        "landline 5-6": f"01632 960{n:03d}",
        "landline brackets": f"(01632) 960{n:03d}",
        "london": f"020 7946 0{n:03d}",
        "london +44": f"+44 20 7946 0{n:03d}",
        "leeds": f"0113 496 0{n:03d}",
        "manchester": f"0161 496 0{n:03d}",
    }
    form = rng.choice(sorted(forms))
    return forms[form], form


def email(rng, first, last):
    n = rng.randrange(100)
    forms = {
        "dotted": f"{first.lower()}.{last.lower()}{n}@example.org",
        "team": f"duty.team{n}@example.nhs.uk",
        "plus": f"worker+{n}@example.co.uk",
    }
    form = rng.choice(sorted(forms))
    return forms[form].replace("'", ""), form


def url(rng):
    n = rng.randrange(10000)
    forms = {
        "https": f"https://www.example.org/news/{n}",
        "http query": f"http://example.com/item?id={n}&ref=share",
        "www": f"www.example.co.uk/story-{n}",
        "bare domain": f"example.com/groups/page{n}",
        "https path": f"https://example.net/p/{n}/comments",
    }
    form = rng.choice(sorted(forms))
    return forms[form], form


def random_date(rng, start=date(2005, 1, 1), days=6000):
    return start + timedelta(days=rng.randrange(days))


def date_form(value, rng):
    form = rng.choice(sorted(DATE_FORMS))
    return DATE_FORMS[form](value), form


def _is_ordinary(name):
    """True when every word of the name is also an ordinary English word (this corpus's list)."""
    return all(w.casefold() in ORDINARY_WORDS or len(w) <= 2 for w in re.split(r"[\s-]+", name))


def _casing(name, rng):
    """A name as written: as recorded, UPPER, or lower (marked when every word is ordinary)."""
    form = rng.choice(["recorded", "recorded", "upper", "lower"])
    text = {"recorded": name, "upper": name.upper(), "lower": name.lower()}[form]
    if form == "lower" and _is_ordinary(name):
        form = LOWER_ORDINARY
    return text, form


def _joined(name):
    """A name's words run together for a handle: "O'Brien-Hall" -> ["OBrien", "Hall"]."""
    return [w.replace("'", "").replace("’", "") for w in re.split(r"[\s-]+", name) if w]


def _typo(name):
    """The name with two inner letters swapped: the slip a tired author makes."""
    i = len(name) // 2
    return name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]


class _Case:
    """One generated case: the record and ways of writing each identifier in it."""

    def __init__(self, rng, index):
        self.rng = rng
        self.forename = rng.choice(CHILD_FORENAMES)
        surname = rng.choice(SURNAMES)
        self.hyphenated = rng.random() < 0.25
        if self.hyphenated:
            other = rng.choice([s for s in SURNAMES if s != surname and "'" not in s])
            surname = f"{surname}-{other}"
        self.surname = surname
        self.alias = DIMINUTIVES.get(self.forename)
        taken = {self.forename, *surname.split("-"), self.alias}
        mother_first = rng.choice([n for n in ADULT_FORENAMES if n not in taken])
        mother_last = surname if rng.random() < 0.5 else rng.choice(
            [s for s in SURNAMES if s not in taken])
        taken |= {mother_first, *mother_last.split("-")}
        other_first = rng.choice([n for n in ADULT_FORENAMES if n not in taken])
        other_last = rng.choice([s for s in SURNAMES if s not in taken | {mother_last}])
        self.mother = f"{mother_first} {mother_last}"
        self.other_role = rng.choice(ROLES)
        self.other = f"{other_first} {other_last}"
        names = {w for n in (self.forename, self.surname, self.alias or "", self.mother,
                             self.other) for w in n.replace("-", " ").split()}
        self.pseudonym = rng.choice([p for p in PSEUDONYMS if p not in names])
        self.number = rng.randint(1, 120)
        self.street = rng.choice(STREETS)
        self.town = rng.choice(TOWNS)
        self.postcode = postcode(rng)
        self.school, self.school_core = rng.choice(SCHOOLS)
        self.gp = rng.choice(GP_PRACTICES)
        self.hospital, self.hospital_word = rng.choice(HOSPITALS)
        self.nhs = nhs_number(rng)
        self.born = random_date(rng, date(2004, 1, 1), 5000)
        self.died = self.born + timedelta(days=rng.randrange(30, 4000))
        self.staff = rng.sample(STAFF_SURNAMES, 2)
        self.staff_first = rng.sample(STAFF_FORENAMES, 2)
        # "May 2019" is a trap only when neither the birth nor the death was in that month.
        self.trap_year = next(y for y in (2019, 2003) if (5, y) not in {
            (self.born.month, self.born.year), (self.died.month, self.died.year)})
        self.title = f"Generated case {index:02d}"

    def known(self):
        return KnownIdentifiers(
            pseudonym=self.pseudonym, forename=self.forename, surname=self.surname,
            aliases=[self.alias] if self.alias else [],
            family=[(self.mother, "mother"), (self.other, self.other_role)],
            address_lines=[f"{self.number} {self.street}", self.town],
            postcode=self.postcode, school=self.school, gp_practice=self.gp,
            hospital=self.hospital, nhs_number=self.nhs, date_of_birth=self.born,
            date_of_death=self.died)

    def capitalised_trap(self):
        names = {w.casefold() for n in (self.forename, self.surname, self.alias or "",
                                        self.mother, self.other) for w in re.split(r"[\s-]", n)}
        usable = [w for w in sorted(CAPITALISED_TRAPS) if w.casefold() not in names]
        return CAPITALISED_TRAPS[self.rng.choice(usable)]

    # Ways of writing the child's name -------------------------------------------------------

    def child_full(self):
        text, form = _casing(f"{self.forename} {self.surname}", self.rng)
        return (text, CHILD_NAME, KNOWN, f"full name, {form}")

    def child_first(self):
        text, form = _casing(self.forename, self.rng)
        return (text, CHILD_NAME, KNOWN, f"forename, {form}")

    def child_possessive(self):
        """The name and its possessive; only the name is planted when the 's stays."""
        form = self.rng.choice(["'s", "’s", "s'", "surname 's"])
        if form == "s'":
            return [(f"{self.forename}s'", CHILD_NAME, KNOWN, "possessive s'")]
        name = self.surname if form == "surname 's" else self.forename
        return [(name, CHILD_NAME, KNOWN, f"possessive {form}"), form[-2:]]

    def child_initial(self):
        form = self.rng.choice(["A. Smith", "A Smith", "A.Smith"])
        initial = self.forename[0]
        sep = {"A. Smith": ". ", "A Smith": " ", "A.Smith": "."}[form]
        return (f"{initial}{sep}{self.surname}", CHILD_NAME, KNOWN, f"initial {form}")

    def child_surname(self):
        if self.hyphenated:
            part = self.rng.choice(self.surname.split("-"))
            return (part, CHILD_NAME, KNOWN, "hyphenated part")
        text, form = _casing(self.surname, self.rng)
        return (text, CHILD_NAME, KNOWN, f"surname, {form}")

    def child_alias(self):
        if not self.alias:
            return self.child_first()
        text, form = _casing(self.alias, self.rng)
        return (text, CHILD_NAME, KNOWN, f"alias, {form}")

    def child_typo(self):
        if len(self.forename) < 6 or _is_ordinary(self.forename):
            return self.child_first()
        return (_typo(self.forename), CHILD_NAME, KNOWN, "near-spelling")

    def child_handle(self):
        """The child's name in a handle, hashtag or joined word, as social media write it."""
        first, last = _joined(self.forename)[0], "".join(_joined(self.surname))
        yy = f"{self.born.year % 100:02d}"
        forms = {
            "handle @first_last": f"@{first.lower()}_{last.lower()}",
            "handle @FirstLast": f"@{first}{last}",
            "handle @firstlastyy": f"@{first.lower()}{last.lower()}{yy}",
            "handle #JusticeForFirst": f"#JusticeFor{first}",
            "handle #justiceforfirst": f"#justicefor{first.lower()}",
            "handle #FirstLastAppeal": f"#{first}{last}Appeal",
            "joined FirstLast": f"{first}{last}",
            "joined first_last": f"{first.lower()}_{last.lower()}",
        }
        form = self.rng.choice(sorted(forms))
        text = forms[form]
        if form == "joined first_last" and _is_ordinary(self.forename) \
                and _is_ordinary(self.surname):
            form += f", {LOWER_ORDINARY}"
        return (text, CHILD_NAME, KNOWN, form)

    def mother_handle(self):
        first, last = _joined(self.mother)[0], "".join(_joined(self.mother)[1:])
        form = self.rng.choice(["handle @first_last", "handle @FirstLast"])
        text = f"@{first.lower()}_{last.lower()}" if form == "handle @first_last" \
            else f"@{first}{last}"
        return (text, FAMILY_NAME, KNOWN, f"{form}, family")

    def family_plural(self):
        surname = self.surname.split("-")[0]
        if len(surname) < 4 or surname.endswith("s"):
            return [("the family")]
        return ["the ", (f"{surname}s", CHILD_NAME, KNOWN, "plural surname")]

    # Family and carers ------------------------------------------------------------------

    def mother_full(self):
        text, form = _casing(self.mother, self.rng)
        return (text, FAMILY_NAME, KNOWN, f"family full name, {form}")

    def mother_first(self):
        first = self.mother.split()[0]
        text, form = _casing(first, self.rng)
        return (text, FAMILY_NAME, KNOWN, f"family forename, {form}")

    def mother_titled(self):
        title = self.rng.choice(["Ms", "Mrs", "Miss"])
        return (f"{title} {self.mother.split()[-1]}", FAMILY_NAME, KNOWN, "title and surname")

    def other_first(self):
        first = self.other.split()[0]
        return [(first, FAMILY_NAME, KNOWN, "family forename possessive"), "'s"] \
            if self.rng.random() < 0.3 else (first, FAMILY_NAME, KNOWN, "family forename")

    def other_full(self):
        text, form = _casing(self.other, self.rng)
        return (text, FAMILY_NAME, KNOWN, f"family full name, {form}")

    # Places, numbers and dates from the record ------------------------------------------

    def address(self):
        form = self.rng.choice(["full", "street", "with town"])
        if form == "street":
            return (self.street, PLACE_KIND, KNOWN, "street without number")
        if form == "with town":
            return [(f"{self.number} {self.street}", PLACE_KIND, KNOWN, "address line"), ", ",
                    (self.town, PLACE_KIND, KNOWN, "town")]
        return (f"{self.number} {self.street}", PLACE_KIND, KNOWN, "address line")

    def town_(self):
        text, form = _casing(self.town, self.rng)
        return (text, PLACE_KIND, KNOWN, f"town, {form}")

    def known_postcode(self):
        text, form = postcode_form(self.postcode, self.rng)
        return (text, POSTCODE, KNOWN, f"postcode {form}")

    def school_(self):
        form = self.rng.choice(["full", "core", "lower"])
        if form == "core":
            return (self.school_core, PLACE_KIND, KNOWN, "school short name")
        if form == "lower":
            return (self.school.lower(), PLACE_KIND, KNOWN, "school lowercase")
        return (self.school, PLACE_KIND, KNOWN, "school")

    def gp_(self):
        return (self.gp, PLACE_KIND, KNOWN, "GP practice")

    def hospital_(self):
        if self.hospital_word and self.rng.random() < 0.3:
            return (f"{self.hospital_word} hospital", PLACE_KIND, KNOWN, "hospital word")
        text, form = _casing(self.hospital, self.rng)
        return (text, PLACE_KIND, KNOWN, f"hospital, {form}")

    def known_nhs(self):
        text, form = nhs_form(self.nhs, self.rng)
        return (text, NHS_NUMBER, KNOWN, f"NHS number {form}")

    def dob(self):
        text, form = date_form(self.born, self.rng)
        return (text, DATE_KIND, KNOWN, f"date of birth {form}")

    def dod(self):
        text, form = date_form(self.died, self.rng)
        return (text, DATE_KIND, KNOWN, f"date of death {form}")

    # Identifiers the record does not hold -----------------------------------------------

    def x_phone(self):
        text, form = phone(self.rng)
        return (text, PHONE, PATTERN, f"phone {form}")

    def x_email(self):
        text, form = email(self.rng, "case", "worker")
        return (text, EMAIL, PATTERN, f"email {form}")

    def x_url(self):
        text, form = url(self.rng)
        return (text, URL, PATTERN, f"url {form}")

    def x_nino(self):
        text, form = ni_number(self.rng)
        return (text, NI_NUMBER, PATTERN, f"NI number {form}")

    def x_nhs(self):
        text, form = nhs_form(nhs_number(self.rng), self.rng)
        return (text, NHS_NUMBER, PATTERN, f"other NHS number {form}")

    def x_postcode(self):
        text, form = postcode_form(postcode(self.rng), self.rng)
        return (text, POSTCODE, PATTERN, f"other postcode {form}")

    def x_date(self):
        text, form = date_form(random_date(self.rng), self.rng)
        return (text, DATE_KIND, PATTERN, f"other date {form}")

    def x_staff(self, i=0):
        title = self.rng.choice(["Dr", "Dr", "Dr.", "Ms", "Mr", "Mrs"])
        first, last = self.staff_first[i], self.staff[i]
        form = self.rng.choice(["surname", "forename and surname", "initial and surname"])
        name = {"surname": last, "forename and surname": f"{first} {last}",
                "initial and surname": f"{first[0]}. {last}"}[form]
        return (f"{title} {name}", OTHER_NAME, PATTERN, f"titled name, {form}")


# Sentences opening with an ordinary word that is also a name, used when it is not a name here.
CAPITALISED_TRAPS = {
    "Will": ["", ("Will", None, "trap", "trap Will"), " the new protocol help? Managers think so."],
    "Summer": ["", ("Summer", None, "trap", "trap Summer"), " holidays were the hardest time."],
    "Grace": ["", ("Grace", None, "trap", "trap Grace"), " periods for rent had ended."],
    "Reading": ["", ("Reading", None, "trap", "trap Reading"), " the records, the panel agreed."],
    "Faith": ["", ("Faith", None, "trap", "trap Faith"), " groups offered practical help."],
}


def _trap(word):
    return (word, None, TRAP, f"trap {word}")


# Each section of a story picks one of these; every slot is a _Case method or a trap.
SECTIONS = [
    [  # who the child was
        lambda c: [c.child_full(), ", known to the family as ", c.child_alias(),
                   ", was born on ", c.dob(), " at ", c.hospital_(), "."],
        lambda c: [c.child_first(), " (NHS number ", c.known_nhs(), ") was born on ", c.dob(),
                   " and lived with ", c.mother_full(), " at ", *_flat(c.address()), "."],
        lambda c: ["This review concerns ", c.child_full(), ", date of birth ", c.dob(),
                   ", of ", *_flat(c.address()), ", ", c.known_postcode(), "."],
    ],
    [  # the household
        lambda c: [*_flat(c.child_possessive()), " mother, ", c.mother_full(),
                   ", had moved to ", c.town_(), " with ", c.other_full(), ", ",
                   c.other_role, "."],
        lambda c: ["The household comprised ", c.mother_first(), ", ", c.other_full(),
                   " and ", c.child_first(), "; ", *_flat(c.family_plural()),
                   " had moved three times in a year."],
        lambda c: ["Records at ", c.gp_(), " list ", c.mother_titled(), " as ",
                   *_flat(c.child_possessive()), " main carer; her NHS number was not ",
                   "recorded but the child's was ", c.known_nhs(), "."],
    ],
    [  # what agencies knew
        lambda c: ["Staff at ", c.school_(), " noticed that ", c.child_first(),
                   " was often late and that ", *_flat(c.other_first()),
                   " collected him. Teachers said he ", _trap("may"),
                   " have been hungry."],
        lambda c: ["The health visitor wrote to ", c.mother_titled(), " at ", c.known_postcode(),
                   " and phoned ", c.x_phone(), "; she said she ", _trap("will"),
                   " visit weekly."],
        lambda c: [c.child_initial(), " attended ", c.school_(), ". A small ", _trap("mark"),
                   " was seen on the left arm and ", c.x_staff(0), " was told."],
    ],
    [  # what happened
        lambda c: [c.child_first(), " was taken to ", c.hospital_(), " on ", c.dod(),
                   " and died there. The referral came from ", c.x_email(), "."],
        lambda c: ["On ", c.dod(), " ", *_flat(c.other_first()), " called an ambulance to ",
                   *_flat(c.address()),
                   ". ", c.child_first(), " could not be revived."],
        lambda c: ["Police attended ", *_flat(c.address()), " on ", c.dod(), ". ",
                   c.child_surname(),
                   " family members were interviewed by ", c.x_staff(1), "."],
    ],
    [  # social media: names inside handles, hashtags and joined words
        lambda c: ["Friends posted as ", c.child_handle(), " and used the tag ",
                   c.child_handle(), "."],
        lambda c: ["A page called ", c.child_handle(), " was run by ", c.mother_handle(), "."],
        lambda c: [c.mother_handle(), " shared photos tagged ", c.child_handle(), " on ",
                   c.x_url(), "."],
    ],
    [  # identifiers that are not in the record
        lambda c: ["A neighbour, reachable on ", c.x_phone(), " or ", c.x_email(),
                   ", posted about the family at ", c.x_url(), "."],
        lambda c: ["The lodger's NI number ", c.x_nino(), " and NHS number ", c.x_nhs(),
                   " were on the tenancy at ", c.x_postcode(), " from ", c.x_date(), "."],
        lambda c: ["A cousin (NHS number ", c.x_nhs(), ", NI number ", c.x_nino(),
                   ") stayed at ", c.x_postcode(), "; contact ", c.x_phone(), "."],
    ],
    [  # more patterns, so every type is measured hundreds of times
        lambda c: ["The appeal page ", c.x_url(), " was shared on ", c.x_date(),
                   " and the duty desk on ", c.x_phone(), " took calls."],
        lambda c: ["Letters dated ", c.x_date(), " and ", c.x_date(),
                   " went to the wrong address, ", c.x_postcode(), "."],
        lambda c: [c.x_staff(0), " emailed ", c.x_email(), " and rang ", c.x_phone(),
                   " on ", c.x_date(), "."],
    ],
    [  # contact sheets: every pattern type twice, in varied positions
        lambda c: ["Contacts: ", c.x_phone(), " (day) and ", c.x_phone(), " (night); ",
                   c.x_email(), " or ", c.x_email(), "; ", c.x_url(), " and ", c.x_url(),
                   ". NI numbers ", c.x_nino(), " and ", c.x_nino(), "; NHS numbers ",
                   c.x_nhs(), ", ", c.x_nhs(), ". Postcodes ", c.x_postcode(), " and ",
                   c.x_postcode(), ". Seen on ", c.x_date(), " and ", c.x_date(), " by ",
                   c.x_staff(0), " and ", c.x_staff(1), "."],
        lambda c: [c.x_staff(1), " wrote on ", c.x_date(), " to ", c.x_postcode(),
                   ", copying ", c.x_email(), ". ", c.x_staff(0), " replied from ",
                   c.x_phone(), " on ", c.x_date(), "; the lodger (NI ", c.x_nino(), ", NHS ",
                   c.x_nhs(), ") gave ", c.x_postcode(), " and ", c.x_phone(), ". See ",
                   c.x_url(), " and ", c.x_email(), " (and ", c.x_url(), "). Her sister's NHS "
                   "number was ", c.x_nhs(), " and her NI number ", c.x_nino(), "."],
        lambda c: ["Between ", c.x_date(), " and ", c.x_date(), " the family used ",
                   c.x_phone(), ", ", c.x_phone(), ", ", c.x_email(), " and ", c.x_email(),
                   "; neighbours at ", c.x_postcode(), " and ", c.x_postcode(),
                   " complained via ", c.x_url(), " and ", c.x_url(), ". ", c.x_staff(0),
                   " checked NHS ", c.x_nhs(), " and ", c.x_nhs(), ", NI ", c.x_nino(), " and ",
                   c.x_nino(), ", then told ", c.x_staff(1), "."],
    ],
    [  # ordinary words that must survive
        lambda c: ["Concerns ", _trap("rose"), " over the winter and the review was completed "
                   "in ", _trap("May"), f" {c.trap_year}. The family ", _trap("may"),
                   " need more help."],
        lambda c: ["There was a ", _trap("rose"), " bush in the garden; an unpaid ",
                   _trap("bill"), " meant the heating was off. Staff had little ",
                   _trap("hope"), " of rehousing the family."],
        lambda c: ["The ", _trap("ward"), " staff showed ", _trap("grace"),
                   " under pressure and ", _trap("will"), " ", _trap("mark"),
                   " the anniversary in ", _trap("March"), "."],
    ],
    [  # numbers that are not identifiers, and capitalised ordinary words
        lambda c: ["She weighed ", _trap("3"), ".", _trap("2"), " kg at ", _trap("10"), ".",
                   _trap("30"), "am; ", _trap("2"), " of ", _trap("5"), " agencies attended "
                   "and rent arrears were £", _trap("1"), ",", _trap("250"), ". ",
                   *c.capitalised_trap()],
        lambda c: ["The file ran to ", _trap("120"), " pages over ", _trap("18"),
                   " months, with ", _trap("1"), " in ", _trap("3"), " visits missed. ",
                   *c.capitalised_trap()],
        lambda c: ["It was the ", _trap("first"), " of many visits; her ", _trap("first"), " ",
                   _trap("June"), " at school was hard. ", *c.capitalised_trap()],
        lambda c: ["Between ", _trap("2014"), " and ", _trap("2016"), " there were ",
                   _trap("14"), " referrals; ward ", _trap("B2"), " took ",
                   _trap("0"), "-", _trap("5"), " year olds. ", *c.capitalised_trap()],
    ],
    [  # the vocabulary of reviews: eponyms, agencies, acronyms
        lambda c: ["The panel considered ", _trap("Sudden"), " ", _trap("Infant"), " ",
                   _trap("Death"), " ", _trap("Syndrome"), " (", _trap("SIDS"), "), ",
                   _trap("Kawasaki"), " disease and ", _trap("Addison"), "'s disease."],
        lambda c: [_trap("Barnardo"), "'s, the ", _trap("NSPCC"), " and ", _trap("Kent"), " ",
                   _trap("Police"), " took part in ", _trap("Section"), " ", _trap("47"),
                   " enquiries under ", _trap("Working"), " ", _trap("Together"), " ",
                   _trap("2018"), "."],
        lambda c: ["The ", _trap("MASH"), " passed the referral to ", _trap("Early"), " ",
                   _trap("Help"), "; a ", _trap("Child"), " ", _trap("Protection"), " ",
                   _trap("Plan"), " and a ", _trap("Down"), " syndrome pathway were in place."],
    ],
    [  # key learning
        lambda c: ["Key learning: agencies working with ", c.child_typo(),
                   " did not share what they knew. ", c.child_full(),
                   "'s story shows why they must."],
        lambda c: ["Key learning: ", *_flat(c.child_possessive()),
                   " school and GP held different addresses. Agencies ", _trap("will"),
                   " now check."],
        lambda c: ["Key learning: the risk from ", c.other_full(), " was not assessed. ",
                   c.child_alias(), " was not seen alone after ", c.dod(), "."],
    ],
]


def _flat(item):
    """Slots return one planted tuple or a list of segments; sentences want segments."""
    return item if isinstance(item, list) else [item]


def generated(seed=SEED, count=GENERATED):
    """`count` generated narratives, the same on every run for the same seed."""
    narratives = []
    for index in range(count):
        rng = random.Random(seed * 1000 + index)
        case = _Case(rng, index)
        writer = _Writer()
        for section in SECTIONS:
            # Each narrative uses two of the three sentences of every section.
            for template in rng.sample(section, 2):
                writer.write(*template(case))
                writer.say(" ")
            writer.say("\n\n")
        narratives.append(Narrative(case.title, case.known(), writer.text().strip(),
                                    writer.planted))
    return narratives


def _hand(title, known, *segments):
    writer = _Writer()
    for segment in segments:
        if isinstance(segment, str):
            writer.say(segment)
        else:
            text, kind = segment[0], segment[1]
            source = segment[2] if len(segment) > 2 else (TRAP if kind is None else KNOWN)
            writer.plant(text, kind, source, "hand-written")
    return Narrative(title, known, writer.text(), writer.planted)


def hand_written():
    """Narratives written by hand around the hardest cases."""
    C, F, P, D = CHILD_NAME, FAMILY_NAME, PLACE_KIND, DATE_KIND
    return [
        _hand(
            "Ashley's Story",
            KnownIdentifiers(
                pseudonym="Child A", forename="Ashley", surname="Turner-Okafor",
                aliases=["Ash"], family=[("Kerry Turner", "mother"),
                                         ("Dean Walsh", "the new partner")],
                address_lines=["Flat 4, Belmont House", "12 Tanner Street", "Maidstone"],
                postcode="ME14 1XQ", school="Hillcrest Academy",
                gp_practice="Wayfield Surgery", hospital="Maidstone Hospital",
                nhs_number="999 000 0050", date_of_birth=date(2011, 3, 12),
                date_of_death=date(2011, 7, 9)),
            ("Ashley", C), " was a four-month-old baby. ", ("Ashley", C), "'s mother, ",
            ("Kerry Turner", F), ", lived at ", ("Belmont House", P), ", ",
            ("12 Tanner Street", P), " (", ("ME141XQ", POSTCODE), ") with ", ("Dean", F),
            ", her new partner. ", ("ASH", C), " was registered at ", ("Wayfield Surgery", P),
            " as ", ("A. Turner-Okafor", C), ", NHS no. ", ("9990000050", NHS_NUMBER),
            ". Born ", ("12.3.11", D), " and died ", ("9th July 2011", D), " at ",
            ("Maidstone Hospital", P), ". ", ("Mr Walsh", F), " told police that ",
            ("ashley", C), " ", ("may", None), " have rolled over. The ", ("Okafor", C),
            " grandparents were in Lagos. The health visitor, ", ("Dr Achebe", OTHER_NAME,
                                                                  PATTERN),
            ", rang ", ("07700 900461", PHONE, PATTERN), ". Reviewers noted ",
            ("Ashleys'", C), " weight fell in ", ("May", None), " 2011.",
        ),
        _hand(
            "A child called Rose",
            KnownIdentifiers(
                pseudonym="Child R", forename="Rose", surname="Mark", aliases=["Rosie"],
                family=[("Will Mark", "father"), ("Grace Hope", "mother")],
                address_lines=["3 Mill Lane", "Tonbridge"], postcode="TN9 2AB",
                school="Oakwood Infant School", hospital="Tunbridge Wells Hospital",
                date_of_birth=date(2015, 5, 1), date_of_death=date(2019, 11, 30)),
            ("Rose", C), " loved the ", ("rose", None), " garden at ",
            ("Oakwood Infant School", P), ". Her father ", ("Will", F), " said he ",
            ("will", None), " help; her mother ", ("GRACE HOPE", F), " had little ",
            ("hope", None), " left. ", ("Rose", C), "'s teacher saw a ", ("mark", None),
            " on her cheek. ", ("Rosie", C), " was born on ", ("May 1st, 2015", D),
            " and died on ", ("30/11/2019", D), " at ",
            ("Tunbridge Wells Hospital", P), ". The ", ("Marks", C), " lived at ",
            ("3 Mill Lane", P), ", ", ("tn92ab", POSTCODE), ". Concerns ", ("rose", None),
            " after ", ("rose", C), "'s fall. Staff showed ", ("grace", None), ".",
        ),
        _hand(
            "May and the month of May",
            KnownIdentifiers(
                pseudonym="Child M", forename="May", surname="O'Brien",
                family=[("Bill O'Brien", "father"), ("Joy O’Brien", "stepmother")],
                address_lines=["27 Oak Road", "Gravesend"], postcode="DA12 5QQ",
                school="St Mary's Primary School", gp_practice="Thornhill Surgery",
                date_of_birth=date(2009, 2, 28), date_of_death=date(2016, 12, 1)),
            ("May", C), " was seven. The family ", ("may", None), " have moved in ",
            ("May", None), " 2014. ", ("MAY O'BRIEN", C), " attended ", ("St Mary's", P),
            " and ", ("Thornhill Surgery", P), ". ", ("Bill", F), " paid the gas ",
            ("bill", None), " late. ", ("Joy", F), "'s sister rang ",
            ("+44 (0)1632 960331", PHONE, PATTERN), ". ", ("M O’Brien", C),
            " died on ", ("1 December 2016", D), "; she was born ", ("28/02/09", D),
            " at ", ("27 Oak Road", P), ", ", ("Gravesend", P), ". Her NI-registered carer's ",
            "number was ", ("JC 12 34 56 B", NI_NUMBER, PATTERN), ".",
        ),
        _hand(
            "Brothers, a diminutive and a Polish name",
            KnownIdentifiers(
                pseudonym="Charlie", forename="Tomasz", surname="Nowak",
                aliases=["Tomek"], family=[("Agnieszka Nowak", "mother"),
                                           ("Piotr Nowak", "the older brother")],
                address_lines=["Flat 2, 40 Larkfield Road", "Sittingbourne"],
                postcode="ME10 3RT", school="Westlands School",
                hospital="Medway Maritime Hospital", nhs_number="9990001243",
                date_of_birth=date(2012, 8, 3), date_of_death=date(2020, 1, 15)),
            ("Tomek", C), " and ", ("Piotr", F), " shared a room at ",
            ("40 Larkfield Road", P), ". ", ("TOMASZ", C), "'s school, ", ("westlands school", P),
            ", emailed ", ("head@example.sch.uk", EMAIL, PATTERN), ". ",
            ("Mrs Nowak", F), " took him to ", ("Medway hospital", P), " on ",
            ("15-01-2020", D), " (NHS ", ("999 000 1243", NHS_NUMBER), "). ",
            ("Agnieszka", F), "'s phone was ", ("07700 900 812", PHONE, PATTERN),
            "; see ", ("https://www.example.org/appeal?id=7", URL, PATTERN), ". ",
            ("T Nowak", C), " was born ", ("2012-08-03", D), ".",
        ),
        _hand(
            "A name split across a line and a hyphen",
            KnownIdentifiers(
                pseudonym="Child K", forename="Kayden", surname="Price-Whitfield",
                family=[("Stacey Whitfield", "mother")],
                address_lines=["9 Cheriton Close", "Folkestone"], postcode="CT19 4PL",
                hospital="William Harvey Hospital", date_of_birth=date(2018, 10, 2),
                date_of_death=date(2019, 2, 14)),
            ("Kayden\nPrice-Whitfield", C), " was four months old. ", ("Whitfield", C),
            " relatives visited. ", ("Stacey", F), " took ", ("Kayden", C), " to ",
            ("William Harvey Hospital", P), " on ", ("14th February 2019", D), ". The ",
            ("price", None), " of formula ", ("rose", None), ". ", ("PRICE", C),
            " was his father's name. He was born ", ("October 2nd, 2018", D),
            " in ", ("Folkestone", P), ".",
        ),
    ]


def corpus():
    """The hand-written narratives and the generated ones."""
    return hand_written() + generated()
