"""The printed convention, read back as a reader would: parties, articles, pages, amounts."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pdfplumber
import pypdfium2 as pdfium
import pytest

from app.cli import main
from app.documents.common import FSE_MENTION
from app.documents.convention import write_convention_pdf
from app.errors import ValidationError
from app.services import conventions as cs
from app.services import templates as ts
from app.services.conventions import ConventionInput, InstallmentInput, PartyInput, StatusChange
from app.services.settings import Identity, set_identity
from app.services.workspace import open_workspace
from app.storage.models import Organisation, TemplateArticle

D = dt.date


def plain(text: str) -> str:
    """No-break spaces as spaces, for readable assertions."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def pdf_pages(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [plain(page.extract_text() or "") for page in pdf.pages]


@pytest.fixture
def db(tmp_path):
    return tmp_path / "maillage.sqlite"


@pytest.fixture
def ws(db):
    w = open_workspace(db)
    set_identity(w, Identity(organisation_name="GIP Réussir en Sambre Avesnois",
                             siret="73282932000074",
                             address="20 avenue Alphonse de Lamartine", postcode="59600",
                             city="Maubeuge", site_name="Antenne de Maubeuge"))
    yield w
    w.close()


@pytest.fixture
def orgs(ws):
    with ws.unit(write=True) as s:
        bocage = Organisation(name="Les Ateliers du Bocage", acronym="LAB", kind_code="aci",
                              legal_form="Association loi 1901", siret="35600000000048",
                              address="3 rue des Tanneurs", postcode="59440",
                              city="Avesnes-sur-Helpe", legal_rep_name="Karim Benali",
                              legal_rep_title="Directeur")
        regie = Organisation(name="Régie du Val de Sambre", kind_code="regie_quartier",
                             legal_rep_name="Léa Martin", legal_rep_title="Présidente")
        s.add_all([bocage, regie])
    return {"bocage": bocage.id, "regie": regie.id}


def make(ws, orgs, **overrides) -> str:
    values = dict(
        kind="objectifs_financement", title="Mois de l'ESS 2026",
        parties=(PartyInput(None, "porteur", "Benjamin Saint-Huile", "Président"),
                 PartyInput(orgs["bocage"])),
        object="Coordonner et animer le Mois de l'ESS en Sambre Avesnois.",
        start_date=D(2026, 1, 1), end_date=D(2026, 12, 31), amount_cents=1_000_000,
        installments=(InstallmentInput(600_000, D(2026, 1, 15), "à la signature"),
                      InstallmentInput(400_000, D(2026, 7, 1),
                                       "à la remise du bilan intermédiaire")),
        fse_rate=0.47, required_evidence=("emargement", "bilan_intermediaire", "bilan_final"),
        signed_place="Maubeuge",
    )
    values.update(overrides)
    return cs.create_convention(ws, ConventionInput(**values), today=D(2026, 1, 3)).id


def test_printed_convention_reads_as_an_agreement(ws, orgs, tmp_path):
    cid = make(ws, orgs, parties=(PartyInput(None, "porteur", "Benjamin Saint-Huile", "Président"),
                                  PartyInput(orgs["bocage"]), PartyInput(orgs["regie"])))
    out = tmp_path / "convention.pdf"
    result = write_convention_pdf(ws, "2026-MAU-001", out, today=D(2026, 1, 3))
    pages = pdf_pages(out)
    assert result.pages == len(pages) >= 3
    text = "\n".join(pages)
    # Title, number, parties with legal form, SIRET, address and representative.
    assert "CONVENTION D'OBJECTIFS ET DE FINANCEMENT" in text
    assert "N° 2026-MAU-001" in text
    assert text.index("Entre les soussignés") < text.index("Il a été convenu ce qui suit")
    party_zone = text[text.index("Entre les soussignés"):text.index("Il a été convenu")]
    for expected in ("GIP Réussir en Sambre Avesnois", "732 829 320 00074",
                     "20 avenue Alphonse de Lamartine, 59600 Maubeuge",
                     "Benjamin Saint-Huile, Président", "ci-après « le porteur »",
                     "Les Ateliers du Bocage (LAB)", "Association loi 1901",
                     "356 000 000 00048", "3 rue des Tanneurs, 59440 Avesnes-sur-Helpe",
                     "Karim Benali, Directeur", "Régie du Val de Sambre",
                     "Léa Martin, Présidente", "d'une part", "d'autre part"):
        assert expected in party_zone, expected
    # Articles numbered in the template's order, the FSE ones included.
    headings = re.findall(r"Article (\d+) – ([^\n]+)", text)
    assert [int(n) for n, _t in headings] == list(range(1, len(headings) + 1))
    titles = [t.strip() for _n, t in headings]
    order = ["Objet de la convention", "Durée", "Engagements de l'opérateur",
             "Dispositions financières", "Cofinancement par le Fonds social européen",
             "Obligations de publicité", "Pièces justificatives",
             "Conservation des pièces et contrôle", "Suivi et évaluation", "Résiliation",
             "Litiges"]
    assert [t for t in titles if t in order] == order
    assert "10 000,00 € (dix mille euros)" in text
    assert "15 janvier 2026 6 000,00 € à la signature" in text  # the installments table
    assert "Total 10 000,00 €" in text
    assert "au taux de 47 % des dépenses éligibles" in text
    # Closing words and the signature blocks.
    assert "Fait à Maubeuge, le __________, en trois exemplaires originaux." in text
    assert text.count("« Lu et approuvé »") == 3
    assert text.count("Signature et cachet") == 3
    # Page furniture: number, page x / y, initials box and FSE mention on every page.
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} / {len(pages)}" in page
        assert "2026-MAU-001" in page
        assert "Paraphes des parties" in page
        assert FSE_MENTION in page
        assert "Cofinancé par" in page


