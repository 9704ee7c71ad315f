"""Reference lists and the French labels the user reads (codes are stored, labels shown)."""

from __future__ import annotations

# Organisation kinds: (code, label, family). Shipped as the initial reference list; users
# can add their own kinds (they are synced records).
ORGANISATION_KINDS: tuple[tuple[str, str, str], ...] = (
    ("ai", "Association intermédiaire (AI)", "SIAE"),
    ("aci", "Atelier et chantier d'insertion (ACI)", "SIAE"),
    ("ei", "Entreprise d'insertion (EI)", "SIAE"),
    ("etti", "Entreprise de travail temporaire d'insertion (ETTI)", "SIAE"),
    ("eiti", "Entreprise d'insertion par le travail indépendant (EITI)", "SIAE"),
    ("geiq", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)", "SIAE"),
    ("regie_quartier", "Régie de quartier", "ESS"),
    ("entreprise_adaptee", "Entreprise adaptée", "ESS"),
    ("association", "Association", "ESS"),
    ("commune", "Commune", "Collectivités"),
    ("epci", "EPCI (communauté de communes, d'agglomération, métropole)", "Collectivités"),
    ("departement", "Département", "Collectivités"),
    ("region", "Région", "Collectivités"),
    ("etat", "Services de l'État (DREETS, DDETS, préfecture)", "État"),
    ("france_travail", "France Travail", "Service public de l'emploi"),
    ("mission_locale", "Mission Locale", "Service public de l'emploi"),
    ("cap_emploi", "Cap Emploi", "Service public de l'emploi"),
    ("plie", "PLIE", "Service public de l'emploi"),
    ("maison_emploi", "Maison de l'Emploi", "Service public de l'emploi"),
    ("gip", "Groupement d'intérêt public (GIP)", "Service public de l'emploi"),
    ("federation", "Tête de réseau / fédération", "Réseaux"),
    ("cdr", "Centre de ressources (CDR)", "Réseaux"),
    ("organisme_formation", "Organisme de formation", "Formation"),
    ("financeur", "OPCO / financeur", "Financeurs"),
    ("entreprise", "Entreprise", "Entreprises"),
    ("bailleur", "Bailleur social", "Logement"),
    ("chambre", "Chambre consulaire", "Entreprises"),
)

PERSON_CATEGORIES: dict[str, str] = {
    "elu": "Élu(e)",
    "technicien": "Technicien(ne) de collectivité",
    "professionnel_siae": "Professionnel(le) SIAE / ESS",
    "institutionnel": "Partenaire institutionnel",
    "entreprise": "Entreprise",
    "public": "Public accompagné",
    "grand_public": "Grand public",
    "autre": "Autre",
}

CIVILITIES: dict[str, str] = {"Mme": "Madame", "M.": "Monsieur", "": "—"}

MEETING_KINDS: dict[str, str] = {
    "copil": "Comité de pilotage (COPIL)",
    "cotech": "Comité technique (COTECH)",
    "groupe_travail": "Groupe de travail",
    "reunion_technique": "Réunion technique",
    "reunion_elargie": "Réunion élargie",
    "formation": "Formation",
    "atelier": "Atelier",
    "info_collective": "Information collective",
    "forum": "Forum / colloque / journée",
    "commission": "Commission",
    "assemblee_generale": "Assemblée générale",
    "visite": "Visite d'appui sur site",
}

MEETING_STATUSES: dict[str, str] = {
    "prevue": "Prévue",
    "tenue": "Tenue",
    "reportee": "Reportée",
    "annulee": "Annulée",
}

PARTICIPANT_ROLES: dict[str, str] = {
    "participant": "Participant(e)",
    "intervenant": "Intervenant(e)",
    "organisateur": "Organisateur·rice",
}

INVITATION_STATUSES: dict[str, str] = {
    "invite": "Invité(e)",
    "inscrit": "Inscrit(e)",
    "excuse": "Excusé(e)",
    "desinscrit": "Désinscrit(e)",
}

ATTENDANCE_STATUSES: dict[str, str] = {
    "present": "Présent(e)",
    "absent": "Absent(e)",
    "excuse": "Excusé(e)",
    "retard": "En retard",
}

ATTENDANCE_MODES: dict[str, str] = {
    "tablette": "Signature sur écran",
    "papier": "Feuille papier",
    "saisie": "Saisie manuelle",
}

CONVENTION_KINDS: dict[str, str] = {
    "partenariat": "Convention de partenariat",
    "objectifs_financement": "Convention d'objectifs et de financement",
    "mise_a_disposition": "Convention de mise à disposition",
    "charte": "Charte",
    "avenant": "Avenant",
}

CONVENTION_STATUSES: dict[str, str] = {
    "brouillon": "Brouillon",
    "envoyee": "Envoyée pour signature",
    "signee": "Signée",
    "en_cours": "En cours",
    "echue": "Échue",
    "resiliee": "Résiliée",
}

EVIDENCE_KINDS: dict[str, str] = {
    "emargement": "Feuilles d'émargement",
    "bilan_intermediaire": "Bilan intermédiaire",
    "bilan_final": "Bilan final",
    "compte_rendu": "Comptes rendus des réunions",
    "justificatifs_depenses": "Justificatifs de dépenses",
}

SESSION_LABELS: dict[str, str] = {"matin": "Matin", "apres_midi": "Après-midi", "journee": "Journée"}


def label(table: dict[str, str], code: str | None) -> str:
    """The French label of ``code``, or the code itself for a user-added value."""
    if code is None:
        return ""
    return table.get(code, code)


def kind_label(code: str | None) -> str:
    for kind_code, kind_label_, _family in ORGANISATION_KINDS:
        if kind_code == code:
            return kind_label_
    return code or ""
