"""The realistic core of the demo: who we are, our partners, actions, meetings, conventions.

Built from the seed documents the product was born from (``shared/seeds``):

- the *ressourcerie* project in the Yonne, with a meeting per collectivité (Syndicat Mixte
  de La Puisaye, Communauté de l'Auxerrois, Communautés de Communes de l'Aillantais and du
  Pays Coulangeois) and numbered comités de pilotage (CP4, CP5);
- the GT5 working group of the CCR project (Inter-Made, RAMSESS, ESIA, Regain, APEAS);
- the 27 experiences of the COORACE VITA project (A.C.L.D., AIR, Rhuys Emplois, AGATE
  Paysages, E3i, ESSOR…);
- the GIP Réussir en Sambre Avesnois call for projects (FSE co-funding at 47 %, « Nombre de
  COPIL : 2 minimum », « Nombre de SESS mobilisés : 35 », feuilles d'émargement);
- the CDR Mayotte programme on *clauses d'insertion* (PRU de M'Gombani, Relais Chantiers,
  CNLRQ and régies de quartier).

Organisation names are real or plausible; every person is invented (see :mod:`names`).
Addresses are plausible, not authoritative. Dates sit between September 2025 and June 2027
around the reference date (late November 2026), so some meetings are past and some ahead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

D = dt.date

REFERENCE_DATE = D(2026, 11, 25)
""""Today" for the demo: meetings before it are held (or cancelled), after it planned."""

# --- Organisations ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    key: str
    kind: str
    name: str
    acronym: str
    address: str
    postcode: str
    city: str
    territory: str
    phone_prefix: str  # E.164 prefix of the landline, completed with random digits
    domain: str
    legal_form: str = "Association loi 1901"
    headcount: int | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    people: int = 2  # generated contacts besides the key people below


OUR_ORG = OrgSpec(
    "vita", "cdr", "Réseau VITA – Centre de ressources IAE", "VITA",
    "12 rue de la Tour d'Auvergne", "89000", "Auxerre", "Auxerrois", "+33386",
    "reseau-vita.fr", headcount=9, tags=("Tête de réseau", "Nous"),
    notes="Centre de ressources et d'appui aux acteurs de l'insertion par l'activité "
    "économique : antennes de l'Auxerrois, de Sambre-Avesnois et de Mayotte.",
    people=0,
)

OUR_SITE_NAME = "Antenne de l'Auxerrois"

ORGANISATIONS: tuple[OrgSpec, ...] = (
    # Yonne — Auxerrois and Puisaye-Forterre: the ressourcerie project
    OrgSpec("ca_auxerrois", "epci", "Communauté de l'Auxerrois", "CA",
            "6 bis place du Maréchal Leclerc", "89000", "Auxerre", "Auxerrois", "+33386",
            "agglo-auxerrois.fr", "Communauté d'agglomération", 420,
            ("Ressourcerie", "Collectivité initiatrice"), people=3),
    OrgSpec("sm_puisaye", "epci", "Syndicat Mixte de La Puisaye", "SMP",
            "2 rue des Cordiers", "89170", "Saint-Fargeau", "Puisaye-Forterre", "+33386",
            "sm-puisaye.fr", "Syndicat mixte", 35,
            ("Ressourcerie", "Collectivité initiatrice", "Déchets"), people=3),
    OrgSpec("cc_aillantais", "epci", "Communauté de Communes de l'Aillantais", "CCA",
            "7 rue Pasteur", "89110", "Aillant-sur-Tholon", "Auxerrois", "+33386",
            "cc-aillantais.fr", "Communauté de communes", 24,
            ("Ressourcerie", "Collectivité initiatrice")),
    OrgSpec("cc_coulangeois", "epci", "Communauté de Communes du Pays Coulangeois", "CCPC",
            "1 place de la Mairie", "89580", "Coulanges-la-Vineuse", "Auxerrois", "+33386",
            "pays-coulangeois.fr", "Communauté de communes", 18,
            ("Ressourcerie", "Collectivité initiatrice")),
    OrgSpec("cc_puisaye_forterre", "epci", "Communauté de Communes de Puisaye-Forterre",
            "CCPF", "3 route de Toucy", "89130", "Toucy", "Puisaye-Forterre", "+33386",
            "puisaye-forterre.fr", "Communauté de communes", 160, ("Ressourcerie",)),
    OrgSpec("ville_auxerre", "commune", "Ville d'Auxerre", "",
            "14 place de l'Hôtel de Ville", "89000", "Auxerre", "Auxerrois", "+33386",
            "ville-auxerre.fr", "Commune", 900, ("Clauses d'insertion",)),
    OrgSpec("st_fargeau", "commune", "Commune de Saint-Fargeau", "",
            "2 place de l'Hôtel de Ville", "89170", "Saint-Fargeau", "Puisaye-Forterre",
            "+33386", "saint-fargeau.fr", "Commune", 22, ("Ressourcerie",), people=1),
    OrgSpec("cd89", "departement", "Conseil départemental de l'Yonne", "CD 89",
            "1 place de la Préfecture", "89000", "Auxerre", "Auxerrois", "+33386",
            "yonne.fr", "Collectivité territoriale", 1400, ("Financeur", "RSA"), people=3),
    OrgSpec("ddets89", "etat", "DDETS de l'Yonne", "DDETS 89",
            "12 boulevard Vaulabelle", "89000", "Auxerre", "Auxerrois", "+33386",
            "yonne.gouv.fr", "Service de l'État", 60, ("CDIAE", "Financeur")),
    OrgSpec("region_bfc", "region", "Région Bourgogne-Franche-Comté", "",
            "4 square Castan", "25000", "Besançon", "Bourgogne-Franche-Comté", "+33381",
            "bourgognefranchecomte.fr", "Collectivité territoriale", 2100,
            ("Financeur", "FSE+")),
    OrgSpec("dreets_bfc", "etat", "DREETS Bourgogne-Franche-Comté", "DREETS BFC",
            "5 place Jean Cornet", "21000", "Dijon", "Bourgogne-Franche-Comté", "+33380",
            "dreets.gouv.fr", "Service de l'État", 300, ("FSE+",), people=1),
    OrgSpec("ml_auxerrois", "mission_locale", "Mission Locale de l'Auxerrois", "",
            "5 rue de Preuilly", "89000", "Auxerre", "Auxerrois", "+33386",
            "ml-auxerrois.fr", headcount=28, tags=("Jeunes", "CEJ")),
    OrgSpec("ft_auxerre", "france_travail", "France Travail Auxerre", "",
            "2 rue Paul Doumer", "89000", "Auxerre", "Auxerrois", "+33386",
            "francetravail-auxerre.fr", "Établissement public", 75),
    OrgSpec("plie_auxerre", "plie", "PLIE du Grand Auxerre", "PLIE",
            "15 rue Marie Noël", "89000", "Auxerre", "Auxerrois", "+33386",
            "plie-grandauxerre.fr", headcount=9, tags=("FSE+",)),
    OrgSpec("cap_emploi89", "cap_emploi", "Cap Emploi 89", "",
            "8 rue des Tanneurs", "89000", "Auxerre", "Auxerrois", "+33386",
            "capemploi89.fr", headcount=14, people=1),
    OrgSpec("mef_auxerrois", "maison_emploi", "Maison de l'Emploi et de la Formation de l'Auxerrois",
            "MEF", "20 avenue Jean Jaurès", "89000", "Auxerre", "Auxerrois", "+33386",
            "mef-auxerrois.fr", headcount=12, tags=("Clauses d'insertion",)),
    OrgSpec("cress_bfc", "federation", "CRESS Bourgogne-Franche-Comté", "CRESS BFC",
            "9 rue Alfred de Musset", "21000", "Dijon", "Bourgogne-Franche-Comté", "+33380",
            "cress-bfc.org", headcount=15, tags=("Tête de réseau", "Mois de l'ESS"), people=1),
    OrgSpec("coorace", "federation", "COORACE", "",
            "17 rue Froment", "75011", "Paris", "National", "+33143",
            "coorace.org", headcount=30, tags=("Tête de réseau", "VITA")),
    OrgSpec("ressourceries", "federation", "Réseau des Ressourceries et Recycleries", "",
            "25 rue de la Solidarité", "93100", "Montreuil", "National", "+33148",
            "reseau-ressourceries.org", headcount=20, tags=("Tête de réseau", "Ressourcerie"),
            people=1),
    OrgSpec("cma89", "chambre", "Chambre de Métiers et de l'Artisanat de l'Yonne", "CMA 89",
            "56 rue Guynemer", "89000", "Auxerre", "Auxerrois", "+33386",
            "cma-yonne.fr", "Établissement public", 45, people=1),
    OrgSpec("oah", "bailleur", "Office Auxerrois de l'Habitat", "OAH",
            "2 rue Guynemer", "89000", "Auxerre", "Auxerrois", "+33386",
            "office-auxerrois-habitat.fr", "Office public de l'habitat", 110,
            ("Clauses d'insertion",), people=1),
    OrgSpec("uniformation", "financeur", "Uniformation – OPCO de la Cohésion sociale",
            "Uniformation", "43 boulevard Diderot", "75012", "Paris", "National", "+33153",
            "uniformation.fr", "Association paritaire", 500, ("Financeur", "Formation"),
            people=1),
    OrgSpec("greta89", "organisme_formation", "GRETA 89", "",
            "3 rue Saint-Éloi", "89000", "Auxerre", "Auxerrois", "+33386",
            "greta89.fr", "Groupement d'établissements publics", 40, ("Formation",)),
    OrgSpec("ressourcerie_puisaye", "association", "La Ressourcerie de Puisaye", "",
            "18 rue du Moulin", "89520", "Saint-Sauveur-en-Puisaye", "Puisaye-Forterre",
            "+33386", "ressourcerie-puisaye.fr", headcount=0,
            tags=("Ressourcerie", "Projet en création"),
            notes="Association porteuse du projet de ressourcerie, en cours de création.",
            people=3),
    OrgSpec("jardins_yonne", "aci", "Les Jardins de l'Yonne – chantier d'insertion", "",
            "9 chemin des Vignes", "89470", "Monéteau", "Auxerrois", "+33386",
            "jardins-yonne.fr", headcount=32, tags=("Maraîchage", "SIAE"), people=3),
    OrgSpec("solidarite_emploi", "ai", "Solidarité Emploi Auxerrois", "SEA",
            "27 rue Gambetta", "89000", "Auxerre", "Auxerrois", "+33386",
            "solidarite-emploi-auxerrois.fr", headcount=11, tags=("SIAE",)),
    OrgSpec("yonne_interim", "etti", "Yonne Intérim Insertion", "Y2I",
            "4 avenue Charles de Gaulle", "89000", "Auxerre", "Auxerrois", "+33386",
            "yonne-interim-insertion.fr", "SAS", 8, ("SIAE", "Clauses d'insertion")),
    OrgSpec("bois_cycles", "ei", "Bois & Cycles de l'Yonne", "",
            "11 rue des Artisans", "89380", "Appoigny", "Auxerrois", "+33386",
            "boisetcycles.fr", "SARL", 14, ("SIAE", "Réemploi")),
    OrgSpec("coop_independants", "eiti", "Coopérative des Indépendants de l'Yonne", "CIY",
            "6 rue Paul Bert", "89000", "Auxerre", "Auxerrois", "+33386",
            "coop-independants89.fr", "SCIC", 5, ("SIAE",), people=1),
    OrgSpec("geiq_btp89", "geiq", "GEIQ BTP Yonne", "",
            "30 avenue de la Libération", "89000", "Auxerre", "Auxerrois", "+33386",
            "geiq-btp-yonne.fr", headcount=6, tags=("BTP", "Clauses d'insertion")),
    OrgSpec("chemins_puisaye", "aci", "Chantier d'insertion Les Chemins de Puisaye", "",
            "5 route de Saint-Fargeau", "89130", "Toucy", "Puisaye-Forterre", "+33386",
            "chemins-puisaye.fr", headcount=24, tags=("Espaces verts", "SIAE")),
    OrgSpec("ateliers_auxerrois", "entreprise_adaptee", "Les Ateliers de l'Auxerrois", "",
            "14 rue des Artisans", "89470", "Monéteau", "Auxerrois", "+33386",
            "ateliers-auxerrois.fr", "SAS", 46, people=1),
    OrgSpec("batiments_yonne", "entreprise", "Bâtiments de l'Yonne SAS", "",
            "22 route de Toucy", "89380", "Appoigny", "Auxerrois", "+33386",
            "batiments-yonne.fr", "SAS", 85, ("Clauses d'insertion", "BTP"), people=1),
    OrgSpec("auxerre_proprete", "entreprise", "Auxerre Propreté Services", "APS",
            "3 rue de la Gare", "89000", "Auxerre", "Auxerrois", "+33386",
            "auxerre-proprete.fr", "SARL", 38, people=1),
    # Sambre-Avesnois: the GIP and the ESS event
    OrgSpec("gip_resa", "gip", "GIP Réussir en Sambre Avesnois", "RESA",
            "20 avenue Alphonse de Lamartine, BP 40247", "59600", "Maubeuge",
            "Sambre-Avesnois", "+33327", "gip-resa.fr", "Groupement d'intérêt public", 95,
            ("FSE+", "Mission Locale", "PLIE", "Maison de l'Emploi"),
            notes="Support juridique des activités Mission Locale, PLIE et Maison de l'Emploi "
            "de l'arrondissement d'Avesnes-sur-Helpe.", people=4),
    OrgSpec("camvs", "epci", "Communauté d'Agglomération Maubeuge Val de Sambre", "CAMVS",
            "1 place du Pavillon", "59600", "Maubeuge", "Sambre-Avesnois", "+33327",
            "amvs.fr", "Communauté d'agglomération", 600, ("Mois de l'ESS",), people=3),
    OrgSpec("cc_coeur_avesnois", "epci", "Communauté de Communes du Cœur de l'Avesnois",
            "3CA", "2 rue Cambrésienne", "59440", "Avesnes-sur-Helpe", "Sambre-Avesnois",
            "+33327", "coeur-avesnois.fr", "Communauté de communes", 120),
    OrgSpec("cc_sud_avesnois", "epci", "Communauté de Communes Sud Avesnois", "CCSA",
            "14 rue Jean Jaurès", "59610", "Fourmies", "Sambre-Avesnois", "+33327",
            "cc-sudavesnois.fr", "Communauté de communes", 90),
    OrgSpec("cc_mormal", "epci", "Communauté de Communes du Pays de Mormal", "CCPM",
            "11 rue Chevray", "59530", "Le Quesnoy", "Sambre-Avesnois", "+33327",
            "cc-paysdemormal.fr", "Communauté de communes", 110),
    OrgSpec("acld", "ai", "A.C.L.D.", "ACLD",
            "Cité des Jeunes, route de Valenciennes", "59600", "Maubeuge", "Sambre-Avesnois",
            "+33327", "acld-maubeuge.fr", headcount=40,
            tags=("SIAE", "Clauses d'insertion", "VITA")),
    OrgSpec("apes_hdf", "federation", "APES Hauts-de-France", "APES",
            "235 boulevard Paul Painlevé", "59000", "Lille", "Métropole lilloise", "+33320",
            "apes-hdf.org", headcount=12, tags=("Tête de réseau", "Mois de l'ESS"), people=1),
    OrgSpec("cress_hdf", "federation", "CRESS Hauts-de-France", "",
            "8 rue Jean Bart", "59000", "Lille", "Métropole lilloise", "+33320",
            "cress-hdf.org", headcount=20, tags=("Tête de réseau", "Mois de l'ESS"), people=1),
    OrgSpec("nord_actif", "financeur", "Nord Actif", "",
            "27 rue Jean Jaurès", "59000", "Lille", "Métropole lilloise", "+33320",
            "nordactif.net", headcount=35, tags=("Financeur",), people=1),
    OrgSpec("dept_nord", "departement", "Département du Nord", "",
            "51 rue Gustave Delory", "59000", "Lille", "Nord", "+33320",
            "lenord.fr", "Collectivité territoriale", 8000, ("Financeur", "RSA")),
    OrgSpec("ft_maubeuge", "france_travail", "France Travail Maubeuge", "",
            "33 rue de la Croix", "59600", "Maubeuge", "Sambre-Avesnois", "+33327",
            "francetravail-maubeuge.fr", "Établissement public", 60),
    OrgSpec("regie_sous_le_bois", "regie_quartier", "Régie de quartier de Sous-le-Bois", "",
            "41 rue d'Hautmont", "59600", "Maubeuge", "Sambre-Avesnois", "+33327",
            "regie-souslebois.fr", headcount=30, tags=("SIAE", "Politique de la ville")),
    OrgSpec("sambre_metallurgie", "entreprise", "Sambre Métallurgie SAS", "",
            "5 rue de l'Industrie", "59460", "Jeumont", "Sambre-Avesnois", "+33327",
            "sambre-metallurgie.fr", "SAS", 140, ("Clauses d'insertion",), people=1),
    OrgSpec("jardins_avesnois", "aci", "Les Jardins du Cœur de l'Avesnois", "",
            "12 chemin de la Fontaine", "59440", "Avesnes-sur-Helpe", "Sambre-Avesnois",
            "+33327", "jardins-avesnois.fr", headcount=26, tags=("Maraîchage", "SIAE")),
    # Mayotte: the clauses d'insertion programme
    OrgSpec("cdr_mayotte", "cdr", "CDR Mayotte", "CDR",
            "Immeuble Horizon, rue Mahabou", "97600", "Mamoudzou", "Mayotte", "+262269",
            "cdr-mayotte.yt", headcount=7, tags=("Clauses d'insertion", "IEJ"), people=3),
    OrgSpec("cd976", "departement", "Conseil départemental de Mayotte", "CD 976",
            "8 rue de l'Hôpital, BP 101", "97600", "Mamoudzou", "Mayotte", "+262269",
            "cg976.fr", "Collectivité territoriale", 3000, ("Financeur",)),
    OrgSpec("deets976", "etat", "DEETS de Mayotte", "DEETS",
            "Immeuble Jacaranda, place Mariage", "97600", "Mamoudzou", "Mayotte", "+262269",
            "deets-mayotte.gouv.fr", "Service de l'État", 90, ("FSE+", "Financeur")),
    OrgSpec("mamoudzou", "commune", "Commune de Mamoudzou", "",
            "boulevard Mawana Madi", "97600", "Mamoudzou", "Mayotte", "+262269",
            "mamoudzou.yt", "Commune", 1800, ("PRU M'Gombani", "Clauses d'insertion"),
            people=3),
    OrgSpec("cadema", "epci", "Communauté d'Agglomération Dembéni-Mamoudzou", "CADEMA",
            "rue du Commerce", "97600", "Mamoudzou", "Mayotte", "+262269",
            "cadema.yt", "Communauté d'agglomération", 250, ("Clauses d'insertion",)),
    OrgSpec("ml_mayotte", "mission_locale", "Mission Locale de Mayotte", "",
            "route nationale 1, Kawéni", "97600", "Mamoudzou", "Mayotte", "+262269",
            "missionlocale-mayotte.yt", headcount=45, tags=("IEJ", "Jeunes")),
    OrgSpec("ft_mayotte", "france_travail", "France Travail Mayotte", "",
            "rue du Stade, Cavani", "97600", "Mamoudzou", "Mayotte", "+262269",
            "francetravail-mayotte.yt", "Établissement public", 80, people=1),
    OrgSpec("relais_chantiers", "federation", "Relais Chantiers", "",
            "10 rue Oberkampf", "75011", "Paris", "National", "+33143",
            "relaischantiers.eu", headcount=12, tags=("Clauses d'insertion", "Formation"),
            people=0),
    OrgSpec("cnlrq", "federation", "Comité national de liaison des régies de quartier", "CNLRQ",
            "54 avenue Philippe Auguste", "75011", "Paris", "National", "+33143",
            "regiedequartier.org", headcount=25, tags=("Tête de réseau", "Régies de quartier"),
            people=1),
    OrgSpec("sim", "bailleur", "Société immobilière de Mayotte", "SIM",
            "rue de l'Hôpital", "97600", "Mamoudzou", "Mayotte", "+262269",
            "sim-mayotte.yt", "Société d'économie mixte", 150, ("Clauses d'insertion",),
            people=1),
    OrgSpec("regie_kaweni", "regie_quartier", "Régie de quartier de Kawéni", "",
            "chemin de la Mosquée, Kawéni", "97600", "Mamoudzou", "Mayotte", "+262269",
            "regie-kaweni.yt", headcount=0, tags=("Régies de quartier", "Projet en création")),
    OrgSpec("jardins_coconi", "aci", "Chantier d'insertion des Jardins de Coconi", "",
            "route de Vahibé, Coconi", "97670", "Ouangani", "Mayotte", "+262269",
            "jardins-coconi.yt", headcount=18, tags=("Maraîchage", "SIAE")),
    OrgSpec("btp_oi", "entreprise", "BTP Océan Indien SARL", "",
            "zone industrielle de Longoni", "97690", "Koungou", "Mayotte", "+262269",
            "btp-oi.yt", "SARL", 70, ("Clauses d'insertion", "BTP"), people=1),
    # Provence: the GT5 working group of the CCR project
    OrgSpec("inter_made", "association", "Inter-Made", "",
            "17 rue de la République", "13001", "Marseille", "Marseille", "+33491",
            "intermade.org", headcount=6, tags=("GT5", "Incubateur ESS"), people=1),
    OrgSpec("ramsess", "federation", "RAMSESS", "",
            "8 rue Sainte-Barbe", "13001", "Marseille", "Marseille", "+33491",
            "ramsess.org", headcount=3, tags=("GT5", "Diagnostics"), people=1),
    OrgSpec("esia", "financeur", "ESIA", "",
            "2 place Sadi Carnot", "13002", "Marseille", "Marseille", "+33491",
            "esia-paca.org", headcount=15, tags=("GT5", "DLA", "Financeur"), people=1),
    OrgSpec("regain", "association", "Regain", "",
            "45 boulevard National", "13003", "Marseille", "Marseille", "+33491",
            "regain-marseille.org", headcount=4, tags=("GT5",), people=1),
    OrgSpec("apeas", "federation", "APEAS", "",
            "50 rue Borde", "13008", "Marseille", "Marseille", "+33491",
            "apeas.fr", headcount=10, tags=("GT5", "Tête de réseau"), people=1),
    # Experiences of the VITA collection (COORACE, 2005–2008)
    OrgSpec("isactys", "association", "Groupe ISACTYS", "",
            "Zone d'activité de Clermont, 82 chemin des Pâquerettes", "38480",
            "Pont-de-Beauvoisin", "Isère", "+33476", "isactys.com", headcount=60,
            tags=("VITA", "Ensemblier"), people=1),
    OrgSpec("archer", "ei", "Groupe ARCHER", "",
            "Impasse Alfred Nobel, BP 240", "26100", "Romans-sur-Isère", "Drôme", "+33475",
            "archer.fr", "SAS", 250, ("VITA", "Ensemblier"), people=1),
    OrgSpec("e3i", "etti", "E3i", "",
            "1 rue Hauquelin", "38000", "Grenoble", "Grenoble-Alpes", "+33476",
            "e3i-grenoble.fr", "SARL", 15, ("VITA", "Clauses d'insertion"), people=1),
    OrgSpec("air_parthenay", "ai", "AIR – Association Intermédiaire de Réinsertion", "AIR",
            "30 rue Louis Aguillon", "79200", "Parthenay", "Pays de Gâtine", "+33549",
            "air-parthenay.fr", headcount=12, tags=("VITA", "Services à la personne"),
            people=1),
    OrgSpec("rhuys_emplois", "ai", "Rhuys Emplois", "",
            "7 place Marie Le Franc", "56370", "Sarzeau", "Presqu'île de Rhuys", "+33297",
            "rhuys-emplois.fr", headcount=10, tags=("VITA", "Maraîchage bio"), people=1),
    OrgSpec("agate", "aci", "AGATE Paysages", "",
            "11 route de Salins", "39380", "Ounans", "Jura nord", "+33384",
            "agate-paysages.org", headcount=55, tags=("VITA", "Espaces verts"), people=1),
    OrgSpec("brotonne", "aci", "Bateau de Brotonne", "",
            "25-27 rue de la République", "76490", "Caudebec-en-Caux", "Pays de Caux",
            "+33232", "bateaudebrotonne.fr", headcount=48, tags=("VITA", "Lin"), people=1),
    OrgSpec("centremploi", "geiq", "Espace CENTREMPLOI", "",
            "43 rue Félix Pyat", "13300", "Salon-de-Provence", "Pays salonais", "+33490",
            "centremploi.fr", headcount=20, tags=("VITA", "Groupement d'employeurs"), people=1),
    OrgSpec("essor", "ai", "ESSOR", "",
            "44 rue Paul Lescop", "92000", "Nanterre", "Hauts-de-Seine", "+33147",
            "essor92.fr", headcount=9, tags=("VITA", "Égalité femmes-hommes"), people=1),
    OrgSpec("anjou_domicile", "association", "Anjou Domicile", "",
            "46 place des Justices", "49000", "Angers", "Angers Loire Métropole", "+33241",
            "anjou-domicile.fr", headcount=7, tags=("VITA", "Services à la personne"),
            people=1),
    OrgSpec("ave", "federation", "Alliance Villes Emploi", "AVE",
            "3 rue du Faubourg Saint-Antoine", "75011", "Paris", "National", "+33143",
            "ville-emploi.asso.fr", headcount=10, tags=("Tête de réseau", "PLIE"), people=1),
    OrgSpec("avise", "cdr", "Avise", "",
            "18 avenue Parmentier", "75011", "Paris", "National", "+33143",
            "avise.org", headcount=40, tags=("Centre de ressources", "DLA"), people=1),
)

# Representative titles (masculine, feminine) and funder category by kind.
REP_TITLES: dict[str, tuple[str, str]] = {
    "epci": ("Président", "Présidente"),
    "commune": ("Maire", "Maire"),
    "departement": ("Président du Conseil départemental", "Présidente du Conseil départemental"),
    "region": ("Président du Conseil régional", "Présidente du Conseil régional"),
    "etat": ("Directeur", "Directrice"),
    "france_travail": ("Directeur d'agence", "Directrice d'agence"),
    "ei": ("Gérant", "Gérante"),
    "etti": ("Gérant", "Gérante"),
    "eiti": ("Gérant", "Gérante"),
    "entreprise": ("Directeur général", "Directrice générale"),
    "entreprise_adaptee": ("Directeur général", "Directrice générale"),
    "bailleur": ("Directeur général", "Directrice générale"),
    "organisme_formation": ("Directeur", "Directrice"),
    "financeur": ("Directeur général", "Directrice générale"),
}
DEFAULT_REP_TITLE = ("Président", "Présidente")

# Kinds whose president is an elected official.
ELECTED_REP_KINDS = frozenset(
    {"epci", "commune", "departement", "region", "mission_locale", "plie", "maison_emploi",
     "gip", "cap_emploi"}
)

# --- Key people -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    key: str
    org: str
    civility: str
    first_name: str
    last_name: str
    function: str
    category: str
    legal_rep: bool = False
    since: dt.date = D(2019, 9, 1)


KEY_PEOPLE: tuple[PersonSpec, ...] = (
    # Our team
    PersonSpec("presidente", "vita", "Mme", "Françoise", "Thévenin", "Présidente", "autre",
               legal_rep=True, since=D(2016, 6, 1)),
    PersonSpec("directrice", "vita", "Mme", "Séverine", "Mercier", "Directrice", "autre",
               since=D(2014, 3, 1)),
    PersonSpec("jlf", "vita", "M.", "Jérôme", "Lefèvre", "Chargé de mission – Auxerrois",
               "autre", since=D(2018, 1, 8)),
    PersonSpec("mcm", "vita", "Mme", "Marie-Claire", "Dubois-Ménard",
               "Chargée de mission – Puisaye-Forterre", "autre", since=D(2020, 9, 1)),
    PersonSpec("hnd", "vita", "Mme", "Hélène", "N'Diaye", "Chargée de mission – Sambre-Avesnois",
               "autre", since=D(2021, 2, 1)),
    PersonSpec("zso", "vita", "Mme", "Zaïnaba", "Soilihi", "Chargée de mission – Mayotte",
               "autre", since=D(2022, 4, 4)),
    PersonSpec("jbd", "vita", "M.", "Jean-Baptiste", "D'Almeida", "Assistant administratif et financier",
               "autre", since=D(2023, 1, 2)),
    # Speakers and trainers
    PersonSpec("relais_dir", "relais_chantiers", "M.", "Pierre-Yves", "Guérin",
               "Directeur délégué", "institutionnel", legal_rep=False, since=D(2010, 1, 4)),
    PersonSpec("relais_form", "relais_chantiers", "Mme", "Anne-Sophie", "Le Goff",
               "Formatrice clauses sociales", "institutionnel", since=D(2015, 5, 1)),
    PersonSpec("greta_form", "greta89", "M.", "Benoît", "Hélias", "Formateur", "autre",
               since=D(2012, 9, 1)),
    PersonSpec("cdr_dir", "cdr_mayotte", "M.", "Anli", "Attoumani", "Directeur",
               "institutionnel", legal_rep=True, since=D(2013, 2, 1)),
    PersonSpec("resa_cm", "gip_resa", "Mme", "Aurélie", "Delattre", "Chargée de mission ESS",
               "institutionnel", since=D(2015, 9, 1)),
)

# --- Actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetSpec:
    label: str
    target: float
    unit: str
    rule: dict


@dataclass(frozen=True)
class ActionSpec:
    key: str
    code: str
    title: str
    funder: str
    fse_rate: float
    start: dt.date
    end: dt.date
    description: str
    targets: tuple[TargetSpec, ...] = ()


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "ressourcerie", "RESS-PUISAYE", "Création d'une ressourcerie en Puisaye",
        "Conseil départemental de l'Yonne", 0.0, D(2025, 9, 1), D(2027, 6, 30),
        "Accompagner les collectivités initiatrices (Syndicat Mixte de La Puisaye, "
        "Communauté de l'Auxerrois, Communautés de Communes de l'Aillantais et du Pays "
        "Coulangeois) dans la décision et le montage d'une ressourcerie : réunions techniques "
        "et élargies par collectivité, création de l'association porteuse, comités de pilotage "
        "de suivi, lien avec le Réseau des Ressourceries.",
        (
            TargetSpec("Nombre de COPIL", 4, "réunions", {"count": "meetings", "kind": "copil"}),
            TargetSpec("Nombre de collectivités mobilisées", 4, "structures",
                       {"count": "organisations", "family": "Collectivités"}),
            TargetSpec("Nombre d'élus", 12, "personnes", {"count": "people", "category": "elu"}),
        ),
    ),
    ActionSpec(
        "evenementiel_ess", "FSE-RESA-2026-01",
        "Coordination et animation d'un événementiel ESS",
        "FSE+ – GIP Réussir en Sambre Avesnois", 0.47, D(2026, 5, 1), D(2026, 12, 31),
        "Organisation d'un rallye « ESS'Tour » dans le cadre du Mois de l'ESS en partenariat "
        "avec le réseau des SESS : comité de pilotage mobilisant tous les partenaires, "
        "attention particulière aux publics PLIE, programme innovant ouvert au grand public.",
        (
            TargetSpec("Nombre de COPIL", 2, "réunions", {"count": "meetings", "kind": "copil"}),
            TargetSpec("Nombre de SESS mobilisés", 35, "structures", {"count": "organisations"}),
            TargetSpec("Nombre d'élus", 20, "personnes", {"count": "people", "category": "elu"}),
            TargetSpec("Nombre de publics PLIE sensibilisés", 15, "personnes",
                       {"count": "people", "category": "public"}),
            TargetSpec("Nombre d'usagers, grand public", 150, "personnes",
                       {"count": "people", "category": "grand_public"}),
            TargetSpec("Heures de présence", 300, "heures", {"count": "hours"}),
        ),
    ),
    ActionSpec(
        "clauses_mayotte", "FSE-976-CLAUSES",
        "Accompagnement des clauses d'insertion à Mayotte",
        "FSE+ – DEETS de Mayotte", 0.6, D(2026, 1, 1), D(2027, 6, 30),
        "Mise en œuvre des clauses d'insertion dans les marchés publics (PRU de M'Gombani), "
        "cycle de qualification des acteurs, appui à la création de régies de quartier avec "
        "le CNLRQ et animation du partenariat territorial d'insertion.",
        (
            TargetSpec("Nombre de COPIL", 2, "réunions", {"count": "meetings", "kind": "copil"}),
            TargetSpec("Nombre de participants au cycle de qualification", 20, "personnes",
                       {"count": "people"}),
            TargetSpec("Nombre d'élus", 10, "personnes", {"count": "people", "category": "elu"}),
            TargetSpec("Heures de présence", 400, "heures", {"count": "hours"}),
        ),
    ),
    ActionSpec(
        "soiree_initiative", "FSE-RESA-2026-02", "Soirée de l'Initiative en Sambre Avesnois",
        "FSE+ – GIP Réussir en Sambre Avesnois", 0.47, D(2026, 3, 1), D(2026, 9, 30),
        "Repérer les besoins des habitants pour faire émerger des projets d'utilité sociale ; "
        "organiser une soirée de l'initiative sur le territoire de la CAMVS réunissant élus "
        "et structures d'accompagnement.",
        (
            TargetSpec("Nombre d'événements", 1, "événements",
                       {"count": "meetings", "kind": "forum"}),
            TargetSpec("Nombre d'élus ou représentants", 10, "personnes",
                       {"count": "people", "category": "elu"}),
            TargetSpec("Nombre de partenaires (autres que ESS)", 15, "structures",
                       {"count": "organisations"}),
        ),
    ),
    ActionSpec(
        "encadrants", "PRO-ENC-89",
        "Professionnalisation des encadrants techniques des ACI de l'Yonne",
        "Uniformation – OPCO de la Cohésion sociale", 0.0, D(2026, 1, 1), D(2027, 3, 31),
        "Formation-action en deux modules pour les encadrants techniques des ateliers et "
        "chantiers d'insertion : transmettre un geste professionnel, accompagner le parcours "
        "en situation de travail ; atelier GPEC des SIAE.",
        (
            TargetSpec("Nombre de SIAE participantes", 8, "structures", {"count": "organisations"}),
            TargetSpec("Heures de formation", 140, "heures", {"count": "hours"}),
        ),
    ),
    ActionSpec(
        "ccr", "CCR-GT5", "Dispositif d'appui aux futurs résidents de la CCR",
        "ESIA – DLA collectif", 0.0, D(2025, 11, 1), D(2026, 12, 31),
        "Calibrer le dispositif d'appui technique pour les candidats à la CCR avant "
        "l'emménagement : diagnostics préalables (RAMSESS), accompagnement de sécurisation "
        "par un DLA collectif (ESIA), comité de sélection.",
        (
            TargetSpec("Nombre de réunions du GT5", 3, "réunions",
                       {"count": "meetings", "kind": "groupe_travail"}),
            TargetSpec("Nombre de structures accompagnées", 15, "structures",
                       {"count": "organisations"}),
        ),
    ),
)

# --- Meetings ---------------------------------------------------------------------------

# Session layouts: a list of (start, end, label) per day.
T = dt.time
MORNING = (T(9, 0), T(12, 30), "matin")
AFTERNOON = (T(13, 30), T(17, 0), "apres_midi")
SHORT_MORNING = (T(9, 30), T(12, 0), "matin")
SHORT_AFTERNOON = (T(14, 0), T(16, 30), "apres_midi")
EVENING = (T(18, 0), T(20, 30), "")
FULL_DAY = (MORNING, AFTERNOON)


@dataclass(frozen=True)
class MeetingSpec:
    key: str
    kind: str
    title: str
    date: dt.date
    status: str
    organiser: str  # key of one of our people
    place_name: str
    place_address: str
    orgs: tuple[str, ...] = ()
    series: str = ""
    number: int | None = None
    action: str | None = None
    days: int = 1
    slots: tuple[tuple[dt.time, dt.time, str], ...] = (SHORT_MORNING,)
    capacity: int | None = None
    objectives: str = ""
    agenda: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    publics: int = 0
    grand_public: int = 0
    mode: str = "papier"  # how attendance is taken: tablette / papier / saisie
    minutes: str = ""
    decisions: str = ""
    follow_ups: tuple[tuple[str, str, int], ...] = ()  # (text, owner key, days after)
    pairs: float = 0.3  # share of invited organisations sending two people


SMP = ("Salle du conseil syndical – Syndicat Mixte de La Puisaye",
       "2 rue des Cordiers, 89170 Saint-Fargeau")
VITA = ("Réseau VITA – salle Marie Noël", "12 rue de la Tour d'Auvergne, 89000 Auxerre")
RESA = ("GIP Réussir en Sambre Avesnois – salle du conseil",
        "20 avenue Alphonse de Lamartine, 59600 Maubeuge")
CDR = ("CDR Mayotte – salle de formation", "Immeuble Horizon, rue Mahabou, 97600 Mamoudzou")
MGO = ("Maison du projet de M'Gombani", "rue du Commerce, M'Gombani, 97600 Mamoudzou")
CCR = ("Inter-Made – salle de réunion", "17 rue de la République, 13001 Marseille")

RESSOURCERIE_ORGS = ("sm_puisaye", "ca_auxerrois", "cc_aillantais", "cc_coulangeois", "cd89",
                     "ddets89", "plie_auxerre", "ressourcerie_puisaye", "ressourceries",
                     "cc_puisaye_forterre")
ESS_ORGS = ("gip_resa", "camvs", "cc_coeur_avesnois", "cc_sud_avesnois", "cc_mormal",
            "apes_hdf", "cress_hdf", "nord_actif", "acld", "regie_sous_le_bois",
            "jardins_avesnois", "dept_nord")
MAYOTTE_ORGS = ("cdr_mayotte", "mamoudzou", "cadema", "cd976", "deets976", "ml_mayotte",
                "ft_mayotte", "sim", "btp_oi", "regie_kaweni", "jardins_coconi")
GT5_ORGS = ("inter_made", "ramsess", "esia", "regain", "apeas")
SIAE_YONNE = ("jardins_yonne", "chemins_puisaye", "solidarite_emploi", "yonne_interim",
              "bois_cycles", "ateliers_auxerrois", "geiq_btp89", "coop_independants")
AUXERROIS_SPE = ("ml_auxerrois", "ft_auxerre", "plie_auxerre", "cap_emploi89", "mef_auxerrois",
                 "ddets89", "cd89")

COPIL_AGENDA = (
    "Validation du compte rendu du comité précédent",
    "Point d'avancement du projet",
    "Budget prévisionnel et plan de financement",
    "Calendrier des prochaines étapes",
    "Questions diverses",
)

MEETINGS: tuple[MeetingSpec, ...] = (
    # Ressourcerie de Puisaye -------------------------------------------------------------
    MeetingSpec("cp1", "copil", "Comité de pilotage n° 1 – Ressourcerie de Puisaye",
                D(2025, 10, 7), "tenue", "mcm", *SMP, RESSOURCERIE_ORGS, "CP", 1,
                "ressourcerie", capacity=30,
                objectives="Lancer la phase de décision et de montage après l'étude de "
                "faisabilité ; valider la méthode d'intervention.",
                agenda=("Restitution de l'étude de faisabilité", "Méthode et calendrier "
                        "d'intervention (2025–2027)", "Composition du comité de pilotage"),
                minutes="Le comité valide la méthode d'intervention et le calendrier. Chaque "
                "collectivité désigne un élu et un technicien référents.",
                decisions="Méthode validée ; réunions techniques à organiser avant fin novembre.",
                follow_ups=(("Transmettre la note de synthèse de l'étude aux collectivités",
                             "mcm", 10),
                            ("Désigner les référents élus et techniciens", "mcm", 30))),
    MeetingSpec("cp2", "copil", "Comité de pilotage n° 2 – Ressourcerie de Puisaye",
                D(2026, 1, 13), "tenue", "mcm", *SMP, RESSOURCERIE_ORGS, "CP", 2,
                "ressourcerie", capacity=30, agenda=COPIL_AGENDA,
                objectives="Arrêter les prestations confiées à la ressourcerie par chaque "
                "collectivité.",
                minutes="Présentation des retours des réunions techniques. Les prestations "
                "envisagées (collecte en déchèterie, sensibilisation) sont chiffrées.",
                decisions="Scénario à trois entités juridiques retenu pour approfondissement."),
    MeetingSpec("cp3", "copil", "Comité de pilotage n° 3 – Ressourcerie de Puisaye",
                D(2026, 4, 14), "tenue", "mcm", *SMP, RESSOURCERIE_ORGS, "CP", 3,
                "ressourcerie", capacity=30, agenda=COPIL_AGENDA, mode="tablette",
                objectives="Valider le projet de statuts de l'association porteuse.",
                minutes="Le projet de statuts et les conditions d'adhésion sont présentés.",
                decisions="Assemblée générale constitutive fixée en juin 2026.",
                follow_ups=(("Envoyer le projet de statuts aux membres fondateurs", "mcm", 14),)),
    MeetingSpec("cp4", "copil", "Comité de pilotage n° 4 – Ressourcerie de Puisaye",
                D(2026, 10, 6), "tenue", "mcm", *SMP, RESSOURCERIE_ORGS, "CP", 4,
                "ressourcerie", capacity=30, mode="tablette",
                agenda=("Validation du compte rendu du CP3", "Recrutement du développeur",
                        "Solutions de financement de la phase de montage",
                        "Adhésion au Réseau des Ressourceries"),
                objectives="Suivre le montage : recrutement du développeur, financements.",
                minutes="Le développeur a été recruté ; prise de poste au 1er novembre. Le "
                "plan de financement 2027 reste à consolider.",
                decisions="Demande d'avenant de prolongation au Conseil départemental.",
                follow_ups=(("Préparer la demande d'avenant n° 1", "jbd", 14),
                            ("Présenter le projet au Réseau des Ressourceries", "mcm", 60))),
    MeetingSpec("cp5", "copil", "Comité de pilotage n° 5 – Ressourcerie de Puisaye",
                D(2027, 1, 19), "prevue", "mcm", *SMP, RESSOURCERIE_ORGS, "CP", 5,
                "ressourcerie", capacity=30, agenda=COPIL_AGENDA,
                objectives="Bilan du montage et ouverture de la ressourcerie."),
    MeetingSpec("rt_smp", "reunion_technique",
                "Réunion technique restreinte – Syndicat Mixte de La Puisaye", D(2025, 11, 4),
                "tenue", "mcm", *SMP, ("sm_puisaye", "st_fargeau", "ressourcerie_puisaye"),
                action="ressourcerie", capacity=10,
                agenda=("Prestations confiées à la ressourcerie", "Soutien au démarrage"),
                objectives="Préparer la délibération du Conseil syndical.", pairs=0.8),
    MeetingSpec("rt_ca", "reunion_technique",
                "Réunion technique restreinte – Communauté de l'Auxerrois", D(2025, 11, 18),
                "tenue", "mcm", "Communauté de l'Auxerrois – salle 2",
                "6 bis place du Maréchal Leclerc, 89000 Auxerre", ("ca_auxerrois", "plie_auxerre"),
                action="ressourcerie", capacity=10, pairs=0.8,
                agenda=("Dimension « insertion » du projet", "Lien avec le contrat de ville")),
    MeetingSpec("re_aillantais", "reunion_elargie",
                "Réunion élargie de présentation – Communauté de Communes de l'Aillantais",
                D(2026, 2, 5), "tenue", "mcm", "Salle des fêtes d'Aillant-sur-Tholon",
                "7 rue Pasteur, 89110 Aillant-sur-Tholon", ("cc_aillantais", "sm_puisaye",
                                                             "ressourcerie_puisaye"),
                action="ressourcerie", slots=(EVENING,), capacity=60, grand_public=6, pairs=1.0,
                agenda=("Présentation du projet de ressourcerie", "Échanges avec les élus",
                        "Préparation de la délibération")),
    MeetingSpec("re_coulangeois", "reunion_elargie",
                "Réunion élargie de présentation – Communauté de Communes du Pays Coulangeois",
                D(2026, 3, 12), "annulee", "mcm", "Mairie de Coulanges-la-Vineuse",
                "1 place de la Mairie, 89580 Coulanges-la-Vineuse", ("cc_coulangeois",),
                action="ressourcerie", slots=(EVENING,), capacity=40, pairs=1.0),
    MeetingSpec("ct1", "cotech", "Comité technique n° 1 – montage du portage de la ressourcerie",
                D(2026, 5, 19), "tenue", "mcm", *VITA,
                ("sm_puisaye", "ca_auxerrois", "ressourcerie_puisaye", "ressourceries"),
                "CT", 1, "ressourcerie", capacity=12,
                agenda=("Relations économiques entre les trois entités",
                        "Conventions à utiliser", "Contraintes juridiques et réglementaires")),
    MeetingSpec("ct2", "cotech", "Comité technique n° 2 – montage du portage de la ressourcerie",
                D(2026, 9, 15), "tenue", "mcm", *VITA,
                ("sm_puisaye", "ca_auxerrois", "ressourcerie_puisaye", "ressourceries"),
                "CT", 2, "ressourcerie", capacity=12, mode="saisie",
                agenda=("Fiche de poste du développeur", "Plan de financement de la phase "
                        "de montage")),
    MeetingSpec("ct3", "cotech", "Comité technique n° 3 – montage du portage de la ressourcerie",
                D(2026, 12, 15), "prevue", "mcm", *VITA,
                ("sm_puisaye", "ca_auxerrois", "ressourcerie_puisaye", "ressourceries"),
                "CT", 3, "ressourcerie", capacity=12),
    MeetingSpec("ag_ressourcerie", "assemblee_generale",
                "Assemblée générale constitutive de l'association Ressourcerie de Puisaye",
                D(2026, 6, 25), "tenue", "mcm", "Salle polyvalente de Saint-Sauveur-en-Puisaye",
                "18 rue du Moulin, 89520 Saint-Sauveur-en-Puisaye",
                ("ressourcerie_puisaye", "sm_puisaye", "cc_puisaye_forterre", "chemins_puisaye",
                 "st_fargeau"), action="ressourcerie", slots=(EVENING,), capacity=80,
                grand_public=6, mode="tablette",
                agenda=("Adoption des statuts", "Élection du conseil d'administration",
                        "Montant des cotisations"),
                minutes="Les statuts sont adoptés à l'unanimité ; neuf administrateurs élus.",
                decisions="Statuts adoptés ; déclaration en préfecture confiée à la présidente."),
    MeetingSpec("visite_locaux", "visite",
                "Visite d'appui sur site – locaux pressentis de la ressourcerie", D(2026, 7, 9),
                "tenue", "mcm", "Ancienne coopérative agricole",
                "18 rue du Moulin, 89520 Saint-Sauveur-en-Puisaye",
                ("ressourcerie_puisaye", "sm_puisaye"), action="ressourcerie", capacity=8,
                pairs=1.0, objectives="Vérifier l'adéquation des locaux (stockage, boutique, "
                "atelier de valorisation)."),
    MeetingSpec("sel_dev_1", "commission",
                "Commission de sélection – recrutement du développeur de la ressourcerie",
                D(2026, 8, 27), "reportee", "mcm", *VITA,
                ("ressourcerie_puisaye", "sm_puisaye", "ft_auxerre"), action="ressourcerie",
                capacity=6),
    MeetingSpec("sel_dev_2", "commission",
                "Commission de sélection – recrutement du développeur (nouvelle date)",
                D(2026, 9, 10), "tenue", "mcm", *VITA,
                ("ressourcerie_puisaye", "sm_puisaye", "ft_auxerre"), action="ressourcerie",
                slots=(FULL_DAY[0],), capacity=6, mode="saisie",
                decisions="Candidature retenue à l'unanimité du jury."),
    # Événementiel ESS en Sambre Avesnois -------------------------------------------------
    MeetingSpec("cpess1", "copil", "Comité de pilotage n° 1 – Rallye ESS'Tour 2026",
                D(2026, 6, 9), "tenue", "hnd", *RESA, ESS_ORGS, "CP-ESS", 1,
                "evenementiel_ess", capacity=30, speakers=("resa_cm",),
                agenda=("Présentation de la fiche action et des indicateurs",
                        "Choix de la thématique du rallye", "Mobilisation des SESS"),
                minutes="Le comité retient la thématique « consommer local et solidaire ».",
                decisions="Thématique retenue ; parcours du rallye à proposer au COPIL n° 2."),
    MeetingSpec("cpess2", "copil", "Comité de pilotage n° 2 – Rallye ESS'Tour 2026",
                D(2026, 9, 22), "tenue", "hnd", *RESA, ESS_ORGS, "CP-ESS", 2,
                "evenementiel_ess", capacity=30, mode="tablette", speakers=("resa_cm",),
                agenda=("Validation du déroulé détaillé", "Plan de communication",
                        "Accueil des publics PLIE"),
                decisions="Déroulé validé par le comité de lecture de RESA."),
    MeetingSpec("cpess3", "copil", "Comité de pilotage n° 3 – bilan du Rallye ESS'Tour",
                D(2026, 12, 10), "prevue", "hnd", *RESA, ESS_ORGS, "CP-ESS", 3,
                "evenementiel_ess", capacity=30, speakers=("resa_cm",),
                agenda=("Bilan quantitatif et qualitatif", "Enquête de satisfaction",
                        "Perspectives 2027")),
    MeetingSpec("ic_ess", "info_collective",
                "Information collective – découvrir l'ESS avec les publics PLIE",
                D(2026, 10, 15), "tenue", "hnd", *RESA, ("gip_resa", "ft_maubeuge"),
                action="evenementiel_ess", slots=(MORNING,), capacity=25, publics=12,
                mode="tablette", speakers=("resa_cm",)),
    MeetingSpec("rallye", "forum", "Rallye ESS'Tour – Mois de l'ESS en Sambre Avesnois",
                D(2026, 11, 19), "tenue", "hnd", "Maison des associations de Maubeuge",
                "2 place Vauban, 59600 Maubeuge", ESS_ORGS + ("sambre_metallurgie", "ft_maubeuge"),
                action="evenementiel_ess", slots=FULL_DAY, capacity=200, publics=15,
                grand_public=10, mode="tablette", speakers=("resa_cm",), pairs=0.5,
                agenda=("Accueil et lancement du rallye", "Visites des structures de l'ESS",
                        "Table ronde des élus", "Animation de clôture"),
                objectives="Faire découvrir l'ESS au public le plus large, dont les publics "
                "PLIE en parcours d'insertion."),
    MeetingSpec("soiree", "forum", "Soirée de l'Initiative en Sambre Avesnois", D(2026, 6, 18),
                "tenue", "hnd", "Théâtre du Manège", "rue de la Croix, 59600 Maubeuge",
                ESS_ORGS, action="soiree_initiative", slots=((T(18, 0), T(21, 0), ""),),
                capacity=120, grand_public=8, publics=4, pairs=0.6),
    MeetingSpec("visite_acld", "visite", "Visite d'appui sur site – A.C.L.D. (Maubeuge)",
                D(2026, 3, 5), "tenue", "hnd", "A.C.L.D.",
                "Cité des Jeunes, route de Valenciennes, 59600 Maubeuge", ("acld",),
                capacity=6, pairs=1.0, mode="saisie"),
    # Clauses d'insertion à Mayotte --------------------------------------------------------
    MeetingSpec("cp976_1", "copil", "Comité de pilotage n° 1 – clauses d'insertion à Mayotte",
                D(2026, 2, 17), "tenue", "zso", *CDR, MAYOTTE_ORGS, "CP-976", 1,
                "clauses_mayotte", capacity=25, speakers=("cdr_dir",), agenda=COPIL_AGENDA),
    MeetingSpec("cp976_2", "copil", "Comité de pilotage n° 2 – clauses d'insertion à Mayotte",
                D(2026, 9, 8), "tenue", "zso", *CDR, MAYOTTE_ORGS, "CP-976", 2,
                "clauses_mayotte", capacity=25, speakers=("cdr_dir",), mode="tablette",
                agenda=COPIL_AGENDA, decisions="Extension de la démarche à l'ensemble des "
                "marchés publics de la CADEMA."),
    MeetingSpec("cp976_3", "copil", "Comité de pilotage n° 3 – clauses d'insertion à Mayotte",
                D(2027, 3, 16), "prevue", "zso", *CDR, MAYOTTE_ORGS, "CP-976", 3,
                "clauses_mayotte", capacity=25, speakers=("cdr_dir",)),
    MeetingSpec("qualif_clauses", "formation",
                "Cycle de qualification – les clauses d'insertion dans les marchés publics",
                D(2026, 3, 10), "tenue", "zso", *CDR, MAYOTTE_ORGS, action="clauses_mayotte",
                days=3, slots=FULL_DAY, capacity=20, speakers=("relais_dir", "relais_form"),
                mode="tablette", pairs=0.6,
                objectives="Outiller les acteurs institutionnels et économiques sur le cadre "
                "juridique des clauses d'insertion et le fonctionnement d'un marché public.",
                agenda=("Le cadre juridique des clauses d'insertion",
                        "Le fonctionnement d'un marché public",
                        "Cas concrets de mise en œuvre", "Préconisations pour Mayotte")),
    MeetingSpec("atelier_mgo", "atelier",
                "Atelier cas pratiques – clauses d'insertion du PRU de M'Gombani",
                D(2026, 5, 12), "tenue", "zso", *MGO, MAYOTTE_ORGS, action="clauses_mayotte",
                slots=(MORNING,), capacity=20, speakers=("relais_form",), mode="tablette"),
    MeetingSpec("ci1", "commission", "Commission d'insertion du PNRU M'Gombani – séance 1",
                D(2026, 4, 9), "tenue", "zso", *MGO,
                ("mamoudzou", "cdr_mayotte", "ml_mayotte", "ft_mayotte", "btp_oi", "sim"),
                "CI", 1, "clauses_mayotte", capacity=12),
    MeetingSpec("ci2", "commission", "Commission d'insertion du PNRU M'Gombani – séance 2",
                D(2026, 7, 2), "tenue", "zso", *MGO,
                ("mamoudzou", "cdr_mayotte", "ml_mayotte", "ft_mayotte", "btp_oi", "sim"),
                "CI", 2, "clauses_mayotte", capacity=12, mode="saisie"),
    MeetingSpec("ci3", "commission", "Commission d'insertion du PNRU M'Gombani – séance 3",
                D(2026, 10, 1), "tenue", "zso", *MGO,
                ("mamoudzou", "cdr_mayotte", "ml_mayotte", "ft_mayotte", "btp_oi", "sim"),
                "CI", 3, "clauses_mayotte", capacity=12, mode="tablette"),
    MeetingSpec("ci4", "commission", "Commission d'insertion du PNRU M'Gombani – séance 4",
                D(2027, 1, 14), "prevue", "zso", *MGO,
                ("mamoudzou", "cdr_mayotte", "ml_mayotte", "ft_mayotte", "btp_oi", "sim"),
                "CI", 4, "clauses_mayotte", capacity=12),
    MeetingSpec("ic_regie", "info_collective",
                "Information collective – créer une régie de quartier", D(2026, 6, 16),
                "tenue", "zso", *CDR, ("cnlrq", "regie_kaweni", "mamoudzou", "cadema"),
                action="clauses_mayotte", slots=(MORNING,), capacity=30, publics=10,
                grand_public=4, pairs=0.8),
    MeetingSpec("form_suivi", "formation",
                "Formation courte – suivi des publics bénéficiaires des clauses",
                D(2027, 2, 9), "prevue", "zso", *CDR, MAYOTTE_ORGS, action="clauses_mayotte",
                days=2, slots=FULL_DAY, capacity=16, speakers=("relais_form",)),
    MeetingSpec("visite_coconi", "visite",
                "Visite d'appui sur site – Chantier d'insertion des Jardins de Coconi",
                D(2026, 11, 24), "tenue", "zso", "Jardins de Coconi",
                "route de Vahibé, Coconi, 97670 Ouangani", ("jardins_coconi",),
                capacity=6, pairs=1.0, mode="tablette"),
    # GT5 — CCR ---------------------------------------------------------------------------
    MeetingSpec("gt5_1", "groupe_travail", "GT5 – réunion 1", D(2025, 12, 2), "tenue", "jlf",
                *CCR, GT5_ORGS, "GT5", 1, "ccr", capacity=10, pairs=0.0,
                agenda=("Axes d'accompagnement des futurs résidents",),
                minutes="Six axes d'accompagnement ont été dégagés."),
    MeetingSpec("gt5_2", "groupe_travail", "GT5 – réunion 2", D(2026, 1, 27), "tenue", "jlf",
                *CCR, GT5_ORGS, "GT5", 2, "ccr", capacity=10, pairs=0.0,
                objectives="Calibrer le dispositif d'appui technique pour les candidats à la "
                "CCR – avant l'emménagement (diagnostics et accompagnement de sécurisation).",
                agenda=("Rappel réunion 1",
                        "Proposition d'un dispositif général d'accompagnement avant l'entrée "
                        "dans la CCR",
                        "Quelques précisions sur les contenus et moyens pour ce dispositif"),
                minutes="Diagnostics : 9 structures sur 10 membres de RAMSESS sont à même de "
                "réaliser des diagnostics ; compter 2 à 3 mois entre la demande et la "
                "restitution. DLA collectif : 6 jours répartis sur plusieurs mois, 3 sessions "
                "de 10 à 12 structures. Budget global estimé à 36 000 €, sur deux exercices.",
                decisions="Construire une trame de diagnostic commune (RAMSESS, avec Regain) ; "
                "demander un cofinancement à la Région (ESIA).",
                follow_ups=(("Construire la trame de diagnostic commune", "jlf", 30),
                            ("Rédiger le compte rendu et le diffuser", "jlf", 5))),
    MeetingSpec("gt5_3", "groupe_travail", "GT5 – réunion 3", D(2026, 3, 24), "tenue", "jlf",
                *CCR, GT5_ORGS, "GT5", 3, "ccr", capacity=10, pairs=0.0, mode="saisie",
                agenda=("Trame de diagnostic commune", "Calendrier des DLA collectifs")),
    MeetingSpec("gt5_4", "groupe_travail", "GT5 – réunion 4", D(2026, 12, 1), "prevue", "jlf",
                *CCR, GT5_ORGS, "GT5", 4, "ccr", capacity=10, pairs=0.0,
                agenda=("Bilan des diagnostics réalisés", "Suites à donner")),
    MeetingSpec("selection_ccr", "commission",
                "Comité de sélection des futurs résidents de la CCR", D(2026, 5, 28), "tenue",
                "jlf", *CCR, ("inter_made", "esia", "apeas", "cress_bfc"), action="ccr",
                slots=(MORNING,), capacity=10, pairs=0.0),
    # Professionnalisation des encadrants techniques --------------------------------------
    MeetingSpec("enc_m1", "formation",
                "Formation-action des encadrants techniques – module 1 : transmettre un "
                "geste professionnel", D(2026, 4, 21), "tenue", "jlf", *VITA, SIAE_YONNE,
                action="encadrants", days=2, slots=FULL_DAY, capacity=14,
                speakers=("greta_form",), mode="tablette", pairs=0.6,
                agenda=("Analyser son activité d'encadrement", "Décomposer un geste "
                        "professionnel", "Mises en situation")),
    MeetingSpec("enc_m2", "formation",
                "Formation-action des encadrants techniques – module 2 : accompagner le "
                "parcours en situation de travail", D(2026, 12, 8), "prevue", "jlf", *VITA,
                SIAE_YONNE, action="encadrants", days=2, slots=FULL_DAY, capacity=14,
                speakers=("greta_form",), pairs=0.6),
    MeetingSpec("gpec", "atelier", "Atelier GPEC des SIAE de l'Yonne", D(2026, 9, 29), "tenue",
                "jlf", *VITA, SIAE_YONNE, action="encadrants", slots=(AFTERNOON,),
                capacity=20),
    # Network life ------------------------------------------------------------------------
    MeetingSpec("ag_2026", "assemblee_generale", "Assemblée générale 2026 du Réseau VITA",
                D(2026, 6, 4), "tenue", "directrice", *VITA,
                ("coorace", "jardins_yonne", "chemins_puisaye", "solidarite_emploi", "acld",
                 "cdr_mayotte", "cress_bfc", "ressourcerie_puisaye", "plie_auxerre"),
                slots=(SHORT_AFTERNOON,), capacity=60, speakers=("presidente",),
                agenda=("Rapport moral de la présidente", "Rapport d'activité 2025",
                        "Rapport financier et affectation du résultat",
                        "Orientations 2026–2027"),
                minutes="Rapports moral, d'activité et financier adoptés à l'unanimité.",
                decisions="Ouverture d'une antenne permanente à Mayotte confirmée."),
    MeetingSpec("ag_2027", "assemblee_generale", "Assemblée générale 2027 du Réseau VITA",
                D(2027, 6, 3), "prevue", "directrice", *VITA,
                ("coorace", "jardins_yonne", "chemins_puisaye", "solidarite_emploi", "acld",
                 "cdr_mayotte", "cress_bfc", "ressourcerie_puisaye", "plie_auxerre"),
                slots=(SHORT_AFTERNOON,), capacity=60, speakers=("presidente",)),
    MeetingSpec("rt_plie_ml", "reunion_technique",
                "Réunion technique PLIE – Mission Locale : orientation des publics vers l'IAE",
                D(2026, 11, 26), "prevue", "jlf", *VITA,
                ("plie_auxerre", "ml_auxerrois", "ft_auxerre", "cap_emploi89"), capacity=10),
    MeetingSpec("re_partenaires", "reunion_elargie",
                "Réunion élargie des partenaires de l'insertion de l'Auxerrois",
                D(2025, 9, 25), "tenue", "jlf", "Maison de l'Emploi et de la Formation",
                "20 avenue Jean Jaurès, 89000 Auxerre", AUXERROIS_SPE + SIAE_YONNE,
                slots=(MORNING,), capacity=50, pairs=0.2,
                agenda=("Tour de table des structures", "Offre d'insertion 2025–2026",
                        "Clauses sociales des marchés de la Ville d'Auxerre")),
    MeetingSpec("ct_iae1", "cotech", "COTECH IAE de l'Yonne n° 1", D(2025, 10, 16), "tenue",
                "jlf", "DDETS de l'Yonne – salle 1", "12 boulevard Vaulabelle, 89000 Auxerre",
                AUXERROIS_SPE + SIAE_YONNE[:4], "CT-IAE", 1, capacity=20, pairs=0.1),
    MeetingSpec("ct_iae2", "cotech", "COTECH IAE de l'Yonne n° 2", D(2026, 3, 19), "tenue",
                "jlf", "DDETS de l'Yonne – salle 1", "12 boulevard Vaulabelle, 89000 Auxerre",
                AUXERROIS_SPE + SIAE_YONNE[:4], "CT-IAE", 2, capacity=20, pairs=0.1,
                mode="saisie"),
    MeetingSpec("ct_iae3", "cotech", "COTECH IAE de l'Yonne n° 3", D(2027, 4, 15), "prevue",
                "jlf", "DDETS de l'Yonne – salle 1", "12 boulevard Vaulabelle, 89000 Auxerre",
                AUXERROIS_SPE + SIAE_YONNE[:4], "CT-IAE", 3, capacity=20, pairs=0.1),
    MeetingSpec("ic_aci", "info_collective",
                "Information collective – recrutement en chantier d'insertion",
                D(2026, 2, 24), "tenue", "jlf", "France Travail Auxerre – salle collective",
                "2 rue Paul Doumer, 89000 Auxerre", ("ft_auxerre", "jardins_yonne",
                                                    "chemins_puisaye"),
                slots=(MORNING,), capacity=20, publics=14, mode="papier", pairs=1.0),
    MeetingSpec("atelier_tablette", "atelier",
                "Atelier numérique – tenir ses feuilles d'émargement sur tablette",
                D(2027, 5, 11), "prevue", "jbd", *VITA, SIAE_YONNE[:5], slots=(AFTERNOON,),
                capacity=12),
    MeetingSpec("commission_aides", "commission",
                "Commission d'attribution des aides au démarrage", D(2026, 10, 20), "annulee",
                "directrice", *VITA, ("cd89", "ddets89", "region_bfc"), capacity=8),
)

# --- Conventions ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConventionSpec:
    key: str
    number: str
    kind: str
    title: str
    partners: tuple[str, ...]
    status: str
    start: dt.date
    end: dt.date
    object: str
    action: str | None = None
    parent: str | None = None
    amount_cents: int | None = None
    fse_rate: float = 0.0
    other_funders: tuple[dict, ...] = ()
    evidence: tuple[str, ...] = ()
    # lifecycle dates: (status, date, note)
    events: tuple[tuple[str, dt.date, str], ...] = ()
    installments: tuple[tuple[float, dt.date, str, dt.date | None], ...] = ()
    signed_place: str = "Auxerre"
    copies: int = 2
    termination_reason: str = ""


ALL_EVIDENCE = ("emargement", "compte_rendu", "bilan_intermediaire", "bilan_final")

CONVENTIONS: tuple[ConventionSpec, ...] = (
    ConventionSpec(
        "c_ress", "2025-AUX-004", "objectifs_financement",
        "Convention d'objectifs et de financement – Création d'une ressourcerie en Puisaye",
        ("cd89", "sm_puisaye"), "en_cours", D(2025, 9, 1), D(2026, 12, 31),
        "Accompagnement des collectivités de la Puisaye et de l'Auxerrois dans la décision et "
        "le montage d'une ressourcerie, jusqu'à la création de l'association porteuse.",
        action="ressourcerie", amount_cents=4_500_000,
        other_funders=({"name": "Syndicat Mixte de La Puisaye", "amount_cents": 800_000},),
        evidence=ALL_EVIDENCE,
        events=(("brouillon", D(2025, 7, 1), "Projet de convention rédigé."),
                ("envoyee", D(2025, 7, 15), "Envoyée pour signature au Conseil départemental."),
                ("signee", D(2025, 8, 28), "Signée par toutes les parties."),
                ("en_cours", D(2025, 9, 1), "Début d'exécution.")),
        installments=((0.4, D(2025, 9, 15), "À la signature de la convention", D(2025, 9, 30)),
                      (0.4, D(2026, 3, 31), "À la remise du bilan intermédiaire",
                       D(2026, 4, 20)),
                      (0.2, D(2027, 2, 28), "À la remise du bilan final et des feuilles "
                       "d'émargement", None)),
        copies=3,
    ),
    ConventionSpec(
        "c_ress_av1", "2026-AUX-001", "avenant",
        "Avenant n° 1 – prolongation jusqu'au 30 juin 2027",
        ("cd89", "sm_puisaye"), "signee", D(2025, 9, 1), D(2027, 6, 30),
        "Le présent avenant prolonge la convention n° 2025-AUX-004 jusqu'au 30 juin 2027 et "
        "porte son montant à 52 000 € ; les autres articles demeurent inchangés.",
        action="ressourcerie", parent="c_ress", amount_cents=5_200_000, evidence=ALL_EVIDENCE,
        events=(("brouillon", D(2026, 10, 14), "Demande d'avenant issue du COPIL n° 4."),
                ("envoyee", D(2026, 10, 21), "Envoyé pour signature."),
                ("signee", D(2026, 11, 5), "Signé par toutes les parties.")),
        # An avenant carries the consolidated values: whole amount, whole schedule.
        installments=((18 / 52, D(2025, 9, 15), "À la signature de la convention",
                       D(2025, 9, 30)),
                      (18 / 52, D(2026, 3, 31), "À la remise du bilan intermédiaire",
                       D(2026, 4, 20)),
                      (16 / 52, D(2027, 9, 30), "À la remise du bilan final et des feuilles "
                       "d'émargement", None)),
        copies=3,
    ),
    ConventionSpec(
        "c_ess", "2026-SAM-001", "objectifs_financement",
        "Coordination et animation d'un événementiel ESS dans le cadre du Mois de l'ESS",
        ("gip_resa",), "en_cours", D(2026, 5, 1), D(2026, 12, 31),
        "Organisation d'un rallye « ESS'Tour » en partenariat avec le réseau des SESS, comité "
        "de pilotage, participation des publics PLIE ; information des participants du "
        "concours financier du FSE+.",
        action="evenementiel_ess", amount_cents=1_000_000, fse_rate=0.47,
        evidence=("emargement", "bilan_intermediaire", "bilan_final", "justificatifs_depenses"),
        events=(("brouillon", D(2026, 3, 20), "Réponse à l'appel à la concurrence retenue."),
                ("envoyee", D(2026, 4, 2), "Envoyée au GIP pour signature."),
                ("signee", D(2026, 4, 24), "Signée ; certificat de démarrage transmis."),
                ("en_cours", D(2026, 5, 1), "Début de la prestation.")),
        installments=((0.5, D(2026, 5, 15), "Avance à la notification", D(2026, 5, 28)),
                      (0.3, D(2026, 9, 30), "À la remise du bilan intermédiaire",
                       D(2026, 10, 12)),
                      (0.2, D(2027, 2, 28), "À la remise du bilan final au 31/12/2026 et des "
                       "feuilles d'émargement", None)),
        signed_place="Maubeuge",
    ),
    ConventionSpec(
        "c_soiree", "2026-SAM-002", "objectifs_financement",
        "Soirée de l'Initiative en Sambre Avesnois", ("gip_resa",), "echue",
        D(2026, 3, 1), D(2026, 9, 30),
        "Organisation d'une soirée de l'initiative sur le territoire de la CAMVS.",
        action="soiree_initiative", amount_cents=600_000, fse_rate=0.47,
        evidence=("emargement", "bilan_final"),
        events=(("brouillon", D(2026, 1, 12), "Projet rédigé."),
                ("envoyee", D(2026, 1, 26), "Envoyée pour signature."),
                ("signee", D(2026, 2, 16), "Signée."),
                ("en_cours", D(2026, 3, 1), "Début de la prestation."),
                ("echue", D(2026, 9, 30), "Convention arrivée à échéance ; bilan remis.")),
        installments=((0.7, D(2026, 3, 15), "À la signature", D(2026, 3, 27)),
                      (0.3, D(2026, 10, 31), "À la remise du bilan final", D(2026, 11, 9))),
        signed_place="Maubeuge",
    ),
    ConventionSpec(
        "c_may1", "2026-MAY-001", "partenariat",
        "Convention de partenariat – accompagnement des clauses d'insertion à Mayotte",
        ("cdr_mayotte", "deets976"), "en_cours", D(2026, 1, 1), D(2026, 12, 31),
        "Appui du CDR Mayotte à la mise en œuvre des clauses d'insertion du PRU de M'Gombani, "
        "cycle de qualification des acteurs, appui à la création de régies de quartier.",
        action="clauses_mayotte", amount_cents=2_400_000, fse_rate=0.6,
        other_funders=({"name": "Conseil départemental de Mayotte", "amount_cents": 300_000},),
        evidence=ALL_EVIDENCE + ("justificatifs_depenses",),
        events=(("brouillon", D(2025, 11, 10), "Projet rédigé avec le CDR Mayotte."),
                ("envoyee", D(2025, 11, 24), "Envoyée pour signature."),
                ("signee", D(2025, 12, 15), "Signée."),
                ("en_cours", D(2026, 1, 1), "Début d'exécution.")),
        installments=((0.3, D(2026, 1, 31), "À la signature", D(2026, 2, 10)),
                      (0.4, D(2026, 7, 31), "À la remise du bilan intermédiaire",
                       D(2026, 8, 20)),
                      (0.3, D(2027, 3, 31), "À la remise du bilan final", None)),
        signed_place="Mamoudzou", copies=3,
    ),
    ConventionSpec(
        "c_may2", "2027-MAY-001", "partenariat",
        "Convention de partenariat – clauses d'insertion à Mayotte, phase 2",
        ("cdr_mayotte", "deets976"), "envoyee", D(2027, 1, 1), D(2027, 6, 30),
        "Extension de la démarche des clauses d'insertion à l'ensemble des marchés publics de "
        "la CADEMA.",
        action="clauses_mayotte", amount_cents=1_200_000, fse_rate=0.6,
        evidence=ALL_EVIDENCE,
        events=(("brouillon", D(2026, 10, 5), "Décision du COPIL n° 2."),
                ("envoyee", D(2026, 11, 16), "Envoyée pour signature.")),
        installments=((0.5, D(2027, 1, 31), "À la signature", None),
                      (0.5, D(2027, 9, 30), "À la remise du bilan final", None)),
        signed_place="Mamoudzou",
    ),
    ConventionSpec(
        "c_locaux", "2027-AUX-001", "mise_a_disposition",
        "Convention de mise à disposition de locaux – Mission Locale de l'Auxerrois",
        ("ml_auxerrois",), "brouillon", D(2027, 1, 1), D(2027, 12, 31),
        "Mise à disposition d'un bureau de permanence deux demi-journées par semaine.",
        events=(("brouillon", D(2026, 11, 18), "Premier projet à relire."),),
    ),
    ConventionSpec(
        "c_charte", "2024-NAT-002", "charte", "Charte de coopération du réseau VITA",
        ("coorace",), "echue", D(2024, 1, 1), D(2025, 12, 31),
        "Principes de coopération entre les acteurs du réseau : mutualisation, échange de "
        "pratiques, capitalisation des expériences.",
        events=(("brouillon", D(2023, 11, 6), "Projet de charte."),
                ("envoyee", D(2023, 11, 20), "Envoyée pour signature."),
                ("signee", D(2023, 12, 14), "Signée."),
                ("en_cours", D(2024, 1, 1), "Entrée en vigueur."),
                ("echue", D(2025, 12, 31), "Arrivée à échéance.")),
        signed_place="Paris",
    ),
    ConventionSpec(
        "c_acld", "2025-SAM-003", "partenariat",
        "Convention de partenariat – clauses sociales dans les marchés de la CAMVS",
        ("acld", "camvs"), "resiliee", D(2025, 9, 1), D(2026, 8, 31),
        "Mobilisation de l'association intermédiaire sur les heures d'insertion des marchés "
        "publics de la CAMVS.",
        amount_cents=450_000, evidence=("emargement", "bilan_final"),
        events=(("brouillon", D(2025, 6, 30), "Projet rédigé."),
                ("envoyee", D(2025, 7, 7), "Envoyée pour signature."),
                ("signee", D(2025, 7, 29), "Signée."),
                ("en_cours", D(2025, 9, 1), "Début d'exécution."),
                ("resiliee", D(2026, 4, 30), "Résiliation notifiée par courrier recommandé.")),
        installments=((0.5, D(2025, 9, 30), "À la signature", D(2025, 10, 8)),
                      (0.5, D(2026, 9, 30), "À la remise du bilan final", None)),
        signed_place="Maubeuge",
        termination_reason="Résiliation d'un commun accord (article 9) : la structure a cessé "
        "l'activité de mise à disposition sur le périmètre de la convention.",
    ),
    ConventionSpec(
        "c_dla", "2026-CCR-001", "objectifs_financement",
        "DLA collectif – accompagnement de sécurisation des futurs résidents de la CCR",
        ("esia",), "signee", D(2027, 1, 1), D(2027, 12, 31),
        "Trois sessions de DLA collectif de six jours et trente jours d'accompagnement "
        "individuel répartis selon les besoins des structures.",
        action="ccr", amount_cents=3_600_000,
        other_funders=({"name": "Région Provence-Alpes-Côte d'Azur", "amount_cents": 1_000_000},),
        evidence=("emargement", "bilan_intermediaire", "bilan_final"),
        events=(("brouillon", D(2026, 9, 1), "Projet issu du GT5."),
                ("envoyee", D(2026, 10, 13), "Envoyée pour signature."),
                ("signee", D(2026, 11, 10), "Signée.")),
        installments=((0.3, D(2027, 1, 31), "À la notification", None),
                      (0.4, D(2027, 6, 30), "À la remise du bilan intermédiaire", None),
                      (0.3, D(2028, 2, 28), "À la remise du bilan final", None)),
        signed_place="Marseille",
    ),
)
