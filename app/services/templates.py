"""Convention templates: shipped models, the editor's operations, placeholders, rendering.

A template (:class:`ConventionTemplate`) is a synced record made of ordered articles
(:class:`TemplateArticle`) whose title and body hold placeholders such as
``{partenaire.nom}`` or ``{montant_en_lettres}`` (see :func:`available_placeholders`;
``{{`` and ``}}`` print literal braces). Bodies are plain text: paragraphs are separated by
a blank line, lines starting with « - » are bullets, and a paragraph made of a list
placeholder alone (``{echeancier}``, ``{pieces_justificatives}``…) becomes a list or a table.
An article's ``condition`` prints it only when it applies (:data:`CONDITIONS`).

The shipped templates live in ``resources/templates/*.json``; :func:`ensure_templates`
creates the missing ones with ids derived from their code, so machines seeding
independently hold the same records. An unknown placeholder is refused by name
(« Champ inconnu : {partenaire.nmo} ») when saving an article and before printing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.amounts import amount_in_words, number_in_words
from app.domain.text import fold
from app.errors import NotFound, ValidationError
from app.services.conventions import (
    ConventionView,
    PartyView,
    describe_changes,
    get_convention,
    legal_date,
)
from app.services.settings import Identity, format_siret, get_identity
from app.services.workspace import ChangeSet, Workspace
from app.storage.ids import derived_id
from app.storage.models import Convention, ConventionTemplate, TemplateArticle

GAP = "__________"
"""Printed for a value that is not known yet, so that it can be filled in by hand."""

CONDITIONS: dict[str, str] = {
    "": "Toujours",
    "fse": "Si l'action est cofinancée par le FSE",
    "sans_fse": "Si l'action n'est pas cofinancée par le FSE",
    "montant": "Si la convention prévoit un montant",
    "sans_montant": "Si la convention ne prévoit aucun montant",
    "echeancier": "Si un échéancier est prévu",
}
"""When an article is printed (stored in ``TemplateArticle.condition``)."""

_DEFAULT_TEMPLATE_FOR_KIND = {
    "partenariat": "partenariat",
    "objectifs_financement": "objectifs_financement",
    "mise_a_disposition": "mise_a_disposition",
    "charte": "partenariat",
    "avenant": "avenant",
}


# --------------------------------------------------------------------------- placeholders


@dataclass(frozen=True)
class Placeholder:
    """A field the editor can insert: ``token`` is what goes into the text."""

    name: str
    label: str  # French description for the insert menu
    group: str
    block: bool = False  # a list or a table when alone in its paragraph

    @property
    def token(self) -> str:
        return "{" + self.name + "}"


_PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("numero", "Numéro de la convention", "Convention"),
    Placeholder("titre", "Intitulé de la convention", "Convention"),
    Placeholder("type", "Type de convention (« Convention de partenariat »…)", "Convention"),
    Placeholder("objet", "Objet de la convention, tel que saisi dans la fiche", "Convention"),
    Placeholder("date_debut", "Date de début (« 1er janvier 2026 »)", "Convention"),
    Placeholder("date_fin", "Date de fin (« 31 décembre 2026 »)", "Convention"),
    Placeholder("duree", "Durée (« 12 mois »)", "Convention"),
    Placeholder("lieu_signature", "Lieu de signature (« Fait à … »)", "Convention"),
    Placeholder("date_signature", "Date de signature", "Convention"),
    Placeholder("nombre_exemplaires", "Nombre d'exemplaires originaux, en lettres", "Convention"),
    Placeholder("pieces_justificatives", "Liste des pièces justificatives exigées", "Convention",
                block=True),
    Placeholder("montant", "Montant en chiffres (« 10 000,00 € »)", "Montants"),
    Placeholder("montant_en_lettres", "Montant en lettres (« dix mille euros »)", "Montants"),
    Placeholder("echeancier", "Échéancier des versements (tableau)", "Montants", block=True),
    Placeholder("taux_fse", "Taux de cofinancement FSE (« 47 % »)", "Montants"),
    Placeholder("cofinanceurs", "Autres cofinanceurs et leurs montants", "Montants", block=True),
    Placeholder("porteur.nom", "Nom de notre organisation", "Porteur"),
    Placeholder("porteur.forme_juridique", "Forme juridique de notre organisation", "Porteur"),
    Placeholder("porteur.siret", "SIRET de notre organisation", "Porteur"),
    Placeholder("porteur.adresse", "Adresse de notre organisation", "Porteur"),
    Placeholder("porteur.representant", "Nom de notre représentant(e) signataire", "Porteur"),
    Placeholder("porteur.qualite", "Qualité de notre représentant(e) (« Président »)", "Porteur"),
    Placeholder("partenaires", "Noms de toutes les structures partenaires (« A, B et C »)",
                "Partenaire"),
    Placeholder("partenaire.nom", "Nom du (premier) partenaire", "Partenaire"),
    Placeholder("partenaire.sigle", "Sigle du partenaire", "Partenaire"),
    Placeholder("partenaire.forme_juridique", "Forme juridique du partenaire", "Partenaire"),
    Placeholder("partenaire.siret", "SIRET du partenaire", "Partenaire"),
    Placeholder("partenaire.adresse", "Adresse du partenaire", "Partenaire"),
    Placeholder("partenaire.representant", "Nom du représentant signataire du partenaire",
                "Partenaire"),
    Placeholder("partenaire.qualite", "Qualité du représentant du partenaire", "Partenaire"),
    Placeholder("action.intitule", "Intitulé de l'action (fiche action)", "Action"),
    Placeholder("action.code", "Code de l'action", "Action"),
    Placeholder("action.financeur", "Financeur de l'action", "Action"),
    Placeholder("convention_initiale.numero", "Numéro de la convention modifiée (avenant)",
                "Avenant"),
    Placeholder("convention_initiale.titre", "Intitulé de la convention modifiée (avenant)",
                "Avenant"),
    Placeholder("convention_initiale.date_signature",
                "Date de signature de la convention modifiée (avenant)", "Avenant"),
    Placeholder("avenant.modifications", "Ce que l'avenant modifie (montant, dates)", "Avenant",
                block=True),
)
_BY_NAME = {p.name: p for p in _PLACEHOLDERS}


def available_placeholders() -> tuple[Placeholder, ...]:
    """Every placeholder, grouped (Convention, Montants, Porteur, Partenaire, Action, Avenant)."""
    return _PLACEHOLDERS


_TOKEN_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def unknown_placeholders(text: str) -> tuple[str, ...]:
    """The unknown placeholders of ``text`` as written (« {partenaire.nmo} »), in order.

    A lone brace is reported as « { » or « } ».
    """
    found = []
    for m in _TOKEN_RE.finditer(text or ""):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        if m.group(1) is None:
            found.append(token)
        elif m.group(1).strip() not in _BY_NAME:
            found.append("{" + m.group(1) + "}")
    return tuple(dict.fromkeys(found))


def check_text(text: str, field: str = "body", where: str = "") -> None:
    """Raise :class:`ValidationError` naming the first unknown placeholder of ``text``."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return
    place = f" ({where})" if where else ""
    first = unknown[0]
    if first in ("{", "}"):
        raise ValidationError(
            f"Accolade isolée « {first} »{place} : écrivez {{{{ ou }}}} pour imprimer une "
            "accolade.", field=field,
        )
    raise ValidationError(f"Champ inconnu : {first}{place}", field=field)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ArticleDraft:
    title: str
    body: str = ""
    condition: str = ""


