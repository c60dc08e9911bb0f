/*
 * iom-graph map: colours, fill patterns and the world map itself (d3-geo, topojson-client).
 *
 * Colours: Paul Tol's "muted" qualitative scheme, nine colours chosen to stay apart for
 * readers with any common colour-vision deficiency, one per office of the seed page (by
 * its rank). A 2024 successor takes the colour of its last predecessor in the seed page's
 * order (Europe and Central Asia: Vienna's; the Americas: San José's), so that only 9
 * colours are ever needed and an unchanged office keeps its colour across dates.
 * Confidence is a second channel, drawn as a pattern so that it survives any palette and
 * greyscale printing: HIGH solid, MEDIUM dotted, LOW paler and hatched. Countries no office
 * supports are neutral grey.
 *
 * world-atlas keys countries by ISO 3166-1 numeric, which the API gives as
 * Country.numeric. Three of its 110m shapes have no code: Kosovo (the API's XKX, whose
 * numeric is null), and N. Cyprus and Somaliland, which ISO 3166-1 and so the API count as
 * parts of Cyprus and Somalia: they are drawn with those countries, and are not focusable
 * on their own. Countries too small for the 110m geometry are in the table view only.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = [
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
    "#882255", "#44AA99", "#999933", "#AA4499",
  ];
  var NONE = "#D4D4D4";
  var KEY_COLOUR = "#6B6B6B";
  var WIDTH = 960;
  var HEIGHT = 480;
  var UNKEYED = { Kosovo: "XKX", "N. Cyprus": "CYP", Somaliland: "SOM" };
  var CONFIDENCES = ["HIGH", "MEDIUM", "LOW"];

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  // An HTML element with its attributes and text (the panel's and the table's).
  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  // slug -> colour for every office in `offices`: by rank, a successor by its last
  // predecessor's (which need not be among `offices`).
  function colours(offices) {
    var bySlug = {};
    offices.forEach(function (office) {
      var predecessors = office.predecessors;
      var rank = predecessors.length ? predecessors[predecessors.length - 1].node.rank : office.rank;
      bySlug[office.slug] = PALETTE[(rank - 1) % PALETTE.length];
    });
    return bySlug;
  }

  // The pattern `id` filling a shape of `colour` drawn with `confidence`.
  function pattern(defs, id, colour, confidence) {
    var existing = document.getElementById(id);
    if (existing) {
      existing.parentNode.removeChild(existing);
    }
    var size = confidence === "LOW" ? 6 : 5;
    var tile = element("pattern", { id: id, width: size, height: size, patternUnits: "userSpaceOnUse" }, defs);
    if (confidence === "LOW") {
      tile.setAttribute("patternTransform", "rotate(45)");
    }
    if (confidence === "LOW") {
      element("rect", { width: size, height: size, fill: colour, "fill-opacity": "0.35" }, tile);
      element("rect", { width: 2.2, height: size, fill: colour }, tile);
    } else {
      element("rect", { width: size, height: size, fill: colour }, tile);
      if (confidence === "MEDIUM") {
        element("circle", { cx: 2.5, cy: 2.5, r: 1, fill: "#FFFFFF", "fill-opacity": "0.8" }, tile);
      }
    }
    return "url(#" + id + ")";
  }

  function fillFor(defs, slug, colour, confidence) {
    return confidence === "HIGH" ? colour : pattern(defs, "fill-" + slug, colour, confidence);
  }

  function keyFill(defs, confidence) {
    return confidence === "HIGH" ? KEY_COLOUR : pattern(defs, "key-" + confidence, KEY_COLOUR, confidence);
  }

  // Draws every country once; returns {shapes: alpha3 -> [path, ...], defs}.
  function draw(svg, topology, countryByNumeric) {
    var features = topojson.feature(topology, topology.objects.countries).features;
    var projection = d3.geoEqualEarth().fitSize([WIDTH, HEIGHT], { type: "Sphere" });
    var path = d3.geoPath(projection);
    var defs = element("defs", {}, svg);
    element("path", { d: path({ type: "Sphere" }), class: "sphere" }, svg);
    element("path", { d: path(d3.geoGraticule10()), class: "graticule" }, svg);
    var layer = element("g", { class: "countries" }, svg);
    var shapes = {};
    features.forEach(function (feature) {
      var alpha3 = feature.id !== undefined ? (countryByNumeric[feature.id] || {}).alpha3 : UNKEYED[feature.properties.name];
      if (!alpha3) {
        console.warn("map: no country for shape " + feature.id + " " + feature.properties.name);
        return;
      }
      var first = !shapes[alpha3];
      var shape = element("path", { d: path(feature), class: "country", "data-alpha3": alpha3 }, layer);
      if (first) {
        shape.setAttribute("tabindex", "0");
        shape.setAttribute("role", "button");
        shapes[alpha3] = [];
      } else {
        shape.setAttribute("aria-hidden", "true");
      }
      shapes[alpha3].push(shape);
    });
    return { shapes: shapes, defs: defs, layer: layer };
  }

  // Colours every shape for `view` (assignment: alpha3 -> office, colours, names, label);
  // returns slug -> the fill of that office's shapes.
  function paint(drawn, view) {
    var fills = {};
    view.offices.forEach(function (office) {
      fills[office.slug] = fillFor(drawn.defs, office.slug, view.colours[office.slug], office.coverage.confidence);
    });
    Object.keys(drawn.shapes).forEach(function (alpha3) {
      var office = view.assignment[alpha3];
      drawn.shapes[alpha3].forEach(function (shape) {
        shape.setAttribute("fill", office ? fills[office.slug] : NONE);
        shape.setAttribute("data-office", office ? office.slug : "");
        shape.setAttribute("data-colour", office ? view.colours[office.slug] : NONE);
        shape.setAttribute("data-confidence", office ? office.coverage.confidence : "");
        // As the API says: an office only possibly in force that day (a coarse start or end,
        // or a day before any page attests it) is drawn faded and dashed (map.css).
        shape.setAttribute("data-in-force", office ? office.inForce : "");
      });
      var first = drawn.shapes[alpha3][0];
      first.setAttribute("aria-label", view.label(alpha3));
    });
    // Focus order: alphabetical in the page's language, as the table.
    Object.keys(drawn.shapes)
      .sort(function (a, b) { return view.names[a].localeCompare(view.names[b], view.lang); })
      .forEach(function (alpha3) { drawn.layer.appendChild(drawn.shapes[alpha3][0]); });
    return fills;
  }

  window.IomMap = window.IomMap || {};
  window.IomMap.render = {
    NONE: NONE,
    CONFIDENCES: CONFIDENCES,
    colours: colours,
    draw: draw,
    paint: paint,
    keyFill: keyFill,
    element: element,
    el: el,
  };
})();
