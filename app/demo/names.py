"""Word lists the demo generator draws from: first and last names, functions, places.

Every name here is invented by combination: no list pairs a first name with a last name,
so the people of the demo are fictitious even when an organisation is real. The lists
deliberately contain what French data really holds and software often mishandles:
accents (Séverine, Hélène, Jérôme), hyphens (Jean-Baptiste, Marie-Claire), apostrophes
(N'Diaye, D'Almeida), particles (Le Goff, Da Silva) and Mahoran names (Anli, Zaïnaba,
Attoumani, Soilihi) for the people of Mayotte.
"""

from __future__ import annotations

# --- First names ------------------------------------------------------------------------

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Séverine", "Hélène", "Marie-Claire", "Anne-Sophie", "Élodie", "Nathalie", "Sandrine",
    "Cécile", "Laëtitia", "Maëlle", "Chloé", "Inès", "Fatoumata", "Aïcha", "Noémie",
    "Mélanie", "Valérie", "Agnès", "Béatrice", "Françoise", "Émilie", "Claire", "Sophie",
    "Isabelle", "Léa", "Camille", "Zoé", "Marie-Hélène", "Anne-Laure", "Géraldine",
    "Aurélie", "Virginie", "Karine", "Estelle", "Gaëlle", "Solène", "Ophélie", "Josiane",
    "Monique", "Brigitte", "Christelle", "Delphine", "Frédérique", "Pascale", "Rachida",
    "Samia", "Yasmine", "Mathilde", "Pauline", "Margaux", "Clémence", "Océane", "Manon",
    "Jeanne", "Louise", "Bérénice", "Annick", "Ghislaine", "Murielle",
    "Marie-José", "Léonie", "Nadège", "Maryse", "Lucie", "Justine", "Romane", "Coralie",
)

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Jérôme", "Jean-Baptiste", "Jean-François", "Frédéric", "Stéphane", "Sébastien",
    "François", "Benoît", "Hervé", "Grégory", "Rémi", "Joël", "Loïc", "Mathéo", "Cédric",
    "Olivier", "Thierry", "Christophe", "Karim", "Mamadou", "Yannick", "Pierre-Yves",
    "Éric", "Gaël", "Noël", "Raphaël", "Aurélien", "Julien", "Nicolas", "Jean-Luc",
    "Jean-Marc", "Jean-Michel", "Marc-Antoine", "Guillaume", "Ludovic", "Bruno", "Damien",
    "Fabrice", "Gérard", "Patrice", "Régis", "Didier", "Michaël", "Anthony", "Kévin",
    "Mehdi", "Youssef", "Samuel", "Théo", "Hugo", "Lucas", "Antoine", "Arnaud", "Baptiste",
    "Clément", "Étienne", "Félix", "Gaëtan", "Jérémie", "Léon", "Maxime", "Timothée",
    "Xavier", "Yves", "André", "René", "Hugues", "Lionel",
)

MAHORAN_FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Zaïnaba", "Anzizat", "Fatima", "Echati", "Zalifa", "Mariama", "Faïza", "Rahamatou",
    "Nafissata", "Zaharia", "Moinaécha", "Sitti", "Hadidja", "Roukia", "Mouniati",
    "Anlia", "Nouriat", "Chamsia", "Oumouri", "Dhoimrati",
)

MAHORAN_MALE_FIRST_NAMES: tuple[str, ...] = (
    "Anli", "Attoumani", "Madi", "Ahamada", "Moussa", "Nassuf", "Anfane", "Bacar",
    "Housseini", "Chamsidine", "Dhoimir", "Ibrahim", "Issouf", "Faïdine", "Mouhamadi",
    "Soumaïla", "Abdallah", "Ousseni", "Ambdi", "Zoubert",
)

# --- Last names -------------------------------------------------------------------------