@dataclass(frozen=True)
class ArticleView:
    id: str
    position: int
    title: str
    body: str
    condition: str

    @property
    def condition_label(self) -> str:
        return CONDITIONS.get(self.condition, self.condition)


@dataclass(frozen=True)
class TemplateSummary:
    id: str
    code: str
    name: str
    kind: str
    kind_label: str
    articles: int
    shipped: bool


@dataclass(frozen=True)
class TemplateView:
    id: str
    code: str
    name: str
    kind: str
    kind_label: str
    preamble: str
    articles: tuple[ArticleView, ...]
    shipped: bool


@dataclass(frozen=True)
class TemplateSaved:
    id: str
    changes: ChangeSet


def template_id_for_code(code: str) -> str:
    return derived_id("template", code)


def article_id_for(code: str, position: int) -> str:
    return derived_id("template-article", code, str(position))


def default_template_code(kind: str) -> str | None:
    """The shipped template used for a kind of convention when none was chosen."""
    return _DEFAULT_TEMPLATE_FOR_KIND.get(kind)


def _text(value: str | list[str] | None) -> str:
    if value is None:
        return ""
    return "\n".join(value) if isinstance(value, list) else str(value)


def shipped_templates() -> tuple[dict, ...]:
    """The templates of ``resources/templates/*.json``, parsed, sorted by code."""
    folder = files("resources") / "templates"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            out.append(data)
    return tuple(out)


