/*
 * iom-graph map: the page's GraphQL documents and how it sends them.
 *
 * Every query is a GET request to /graphql with `query`, `variables` and `operationName`
 * in the URL (GraphQL over HTTP), so the browser's HTTP cache keeps each answer and
 * revalidates it with If-None-Match against the service's ETag (Cache-Control: max-age=0,
 * must-revalidate), exactly as for any other client. The language is a variable, so each
 * language is its own cached URL.
 */
(function () {
  "use strict";

  var ENDPOINT = "/graphql";
  var GRAPHIQL = "/graphql";

  var STRUCTURE = [
    "query MapStructure {",
    "  organisation {",
    "    structureChanges {",
    "      date { value }",
    "      began { slug }",
    "      ended { slug validFrom { value } }",
    "    }",
    "  }",
    "}",
  ].join("\n");

  var COUNTRIES = [
    "query MapCountries($lang: Language, $after: String) {",
    "  countries(first: 100, after: $after) {",
    "    pageInfo { hasNextPage endCursor }",
    "    nodes { alpha3 numeric name(lang: $lang) shortName(lang: $lang) }",
    "  }",
    "}",
  ].join("\n");

  var OFFICES = [
    "query MapOffices($asOf: Date, $lang: Language) {",
    "  regionalOffices(asOf: $asOf) {",
    "    nodes {",
    "      slug",
    "      rank",
    "      name(lang: $lang)",
    "      city(lang: $lang)",
    "      location(lang: $lang)",
    "      inForce",
    "      coverage { confidence method derived }",
    "      successors { node { slug name(lang: $lang) validFrom { value } } }",
    "      predecessors { node { slug rank name(lang: $lang) } }",
    "      countries(first: 100) { nodes { alpha3 } }",
    "    }",
    "  }",
    "}",
  ].join("\n");

  var OFFICE = [
    "query MapOffice($slug: String!, $lang: Language) {",
    "  regionalOffice(slug: $slug) {",
    "    slug",
    "    name(lang: $lang)",
    "    city(lang: $lang)",
    "    location(lang: $lang)",
    "    region(lang: $lang)",
    "    hostCountry { name(lang: $lang) }",
    "    validFrom { value precision sourceUrl quote }",
    "    validFromUnknown",
    "    validUntil { value precision sourceUrl quote }",
    "    validUntilUnknown",
    "    coverage { confidence method sourceUrl derived }",
    "    predecessors { kind sourceUrl quote node { slug name(lang: $lang) } }",
    "    successors { kind sourceUrl quote node { slug name(lang: $lang) } }",
    "    institutions(first: 100) {",
    "      edges {",
    "        relationship",
    "        evidence { phrase governingPhrase language sourceUrl }",
    "        node { slug name(lang: $lang) acronym(lang: $lang) }",
    "      }",
    "    }",
    "    sources { fact url seedPhrase note }",
    "    dataQualityNotes { slug severity text }",
    "  }",
    "}",
  ].join("\n");

  function operationName(query) {
    return /query\s+(\w+)/.exec(query)[1];
  }

  function requestUrl(query, variables) {
    var params = new URLSearchParams();
    params.set("query", query);
    params.set("variables", JSON.stringify(variables));
    params.set("operationName", operationName(query));
    return ENDPOINT + "?" + params.toString();
  }

  // The answer's data; rejects on an HTTP error or on GraphQL errors.
  function run(query, variables) {
    return fetch(requestUrl(query, variables), {
      credentials: "same-origin",
      headers: { Accept: "application/graphql-response+json, application/json;q=0.9" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok || body.errors) {
            var first = body.errors && body.errors[0];
            throw new Error(first ? first.message : "HTTP " + response.status);
          }
          return body.data;
        });
      });
  }

  // Every country, page after page (a page holds at most 100).
  function countries(lang) {
    var all = [];
    function page(after) {
      return run(COUNTRIES, { lang: lang.toUpperCase(), after: after }).then(function (data) {
        all = all.concat(data.countries.nodes);
        var info = data.countries.pageInfo;
        return info.hasNextPage ? page(info.endCursor) : all;
      });
    }
    return page(null);
  }

  function offices(asOf, lang) {
    return run(OFFICES, { asOf: asOf, lang: lang.toUpperCase() }).then(function (data) {
      return data.regionalOffices.nodes;
    });
  }

  function office(slug, lang) {
    return run(OFFICE, { slug: slug, lang: lang.toUpperCase() }).then(function (data) {
      return data.regionalOffice;
    });
  }

  function structureChanges() {
    return run(STRUCTURE, {}).then(function (data) {
      return data.organisation.structureChanges;
    });
  }

  // GraphiQL opens a tab with the query and variables given in its URL's fragment
  // (service/graphiql/graphiql-init.js). A fragment, not a query string: /graphql?query=
  // would execute the query instead of opening GraphiQL, and the fragment never reaches
  // the server.
  function graphiqlUrl(query, variables) {
    var params = new URLSearchParams();
    params.set("query", query);
    params.set("variables", JSON.stringify(variables, null, 2));
    return GRAPHIQL + "#" + params.toString();
  }

  window.IomMap = window.IomMap || {};
  window.IomMap.api = {
    QUERIES: { STRUCTURE: STRUCTURE, COUNTRIES: COUNTRIES, OFFICES: OFFICES, OFFICE: OFFICE },
    countries: countries,
    offices: offices,
    office: office,
    structureChanges: structureChanges,
    graphiqlUrl: graphiqlUrl,
  };
})();