LAST_NAMES: tuple[str, ...] = (
    "Mercier", "Lefèvre", "Dubois", "Ménard", "N'Diaye", "D'Almeida", "Le Goff", "Hélias",
    "Bénard", "Leclère", "Da Silva", "Saint-Martin", "De Oliveira", "Ben Saïd", "Traoré",
    "Nguyen", "Béchu", "Morel", "Guérin", "Rémy", "Faure", "Girard", "Chevallier",
    "Lambert", "Roussel", "Perrin", "Moreau", "Garnier", "Poirier", "Brunet", "Gauthier",
    "Renaud", "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand",
    "Leroy", "Simon", "Laurent", "Michel", "Lefebvre", "Garcia", "David", "Bertrand",
    "Roux", "Vincent", "Fournier", "Girardot", "Bonnet", "Dupont", "Lambertin", "Fontaine",
    "Rousseau", "Blanc", "Guérard", "Muller", "Henry", "Rivière", "Noël", "Meunier",
    "Dumas", "Brun", "Blanchard", "Giraud", "Joly", "Gaillard", "Barbier", "Arnaud",
    "Roche", "Renard", "Schmitt", "Colin", "Vidal", "Caron", "Picard", "Roger", "Aubert",
    "Lemoine", "Lemaire", "Delattre", "Vandenberghe", "Wattiez", "Delcourt", "Carpentier",
    "Dujardin", "Leroux", "Deschamps", "Vasseur", "Lecomte", "Deprez", "Hennebelle",
    "Descamps", "Boulanger", "Cousin", "Desmet", "Verbeke", "Lheureux", "Évrard",
    "Chauvin", "Bouchard", "Marchand", "Prévost", "Besnard", "Lebrun", "Charpentier",
    "Cordier", "Maréchal", "Tessier", "Pelletier", "Benoît", "Collet", "Léger", "Huet",
    "Jacquot", "Millot", "Guyot", "Bourgeois", "Ravier", "Maillard", "Chaumont", "Paquet",
    "Bidault", "Bouvier", "Camus", "Thévenin", "Courtois", "Perraud", "Jouannet",
    "L'Hôte", "D'Arcy", "O'Neill", "Le Bihan", "Le Floch", "Du Pont", "Dos Santos",
    "Ferreira", "Pereira", "Rodrigues", "Benali", "Belkacem", "Haddad", "Mansouri",
    "Kaci", "Diallo", "Coulibaly", "Camara", "Keïta", "Konaté", "Sy", "Baptiste", "Pierre",
    "Jean-Louis", "Marie-Sainte", "Mathieu", "Hoarau", "Payet", "Grondin", "Fontaine-Ménard",
    "Dubois-Aubry", "Martin-Lagarde", "Lacroix", "Chevalier", "Gros", "Hubert", "Berger",
    "Carré", "Bailly", "Hervé", "Perret", "Sanchez", "Morin", "Clément", "Dufour",
    "Boyer", "Lucas", "Masson", "Nicolas", "Mathis", "Gérard", "André", "Lemaître",
    "Royer", "Guillot", "Riché", "Jobert", "Thibault", "Godard", "Ollivier", "Besson",
)

MAHORAN_LAST_NAMES: tuple[str, ...] = (
    "Attoumani", "Soilihi", "Madi", "Ahamada", "Ali Mohamed", "Combo", "Boinali",
    "Houmadi", "Abdallah", "Saïd", "Mdallah", "Anli", "Bacar", "Mlanao", "Youssouf",
    "Hamada", "Ousseni", "Chanfi", "Ambdi", "Daroussi", "Ben Ali", "Mchangama", "Toumbou",
    "Souffou", "Kassim", "M'Colo", "Zoubert", "Assani", "Hamidou", "Boura",
)

# --- Functions (masculine, feminine) -----------------------------------------------------

FUNCTIONS_SIAE: tuple[tuple[str, str], ...] = (
    ("Directeur", "Directrice"),
    ("Conseiller en insertion professionnelle (CIP)", "Conseillère en insertion professionnelle (CIP)"),
    ("Encadrant technique", "Encadrante technique"),
    ("Chargé d'accompagnement socioprofessionnel", "Chargée d'accompagnement socioprofessionnel"),
    ("Chargé de relations entreprises", "Chargée de relations entreprises"),
    ("Président", "Présidente"),
    ("Assistant administratif", "Assistante administrative"),
    ("Coordinateur", "Coordinatrice"),
)