_SHIPPED_IDS: dict[str, str] | None = None


def _shipped_ids() -> dict[str, str]:
    global _SHIPPED_IDS
    if _SHIPPED_IDS is None:
        _SHIPPED_IDS = {template_id_for_code(t["code"]): t["code"] for t in shipped_templates()}
    return _SHIPPED_IDS


def ensure_templates(ws: Workspace) -> ChangeSet:
    """Create the shipped templates that this database has never had (idempotent).

    A template the user deleted stays deleted; one the user edited is left alone.
    """
    shipped = shipped_templates()
    wanted = {template_id_for_code(t["code"]): t for t in shipped}
    with ws.unit() as s:
        present = set(s.execute(
            select(ConventionTemplate.id).where(ConventionTemplate.id.in_(list(wanted)))
        ).scalars())
    if present >= set(wanted):
        return ChangeSet()
    created = []
    with ws.unit(write=True) as s:
        for tid, data in wanted.items():
            if s.get(ConventionTemplate, tid) is not None:
                continue
            for i, article in enumerate(data["articles"], start=1):
                check_text(article["title"], "title", f"modèle {data['code']}, article {i}")
                check_text(_text(article.get("body")), "body",
                           f"modèle {data['code']}, article {i}")
            s.add(ConventionTemplate(id=tid, code=data["code"], name=data["name"],
                                     kind=data["kind"], preamble=_text(data.get("preamble"))))
            s.flush()
            created.append(("convention_templates", tid))
            for position, article in enumerate(data["articles"]):
                aid = article_id_for(data["code"], position)
                s.add(TemplateArticle(id=aid, template_id=tid, position=position,
                                      title=article["title"], body=_text(article.get("body")),
                                      condition=article.get("condition", "")))
                created.append(("template_articles", aid))
    return ChangeSet(created=tuple(created))


def _get_template(s: Session, template_id: str) -> ConventionTemplate:
    t = s.get(ConventionTemplate, template_id) if template_id else None
    if t is None or t.deleted:
        raise NotFound("Ce modèle de convention n'existe pas ou a été supprimé.")
    return t


def _articles(s: Session, template_id: str) -> list[TemplateArticle]:
    return list(s.execute(
        select(TemplateArticle)
        .where(TemplateArticle.template_id == template_id, TemplateArticle.deleted.is_(False))
        .order_by(TemplateArticle.position, TemplateArticle.id)
    ).scalars())


def _article_view(a: TemplateArticle) -> ArticleView:
    return ArticleView(a.id, a.position, a.title, a.body, a.condition)


def list_templates(ws: Workspace, kind: str | None = None) -> tuple[TemplateSummary, ...]:
    """Live templates (of one kind if given), shipped ones first, then by name."""
    ensure_templates(ws)
    with ws.unit() as s:
        stmt = select(ConventionTemplate).where(ConventionTemplate.deleted.is_(False))
        if kind:
            stmt = stmt.where(ConventionTemplate.kind == kind)
        rows = s.execute(stmt).scalars().all()
        out = [
            TemplateSummary(t.id, t.code, t.name, t.kind,
                            labels.label(labels.CONVENTION_KINDS, t.kind),
                            len(_articles(s, t.id)), t.id in _shipped_ids())
            for t in rows
        ]
    out.sort(key=lambda t: (not t.shipped, fold(t.name)))
    return tuple(out)


def get_template(ws: Workspace, template_id: str) -> TemplateView:
    with ws.unit() as s:
        t = _get_template(s, template_id)
        return TemplateView(
            t.id, t.code, t.name, t.kind, labels.label(labels.CONVENTION_KINDS, t.kind),
            t.preamble, tuple(_article_view(a) for a in _articles(s, t.id)),
            t.id in _shipped_ids(),
        )


