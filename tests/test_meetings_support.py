"""Shared builders and fixtures for the meeting, sheet, minutes, ics and scan tests.

Not a test module: the others import its fixtures (``from test_meetings_support import …``).
The data echo the seed documents: the GT5 working group (Alexandre FASSI of Inter-Made,
Marie DULAURIER of RAMSESS…), a Mahoran participant, names with Œ, ğ, ș, ư.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.services import meetings as svc
from app.services.settings import Identity, set_identity
from app.services.workspace import Workspace, open_workspace
from app.storage.models import Action, Affiliation, Organisation, Person

DAY = dt.date(2026, 5, 12)

PEOPLE = (
    # last name, first name, structure, function, category
    ("Fassi", "Alexandre", "Inter-Made", "Directeur", "professionnel_siae"),
    ("Dulaurier", "Marie", "RAMSESS", "Chargée de mission", "professionnel_siae"),
    ("Reveau", "Virginie", "ESIA", "Chargée d'accompagnement", "institutionnel"),
    ("Levy", "Pierre", "Regain", "Consultant", "professionnel_siae"),
    ("Lasnier", "Bruno", "APEAS", "Délégué", "professionnel_siae"),
    ("M'Madi", "Anlaouddine", "CDR Mayotte", "Chargé de mission clauses", "institutionnel"),
    ("Œillet", "Chloé", "Communauté de l'Auxerrois", "Technicienne", "technicien"),
    ("Yılmaz-Doğan", "Ayşe", "Syndicat Mixte de La Puisaye", "Élue", "elu"),
    ("Ionescu", "Ștefan", "Régie de quartier des Rosoirs", "Encadrant technique", "professionnel_siae"),
    ("Nguyễn", "Thị Ưu", "Atelier Chantier d'Insertion du Pays Coulangeois et de la vallée", "CIP",
     "professionnel_siae"),
)

BENEFICIARY = ("Durand", "Kévin", "kevin.durand@example.org", "+33612345678",
               "Suivi RSA, situation de santé à surveiller")


@dataclass
class Network:
    ws: Workspace
    action_id: str
    people: dict[str, str]  # last name -> person id
    orgs: dict[str, str]  # structure name -> organisation id
    beneficiary_id: str


def png_bytes(width: int = 60, height: int = 20) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 0)).save(buf, format="PNG")
    return buf.getvalue()


STROKES = [[[0, 10, 0.4, 0], [20, 0, 0.7, 16], [40, 18, 0.9, 33], [60, 5, 0.5, 50]],
           [[10, 25, 0.5, 80], [55, 25, 0.6, 110]]]


def build_network(ws: Workspace, *, fse_rate: float = 0.47) -> Network:
    set_identity(ws, Identity(organisation_name="PLIE du Grand Auxerrois", siret="73282932000074",
                              address="12 rue de Paris", postcode="89000", city="Auxerre",
                              site_name="Antenne de Puisaye"))
    people, orgs = {}, {}
    with ws.unit(write=True) as s:
        action = Action(code="A12", title="Coordination et animation d'un événementiel ESS",
                        funder="Conseil départemental de l'Yonne", fse_rate=fse_rate)
        s.add(action)
        for last, first, org_name, function, category in PEOPLE:
            if org_name not in orgs:
                org = Organisation(name=org_name, territory="Yonne", postcode="89000")
                s.add(org)
                s.flush()
                orgs[org_name] = org.id
            p = Person(last_name=last, first_name=first, category=category,
                       email=f"{first[0].lower()}.{last.lower()}@example.org")
            s.add(p)
            s.flush()
            s.add(Affiliation(person_id=p.id, organisation_id=orgs[org_name], function=function,
                              is_primary=True))
            people[last] = p.id
        last, first, email, phone, notes = BENEFICIARY
        b = Person(last_name=last, first_name=first, email=email, mobile=phone, notes=notes,
                   category="public", is_beneficiary=True)
        s.add(b)
        s.flush()
        s.add(Affiliation(person_id=b.id, organisation_id=orgs["Inter-Made"], function="Salarié en insertion"))
        s.flush()
        return Network(ws, action.id, people, orgs, b.id)


def make_meeting(net: Network, *, kind: str = "formation", days: int = 1, title: str | None = None,
                 series: str = "", number: int | None = None, with_beneficiary: bool = True,
                 trainer: str | None = "Dulaurier") -> str:
    saved = svc.create_meeting(net.ws, svc.MeetingInput(
        kind=kind, title=title or "Formation « Clauses sociales d'insertion » – session 2026",
        series=series, number=number, action_id=net.action_id,
        place_name="Salle du conseil", place_address="4 rue de la Mairie\n89000 Auxerre",
        objectives="Calibrer le dispositif d'appui technique",
        agenda=(svc.AgendaItemInput("Rappel réunion 1"),
                svc.AgendaItemInput("Proposition d'un dispositif général d'accompagnement")),
        sessions=svc.default_sessions(DAY, days),
    ))
    ids = [pid for last, pid in net.people.items() if last != trainer]
    if with_beneficiary:
        ids.append(net.beneficiary_id)
    svc.add_participants(net.ws, saved.id, ids)
    if trainer:
        svc.add_participants(net.ws, saved.id, [net.people[trainer]], role="intervenant")
    return saved.id


@pytest.fixture
def ws(tmp_path: Path):
    workspace = open_workspace(tmp_path / "reunions.sqlite")
    yield workspace
    workspace.close()


@pytest.fixture
def net(ws: Workspace) -> Network:
    return build_network(ws)


def pdf_page_texts(path: Path) -> list[str]:
    """Text of each page (pypdfium2: fast enough for long documents)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            out.append(tp.get_text_range())
            tp.close()
            page.close()
        return out
    finally:
        pdf.close()


def render_page(path: Path, index: int, dpi: int = 150):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        img = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
        return img
    finally:
        pdf.close()


def add_people(net: Network, meeting_id: str, count: int, *, prefix: str = "Membre") -> list[str]:
    """Invite ``count`` more people (« Membre0001 Prénom1 », structure « Structure 3 »)."""
    ids = []
    with net.ws.unit(write=True) as s:
        orgs = []
        for k in range(7):
            org = Organisation(name=f"Structure {k}")
            s.add(org)
            orgs.append(org)
        s.flush()
        for i in range(count):
            p = Person(last_name=f"{prefix}{i:04d}", first_name=f"Prénom{i}", category="autre")
            s.add(p)
            s.flush()
            s.add(Affiliation(person_id=p.id, organisation_id=orgs[i % 7].id, function="Technicien",
                              is_primary=True))
            ids.append(p.id)
    svc.add_participants(net.ws, meeting_id, ids)
    return ids