FUNCTIONS_ELU: tuple[tuple[str, str], ...] = (
    ("Vice-président chargé de l'insertion", "Vice-présidente chargée de l'insertion"),
    ("Maire", "Maire"),
    ("Conseiller communautaire délégué à l'ESS", "Conseillère communautaire déléguée à l'ESS"),
    ("Adjoint au maire chargé de l'emploi", "Adjointe au maire chargée de l'emploi"),
    ("Conseiller départemental", "Conseillère départementale"),
    ("Élu référent", "Élue référente"),
)

FUNCTIONS_TECHNICIEN: tuple[tuple[str, str], ...] = (
    ("Chargé de mission développement économique", "Chargée de mission développement économique"),
    ("Responsable du service politique de la ville", "Responsable du service politique de la ville"),
    ("Facilitateur des clauses sociales", "Facilitatrice des clauses sociales"),
    ("Chargé de mission environnement", "Chargée de mission environnement"),
    ("Directeur général des services", "Directrice générale des services"),
    ("Chargé de mission insertion", "Chargée de mission insertion"),
)

FUNCTIONS_INSTITUTIONNEL: tuple[tuple[str, str], ...] = (
    ("Conseiller emploi", "Conseillère emploi"),
    ("Référent PLIE", "Référente PLIE"),
    ("Chargé de mission IAE", "Chargée de mission IAE"),
    ("Directeur territorial", "Directrice territoriale"),
    ("Délégué régional", "Déléguée régionale"),
    ("Chargé d'études", "Chargée d'études"),
    ("Conseiller en insertion", "Conseillère en insertion"),
    ("Chargé de mission", "Chargée de mission"),
)

FUNCTIONS_ENTREPRISE: tuple[tuple[str, str], ...] = (
    ("Responsable des ressources humaines", "Responsable des ressources humaines"),
    ("Gérant", "Gérante"),
    ("Chargé de mission RSE", "Chargée de mission RSE"),
    ("Conducteur de travaux", "Conductrice de travaux"),
    ("Directeur d'agence", "Directrice d'agence"),
)

FUNCTIONS_FORMATION: tuple[tuple[str, str], ...] = (
    ("Formateur", "Formatrice"),
    ("Responsable pédagogique", "Responsable pédagogique"),
    ("Directeur", "Directrice"),
)

FUNCTIONS_PUBLIC: tuple[tuple[str, str], ...] = (
    ("Participant PLIE", "Participante PLIE"),
    ("Salarié en parcours d'insertion", "Salariée en parcours d'insertion"),
    ("Jeune accompagné", "Jeune accompagnée"),
)

# --- Places -----------------------------------------------------------------------------

STREETS: tuple[str, ...] = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo",
    "place de l'Hôtel de Ville", "rue du Pont", "chemin des Vignes", "rue des Écoles",
    "boulevard Vauban", "rue Paul Bert", "rue de la Gare", "allée des Tilleuls",
    "impasse des Lilas", "rue du Temple", "quai de la République", "rue Marie Noël",
    "rue Gambetta", "avenue Charles de Gaulle", "rue Pasteur", "rue de l'Église",
    "route de Toucy", "rue du Moulin", "place du Marché", "rue des Artisans",
    "avenue de la Libération", "rue Jules Ferry", "rue Émile Zola", "rue de Paris",
    "rue Saint-Éloi", "rue du Château", "chemin de la Fontaine", "rue Pierre Larousse",
    "rue des Tanneurs", "avenue du Général Leclerc", "rue Louise Michel", "rue de Verdun",
)

MAYOTTE_STREETS: tuple[str, ...] = (
    "rue du Commerce", "boulevard Mawana Madi", "route nationale 1", "rue Mahabou",
    "place Mariage", "rue de l'Hôpital", "rue du Stade", "chemin de la Mosquée",
    "rue Sarahangué", "route de Vahibé",
)

# (postcode, city, territory, landline prefix after +33 / +262)
Commune = tuple[str, str, str, str]

