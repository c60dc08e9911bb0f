/*
 * iom-graph map: "Download CSV" in the table view saves the rows the table shows (its
 * header, then every row not hidden), as a CSV file made in the browser. No request: the
 * file is exactly what is on screen, in the page's language and for its day. The whole
 * dataset, with keys and sources, is the Data Package under /data/ (docs/open-data.md).
 */
(function () {
  "use strict";

  function quoted(text) {
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function shown(row) {
    return !row.hidden && row.style.display !== "none";
  }

  // The table's lines as CSV: header rows, then the body rows it shows.
  function csvLines(table) {
    var head = table.tHead ? Array.prototype.slice.call(table.tHead.rows) : [];
    var body = table.tBodies[0] ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
    return head.concat(body.filter(shown)).map(function (row) {
      return Array.prototype.map.call(row.cells, function (cell) {
        return quoted(cell.textContent.trim());
      }).join(",");
    });
  }

  // iom-offices-<day>-<language>.csv, from the page's state (its fragment).
  function fileName() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    var parts = ["iom-offices", params.get("asOf"), params.get("lang") || document.documentElement.lang];
    return parts.filter(Boolean).join("-").replace(/[^A-Za-z0-9._-]/g, "") + ".csv";
  }

  function download(table) {
    // RFC 4180 line ends; a byte order mark, without which spreadsheet programs read UTF-8
    // as a legacy code page (the names are French and Spanish too).
    var text = "\ufeff" + csvLines(table).join("\r\n") + "\r\n";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    link.download = fileName();
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
  }

  window.IomMap = window.IomMap || {};
  window.IomMap.download = { csvLines: csvLines, fileName: fileName };
  document.getElementById("download-csv").addEventListener("click", function () {
    download(document.getElementById("table"));
  });
})();
