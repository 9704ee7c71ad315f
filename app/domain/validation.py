"""Validation and normalisation of the values users type or import, with French reasons.

Every function takes what a person typed (spaces, dots, odd case tolerated) and returns the
stored form, or raises :class:`app.errors.ValidationError` whose ``field`` names the field
and whose message says, in French, what is wrong and how to fix it:

- SIRET: 14 digits with a valid checksum (``stdnum.fr.siret``, La Poste exception included);
  the SIREN is its first 9 digits;
- phone numbers: metropolitan France and the overseas departments (Mayotte 0269 / 0639,
  La Réunion 0262 / 0692, Antilles, Guyane, Saint-Pierre-et-Miquelon), or any valid
  international number typed with ``+`` or ``00``; stored in E.164 (``+262269612345``);
- e-mail (stored lower-case), postcode (5 digits of an existing department, 976xx for
  Mayotte), website (``https://`` added when missing), civility, person category, dates
  (``jj/mm/aaaa``).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import phonenumbers
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as siret_mod

from app.domain.labels import PERSON_CATEGORIES
from app.domain.text import fold
from app.errors import ValidationError

# --- SIRET -------------------------------------------------------------------------------

_SIRET_JUNK = re.compile(r"[\s.\-\u00a0\u202f]")


def normalise_siret(value: str | None, *, field: str = "siret") -> str:
    """Validate a SIRET (spaces, dots tolerated) and return its 14 digits; ``""`` if blank."""
    compact = _SIRET_JUNK.sub("", str(value or ""))  # what stdnum's compact() removes, and dashes
    if not compact:
        return ""
    try:
        return siret_mod.validate(compact)
    except StdnumError as exc:
        if not compact.isdigit():
            reason = "il ne doit contenir que des chiffres"
        elif len(compact) != 14:
            reason = f"il doit compter 14 chiffres (ici {len(compact)})"
        else:
            reason = "la clé de contrôle est fausse (vérifiez chaque chiffre)"
        raise ValidationError(f"SIRET invalide : {reason}.", field=field) from exc


def siren_of(siret: str | None) -> str:
    """The SIREN (company number): the first 9 digits of a stored SIRET."""
    return (siret or "")[:9]


def format_siret(value: str | None) -> str:
    """« 732 829 320 00074 »."""
    return siret_mod.format(value) if value else ""


# --- Phone numbers -----------------------------------------------------------------------

# National prefixes (first four digits of a 10-digit number) of the overseas departments:
# « 0269 » dialled in Mayotte is +262 269…, not the metropolitan +33 2 69….
_OVERSEAS_PREFIXES: dict[str, str] = {
    "0262": "RE", "0263": "RE", "0692": "RE", "0693": "RE",
    "0269": "YT", "0639": "YT",
    "0590": "GP", "0690": "GP", "0691": "GP",
    "0594": "GF", "0694": "GF",
    "0596": "MQ", "0696": "MQ", "0697": "MQ",
}
_COUNTRY_CODES = {"FR": 33, "RE": 262, "YT": 262, "GP": 590, "GF": 594, "MQ": 596}
_PHONE_JUNK = re.compile(r"[\s.\-/()\u00a0\u202f]")


def normalise_phone(value: str | int | None, *, field: str = "phone") -> str:
    """A phone number in E.164 (``+33386123456``), or ``""`` if blank.

    National numbers (``03 86 12 34 56``, ``0269 61 23 45``) are read as French, the four
    first digits telling an overseas department from the metropole; numbers starting with
    ``+`` or ``00`` may be from any country.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    compact = _PHONE_JUNK.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+330") and len(compact) == 13:
        compact = "+33" + compact[4:]  # « +33 (0)3 86 … »
    digits = compact[1:] if compact.startswith("+") else compact
    if not digits.isdigit():
        raise ValidationError(
            f"Téléphone invalide : « {text} » ne doit contenir que des chiffres "
            "(espaces, points et tirets sont acceptés).",
            field=field,
        )
    if not compact.startswith("+"):
        if len(digits) == 9 and digits[0] != "0":
            # A spreadsheet dropped the leading zero of a French number.
            digits = "0" + digits
        if len(digits) != 10 or digits[0] != "0":
            raise ValidationError(
                f"Téléphone invalide : un numéro français compte 10 chiffres commençant "
                f"par 0 (ici « {text} », {len(digits)} chiffres).",
                field=field,
            )
        region = _OVERSEAS_PREFIXES.get(digits[:4], "FR")
        # A national number: no need for phonenumbers' (slow) parsing, only its ranges.
        parsed = phonenumbers.PhoneNumber(
            country_code=_COUNTRY_CODES[region], national_number=int(digits[1:]))
        if not phonenumbers.is_valid_number(parsed):
            raise ValidationError(
                f"Téléphone invalide : « {text} » n'est pas un numéro attribué en France "
                "ni outre-mer.", field=field)
        return f"+{parsed.country_code}{parsed.national_number}"
    try:
        parsed = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"Téléphone invalide : « {text} » n'est pas un numéro.", field=field) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            f"Téléphone invalide : « {text} » n'est pas un numéro attribué dans le pays indiqué.",
            field=field,
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_search_digits(e164: str | None) -> tuple[str, ...]:
    """The digit strings a person may type to find this number (national and international)."""
    if not e164:
        return ()
    international = e164.lstrip("+")
    national = national_digits(e164)
    return tuple(d for d in (national, international) if d)


