"""Convention templates: shipped records, editor operations, placeholders, live preview."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.services import conventions as cs
from app.services import templates as ts
from app.services.conventions import ConventionInput, PartyInput
from app.services.templates import ArticleDraft
from app.services.workspace import open_workspace
from app.storage.ids import derived_id
from app.storage.models import ConventionTemplate, Organisation, TemplateArticle

SHIPPED = ("avenant", "mise_a_disposition", "objectifs_financement", "partenariat")


@pytest.fixture
def ws():
    w = open_workspace(None)
    yield w
    w.close()


def _ids(ws) -> tuple[set[str], set[str]]:
    with ws.unit() as s:
        return (set(s.execute(select(ConventionTemplate.id)).scalars()),
                set(s.execute(select(TemplateArticle.id)).scalars()))


def test_shipped_templates_are_seeded_once_with_derived_ids(ws):
    # Opening a workspace seeds them; seeding again changes nothing.
    templates, articles = _ids(ws)
    assert len(templates) == len(SHIPPED) and articles
    assert not ts.ensure_templates(ws)  # idempotent
    assert _ids(ws) == (templates, articles)
    summaries = {t.code: t for t in ts.list_templates(ws)}
    assert set(summaries) == set(SHIPPED)
    assert all(t.shipped for t in summaries.values())
    cof = ts.get_template(ws, summaries["objectifs_financement"].id)
    assert cof.id == derived_id("template", "objectifs_financement")
    assert cof.articles[0].id == derived_id("template-article", "objectifs_financement", "0")
    titles = [a.title for a in cof.articles]
    for expected in ("Objet de la convention", "Durée", "Dispositions financières",
                     "Cofinancement par le Fonds social européen", "Obligations de publicité",
                     "Pièces justificatives", "Conservation des pièces et contrôle",
                     "Suivi et évaluation", "Résiliation", "Litiges"):
        assert expected in titles
    fse = [a for a in cof.articles if a.condition == "fse"]
    assert {a.title for a in fse} >= {"Obligations de publicité",
                                      "Conservation des pièces et contrôle"}
    assert "cinq ans à compter du 31 décembre" in next(
        a.body for a in cof.articles if a.title.startswith("Conservation"))


def test_two_machines_seeding_independently_hold_the_same_records():
    a, b = open_workspace(None), open_workspace(None)
    try:
        ts.ensure_templates(a)
        ts.ensure_templates(b)
        assert a.site_id != b.site_id
        assert _ids(a) == _ids(b)
        with a.unit() as s1, b.unit() as s2:
            rows1 = sorted((t.id, t.position, t.title, t.body, t.condition)
                           for t in s1.execute(select(TemplateArticle)).scalars())
            rows2 = sorted((t.id, t.position, t.title, t.body, t.condition)
                           for t in s2.execute(select(TemplateArticle)).scalars())
        assert rows1 == rows2
    finally:
        a.close()
        b.close()


def test_a_deleted_or_edited_shipped_template_is_left_alone(ws):
    ts.ensure_templates(ws)
    tid = ts.template_id_for_code("partenariat")
    ts.update_template(ws, tid, "Partenariat (version du réseau)", "partenariat", "")
    ts.delete_template(ws, ts.template_id_for_code("mise_a_disposition"))
    assert not ts.ensure_templates(ws)
    codes = {t.code: t.name for t in ts.list_templates(ws)}
    assert "mise_a_disposition" not in codes
    assert codes["partenariat"] == "Partenariat (version du réseau)"


def test_placeholders_offered_to_the_editor():
    names = {p.name: p for p in ts.available_placeholders()}
    for name in ("partenaire.nom", "partenaire.siret", "partenaire.adresse",
                 "partenaire.representant", "porteur.nom", "montant", "montant_en_lettres",
                 "date_debut", "date_fin", "taux_fse", "action.intitule", "objet", "numero",
                 "echeancier"):
        assert name in names, name
        assert names[name].label and names[name].group
    assert names["echeancier"].block and names["montant"].token == "{montant}"


def test_unknown_placeholders_are_named():
    text = "Entre {porteur.nom} et {partenaire.nmo}, pour {montant_en_lettre}. {{littéral}}"
    assert ts.unknown_placeholders(text) == ("{partenaire.nmo}", "{montant_en_lettre}")
    with pytest.raises(ValidationError, match=r"^Champ inconnu : \{partenaire\.nmo\}"):
        ts.check_text(text)
    with pytest.raises(ValidationError, match="Accolade isolée « { »"):
        ts.check_text("Montant {montant")


def test_editor_operations_keep_articles_in_order(ws):
    ts.ensure_templates(ws)
    copy = ts.duplicate_template(ws, ts.template_id_for_code("partenariat"), "Charte du réseau")
    view = ts.get_template(ws, copy.id)
    assert view.code.startswith("perso-") and not view.shipped and view.kind == "partenariat"
    n = len(view.articles)
    added = ts.add_article(ws, copy.id, ArticleDraft("Préambule politique",
                                                     "Les élus de {partenaire.nom}…"), index=0)
    ts.move_article(ws, added.id, 2)
    ts.remove_article(ws, view.articles[1].id)  # « Durée »
    ts.update_article(ws, added.id, ArticleDraft("Valeurs partagées", "Coopérer.", "fse"))
    after = ts.get_template(ws, copy.id)
    titles = [a.title for a in after.articles]
    # [Préambule, Objet, Durée, …] → moved to 3rd place → « Durée » removed:
    assert titles[:3] == ["Objet de la convention", "Valeurs partagées",
                          "Engagements de {porteur.nom}"]
    assert "Durée" not in titles and len(titles) == n
    assert [a.position for a in after.articles] == list(range(n))
    assert after.articles[1].condition_label == "Si l'action est cofinancée par le FSE"
    with pytest.raises(ValidationError, match=r"Champ inconnu : \{partenaire\.nmo\}") as err:
        ts.add_article(ws, copy.id, ArticleDraft("Objet", "Avec {partenaire.nmo}."))
    assert err.value.field == "body"
    with pytest.raises(ValidationError) as err:
        ts.add_article(ws, copy.id, ArticleDraft("  ", "x"))
    assert err.value.field == "title"


def test_live_preview_with_sample_values_and_unsaved_articles(ws):
    ts.ensure_templates(ws)
    preview = ts.render_preview(ws, ts.template_id_for_code("objectifs_financement"))
    assert preview[0].title == "Préambule"
    titles = [p.title for p in preview[1:]]
    assert titles[0] == "Article 1 – Objet de la convention"
    assert "Article 6 – Cofinancement par le Fonds social européen [si l'action est cofinancée " \
           "par le fse]" in titles
    finance = next(p.text for p in preview if "Dispositions financières" in p.title)
    assert "(dix mille euros)" in finance
    assert "– 1er juillet 2026 : 3" in finance and "à la remise du bilan intermédiaire" in finance
    title, text = ts.render_preview(ws, [ArticleDraft("Objet", "Avec {partenaire.nmo} et "
                                                               "{partenaire.nom}.")])[0]
    assert title == "Article 1 – Objet"
    assert text == "Avec [Champ inconnu : {partenaire.nmo}] et Les Ateliers du Bocage."


def test_preview_with_a_convention_leaves_out_what_does_not_apply(ws):
    with ws.unit(write=True) as s:
        org = Organisation(name="Régie du Val de Sambre", kind_code="regie_quartier")
        s.add(org)
    cid = cs.create_convention(ws, ConventionInput(
        kind="mise_a_disposition", title="Prêt de la salle polyvalente",
        parties=(PartyInput(org.id),), start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 2, 28), object="La salle polyvalente, le mardi matin.",
    )).id
    preview = ts.render_preview(ws, ts.template_id_for_code("mise_a_disposition"), cid)
    titles = [p.title.split(" – ", 1)[1] for p in preview]
    assert "Gratuité" in titles and "Conditions financières" not in titles
    assert [p.title.split(" – ")[0] for p in preview] == [f"Article {i}"
                                                          for i in range(1, len(preview) + 1)]
    duration = next(p.text for p in preview if p.title.endswith("Durée"))
    assert "du 1er février 2026 au 28 février 2026, soit une durée de 1 mois" in duration
    objet = preview[0].text
    assert "La salle polyvalente, le mardi matin." in objet


def test_legal_dates_and_durations():
    assert ts.legal_date(dt.date(2026, 1, 1)) == "1er janvier 2026"
    assert ts.legal_date(dt.date(2026, 5, 12)) == "12 mai 2026"
    assert ts.duration_label(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == "12 mois"
    assert ts.duration_label(dt.date(2026, 3, 15), dt.date(2026, 9, 14)) == "6 mois"
    assert ts.duration_label(dt.date(2026, 3, 1), dt.date(2026, 3, 10)) == "10 jours"
    assert ts.duration_label(None, dt.date(2026, 3, 10)) == ""
