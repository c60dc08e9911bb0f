/*
 * iom-graph map: the page's state (language, day, open office) and its wiring.
 *
 * State lives in the URL's fragment (#lang=fr&asOf=2020-01-01&office=nairobi), so a view
 * can be linked to. Without one: the browser's language and today. Once the map is first
 * drawn the page sets the performance mark "iom-map-rendered" and body[data-ready].
 */
(function () {
  "use strict";

  var i18n = window.IomMap.i18n;
  var api = window.IomMap.api;
  var render = window.IomMap.render;
  var panel = window.IomMap.panel;
  var ATLAS_URL = "/map/vendor/countries-110m.json";
  // A day inside the seed page's structure (nine offices, 2011 to 2024), as in README.
  var SEED_DAY = "2020-01-01";
  var DAY = /^\d{4}-\d{2}-\d{2}$/;

  var state = { lang: "en", asOf: today(), office: null, countries: [], offices: [] };
  var drawn = null;
  var view = null;
  var opener = null;

  function today() {
    return new Date().toISOString().slice(0, 10); // the API's today is UTC too
  }

  function readFragment() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    var lang = params.get("lang");
    state.lang = i18n.LANGUAGES.indexOf(lang) >= 0 ? lang : i18n.preferredLanguage();
    state.asOf = DAY.test(params.get("asOf") || "") ? params.get("asOf") : today();
    state.office = params.get("office");
  }

  function writeFragment() {
    var params = new URLSearchParams();
    params.set("lang", state.lang);
    params.set("asOf", state.asOf);
    if (state.office) {
      params.set("office", state.office);
    }
    history.replaceState(null, "", "#" + params.toString());
  }

  function setStatus(text) {
    var status = document.getElementById("status");
    status.textContent = text;
    status.hidden = text === "";
  }

  // alpha3 -> office. On a day of 2024 a country can be listed by an office and by its
  // successor (both UNCERTAIN); like Country.regionalOffice, the successor wins.
  function assign(offices) {
    var assignment = {};
    offices.forEach(function (office) {
      office.countries.nodes.forEach(function (country) {
        var held = assignment[country.alpha3];
        var follows = held && held.successors.some(function (e) { return e.node.slug === office.slug; });
        if (!held || follows) {
          assignment[country.alpha3] = office;
        }
      });
    });
    return assignment;
  }

  function buildView() {
    var names = {};
    state.countries.forEach(function (c) { names[c.alpha3] = i18n.countryName(c); });
    var counts = {};
    state.offices.forEach(function (o) { counts[o.slug] = o.countries.nodes.length; });
    var assignment = assign(state.offices);
    view = {
      lang: state.lang, asOf: state.asOf, offices: state.offices, countries: state.countries,
      names: names, counts: counts, assignment: assignment, colours: render.colours(state.offices),
      label: function (alpha3) {
        var office = assignment[alpha3];
        return names[alpha3] + ": " + (office ? office.name : i18n.t(state.lang, "noOffice"));
      },
    };
  }

  function showInfo(alpha3) {
    var info = document.getElementById("info");
    var office = view.assignment[alpha3];
    var t = i18n.t.bind(null, state.lang);
    info.textContent = "";
    info.setAttribute("data-alpha3", alpha3);
    info.setAttribute("data-office", office ? office.slug : "");
    var lines = [["strong", view.names[alpha3]], ["span", office ? office.name : t("noOffice")]];
    if (office) {
      lines.push(["span", t("confidence") + ": " + t(office.coverage.confidence)]);
      // The API gives the method in English only: say so in French and Spanish.
      var onlyEnglish = state.lang === "en" ? "" : " " + t("onlyEnglish");
      lines.push(["span", t("method") + ": " + office.coverage.method + onlyEnglish]);
    } else {
      lines.push(["span", t("unsupportedNote")]);
    }
    lines.forEach(function (line) {
      var node = document.createElement(line[0]);
      node.textContent = line[1];
      info.appendChild(node);
    });
  }

  function openOffice(slug) {
    opener = document.activeElement;
    state.office = slug;
    writeFragment();
    return api.office(slug, state.lang).then(function (office) {
      var href = api.graphiqlUrl(api.QUERIES.OFFICE, { slug: slug, lang: state.lang.toUpperCase() });
      var section = document.getElementById("panel");
      panel.officePanel(section, office, state.lang, href, closeOffice);
      section.focus();
    }, fail);
  }

  function closeOffice() {
    state.office = null;
    writeFragment();
    document.getElementById("panel").hidden = true;
    if (opener && opener.isConnected) {
      opener.focus(); // back to the country or legend button that opened the panel
    }
  }

  function clearInfo() {
    var info = document.getElementById("info");
    info.textContent = i18n.t(state.lang, "infoHint");
    info.removeAttribute("data-alpha3");
    info.removeAttribute("data-office");
  }

  function paintAll() {
    buildView();
    view.fills = render.paint(drawn, view);
    panel.legend(document.getElementById("legend"), view, openOffice);
    panel.confidenceKey(document.getElementById("confidence-key"), state.lang, drawn.defs);
    window.IomMap.table.table(view);
    document.getElementById("graphiql-link").href = api.graphiqlUrl(api.QUERIES.OFFICES, {
      asOf: state.asOf, lang: state.lang.toUpperCase(),
    });
    syncControls();
    clearInfo();
  }

  function syncControls() {
    document.getElementById("as-of").value = state.asOf;
    document.querySelectorAll("#date-options input").forEach(function (input) {
      input.checked = input.value === state.asOf;
    });
    document.querySelectorAll("#languages button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-lang") === state.lang));
    });
  }

  // The structure's own days: one inside the seed page's structure, and today.
  function dateOptions(changes) {
    var container = document.getElementById("date-options");
    var t = i18n.t.bind(null, state.lang);
    var starts = [];
    changes.forEach(function (change) {
      change.ended.forEach(function (o) { if (o.validFrom) { starts.push(o.validFrom.value.slice(0, 4)); } });
    });
    var end = changes.length ? changes[0].date.value.slice(0, 4) : "";
    var options = [
      [SEED_DAY, t("seedStructure") + " (" + starts.sort()[0] + "–" + end + ", " + SEED_DAY + ")"],
      [today(), t("today") + " (" + today() + ")"],
    ];
    container.textContent = "";
    options.forEach(function (option) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "as-of-option";
      input.value = option[0];
      input.addEventListener("change", function () { changeDay(option[0]); });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + option[1]));
      container.appendChild(label);
    });
  }

  function changeDay(day) {
    if (!DAY.test(day) || day < "1951-01-01") {
      return;
    }
    state.asOf = day;
    writeFragment();
    return api.offices(day, state.lang).then(function (offices) {
      state.offices = offices;
      paintAll();
    }, fail);
  }

  function changeLanguage(lang) {
    state.lang = lang;
    writeFragment();
    i18n.translatePage(lang);
    return Promise.all([api.countries(lang), api.offices(state.asOf, lang), api.structureChanges()])
      .then(function (results) {
        state.countries = results[0];
        state.offices = results[1];
        dateOptions(results[2]);
        paintAll();
        if (state.office) {
          openOffice(state.office);
        }
      }, fail);
  }

  function fail(error) {
    setStatus(i18n.t(state.lang, "failed") + error.message);
  }

  function atlas() {
    return fetch(ATLAS_URL, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(ATLAS_URL + ": HTTP " + response.status);
      }
      return response.json();
    });
  }

  function wire() {
    var layer = drawn.layer;
    function target(event) {
      var shape = event.target.closest && event.target.closest("path.country");
      return shape ? shape.getAttribute("data-alpha3") : null;
    }
    function open(alpha3) {
      var office = view.assignment[alpha3];
      if (office) {
        openOffice(office.slug);
      }
    }
    layer.addEventListener("mouseover", function (e) { var a = target(e); if (a) { showInfo(a); } });
    layer.addEventListener("focusin", function (e) { var a = target(e); if (a) { showInfo(a); } });
    layer.addEventListener("click", function (e) { var a = target(e); if (a) { open(a); } });
    layer.addEventListener("keydown", function (e) {
      var a = target(e);
      if (a && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        open(a);
      }
    });
    document.getElementById("panel").addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        closeOffice();
      }
    });
    document.getElementById("as-of").addEventListener("change", function (e) { changeDay(e.target.value); });
    document.querySelectorAll("#languages button").forEach(function (button) {
      button.addEventListener("click", function () { changeLanguage(button.getAttribute("data-lang")); });
    });
  }

  function start() {
    readFragment();
    i18n.translatePage(state.lang);
    Promise.all([atlas(), api.countries(state.lang), api.offices(state.asOf, state.lang), api.structureChanges()])
      .then(function (results) {
        state.countries = results[1];
        state.offices = results[2];
        var byNumeric = {};
        state.countries.forEach(function (c) { if (c.numeric) { byNumeric[c.numeric] = c; } });
        drawn = render.draw(document.getElementById("map"), results[0], byNumeric);
        dateOptions(results[3]);
        paintAll();
        wire();
        writeFragment();
        setStatus("");
        requestAnimationFrame(function () {
          performance.mark("iom-map-rendered");
          document.body.setAttribute("data-ready", "true");
        });
        if (state.office) {
          openOffice(state.office);
        }
      }, fail);
  }

  start();
})();
