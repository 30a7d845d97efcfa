"""Domain grades and the overall modifiable outcome, derived from the factors (plain Python).

A domain's grade is the highest grade of its factors (no factors: not graded). The outcome is
`modifiable` when any grade-2 factor is marked modifiable; otherwise `insufficient_information`
when the panel says so and some domain has only grade-0 factors; otherwise `not_modifiable`.
"""

from dataclasses import dataclass

DOMAINS = ("child", "social", "physical", "services")
MODIFIABLE = "modifiable"
NOT_MODIFIABLE = "not_modifiable"
INSUFFICIENT_INFORMATION = "insufficient_information"


@dataclass(frozen=True)
class FactorGrade:
    domain: str
    grade: int
    modifiable: bool = False


def domain_grades(factors):
    """{domain: highest grade of its factors, or None when it has none}."""
    grades = dict.fromkeys(DOMAINS)
    for factor in factors:
        current = grades.get(factor.domain)
        grades[factor.domain] = factor.grade if current is None else max(current, factor.grade)
    return grades


def domains_with_only_grade_0(factors):
    return [domain for domain, grade in domain_grades(factors).items() if grade == 0]


def derived_outcome(factors, insufficient_information=False):
    """The outcome the factors give, before any chair's override."""
    if any(f.grade == 2 and f.modifiable for f in factors):
        return MODIFIABLE
    if insufficient_information and domains_with_only_grade_0(factors):
        return INSUFFICIENT_INFORMATION
    return NOT_MODIFIABLE
