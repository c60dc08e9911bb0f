/*
 * iom-graph map: the page's own words in English, French and Spanish, and the choice of
 * language. Texts about the data (names, methods, phrases) come from the API in the
 * language asked for; only the interface is translated here.
 */
(function () {
  "use strict";

  var LANGUAGES = ["en", "fr", "es"];

  var STRINGS = {
    en: {
      title: "IOM regional offices and the countries they support",
      structure: "Structure",
      otherDay: "Other day",
      language: "Language",
      inGraphiql: "This query in GraphiQL",
      loading: "Loading…",
      failed: "The API did not answer: ",
      mapLabel: "World map of the countries each IOM regional office supports",
      infoHint: "Hover over or focus a country to see its office.",
      noPage: "no page",
      mapHelp: "Countries are focusable: Tab through them, Enter opens their office.",
      offices: "Regional offices",
      tableView: "Table view",
      downloadCsv: "Download CSV",
      country: "Country",
      office: "Regional office",
      confidence: "Confidence",
      method: "How the list was established",
      footer: "Data: the iom-graph GraphQL API. Geometry: Natural Earth via world-atlas (public domain).",
      seedStructure: "The structure IOM’s French page describes",
      today: "Today",
      officesCount: "{n} offices",
      noOffice: "No regional office",
      unsupportedNote: "supported by no office on this day",
      mergedInto: "merged into {name} ({year})",
      mergedFrom: "follows {names}",
      uncertain: "in force uncertain on this day",
      dataQuality: "Data quality",
      caption: "{n} countries supported by {k} regional offices on {day}; {m} by none.",
      HIGH: "high (an IOM page lists them)",
      MEDIUM: "medium (derived from an IOM count or partial list)",
      LOW: "low (no IOM list found: derived)",
      confShort: { HIGH: "high", MEDIUM: "medium", LOW: "low" },
      hostCity: "Host city",
      basedIn: "Based in",
      validity: "Validity",
      from: "from {d}",
      until: "until {d}",
      open: "no end reported",
      unknownStart: "start not dated",
      coverage: "Countries supported",
      institutions: "Institutions",
      sources: "Sources",
      seedPhrase: "IOM’s French page says",
      pageQuote: "Words of the office's own page",
      source: "source",
      close: "Close",
      officeQuery: "This office's query in GraphiQL",
      succession: "Changes",
      openOffice: "Open the panel of {name}",
      countriesN: "{n} countries",
      precision: { YEAR: "year", MONTH: "month", DAY: "day" },
      disclaimer: "The boundaries and names shown and the designations used on this map do not imply official endorsement or acceptance by IOM.",
      filter: "Filter",
      iomPage: "IOM’s page on this office",
      onlyEnglish: "(only in English)",
    },
    fr: {
      title: "Les bureaux régionaux de l’OIM et les pays qu’ils appuient",
      structure: "Structure",
      otherDay: "Autre jour",
      language: "Langue",
      inGraphiql: "Cette requête dans GraphiQL",
      loading: "Chargement…",
      failed: "L’API n’a pas répondu : ",
      mapLabel: "Carte du monde des pays appuyés par chaque bureau régional de l’OIM",
      infoHint: "Survolez un pays ou donnez-lui le focus pour voir son bureau.",
      noPage: "aucune page",
      mapHelp: "Les pays reçoivent le focus : Tab pour les parcourir, Entrée ouvre leur bureau.",
      offices: "Bureaux régionaux",
      tableView: "Vue en tableau",
      downloadCsv: "Télécharger en CSV",
      country: "Pays",
      office: "Bureau régional",
      confidence: "Confiance",
      method: "Comment la liste a été établie",
      footer: "Données : l’API GraphQL iom-graph. Géométrie : Natural Earth via world-atlas (domaine public).",
      seedStructure: "La structure que décrit la page de l’OIM",
      today: "Aujourd’hui",
      officesCount: "{n} bureaux",
      noOffice: "Aucun bureau régional",
      unsupportedNote: "appuyé par aucun bureau ce jour-là",
      mergedInto: "fusionné dans {name} ({year})",
      mergedFrom: "succède à {names}",
      uncertain: "en vigueur incertaine ce jour-là",
      dataQuality: "Qualité des données",
      caption: "{n} pays appuyés par {k} bureaux régionaux le {day} ; {m} par aucun.",
      HIGH: "élevée (une page de l’OIM les énumère)",
      MEDIUM: "moyenne (déduite d’un décompte ou d’une liste partielle de l’OIM)",
      LOW: "faible (aucune liste de l’OIM trouvée : déduite)",
      confShort: { HIGH: "élevée", MEDIUM: "moyenne", LOW: "faible" },
      hostCity: "Ville",
      basedIn: "Basé à",
      validity: "Validité",
      from: "depuis {d}",
      until: "jusqu’en {d}",
      open: "aucune fin signalée",
      unknownStart: "début non daté",
      coverage: "Pays appuyés",
      institutions: "Institutions",
      sources: "Sources",
      seedPhrase: "La page de l’OIM dit",
      pageQuote: "Mots de la page du bureau",
      source: "source",
      close: "Fermer",
      officeQuery: "La requête de ce bureau dans GraphiQL",
      succession: "Changements",
      openOffice: "Ouvrir le panneau de {name}",
      countriesN: "{n} pays",
      precision: { YEAR: "année", MONTH: "mois", DAY: "jour" },
      disclaimer: "Les frontières et les noms indiqués et les désignations employées sur cette carte n’impliquent ni reconnaissance ni acceptation officielle de la part de l’OIM.",
      filter: "Filtrer",
      iomPage: "La page de l’OIM sur ce bureau",
      onlyEnglish: "(en anglais seulement)",
    },
    es: {
      title: "Las oficinas regionales de la OIM y los países que apoyan",
      structure: "Estructura",
      otherDay: "Otro día",
      language: "Idioma",
      inGraphiql: "Esta consulta en GraphiQL",
      loading: "Cargando…",
      failed: "La API no respondió: ",
      mapLabel: "Mapa mundial de los países que apoya cada oficina regional de la OIM",
      infoHint: "Pase el puntero sobre un país o déle el foco para ver su oficina.",
      noPage: "ninguna página",
      mapHelp: "Los países reciben el foco: Tab para recorrerlos, Intro abre su oficina.",
      offices: "Oficinas regionales",
      tableView: "Vista de tabla",
      downloadCsv: "Descargar CSV",
      country: "País",
      office: "Oficina regional",
      confidence: "Confianza",
      method: "Cómo se estableció la lista",
      footer: "Datos: la API GraphQL iom-graph. Geometría: Natural Earth vía world-atlas (dominio público).",
      seedStructure: "La estructura que describe la página francesa de la OIM",
      today: "Hoy",
      officesCount: "{n} oficinas",
      noOffice: "Ninguna oficina regional",
      unsupportedNote: "sin oficina ese día",
      mergedInto: "fusionada en {name} ({year})",
      mergedFrom: "sucede a {names}",
      uncertain: "vigencia incierta ese día",
      dataQuality: "Calidad de los datos",
      caption: "{n} países apoyados por {k} oficinas regionales el {day}; {m} por ninguna.",
      HIGH: "alta (una página de la OIM los enumera)",
      MEDIUM: "media (deducida de un recuento o una lista parcial de la OIM)",
      LOW: "baja (no se encontró lista de la OIM: deducida)",
      confShort: { HIGH: "alta", MEDIUM: "media", LOW: "baja" },
      hostCity: "Ciudad",
      basedIn: "Con sede en",
      validity: "Vigencia",
      from: "desde {d}",
      until: "hasta {d}",
      open: "sin fin comunicado",
      unknownStart: "inicio sin fecha",
      coverage: "Países apoyados",
      institutions: "Instituciones",
      sources: "Fuentes",
      seedPhrase: "La página francesa de la OIM dice",
      pageQuote: "Palabras de la página de la oficina",
      source: "fuente",
      close: "Cerrar",
      officeQuery: "La consulta de esta oficina en GraphiQL",
      succession: "Cambios",
      openOffice: "Abrir el panel de {name}",
      countriesN: "{n} países",
      precision: { YEAR: "año", MONTH: "mes", DAY: "día" },
      disclaimer: "Los límites y los nombres indicados y las denominaciones empleadas en este mapa no implican reconocimiento ni aceptación oficial por parte de la OIM.",
      filter: "Filtrar",
      iomPage: "La página de la OIM sobre esta oficina",
      onlyEnglish: "(solo en inglés)",
    },
  };

  // RelationshipKind values, as short phrases (the SDL describes each by its French verb).
  var RELATIONSHIPS = {
    COOPERATES_WITH: ["cooperates with", "coopère avec", "coopera con"],
    SUPPORTS: ["supports", "appuie", "apoya"],
    LIAISON: ["liaison with", "assure la liaison avec", "enlace con"],
    NEGOTIATION_CONSULTATION: ["negotiation and consultation", "négociation et consultation", "negociación y consulta"],
    RELATIONS: ["relations with", "relations avec", "relaciones con"],
    TECHNICAL_SECRETARIAT: ["technical secretariat of", "secrétariat technique de", "secretaría técnica de"],
    CO_CHAIRS: ["co-chairs", "copréside", "copreside"],
    REPRESENTS_IOM_AT: ["represents IOM at", "représente l’OIM auprès de", "representa a la OIM ante"],
    CAPACITY_BUILDING: ["capacity building for", "renforcement des capacités de", "fortalecimiento de capacidades de"],
    COLLABORATES_WITH: ["collaborates with", "collabore avec", "colabora con"],
    TECHNICAL_SUPPORT: ["technical support to", "soutien technique à", "apoyo técnico a"],
    TECHNICAL_SUPPORT_THROUGH: ["technical support through", "soutien technique au titre de", "apoyo técnico a través de"],
    HOSTS: ["hosts", "héberge", "acoge"],
    ACTS_ON_BEHALF_OF: ["acts on behalf of", "agit pour le compte de", "actúa en nombre de"],
    PROMOTES: ["promotes", "promeut", "promueve"],
    CONVENES: ["convenes", "réunit", "convoca"],
    COVERS_MEMBER_STATES_OF: ["supports offices in member states of", "appuie les bureaux des États membres de", "apoya las oficinas en los Estados miembros de"],
  };

  // What each source of an office states (Source.fact, an editor's key such as
  // "region_seed_phrase (fr)"), in words for people.
  var FACTS = {
    "name (en)": ["English name", "nom en anglais", "nombre en inglés"],
    "name (fr)": ["French name", "nom en français", "nombre en francés"],
    "city (en)": ["city, in English", "ville, en anglais", "ciudad, en inglés"],
    "city (fr)": ["city, in French", "ville, en français", "ciudad, en francés"],
    "city (es)": ["city, in Spanish", "ville, en espagnol", "ciudad, en español"],
    "region (en)": ["region, in English", "région, en anglais", "región, en inglés"],
    "region (fr)": ["region, in French", "région, en français", "región, en francés"],
    "region_seed_phrase (fr)": ["region, as IOM’s French page words it", "région, dans les mots de la page de l’OIM", "región, con las palabras de la página francesa de la OIM"],
    seed_heading: ["heading on IOM’s French page", "titre sur la page de l’OIM", "título en la página francesa de la OIM"],
    coverage: ["countries supported", "pays appuyés", "países apoyados"],
    notes: ["notes", "notes", "notas"],
    status: ["status", "statut", "situación"],
  };

  function factLabel(lang, fact) {
    var labels = FACTS[fact];
    return labels ? labels[LANGUAGES.indexOf(lang)] : fact.replace(/_/g, " ");
  }

  // The one place a country's displayed name is chosen (map, info box, table): the name the
  // API gives in the page's language.
  // The name people use: ISO's common short name where it gives one ("Bolivia" rather than
  // "Bolivia, Plurinational State of"), else the country's name (ISO's, or CLDR's in French
  // and Spanish where ISO has none).
  function countryName(country) {
    return country.shortName || country.name;
  }

  function t(lang, key, values) {
    var text = STRINGS[lang][key];
    if (text === undefined) {
      text = STRINGS.en[key];
    }
    if (typeof text !== "string") {
      return text;
    }
    return text.replace(/\{(\w+)\}/g, function (_whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : "";
    });
  }

  function relationship(lang, kind) {
    var labels = RELATIONSHIPS[kind];
    return labels ? labels[LANGUAGES.indexOf(lang)] : kind.toLowerCase().replace(/_/g, " ");
  }

  // The first of the browser's languages (navigator.languages: its Accept-Language order)
  // that the page speaks, else English.
  function preferredLanguage() {
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
    for (var i = 0; i < wanted.length; i++) {
      var base = String(wanted[i]).toLowerCase().split("-")[0];
      if (LANGUAGES.indexOf(base) >= 0) {
        return base;
      }
    }
    return "en";
  }

  // Writes the page's static words (elements with data-i18n) in `lang`.
  function translatePage(lang) {
    document.documentElement.lang = lang;
    document.title = t(lang, "title");
    var nodes = document.querySelectorAll("[data-i18n]");
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = t(lang, nodes[i].getAttribute("data-i18n"));
    }
    document.getElementById("map").setAttribute("aria-label", t(lang, "mapLabel"));
  }

  window.IomMap = window.IomMap || {};
  window.IomMap.i18n = {
    LANGUAGES: LANGUAGES,
    t: t,
    relationship: relationship,
    factLabel: factLabel,
    countryName: countryName,
    preferredLanguage: preferredLanguage,
    translatePage: translatePage,
  };
})();
