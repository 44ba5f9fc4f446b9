//! Names that French schools really carry, for generated collèges, écoles, CIO and EREA.

/// People most schools are named after.
pub const EPONYMS: &[&str] = &[
    "JEAN JAURÈS", "JULES FERRY", "VICTOR HUGO", "LOUIS PASTEUR", "JEAN MOULIN", "JACQUES PRÉVERT",
    "JULES VERNE", "PAUL ÉLUARD", "MARIE CURIE", "ALBERT CAMUS", "ANATOLE FRANCE", "JEAN MACÉ",
    "PAUL LANGEVIN", "CONDORCET", "VOLTAIRE", "MOLIÈRE", "JEAN DE LA FONTAINE", "ÉMILE ZOLA",
    "LOUISE MICHEL", "SIMONE VEIL", "GEORGES BRASSENS", "ANTOINE DE SAINT-EXUPÉRY", "ROMAIN ROLLAND",
    "HENRI WALLON", "GUSTAVE EIFFEL", "PIERRE ET MARIE CURIE", "JEAN ROSTAND", "ARAGO", "DIDEROT",
    "MONTESQUIEU", "ROUSSEAU", "GEORGE SAND", "COLETTE", "CHARLES PÉGUY", "ARTHUR RIMBAUD",
    "PAUL VERLAINE", "ALEXANDRE DUMAS", "JEAN MERMOZ", "LOUIS ARAGON", "ELSA TRIOLET",
    "PABLO PICASSO", "CLAUDE MONET", "AUGUSTE RENOIR", "HECTOR BERLIOZ", "MAURICE RAVEL",
    "CLAUDE DEBUSSY", "GABRIEL FAURÉ", "JEAN-BAPTISTE CLÉMENT", "GUY MÔQUET", "LUCIE AUBRAC",
    "OLYMPE DE GOUGES", "JEAN ZAY", "PIERRE BROSSOLETTE", "MARCEL PAGNOL", "JEAN GIONO",
    "FRANÇOISE DOLTO", "MARIA MONTESSORI", "CÉLESTIN FREINET", "JACQUES BREL", "BORIS VIAN",
    "RENÉ CASSIN", "NELSON MANDELA", "ROSA PARKS", "MARTIN LUTHER KING", "GERMAINE TILLION",
    "SAMUEL PATY", "JOSÉPHINE BAKER", "GISÈLE HALIMI", "JACQUES-YVES COUSTEAU", "THÉODORE MONOD",
    "ALEXANDRE FLEMING", "HÉLÈNE BOUCHER", "ANNE FRANK", "GASTON BACHELARD", "EUGÈNE DELACROIX",
    "PAUL BERT", "JEAN-JACQUES ROUSSEAU", "SAINT-JUST", "LÉON BLUM", "AIMÉ CÉSAIRE",
];

/// Saints of private (Catholic) schools.
pub const SAINTS: &[&str] = &[
    "SAINT-JOSEPH", "SAINTE-MARIE", "NOTRE-DAME", "SAINT-MICHEL", "SAINT-LOUIS", "JEANNE D'ARC",
    "SAINT-VINCENT-DE-PAUL", "SAINTE-THÉRÈSE", "SAINT-MARTIN", "SAINTE-CLOTILDE", "SAINT-PIERRE",
    "SAINT-JEAN-BAPTISTE DE LA SALLE", "IMMACULÉE CONCEPTION", "SAINTE-JEANNE D'ARC", "SAINT-FRANÇOIS D'ASSISE",
];

/// Places many écoles are named after.
pub const PLACES: &[&str] = &[
    "DU CENTRE", "DU BOURG", "DES TILLEULS", "DES CHARMILLES", "DE LA GARE", "DES PRÉS", "LES GRANDS CHAMPS",
    "LE PETIT PRINCE", "LES LILAS", "LES PEUPLIERS", "DU PARC", "DES CERISIERS", "LA FONTAINE",
    "LES SABLONS", "DU CHÂTEAU", "LES MARRONNIERS", "DES VIGNES", "DU MOULIN", "LES ACACIAS", "DE LA MAIRIE",
];

pub const ECOLE_KINDS: &[&str] = &["ÉCOLE ÉLÉMENTAIRE", "ÉCOLE MATERNELLE", "ÉCOLE PRIMAIRE"];

/// Personal mail providers establishments' staff really use, with their rough share.
pub const PROVIDERS: &[(&str, u32)] = &[
    ("gmail.com", 30),
    ("orange.fr", 18),
    ("wanadoo.fr", 9),
    ("free.fr", 10),
    ("hotmail.fr", 8),
    ("yahoo.fr", 6),
    ("laposte.net", 6),
    ("sfr.fr", 5),
    ("outlook.fr", 5),
    ("icloud.com", 3),
];

/// Local parts of functional addresses besides `ce.<uai>`.
pub const FUNCTIONS: &[&str] = &["secretariat", "direction", "intendance", "vie-scolaire", "examens"];
