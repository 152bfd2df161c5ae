"""Patient identifiers refused: column names and order ids that look like personal data.

The rules are stated in docs/data-contract.md ("No patient-identifying data"):

- a column is personal when its name, lower-cased with every run of other characters
  than letters and digits read as ``_``, is one of :data:`COLUMNS` (also with the
  ``_`` removed: ``e-mail``, ``NHS No.``), or holds one of the words of :data:`WORDS`
  (``patient_dob``, ``mother_birth_date``);
- an order id is pseudonymous when it matches ``[A-Za-z0-9_.-]{1,64}``, holds at
  least one digit (an id of letters only can be a name or an e-mail's local part:
  ``John_Smith``, ``anna.berg``), no run of 9 or more digits, no digits grouped as a
  national number (NHS ``943-476-5919``, a Nordic ``010190-1234``) and no calendar
  date with a year from 1900 to 2099 (``1985-03-02``, ``19850302``, ``02.03.1985``):
  a date in an id may be a birth date.
"""

from __future__ import annotations

import re
from datetime import date

from logistics.model.orders import ID_EXPECTED as IDENT_EXPECTED

__all__ = ["COLUMNS", "WORDS", "column_problem", "order_id", "order_id_problem"]

COLUMNS = frozenset(
    {
        "name",
        "names",
        "patient",
        "patient_name",
        "patientname",
        "first_name",
        "given_name",
        "last_name",
        "family_name",
        "full_name",
        "fullname",
        "initials",
        "dob",
        "date_of_birth",
        "age",
        "sex",
        "gender",
        "nhs_number",
        "nhs_no",
        "chi_number",
        "ssn",
        "social_security_number",
        "national_id",
        "national_insurance_number",
        "insurance_number",
        "passport",
        "mrn",
        "medical_record_number",
        "hospital_number",
        "patient_id_number",
        "address",
        "street",
        "postcode",
        "post_code",
        "zip",
        "zip_code",
        "email",
        "email_address",
        "phone",
        "telephone",
        "mobile",
    }
)
# Words that make any column name personal, wherever they stand in it.
WORDS = frozenset(
    {
        "dob",
        "birth",
        "birthdate",
        "birthday",
        "born",
        "nhs",
        "ssn",
        "email",
        "mail",
        "phone",
        "surname",
        "forename",
        "forenames",
        "firstname",
        "lastname",
        "patientname",
        "passport",
        "postcode",
    }
)
_SEPARATORS = re.compile(r"[^a-z0-9]+")

_ID = re.compile(r"[A-Za-z0-9_.-]+")
MAX_ID = 64
_LONG_DIGITS = re.compile(r"\d{9,}")
_NATIONAL = re.compile(r"(?<!\d)(?:\d{3}[-_.]\d{3}[-_.]\d{4}|\d{6}(?:\d{2})?[-_.]\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})([-_.]?)(\d{2})\2(\d{2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{2})([-_.]?)(\d{2})\2(\d{4})(?!\d)")

ID_EXPECTED = "a pseudonymous order id"


def column_problem(column: str) -> str | None:
    """What was expected instead of a column whose name looks like personal data,
    or None."""
    key = _SEPARATORS.sub("_", column.lower()).strip("_")
    words = set(key.split("_"))
    if key in COLUMNS or key.replace("_", "") in COLUMNS or words & WORDS:
        return "no patient-identifying column (orders carry a pseudonymous order_id only)"
    return None


def _real_date(year: str, month: str, day: str) -> bool:
    if not 1900 <= int(year) <= 2099:
        return False
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def order_id_problem(text: str) -> str | None:
    """What a pseudonymous order id was expected to be, when ``text`` is not one."""
    if "@" in text:
        return f"{ID_EXPECTED}, not an e-mail address"
    if not _ID.fullmatch(text):
        return IDENT_EXPECTED  # worded as the model's check of an order built in code
    if len(text) > MAX_ID:
        return f"{ID_EXPECTED} of at most {MAX_ID} characters"
    if not any(c.isdigit() for c in text):
        return f"{ID_EXPECTED}, with at least one digit (letters only may be a name)"
    if _LONG_DIGITS.search(text) or _NATIONAL.search(text):
        return f"{ID_EXPECTED}, without the digits of a national or NHS number"
    if any(_real_date(m[1], m[3], m[4]) for m in _YMD.finditer(text)) or any(
        _real_date(m[4], m[3], m[1]) for m in _DMY.finditer(text)
    ):
        return f"{ID_EXPECTED}, without a calendar date (it may be a date of birth)"
    return None


def order_id(text: str) -> str:
    """A CSV cell parser: ``text`` when it is a pseudonymous order id."""
    if (problem := order_id_problem(text)) is not None:
        raise ValueError(problem)
    return text