def national_digits(e164: str | None) -> str:
    """``+33386123456`` → ``0386123456``; ``+262269612345`` → ``0269612345``."""
    if not e164:
        return ""
    if e164.startswith("+33"):
        return "0" + e164[3:]
    if e164[:4] in {"+262", "+590", "+594", "+596", "+508"}:
        return "0" + e164[4:]
    return ""


# --- E-mail, website, postcode -----------------------------------------------------------

_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)


def normalise_email(value: str | None, *, field: str = "email") -> str:
    """A lower-case e-mail address, or ``""`` if blank (``mailto:`` and brackets removed)."""
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip("<> ").lower()
    if not text:
        return ""
    if " " in text:
        reason = "une adresse ne contient pas d'espace"
    elif text.count("@") != 1:
        reason = "il faut exactement un « @ »"
    elif text.startswith(".") or ".." in text or text.split("@")[0].endswith("."):
        reason = "les points sont mal placés"
    elif not _EMAIL_RE.match(text):
        reason = "le domaine après « @ » doit ressembler à « exemple.fr »"
    else:
        return text
    raise ValidationError(f"Courriel invalide : « {text} » ({reason}).", field=field)


def email_domain(email: str | None) -> str:
    return email.rsplit("@", 1)[1] if email and "@" in email else ""


def normalise_website(value: str | None, *, field: str = "website") -> str:
    """A web address with its scheme (``www.exemple.fr`` → ``https://www.exemple.fr``)."""
    text = str(value or "").strip()
    if not text:
        return ""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", text):
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in {"http", "https"}
        or " " in text
        or "." not in host
        or not re.fullmatch(r"[a-z0-9.\-]+", host)
        or host.startswith(".")
        or host.endswith(".")
    ):
        raise ValidationError(
            f"Site web invalide : « {value} » (exemple attendu : www.exemple.fr).", field=field
        )
    return text


def _department_ok(code: str) -> bool:
    dep = int(code[:2])
    if 1 <= dep <= 95:
        return True
    three = int(code[:3])
    # Overseas: Guadeloupe 971, Martinique 972, Guyane 973, La Réunion 974,
    # Saint-Pierre-et-Miquelon 975, Mayotte 976, Saint-Barthélemy / Saint-Martin 977-978,
    # Monaco 980, overseas collectivities 984-988.
    return 971 <= three <= 978 or three == 980 or 984 <= three <= 988