@pytest.mark.parametrize(
    ("cents", "printed"),
    [
        (8_000, "80,00 € (quatre-vingts euros)"),
        (7_100, "71,00 € (soixante et onze euros)"),
        (2_150, "21,50 € (vingt et un euros et cinquante centimes)"),
        (100_000_000, "1 000 000,00 € (un million d'euros)"),
        (1_000_000, "10 000,00 € (dix mille euros)"),
    ],
)
def test_amount_in_figures_and_words(ws, orgs, tmp_path, cents, printed):
    cid = make(ws, orgs, amount_cents=cents, installments=())
    out = tmp_path / "c.pdf"
    write_convention_pdf(ws, cid, out)
    text = " ".join(" ".join(pdf_pages(out)).split())
    assert printed in text


def test_partner_without_siret_prints_a_visible_gap(ws, orgs, tmp_path):
    cid = make(ws, orgs, kind="partenariat", parties=(PartyInput(orgs["regie"]),),
               fse_rate=0.0, amount_cents=None, installments=())
    out = tmp_path / "sans-siret.pdf"
    write_convention_pdf(ws, cid, out)
    text = "\n".join(pdf_pages(out))
    zone = text[text.index("Régie du Val de Sambre"):text.index("Il a été convenu")]
    assert re.search(r"SIRET : _{10,}", zone)
    assert re.search(r"Forme juridique : _{10,}", zone)
    # Without FSE: no emblem, no mention, no FSE article; without amount: no financial one.
    assert FSE_MENTION not in text and "Cofinancé par" not in text
    assert "Fonds social européen" not in text
    assert "Dispositions financières" not in text


def test_unknown_placeholder_is_refused_by_name_before_printing(ws, orgs, tmp_path):
    cid = make(ws, orgs)
    tid = cs.get_convention(ws, cid).template_id
    # A template received from another machine may hold a field this version ignores.
    with ws.unit(write=True) as s:
        article = s.get(TemplateArticle, ts.article_id_for("objectifs_financement", 0))
        article.body = "Entre {porteur.nom} et {partenaire.nmo}."
    out = tmp_path / "refusee.pdf"
    with pytest.raises(ValidationError, match=r"Champ inconnu : \{partenaire\.nmo\}"):
        write_convention_pdf(ws, cid, out)
    assert not out.exists()
    with pytest.raises(ValidationError, match=r"\{partenaire\.nmo\}"):
        ts.validate_template(ws, tid)


def test_avenant_prints_its_changes_and_the_parent(ws, orgs, tmp_path):
    parent = make(ws, orgs)
    cs.change_status(ws, parent, StatusChange("envoyee", D(2026, 1, 5)))
    cs.change_status(ws, parent, StatusChange("signee", D(2026, 1, 12)))
    base = cs.avenant_draft(ws, parent)
    av = cs.create_convention(ws, replace(base, amount_cents=1_200_000,
                                          object="Ajout d'une journée."))
    out = tmp_path / "avenant.pdf"
    write_convention_pdf(ws, av.number, out)
    text = " ".join(" ".join(pdf_pages(out)).split())
    assert "AVENANT" in text
    assert "Vu la convention n° 2026-MAU-001 « Mois de l'ESS 2026 » signée le 12 janvier 2026" in text
    assert ("Le montant total est porté de 10 000,00 € à 12 000,00 € (douze mille euros)."
            in text)


def test_pages_render_to_png(ws, orgs, tmp_path):
    cid = make(ws, orgs)
    out = tmp_path / "rendu.pdf"
    write_convention_pdf(ws, cid, out)
    pdf = pdfium.PdfDocument(str(out))
    try:
        for index in range(len(pdf)):
            image = pdf[index].render(scale=1).to_pil()
            image.save(tmp_path / f"page-{index + 1}.png")
            assert image.size[0] in (595, 596) and image.size[1] == 842  # A4 portrait
            # Ink at the bottom right, where the initials box is.
            corner = image.convert("L").crop((400, 780, 560, 815))
            assert corner.getextrema()[0] < 200
    finally:
        pdf.close()


def test_cli_prints_and_lists(ws, orgs, db, tmp_path, capsys):
    make(ws, orgs)
    out = tmp_path / "cli.pdf"
    assert main(["convention", "2026-MAU-001", "-o", str(out), "--db", str(db)]) == 0
    assert out.exists() and "Convention enregistrée" in capsys.readouterr().out
    assert main(["--db", str(db), "conventions", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["number"], r["amount_cents"], r["status"]) for r in rows] == [
        ("2026-MAU-001", 1_000_000, "brouillon")]
    assert main(["convention", "2026-NULLE-PART", "-o", str(out), "--db", str(db)]) == 1
    assert "Aucune convention ne porte le numéro" in capsys.readouterr().err
    assert main(["conventions", "alerts", "--today", "2026-02-01", "--json", "--db",
                 str(db)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_every_demo_convention_prints(demo_ws, tmp_path):
    rows = cs.list_conventions(demo_ws)
    assert rows, "the demo holds conventions"
    for row in rows:
        out = tmp_path / f"{row.number}.pdf"
        result = write_convention_pdf(demo_ws, row.id, out)
        pages = pdf_pages(out)
        assert result.pages == len(pages)
        assert all(row.number in page for page in pages)
        assert f"Page {len(pages)} / {len(pages)}" in pages[-1]
    cs.alerts(demo_ws)  # computes on real-looking data without error
