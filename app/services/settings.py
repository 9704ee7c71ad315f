"""Local settings: our organisation's identity (printed on every document) and the site name."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from stdnum.fr import siret as siret_mod

from app.domain import validation
from app.errors import ValidationError
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Setting

IDENTITY_KEY = "identity"


@dataclass(frozen=True)
class Identity:
    """Who we are: the organisation running this copy of Maillage, and this antenna."""

    organisation_name: str = ""
    siret: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    site_name: str = ""
    logo_png: bytes | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.organisation_name.strip() and self.site_name.strip())


def normalise_siret(value: str) -> str:
    """Validate a SIRET (spaces tolerated) and return its 14 digits, or raise in French."""
    return validation.normalise_siret(value)


def format_siret(value: str) -> str:
    return siret_mod.format(value) if value else ""


def get_identity(ws: Workspace) -> Identity:
    with ws.unit() as s:
        row = s.get(Setting, IDENTITY_KEY)
        data = dict(row.value) if row is not None and row.value else {}
    logo = data.pop("logo_hex", None)
    known = {k: v for k, v in data.items() if k in Identity.__dataclass_fields__}
    return Identity(**known, logo_png=bytes.fromhex(logo) if logo else None)


def set_identity(ws: Workspace, identity: Identity) -> ChangeSet:
    """Validate and store our identity. The SIRET is stored as 14 digits."""
    if not identity.organisation_name.strip():
        raise ValidationError("Le nom de l'organisation est obligatoire.", field="organisation_name")
    if not identity.site_name.strip():
        raise ValidationError("Le nom de l'antenne est obligatoire.", field="site_name")
    postcode = identity.postcode.strip()
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        raise ValidationError("Le code postal doit compter 5 chiffres.", field="postcode")
    identity = replace(
        identity,
        organisation_name=identity.organisation_name.strip(),
        site_name=identity.site_name.strip(),
        siret=normalise_siret(identity.siret),
        postcode=postcode,
    )
    data = asdict(identity)
    logo = data.pop("logo_png")
    data["logo_hex"] = logo.hex() if logo else None
    with ws.unit(write=True) as s:
        row = s.get(Setting, IDENTITY_KEY)
        if row is None:
            s.add(Setting(key=IDENTITY_KEY, value=data))
        else:
            row.value = data
    return ChangeSet(updated=(("settings", IDENTITY_KEY),))


def load_logo(path: Path) -> bytes:
    """Read a logo file (PNG or JPEG, at most 2 Mo)."""
    data = Path(path).read_bytes()
    if len(data) > 2 * 1024 * 1024:
        raise ValidationError("Le logo dépasse 2 Mo : choisissez une image plus légère.", field="logo")
    if not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8")):
        raise ValidationError("Le logo doit être une image PNG ou JPEG.", field="logo")
    return data


def set_site_name(ws: Workspace, site_name: str) -> ChangeSet:
    """Name this antenna (``maillage init --site-name``), keeping the rest of the identity."""
    site_name = site_name.strip()
    if not site_name:
        raise ValidationError("Le nom de l'antenne ne peut pas être vide.", field="site_name")
    current = get_identity(ws)
    data = asdict(replace(current, site_name=site_name))
    logo = data.pop("logo_png")
    data["logo_hex"] = logo.hex() if logo else None
    with ws.unit(write=True) as s:
        row = s.get(Setting, IDENTITY_KEY)
        if row is None:
            s.add(Setting(key=IDENTITY_KEY, value=data))
        else:
            row.value = data
    return ChangeSet(updated=(("settings", IDENTITY_KEY),))