COMMUNES: tuple[Commune, ...] = (
    # Yonne — Auxerrois
    ("89000", "Auxerre", "Auxerrois", "+33386"),
    ("89470", "Monéteau", "Auxerrois", "+33386"),
    ("89000", "Saint-Georges-sur-Baulche", "Auxerrois", "+33386"),
    ("89380", "Appoigny", "Auxerrois", "+33386"),
    ("89240", "Chevannes", "Auxerrois", "+33386"),
    ("89000", "Perrigny", "Auxerrois", "+33386"),
    ("89290", "Venoy", "Auxerrois", "+33386"),
    ("89290", "Champs-sur-Yonne", "Auxerrois", "+33386"),
    ("89250", "Gurgy", "Auxerrois", "+33386"),
    ("89580", "Coulanges-la-Vineuse", "Auxerrois", "+33386"),
    ("89110", "Aillant-sur-Tholon", "Auxerrois", "+33386"),
    ("89240", "Escamps", "Auxerrois", "+33386"),
    ("89250", "Seignelay", "Auxerrois", "+33386"),
    # Yonne — Puisaye-Forterre
    ("89130", "Toucy", "Puisaye-Forterre", "+33386"),
    ("89170", "Saint-Fargeau", "Puisaye-Forterre", "+33386"),
    ("89520", "Saint-Sauveur-en-Puisaye", "Puisaye-Forterre", "+33386"),
    ("89220", "Bléneau", "Puisaye-Forterre", "+33386"),
    ("89120", "Charny Orée de Puisaye", "Puisaye-Forterre", "+33386"),
    ("89560", "Courson-les-Carrières", "Puisaye-Forterre", "+33386"),
    ("89520", "Treigny", "Puisaye-Forterre", "+33386"),
    ("89130", "Mézilles", "Puisaye-Forterre", "+33386"),
    ("89350", "Champignelles", "Puisaye-Forterre", "+33386"),
    ("89560", "Ouanne", "Puisaye-Forterre", "+33386"),
    ("89240", "Pourrain", "Puisaye-Forterre", "+33386"),
    # Yonne — other territories
    ("89100", "Sens", "Sénonais", "+33386"),
    ("89300", "Joigny", "Jovinien", "+33386"),
    ("89400", "Migennes", "Jovinien", "+33386"),
    ("89200", "Avallon", "Avallonnais", "+33386"),
    ("89700", "Tonnerre", "Tonnerrois", "+33386"),
    ("89800", "Chablis", "Chablisien", "+33386"),
    ("89600", "Saint-Florentin", "Florentinois", "+33386"),
    ("89500", "Villeneuve-sur-Yonne", "Sénonais", "+33386"),
    # Nord — Sambre-Avesnois
    ("59600", "Maubeuge", "Sambre-Avesnois", "+33327"),
    ("59330", "Hautmont", "Sambre-Avesnois", "+33327"),
    ("59460", "Jeumont", "Sambre-Avesnois", "+33327"),
    ("59620", "Aulnoye-Aymeries", "Sambre-Avesnois", "+33327"),
    ("59440", "Avesnes-sur-Helpe", "Sambre-Avesnois", "+33327"),
    ("59610", "Fourmies", "Sambre-Avesnois", "+33327"),
    ("59530", "Le Quesnoy", "Sambre-Avesnois", "+33327"),
    ("59750", "Feignies", "Sambre-Avesnois", "+33327"),
    ("59720", "Louvroil", "Sambre-Avesnois", "+33327"),
    ("59680", "Ferrière-la-Grande", "Sambre-Avesnois", "+33327"),
    ("59145", "Berlaimont", "Sambre-Avesnois", "+33327"),
    ("59550", "Landrecies", "Sambre-Avesnois", "+33327"),
    ("59132", "Trélon", "Sambre-Avesnois", "+33327"),
    ("59570", "Bavay", "Sambre-Avesnois", "+33327"),
    ("59300", "Valenciennes", "Valenciennois", "+33327"),
    ("59400", "Cambrai", "Cambrésis", "+33327"),
    ("59000", "Lille", "Métropole lilloise", "+33320"),
    ("59100", "Roubaix", "Métropole lilloise", "+33320"),
    # Mayotte
    ("97600", "Mamoudzou", "Mayotte", "+262269"),
    ("97615", "Dzaoudzi", "Mayotte", "+262269"),
    ("97615", "Pamandzi", "Mayotte", "+262269"),
    ("97690", "Koungou", "Mayotte", "+262269"),
    ("97660", "Dembéni", "Mayotte", "+262269"),
    ("97650", "Bandraboua", "Mayotte", "+262269"),
    ("97640", "Sada", "Mayotte", "+262269"),
    ("97620", "Chirongui", "Mayotte", "+262269"),
    ("97680", "Tsingoni", "Mayotte", "+262269"),
    ("97670", "Ouangani", "Mayotte", "+262269"),
    ("97670", "Chiconi", "Mayotte", "+262269"),
    ("97660", "Bandrélé", "Mayotte", "+262269"),
    ("97630", "Mtsamboro", "Mayotte", "+262269"),
    # Provence
    ("13001", "Marseille", "Marseille", "+33491"),
    ("13003", "Marseille", "Marseille", "+33491"),
    ("13015", "Marseille", "Marseille", "+33491"),
    ("13400", "Aubagne", "Pays d'Aubagne", "+33442"),
    ("13300", "Salon-de-Provence", "Pays salonais", "+33490"),
    ("13100", "Aix-en-Provence", "Pays d'Aix", "+33442"),
    # Bourgogne-Franche-Comté
    ("21000", "Dijon", "Dijonnais", "+33380"),
    ("25000", "Besançon", "Grand Besançon", "+33381"),
    ("58000", "Nevers", "Nivernais", "+33386"),
    ("71100", "Chalon-sur-Saône", "Chalonnais", "+33385"),
    ("39100", "Dole", "Jura nord", "+33384"),
    ("39000", "Lons-le-Saunier", "Jura sud", "+33384"),
    ("90000", "Belfort", "Nord Franche-Comté", "+33384"),
    # Elsewhere
    ("75011", "Paris", "Paris", "+33143"),
    ("93100", "Montreuil", "Seine-Saint-Denis", "+33148"),
    ("38000", "Grenoble", "Grenoble-Alpes", "+33476"),
    ("35000", "Rennes", "Rennes Métropole", "+33299"),
    ("44000", "Nantes", "Nantes Métropole", "+33240"),
    ("31000", "Toulouse", "Toulouse Métropole", "+33561"),
    ("49000", "Angers", "Angers Loire Métropole", "+33241"),
    ("76000", "Rouen", "Métropole Rouen Normandie", "+33235"),
    ("69003", "Lyon", "Métropole de Lyon", "+33478"),
)