def _check_header(name: str, kind: str, preamble: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Le nom du modèle est obligatoire.", field="name")
    if kind not in labels.CONVENTION_KINDS:
        raise ValidationError(f"Type de convention inconnu : « {kind} ».", field="kind")
    check_text(preamble, "preamble", "préambule")
    return name


def _check_article(draft: ArticleDraft) -> ArticleDraft:
    title = " ".join((draft.title or "").split())
    if not title:
        raise ValidationError("Chaque article doit avoir un titre.", field="title")
    if draft.condition not in CONDITIONS:
        raise ValidationError(f"Condition d'impression inconnue : « {draft.condition} ».",
                              field="condition")
    check_text(title, "title", "titre")
    body = (draft.body or "").replace("\r\n", "\n").strip("\n")
    check_text(body, "body")
    return ArticleDraft(title, body, draft.condition)


def create_template(ws: Workspace, name: str, kind: str, preamble: str = "",
                    articles: Sequence[ArticleDraft] = ()) -> TemplateSaved:
    """A new template of the user's (its code starts with « perso- »)."""
    name = _check_header(name, kind, preamble)
    drafts = [_check_article(a) for a in articles]
    with ws.unit(write=True) as s:
        t = ConventionTemplate(code="", name=name, kind=kind, preamble=preamble.strip())
        s.add(t)
        s.flush()
        t.code = f"perso-{t.id[-12:]}"
        created = [("convention_templates", t.id)]
        for position, d in enumerate(drafts):
            a = TemplateArticle(template_id=t.id, position=position, title=d.title, body=d.body,
                                condition=d.condition)
            s.add(a)
            s.flush()
            created.append(("template_articles", a.id))
        return TemplateSaved(t.id, ChangeSet(created=tuple(created)))


def duplicate_template(ws: Workspace, template_id: str, name: str = "") -> TemplateSaved:
    """A copy to adapt (a shipped template is best copied before being changed)."""
    source = get_template(ws, template_id)
    return create_template(
        ws, name or f"{source.name} (copie)", source.kind, source.preamble,
        [ArticleDraft(a.title, a.body, a.condition) for a in source.articles],
    )


def update_template(ws: Workspace, template_id: str, name: str, kind: str,
                    preamble: str) -> TemplateSaved:
    name = _check_header(name, kind, preamble)
    with ws.unit(write=True) as s:
        t = _get_template(s, template_id)
        t.name, t.kind, t.preamble = name, kind, preamble.strip()
        return TemplateSaved(t.id, ChangeSet(updated=(("convention_templates", t.id),)))


def delete_template(ws: Workspace, template_id: str) -> TemplateSaved:
    """Delete a template. Conventions drafted with it still print with it."""
    with ws.unit(write=True) as s:
        t = _get_template(s, template_id)
        t.deleted = True
        return TemplateSaved(t.id, ChangeSet(deleted=(("convention_templates", t.id),)))


def _renumber(s: Session, articles: list[TemplateArticle]) -> list[tuple[str, str]]:
    updated = []
    for position, a in enumerate(articles):
        if a.position != position:
            a.position = position
            updated.append(("template_articles", a.id))
    return updated


def add_article(ws: Workspace, template_id: str, draft: ArticleDraft,
                index: int | None = None) -> TemplateSaved:
    """Insert an article at ``index`` (0-based; ``None`` = at the end). Returns its id."""
    draft = _check_article(draft)
    with ws.unit(write=True) as s:
        t = _get_template(s, template_id)
        articles = _articles(s, t.id)
        a = TemplateArticle(template_id=t.id, position=len(articles), title=draft.title,
                            body=draft.body, condition=draft.condition)
        s.add(a)
        s.flush()
        index = len(articles) if index is None else max(0, min(index, len(articles)))
        articles.insert(index, a)
        updated = [u for u in _renumber(s, articles) if u[1] != a.id]
        return TemplateSaved(a.id, ChangeSet(created=(("template_articles", a.id),),
                                             updated=tuple(updated)))


def update_article(ws: Workspace, article_id: str, draft: ArticleDraft) -> TemplateSaved:
    draft = _check_article(draft)
    with ws.unit(write=True) as s:
        a = s.get(TemplateArticle, article_id)
        if a is None or a.deleted:
            raise NotFound("Cet article n'existe plus.")
        a.title, a.body, a.condition = draft.title, draft.body, draft.condition
        return TemplateSaved(a.id, ChangeSet(updated=(("template_articles", a.id),)))


def move_article(ws: Workspace, article_id: str, index: int) -> TemplateSaved:
    """Move an article to ``index`` (0-based) among its template's articles."""
    with ws.unit(write=True) as s:
        a = s.get(TemplateArticle, article_id)
        if a is None or a.deleted:
            raise NotFound("Cet article n'existe plus.")
        articles = [x for x in _articles(s, a.template_id) if x.id != a.id]
        articles.insert(max(0, min(index, len(articles))), a)
        return TemplateSaved(a.id, ChangeSet(updated=tuple(_renumber(s, articles))))


def remove_article(ws: Workspace, article_id: str) -> TemplateSaved:
    with ws.unit(write=True) as s:
        a = s.get(TemplateArticle, article_id)
        if a is None or a.deleted:
            raise NotFound("Cet article n'existe plus.")
        a.deleted = True
        rest = [x for x in _articles(s, a.template_id) if x.id != a.id]
        return TemplateSaved(a.id, ChangeSet(updated=tuple(_renumber(s, rest)),
                                             deleted=(("template_articles", a.id),)))


def validate_template(ws: Workspace, template_id: str) -> None:
    """Raise on the first unknown placeholder of the template (checked before printing)."""
    t = get_template(ws, template_id)
    check_text(t.preamble, "preamble", "préambule")
    for i, a in enumerate(t.articles, start=1):
        check_text(a.title, "title", f"article {i}")
        check_text(a.body, "body", f"article {i} « {a.title} »")


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class TextBlock:
    text: str  # may hold line breaks


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class InstallmentTable:
    """The échéancier: rows of (échéance, montant, condition) and the total."""

    rows: tuple[tuple[str, str, str], ...]
    total: str


Block = TextBlock | BulletList | InstallmentTable


@dataclass(frozen=True)
class RenderedArticle:
    number: int
    title: str
    blocks: tuple[Block, ...]

    @property
    def heading(self) -> str:
        return f"Article {self.number} – {self.title}"

    @property
    def text(self) -> str:
        return blocks_text(self.blocks)


@dataclass(frozen=True)
class RenderedConvention:
    template_id: str
    template_name: str
    preamble: tuple[Block, ...]
    articles: tuple[RenderedArticle, ...]


class PreviewArticle(NamedTuple):
    """One article of the live preview: ``(title, text)``."""

    title: str
    text: str


def blocks_text(blocks: Sequence[Block]) -> str:
    """Blocks as plain text (the preview, and text-only exports)."""
    parts = []
    for b in blocks:
        if isinstance(b, TextBlock):
            parts.append(b.text)
        elif isinstance(b, BulletList):
            parts.append("\n".join(f"– {item}" for item in b.items))
        else:
            lines = [f"– {due} : {amount}" + (f" ({cond})" if cond else "")
                     for due, amount, cond in b.rows]
            lines.append(f"Total : {b.total}")
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


@dataclass(frozen=True)
class _Facts:
    values: dict[str, str]
    lists: dict[str, tuple[tuple[str, ...], str]]  # name → (items, text when empty)
    table: InstallmentTable | None
    fse: bool
    amount: bool
    installments: bool


def duration_label(start: dt.date | None, end: dt.date | None) -> str:
    """« 12 mois » when the period is a whole number of months, else « 45 jours »."""
    if not start or not end or end < start:
        return ""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if months > 0 and after.day == start.day:
        return f"{months} mois"
    days = (end - start).days + 1
    return f"{days} jour" + ("s" if days > 1 else "")


def _join_names(names: Sequence[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " et " + names[-1]


def _party_values(prefix: str, p: PartyView | None) -> dict[str, str]:
    if p is None:
        return {}
    return {
        f"{prefix}.nom": p.name,
        f"{prefix}.sigle": p.acronym,
        f"{prefix}.forme_juridique": p.legal_form,
        f"{prefix}.siret": format_siret(p.siret),
        f"{prefix}.adresse": p.address,
        f"{prefix}.representant": p.representative_name,
        f"{prefix}.qualite": p.representative_title,
    }


def _facts(cv: ConventionView, identity: Identity) -> _Facts:
    is_avenant = cv.kind == "avenant"
    cons = cv.consolidated
    amount = cv.amount_cents if cv.amount_cents is not None else (
        cons.amount_cents if is_avenant else None)
    start = cv.start_date or (cons.start_date if is_avenant else None)
    end = cv.end_date or (cons.end_date if is_avenant else None)
    values = {
        "numero": cv.number,
        "titre": cv.title,
        "type": cv.kind_label,
        "objet": cv.object,
        "date_debut": legal_date(start),
        "date_fin": legal_date(end),
        "duree": duration_label(start, end),
        "lieu_signature": cv.signed_place or identity.city,
        "date_signature": legal_date(cv.signed_date),
        "nombre_exemplaires": number_in_words(cv.copies),
        "montant": fmt.money(amount) if amount is not None else "",
        "montant_en_lettres": amount_in_words(amount) if amount is not None else "",
        "taux_fse": fmt.percent(cv.fse_rate),
        "partenaires": _join_names([p.name for p in cv.partners]),
        "action.intitule": cv.action_title,
        "action.code": cv.action_code,
        "action.financeur": cv.action_funder,
        "convention_initiale.numero": cv.parent_number,
        "convention_initiale.titre": cv.parent_title,
        "convention_initiale.date_signature": legal_date(cv.parent_signed_date),
    }
    porteur = cv.porteur or PartyView("", "porteur", None, identity.organisation_name, "", "",
                                      identity.siret, "", "", "")
    values |= _party_values("porteur", porteur)
    values |= _party_values("partenaire", cv.partners[0] if cv.partners else None)
    funders = tuple(
        f.name + (f" : {fmt.money(f.amount_cents)}" if f.amount_cents is not None else "")
        for f in cv.other_funders
    )
    if is_avenant:
        mine = next((a for a in cons.avenants if a.id == cv.id), None)
        if mine is not None:
            changes = mine.changes
        else:  # not signed yet: compared with the parent as it stands today
            changes = describe_changes(cons.amount_cents, cons.start_date, cons.end_date,
                                       cv.amount_cents, cv.start_date, cv.end_date)
    else:
        changes = ()
    lists = {
        "pieces_justificatives": (cv.evidence_labels, "Aucune pièce particulière n'est exigée."),
        "cofinanceurs": (funders, "Aucun autre cofinanceur."),
        "avenant.modifications": (changes, "Le présent avenant ne modifie ni le montant ni les "
                                           "dates de la convention."),
    }
    table = None
    if cv.installments:
        table = InstallmentTable(
            tuple((legal_date(i.due_date) or "à définir", fmt.money(i.amount_cents), i.condition)
                  for i in cv.installments),
            fmt.money(sum(i.amount_cents for i in cv.installments)),
        )
    return _Facts(values, lists, table, fse=cv.fse_rate > 0, amount=bool(amount),
                  installments=bool(cv.installments))


def _sample_facts(identity: Identity) -> _Facts:
    """Plausible values for the editor's preview when no convention is chosen."""
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    values = {
        "numero": "2026-EXEMPLE-001",
        "titre": "Coordination et animation du Mois de l'ESS",
        "type": "Convention d'objectifs et de financement",
        "objet": "Coordonner et animer un événementiel de l'économie sociale et solidaire "
                 "dans le cadre du Mois de l'ESS.",
        "date_debut": legal_date(start),
        "date_fin": legal_date(end),
        "duree": duration_label(start, end),
        "lieu_signature": identity.city or "Maubeuge",
        "date_signature": legal_date(dt.date(2025, 12, 15)),
        "nombre_exemplaires": "deux",
        "montant": fmt.money(1_000_000),
        "montant_en_lettres": amount_in_words(1_000_000),
        "taux_fse": fmt.percent(0.47),
        "partenaires": "Les Ateliers du Bocage",
        "action.intitule": "Coordination et animation d'un événementiel ESS",
        "action.code": "FA1",
        "action.financeur": "Fonds social européen",
        "convention_initiale.numero": "2025-EXEMPLE-004",
        "convention_initiale.titre": "Accompagnement des SIAE",
        "convention_initiale.date_signature": legal_date(dt.date(2025, 3, 3)),
        "porteur.nom": identity.organisation_name or "Maison de l'Emploi de l'Avesnois",
        "porteur.sigle": "",
        "porteur.forme_juridique": "Groupement d'intérêt public",
        "porteur.siret": format_siret(identity.siret) if identity.siret else "123 456 789 00012",
        "porteur.adresse": ", ".join(x for x in (identity.address, identity.postcode,
                                                 identity.city) if x)
        or "20 avenue de la République, 59600 Maubeuge",
        "porteur.representant": "Claire Dumont",
        "porteur.qualite": "Présidente",
        "partenaire.nom": "Les Ateliers du Bocage",
        "partenaire.sigle": "LAB",
        "partenaire.forme_juridique": "Association loi 1901",
        "partenaire.siret": "732 829 320 00074",
        "partenaire.adresse": "3 rue des Tanneurs, 59440 Avesnes-sur-Helpe",
        "partenaire.representant": "Karim Benali",
        "partenaire.qualite": "Directeur",
    }
    lists = {
        "pieces_justificatives": (("Feuilles d'émargement", "Bilan intermédiaire", "Bilan final"),
                                  ""),
        "cofinanceurs": (("Département du Nord : 3 000,00 €",), ""),
        "avenant.modifications": (
            ("La date de fin est prolongée : du 31/12/2026 au 30/06/2027.",), ""),
    }
    table = InstallmentTable(
        (("1er janvier 2026", fmt.money(500_000), "à la signature"),
         ("1er juillet 2026", fmt.money(300_000), "à la remise du bilan intermédiaire"),
         ("31 janvier 2027", fmt.money(200_000), "à la remise du bilan final")),
        fmt.money(1_000_000),
    )
    return _Facts(values, lists, table, fse=True, amount=True, installments=True)


def _applies(condition: str, facts: _Facts) -> bool:
    return {
        "": True,
        "fse": facts.fse,
        "sans_fse": not facts.fse,
        "montant": facts.amount,
        "sans_montant": not facts.amount,
        "echeancier": facts.installments,
    }.get(condition, True)


def _substitute(text: str, facts: _Facts, strict: bool, where: str) -> str:
    def replace(m: re.Match) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = (m.group(1) or "").strip()
        if m.group(1) is None or name not in _BY_NAME:
            if strict:
                check_text(token, "body", where)
            return f"[Champ inconnu : {token}]" if m.group(1) is not None else token
        if name in facts.lists:
            items, empty = facts.lists[name]
            return "; ".join(items) if items else (empty or GAP)
        if name == "echeancier":
            table = facts.table
            if table is None:
                return "aucun échéancier n'est fixé"
            return "; ".join(f"{d} : {a}" + (f" ({c})" if c else "") for d, a, c in table.rows)
        return facts.values.get(name) or GAP

    return _TOKEN_RE.sub(replace, text or "")


def _blocks(body: str, facts: _Facts, strict: bool, where: str) -> tuple[Block, ...]:
    out: list[Block] = []
    for paragraph in re.split(r"\n[ \t]*\n", (body or "").replace("\r\n", "\n")):
        stripped = paragraph.strip()
        if not stripped:
            continue
        alone = stripped[1:-1].strip() if stripped.startswith("{") and stripped.endswith("}") \
            and stripped.count("{") == 1 else None
        if alone == "echeancier":
            out.append(facts.table if facts.table is not None
                       else TextBlock("Aucun échéancier n'est fixé."))
            continue
        if alone in facts.lists:
            items, empty = facts.lists[alone]
            out.append(BulletList(tuple(items)) if items else TextBlock(empty or GAP))
            continue
        lines, bullets = [], []
        for line in stripped.split("\n"):
            if re.match(r"^\s*[-•–]\s+", line):
                if lines:
                    out.append(TextBlock("\n".join(lines)))
                    lines = []
                bullets.append(_substitute(re.sub(r"^\s*[-•–]\s+", "", line), facts, strict,
                                           where).strip())
            else:
                if bullets:
                    out.append(BulletList(tuple(bullets)))
                    bullets = []
                lines.append(_substitute(line.strip(), facts, strict, where))
        if lines:
            out.append(TextBlock("\n".join(lines)))
        if bullets:
            out.append(BulletList(tuple(bullets)))
    return tuple(out)


def _render(preamble: str, articles: Sequence[ArticleDraft], facts: _Facts, strict: bool,
            show_all: bool = False) -> tuple[tuple[Block, ...], tuple[RenderedArticle, ...]]:
    rendered = []
    number = 0
    for a in articles:
        if not show_all and not _applies(a.condition, facts):
            continue
        number += 1
        where = f"article {number} « {a.title} »"
        title = _substitute(a.title, facts, strict, where)
        if show_all and a.condition:
            title += f" [{CONDITIONS.get(a.condition, a.condition).lower()}]"
        rendered.append(RenderedArticle(number, title, _blocks(a.body, facts, strict, where)))
    return _blocks(preamble, facts, strict, "préambule"), tuple(rendered)


def _template_for(s: Session, cv: ConventionView) -> tuple[ConventionTemplate, list[ArticleDraft]]:
    tid = cv.template_id
    t = s.get(ConventionTemplate, tid) if tid else None
    if t is None:
        code = default_template_code(cv.kind)
        t = s.get(ConventionTemplate, template_id_for_code(code)) if code else None
        if t is None or t.deleted:
            raise ValidationError(
                "Aucun modèle pour cette convention : choisissez-en un dans la fiche.",
                field="template_id",
            )
    articles = [ArticleDraft(a.title, a.body, a.condition) for a in _articles(s, t.id)]
    return t, articles


def render_convention(ws: Workspace, convention_id: str) -> RenderedConvention:
    """The convention's articles, numbered, placeholders filled; unknown ones refused.

    Raises :class:`ValidationError` « Champ inconnu : {…} » naming the article.
    """
    ensure_templates(ws)
    cv = get_convention(ws, convention_id)
    facts = _facts(cv, get_identity(ws))
    with ws.unit() as s:
        t, articles = _template_for(s, cv)
        name, preamble = t.name, t.preamble
        tid = t.id
    pre, rendered = _render(preamble, articles, facts, strict=True)
    return RenderedConvention(tid, name, pre, rendered)


def render_preview(ws: Workspace, template: str | Sequence[ArticleDraft],
                   convention_id: str | None = None,
                   preamble: str | None = None) -> tuple[PreviewArticle, ...]:
    """The live preview of a template (its id, or the editor's unsaved articles).

    With ``convention_id`` the values come from that convention and the articles that do
    not apply to it are left out, as when printing; without it, sample values are used and
    every article is shown, its printing condition in brackets. Unknown placeholders show
    as « [Champ inconnu : {…}] » instead of raising (the editor lists them with
    :func:`unknown_placeholders`). The preamble, when there is one, comes first with the
    title « Préambule ».
    """
    identity = get_identity(ws)
    if isinstance(template, str):
        with ws.unit() as s:
            t = _get_template(s, template)
            articles = [ArticleDraft(a.title, a.body, a.condition) for a in _articles(s, t.id)]
            preamble = t.preamble if preamble is None else preamble
    else:
        articles = list(template)
    if convention_id:
        facts = _facts(get_convention(ws, convention_id), identity)
        pre, rendered = _render(preamble or "", articles, facts, strict=False)
    else:
        pre, rendered = _render(preamble or "", articles, _sample_facts(identity),
                                strict=False, show_all=True)
    out = []
    if pre:
        out.append(PreviewArticle("Préambule", blocks_text(pre)))
    out.extend(PreviewArticle(a.heading, a.text) for a in rendered)
    return tuple(out)


def templates_in_use(ws: Workspace, template_id: str) -> int:
    """How many live conventions were drafted with this template."""
    with ws.unit() as s:
        return len(s.execute(
            select(Convention.id).where(Convention.template_id == template_id,
                                        Convention.deleted.is_(False))
        ).all())


__all__ = [
    "ArticleDraft",
    "ArticleView",
    "Block",
    "BulletList",
    "CONDITIONS",
    "GAP",
    "InstallmentTable",
    "Placeholder",
    "PreviewArticle",
    "RenderedArticle",
    "RenderedConvention",
    "TemplateSaved",
    "TemplateSummary",
    "TemplateView",
    "TextBlock",
    "add_article",
    "available_placeholders",
    "blocks_text",
    "check_text",
    "create_template",
    "default_template_code",
    "delete_template",
    "duplicate_template",
    "duration_label",
    "ensure_templates",
    "get_template",
    "legal_date",
    "list_templates",
    "move_article",
    "remove_article",
    "render_convention",
    "render_preview",
    "shipped_templates",
    "template_id_for_code",
    "templates_in_use",
    "unknown_placeholders",
    "update_article",
    "update_template",
    "validate_template",
]
