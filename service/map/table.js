/*
 * iom-graph map: the table view, one row per country, for screen readers, copying and
 * searching: sorted by any column (its header's button; again for the reverse order) and
 * filtered by the text typed above it (accents and case ignored). The toolbar above it
 * has room for more controls (a download button).
 */
(function () {
  "use strict";

  var i18n = window.IomMap.i18n;

  var el = window.IomMap.render.el;

  // The table's order and filter, kept across redraws (another day, another language).
  var tableState = { key: null, direction: 1, filter: "", view: null, wired: false };
  var CONFIDENCE_RANK = { HIGH: 0, MEDIUM: 1, LOW: 2 };

  function folded(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // By the column chosen (then by country), or by default: supported countries by office
  // (the legend's order), then the others, each by name.
  function compareRows(view, rank) {
    var lang = view.lang;
    function byName(a, b) {
      return i18n.countryName(a.country).localeCompare(i18n.countryName(b.country), lang);
    }
    var keys = {
      country: byName,
      office: function (a, b) {
        return (a.office ? a.office.name : "\uffff").localeCompare(b.office ? b.office.name : "\uffff", lang);
      },
      confidence: function (a, b) {
        return (a.office ? CONFIDENCE_RANK[a.office.coverage.confidence] : 9) -
          (b.office ? CONFIDENCE_RANK[b.office.coverage.confidence] : 9);
      },
    };
    var chosen = keys[tableState.key];
    if (chosen) {
      return function (a, b) {
        return tableState.direction * chosen(a, b) || byName(a, b);
      };
    }
    return function (a, b) {
      var ra = a.office ? rank[a.office.slug] : 99;
      var rb = b.office ? rank[b.office.slug] : 99;
      return ra - rb || byName(a, b);
    };
  }

  function applyFilter() {
    var wanted = folded(tableState.filter.trim());
    document.querySelectorAll("#table tbody tr").forEach(function (row) {
      row.hidden = wanted !== "" && folded(row.textContent).indexOf(wanted) < 0;
    });
  }

  function wireTable() {
    if (tableState.wired) {
      return;
    }
    tableState.wired = true;
    document.querySelectorAll("#table thead th[data-sort]").forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        var key = th.getAttribute("data-sort");
        tableState.direction = tableState.key === key ? -tableState.direction : 1;
        tableState.key = key;
        table(tableState.view);
      });
    });
    document.getElementById("table-filter").addEventListener("input", function (event) {
      tableState.filter = event.target.value;
      applyFilter();
    });
  }

  function table(view) {
    tableState.view = view;
    wireTable();
    var body = document.querySelector("#table tbody");
    body.textContent = "";
    var t = i18n.t.bind(null, view.lang);
    var rows = view.countries.map(function (country) {
      return { country: country, office: view.assignment[country.alpha3] };
    });
    var rank = {};
    view.offices.forEach(function (office, index) { rank[office.slug] = index; });
    rows.sort(compareRows(view, rank));
    var supported = 0;
    rows.forEach(function (row) {
      var tr = el("tr", { "data-alpha3": row.country.alpha3, "data-office": row.office ? row.office.slug : "" });
      tr.appendChild(el("th", { scope: "row" }, i18n.countryName(row.country)));
      tr.appendChild(el("td", {}, row.office ? row.office.name : t("noOffice")));
      tr.appendChild(el("td", {}, row.office ? t("confShort")[row.office.coverage.confidence] : ""));
      body.appendChild(tr);
      supported += row.office ? 1 : 0;
    });
    document.querySelectorAll("#table thead th[data-sort]").forEach(function (th) {
      var sorted = th.getAttribute("data-sort") === tableState.key;
      th.setAttribute("aria-sort", sorted ? (tableState.direction > 0 ? "ascending" : "descending") : "none");
    });
    applyFilter();
    var caption = document.getElementById("table-caption");
    caption.setAttribute("data-supported", String(supported));
    caption.textContent = t("caption", {
      n: supported, k: view.offices.length, day: view.asOf, m: rows.length - supported,
    });
  }

  window.IomMap.table = { table: table };
})();