# Words for synthetic organisation names (large scale).
ACTIVITY_WORDS: tuple[str, ...] = (
    "Espaces verts", "Bâtiment", "Maraîchage", "Recyclerie", "Couture", "Mobilité",
    "Services", "Propreté", "Patrimoine", "Bois", "Cycles", "Restauration", "Numérique",
    "Logistique", "Environnement", "Entretien", "Jardins", "Tri", "Menuiserie", "Culture",
)

ASSOCIATION_WORDS: tuple[str, ...] = (
    "Solidarité", "Tremplin", "Passerelle", "Horizon", "Entraide", "Avenir", "Réussite",
    "Rebond", "Cap", "Élan", "Partage", "Trait d'union", "Boussole", "Envol", "Essor",
    "Racines", "Ricochet", "Relais", "Renouveau", "Escale",
)

PROJECT_WORDS: tuple[str, ...] = (
    "Ressourcerie", "Garage solidaire", "Épicerie solidaire", "Tiers-lieu",
    "Plateforme mobilité", "Jardins d'insertion", "Légumerie solidaire", "Atelier vélo",
    "Conciergerie solidaire", "Chantier patrimoine", "Clauses d'insertion", "Forum emploi",
    "Pôle territorial de coopération économique", "Cuisine partagée", "Friperie solidaire",
)
