/*
 * iom-graph map: the legend, the confidence key and an office's panel (the table view is
 * table.js).
 * Every text from the API is set as textContent (never parsed as HTML), and only http(s)
 * links are made into anchors.
 */
(function () {
  "use strict";

  var i18n = window.IomMap.i18n;
  var render = window.IomMap.render;

  var el = render.el;

  function link(url, text) {
    if (!/^https?:\/\//.test(url || "")) {
      return el("span", {}, text);
    }
    return el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, text || url);
  }

  function swatch(fill) {
    var svg = render.element("svg", { class: "swatch", viewBox: "0 0 20 14", "aria-hidden": "true" });
    render.element("rect", { width: 20, height: 14, fill: fill }, svg);
    return svg;
  }

  function officeNotes(office, view) {
    var t = i18n.t.bind(null, view.lang);
    var notes = [[office.city || office.location, t("confidence").toLowerCase() + " " + t("confShort")[office.coverage.confidence],
      t("countriesN", { n: view.counts[office.slug] || 0 })].filter(Boolean).join(" · ")];
    office.successors.forEach(function (edge) {
      var year = edge.node.validFrom ? edge.node.validFrom.value.slice(0, 4) : "?";
      notes.push(t("mergedInto", { name: edge.node.name, year: year }));
    });
    if (office.predecessors.length > 0) {
      notes.push(t("mergedFrom", { names: office.predecessors.map(function (e) { return e.node.name; }).join(", ") }));
    }
    if (office.inForce === "UNCERTAIN") {
      notes.push(t("uncertain"));
    }
    return notes.filter(Boolean);
  }

  function legend(list, view, onOpen) {
    list.textContent = "";
    view.offices.forEach(function (office) {
      var button = el("button", {
        type: "button", class: "office", "data-office": office.slug,
        "data-colour": view.colours[office.slug], "aria-controls": "panel",
        title: i18n.t(view.lang, "openOffice", { name: office.name }),
      });
      button.appendChild(swatch(view.fills[office.slug]));
      var words = el("span", { class: "words" });
      words.appendChild(el("span", { class: "name" }, office.name));
      officeNotes(office, view).forEach(function (note) {
        words.appendChild(el("span", { class: "note" }, note));
      });
      button.appendChild(words);
      button.addEventListener("click", function () { onOpen(office.slug); });
      var item = el("li");
      item.appendChild(button);
      list.appendChild(item);
    });
    var none = el("li", { class: "none" });
    none.appendChild(swatch(render.NONE));
    none.appendChild(el("span", { class: "name" }, i18n.t(view.lang, "noOffice")));
    list.appendChild(none);
  }

  function confidenceKey(list, lang, defs) {
    list.textContent = "";
    render.CONFIDENCES.forEach(function (confidence) {
      var item = el("li", { "data-confidence": confidence });
      item.appendChild(swatch(render.keyFill(defs, confidence)));
      item.appendChild(el("span", {}, i18n.t(lang, "confidence") + ": " + i18n.t(lang, confidence)));
      list.appendChild(item);
    });
  }

  // A text the API gives in English only (notes, methods): marked as English, and said to be
  // so when the page speaks another language.
  function englishText(tag, attributes, text, lang) {
    var node = el(tag, Object.assign({ lang: "en" }, attributes), text);
    if (lang === "en") {
      return node;
    }
    var wrapper = el("span");
    wrapper.appendChild(node);
    wrapper.appendChild(el("span", { class: "only-english", lang: lang }, " " + i18n.t(lang, "onlyEnglish")));
    return wrapper;
  }

  // IOM's own page on the office: the page its English name comes from, when it is on
  // iom.int (San José's is not: no link rather than an invented one).
  function iomPage(office) {
    var named = office.sources.filter(function (source) { return source.fact === "name (en)"; })[0];
    var url = named && named.url;
    return url && /^https:\/\/([a-z0-9-]+\.)*iom\.int\//.test(url) ? url : null;
  }

  function fact(list, label, content) {
    list.appendChild(el("dt", {}, label));
    var dd = el("dd");
    content.forEach(function (part) {
      dd.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
    list.appendChild(dd);
  }

  function dated(lang, key, date) {
    var text = i18n.t(lang, key, { d: date.value }) + " (" + i18n.t(lang, "precision")[date.precision] + ") ";
    return [text, el("q", {}, date.quote), " ", link(date.sourceUrl, i18n.t(lang, "source"))];
  }

  function validity(office, lang) {
    var t = i18n.t.bind(null, lang);
    var parts = office.validFrom ? dated(lang, "from", office.validFrom)
      : [t("unknownStart") + ": ", englishText("span", {}, office.validFromUnknown, lang)];
    parts.push(el("br"));
    return parts.concat(office.validUntil ? dated(lang, "until", office.validUntil)
      : [t("open") + ": ", englishText("span", {}, office.validUntilUnknown, lang)]);
  }

  function succession(office, lang) {
    var list = el("ul", { class: "plain" });
    office.predecessors.concat(office.successors).forEach(function (edge) {
      var item = el("li");
      var isSuccessor = office.successors.indexOf(edge) >= 0;
      item.appendChild(document.createTextNode(isSuccessor
        ? i18n.t(lang, "mergedInto", { name: edge.node.name, year: "" }).replace(" ()", "") + ": "
        : i18n.t(lang, "mergedFrom", { names: edge.node.name }) + ": "));
      item.appendChild(el("q", {}, edge.quote));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link(edge.sourceUrl, i18n.t(lang, "source")));
      list.appendChild(item);
    });
    return list;
  }

  function institutions(office, lang) {
    var list = el("ol", { class: "institutions" });
    office.institutions.edges.forEach(function (edge) {
      var item = el("li", { "data-institution": edge.node.slug });
      var acronym = edge.node.acronym && edge.node.acronym !== edge.node.name ? edge.node.acronym : null;
      var name = edge.node.name + (acronym ? " (" + acronym + ")" : "");
      item.appendChild(el("span", { class: "relationship" }, i18n.relationship(lang, edge.relationship) + " "));
      item.appendChild(el("strong", {}, name));
      var quote = el("blockquote", { lang: edge.evidence.language, cite: edge.evidence.sourceUrl });
      // The seed's French phrase, or (the Global Office's link) its own page's words.
      var label = edge.evidence.language === "fr" ? "seedPhrase" : "pageQuote";
      quote.appendChild(el("span", { class: "label", lang: lang }, i18n.t(lang, label) + ": "));
      quote.appendChild(el("q", {}, edge.evidence.phrase));
      if (edge.evidence.governingPhrase) {
        quote.appendChild(el("span", { class: "governing" }, " (" + edge.evidence.governingPhrase + ")"));
      }
      quote.appendChild(document.createTextNode(" "));
      quote.appendChild(link(edge.evidence.sourceUrl, i18n.t(lang, "source")));
      item.appendChild(quote);
      list.appendChild(item);
    });
    return list;
  }

  function sources(office, lang) {
    var list = el("ul", { class: "sources" });
    office.sources.forEach(function (source) {
      var item = el("li");
      item.appendChild(el("span", { class: "fact" }, i18n.factLabel(lang, source.fact) + ": "));
      item.appendChild(source.url ? link(source.url, source.url) : el("span", {}, "(" + i18n.t(lang, "noPage") + ")"));
      if (source.seedPhrase) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("q", { lang: "fr" }, source.seedPhrase));
      }
      if (source.note) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(englishText("span", { class: "note" }, source.note, lang));
      }
      list.appendChild(item);
    });
    return list;
  }

  function officePanel(section, office, lang, graphiqlHref, onClose) {
    var t = i18n.t.bind(null, lang);
    section.textContent = "";
    section.setAttribute("data-office", office.slug);
    var close = el("button", { type: "button", class: "close" }, t("close"));
    close.addEventListener("click", onClose);
    section.appendChild(close);
    section.appendChild(el("h2", { id: "panel-title" }, office.name));
    var page = iomPage(office);
    if (page) {
      var pageLink = link(page, t("iomPage"));
      pageLink.setAttribute("class", "iom-page");
      section.appendChild(pageLink);
    }
    var facts = el("dl");
    var place = office.city ? [t("hostCity"), office.city] : [t("basedIn"), office.location];
    var where = [place[1], office.hostCountry.name].filter(function (part, index, all) {
      return part && all.indexOf(part) === index;
    });
    fact(facts, place[0], [where.join(", ")]);
    fact(facts, t("validity"), validity(office, lang));
    fact(facts, t("coverage"), [t(office.coverage.confidence) + ". ",
      englishText("span", { class: "method" }, office.coverage.method, lang), " ",
      link(office.coverage.sourceUrl, office.coverage.sourceUrl ? t("source") : "")]);
    if (office.predecessors.length + office.successors.length > 0) {
      fact(facts, t("succession"), [succession(office, lang)]);
    }
    section.appendChild(facts);
    section.appendChild(el("h3", {}, t("institutions") + " (" + office.institutions.edges.length + ")"));
    section.appendChild(institutions(office, lang));
    if (office.dataQualityNotes.length > 0) {
      // Why a list is empty or weak (the 2024 offices have no institutions), as the API says it.
      section.appendChild(el("h3", {}, t("dataQuality")));
      office.dataQualityNotes.forEach(function (note) {
        var paragraph = el("p", { class: "data-quality", "data-note": note.slug });
        paragraph.appendChild(englishText("span", {}, note.text, lang));
        section.appendChild(paragraph);
      });
    }
    section.appendChild(el("h3", {}, t("sources")));
    section.appendChild(sources(office, lang));
    section.appendChild(el("a", { href: graphiqlHref, class: "graphiql" }, t("officeQuery")));
    section.hidden = false;
  }

  window.IomMap.panel = {
    legend: legend,
    confidenceKey: confidenceKey,
    officePanel: officePanel,
  };
})();