def normalise_postcode(value: str | int | None, *, field: str = "postcode") -> str:
    """A French postcode: 5 digits (``89 000`` tolerated), of an existing department."""
    text = re.sub(r"\s", "", str(value or ""))
    if not text:
        return ""
    if not text.isdigit():
        raise ValidationError(
            f"Code postal invalide : « {value} » ne doit contenir que des chiffres.", field=field
        )
    if len(text) != 5:
        hint = (
            f" Un zéro initial a-t-il été perdu ? Essayez « {text.zfill(5)} »."
            if len(text) == 4 else ""
        )
        raise ValidationError(
            f"Code postal invalide : il doit compter 5 chiffres (ici {len(text)}).{hint}",
            field=field,
        )
    if not _department_ok(text):
        raise ValidationError(
            f"Code postal invalide : « {text} » ne correspond à aucun département.", field=field
        )
    return text


# --- Civility, category, dates, text -----------------------------------------------------

_CIVILITIES = {
    "mme": "Mme", "madame": "Mme", "mlle": "Mme", "mademoiselle": "Mme",
    "m": "M.", "m.": "M.", "mr": "M.", "mr.": "M.", "monsieur": "M.",
}


def normalise_civility(value: str | None, *, field: str = "civility") -> str:
    text = str(value or "").strip()
    if not text or text in {"—", "-"}:
        return ""
    try:
        return _CIVILITIES[fold(text)]
    except KeyError:
        raise ValidationError(
            f"Civilité inconnue : « {text} » (utilisez « Mme » ou « M. »).", field=field
        ) from None


_CATEGORY_ALIASES = {
    "elu": "elu", "elue": "elu", "elus": "elu", "elu(e)": "elu", "elu(e)s": "elu", "elues": "elu",
    "technicien": "technicien", "technicienne": "technicien", "techniciens": "technicien",
    "siae": "professionnel_siae", "ess": "professionnel_siae", "professionnel": "professionnel_siae",
    "institutionnel": "institutionnel", "partenaire": "institutionnel",
    "entreprise": "entreprise", "entreprises": "entreprise",
    "public": "public", "beneficiaire": "public", "participant plie": "public",
    "grand public": "grand_public", "autre": "autre", "autres": "autre",
}


def normalise_category(value: str | None, *, field: str = "category") -> str:
    """A person category code from its code or French label (« Élu(e) » → ``elu``)."""
    text = str(value or "").strip()
    if not text:
        return "autre"
    if text in PERSON_CATEGORIES:
        return text
    key = fold(text)
    for code, label in PERSON_CATEGORIES.items():
        if key in {fold(label), code}:
            return code
    if key in _CATEGORY_ALIASES:
        return _CATEGORY_ALIASES[key]
    known = ", ".join(f"« {label} »" for label in PERSON_CATEGORIES.values())
    raise ValidationError(f"Catégorie inconnue : « {text} » (choisissez parmi {known}).", field=field)


_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+)?$")


def parse_date(value: object, *, field: str = "date") -> dt.date | None:
    """A date from ``jj/mm/aaaa`` (also ``aaaa-mm-jj``, or a spreadsheet date), ``None`` if blank."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        if m := _DATE_FR.match(text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _DATE_ISO.match(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise ValidationError(f"Date invalide : « {text} » (attendu : jj/mm/aaaa).", field=field)


def clean_text(value: object, *, field: str, max_length: int, required: bool = False,
               label: str = "") -> str:
    """Trimmed text; empty refused when ``required``; too long refused with the limit."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError(f"{label or 'Ce champ'} est obligatoire.", field=field)
    if len(text) > max_length:
        raise ValidationError(
            f"{label or 'Ce champ'} est trop long : {len(text)} caractères (maximum {max_length}).",
            field=field,
        )
    return text
