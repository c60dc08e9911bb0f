/*
 * iom-graph: boots the vendored GraphiQL 3 UMD bundle (see vendor/VERSIONS.md).
 *
 * Loaded with <script src defer> after vendor/react.production.min.js,
 * vendor/react-dom.production.min.js, vendor/graphiql.min.js and
 * vendor/graphiql-plugin-explorer.umd.js, which define the globals React, ReactDOM,
 * GraphiQL and GraphiQLPluginExplorer. The page runs under a CSP without
 * 'unsafe-inline', so everything that runs in the page lives in this file.
 *
 * The examples come from /graphiql/examples.json: a JSON list of
 * {"name": string, "query": string, "variables"?: object}. Each one opens as a
 * GraphiQL tab, the first one active. GraphiQL keeps its tabs in localStorage,
 * so a browser that has visited the page before gets its own tabs back instead.
 *
 * A link can open a query of its own: /graphql#query=...&variables=... (URL-encoded, as
 * the map at / makes them). It opens as the active tab, before the examples on a first
 * visit, beside the stored tabs later. A fragment and not ?query=: a GET of
 * /graphql?query=... runs the query and answers JSON, and the fragment never reaches the
 * server. The logo links back to the map.
 *
 * What people browse (the Docs pane, the Explorer, completion) is the public contract:
 * the page's own fetcher drops the federation internals (the gateway fields `_entities`
 * and `_service`, their types, `link__*` and the federation directives) from GraphiQL's
 * introspection answer. Only this page does: the endpoint answers every introspection in
 * full, so a gateway still reads everything.
 */
(function () {
  "use strict";

  var EXAMPLES_URL = "/graphiql/examples.json";
  var DEFAULT_ENDPOINT = "/graphql";
  var MAP_URL = "/";
  var STORAGE_PREFIX = "graphiql:"; // GraphiQL 3's default localStorage namespace
  var FALLBACK_EXAMPLES = [{ name: "Hello", query: "# Hello\n{ __typename }\n" }];
  // Apollo Federation's additions to the schema (schema/federation.py): for gateways only.
  var GATEWAY_FIELDS = ["_entities", "_service"];
  var GATEWAY_TYPES = ["_Any", "_Entity", "_Service", "_FieldSet", "link__Import", "link__Purpose"];
  var GATEWAY_DIRECTIVES = ["key", "shareable", "link"];

  // Page layout, set through the CSSOM (CSP governs <style> elements and style
  // attributes in markup, not element.style): GraphiQL fills the viewport, the page
  // itself never scrolls. The zero body margins also keep the text of the <style>
  // element that GraphiQL's dialogs inject constant, so that its hash in the page's CSP
  // (service/graphiql/__init__.py) matches.
  function layOutPage(container) {
    var html = document.documentElement.style;
    var body = document.body.style;
    html.height = "100%";
    html.overflow = "hidden";
    body.height = "100%";
    body.margin = "0";
    body.overflow = "hidden";
    container.style.height = "100vh";
    // The page's heading, for screen readers and landmarks (axe-core's page-has-heading-one)
    // but not on screen, where GraphiQL fills the viewport: the usual visually-hidden rules.
    var heading = document.getElementById("graphiql-heading");
    if (heading) {
      Object.assign(heading.style, {
        position: "absolute",
        width: "1px",
        height: "1px",
        margin: "-1px",
        padding: "0",
        overflow: "hidden",
        clip: "rect(0, 0, 0, 0)",
        whiteSpace: "nowrap",
        border: "0",
      });
    }
  }

  function isExample(value) {
    return (
      value !== null &&
      typeof value === "object" &&
      typeof value.query === "string" &&
      (value.variables === undefined ||
        (value.variables !== null &&
          typeof value.variables === "object" &&
          !Array.isArray(value.variables)))
    );
  }

  function loadExamples() {
    return fetch(EXAMPLES_URL, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        var examples = Array.isArray(body) ? body.filter(isExample) : [];
        if (examples.length === 0) {
          throw new Error("no usable example");
        }
        return examples;
      })
      .catch(function (error) {
        console.warn("GraphiQL: could not load " + EXAMPLES_URL + " (" + error + ")");
        return FALLBACK_EXAMPLES;
      });
  }

  function hasVariables(example) {
    return example.variables !== undefined && Object.keys(example.variables).length > 0;
  }

  function toTab(example) {
    var tab = { query: example.query };
    if (hasVariables(example)) {
      tab.variables = JSON.stringify(example.variables, null, 2);
    }
    return tab;
  }

  // GraphiQL 3.9 fills the editors of the first tab from its `query`/`variables` props
  // or from localStorage, not from defaultTabs[0], so the first example's variables
  // would not show. On the next load it activates the stored tab whose contents match
  // the stored query and variables, and adds a new tab when none does. So on a first
  // visit (no stored tabs) write the first tab's query and variables where GraphiQL
  // reads them: they show, and later loads find the tab instead of duplicating it.
  // Returns false if localStorage cannot be used.
  function seedStorage(firstTab) {
    try {
      var storage = window.localStorage;
      if (storage.getItem(STORAGE_PREFIX + "tabState") === null) {
        storage.setItem(STORAGE_PREFIX + "query", firstTab.query);
        if (firstTab.variables === undefined) {
          storage.removeItem(STORAGE_PREFIX + "variables");
        } else {
          storage.setItem(STORAGE_PREFIX + "variables", firstTab.variables);
        }
      }
      return true;
    } catch (error) {
      return false;
    }
  }

  // The {query, variables?} tab a link asked for in the URL's fragment, or null.
  function linkedTab() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    var query = params.get("query");
    if (!query || !query.trim()) {
      return null;
    }
    var tab = { query: query };
    if (params.get("variables")) {
      tab.variables = params.get("variables");
    }
    return tab;
  }

  function isPublic(names) {
    return function (item) {
      return names.indexOf(item.name) < 0;
    };
  }

  // An introspection answer without what only gateways use; any other answer unchanged.
  function publicContract(result) {
    var schema = result && result.data && result.data.__schema;
    if (!schema || !Array.isArray(schema.types)) {
      return result;
    }
    var queryType = schema.queryType && schema.queryType.name;
    schema.types = schema.types.filter(isPublic(GATEWAY_TYPES)).map(function (type) {
      if (type.name !== queryType || !Array.isArray(type.fields)) {
        return type;
      }
      return Object.assign({}, type, { fields: type.fields.filter(isPublic(GATEWAY_FIELDS)) });
    });
    if (Array.isArray(schema.directives)) {
      schema.directives = schema.directives.filter(isPublic(GATEWAY_DIRECTIVES));
    }
    return result;
  }

  // GraphiQL's fetcher, its schema introspection (operation `IntrospectionQuery`) filtered.
  function publicFetcher(fetcher) {
    return function (params, options) {
      var answer = fetcher(params, options);
      if (params.operationName !== "IntrospectionQuery" || !answer || !answer.then) {
        return answer;
      }
      return answer.then(publicContract);
    };
  }

  // GraphiQL's logo, followed by a link back to the map. Full-strength text colours of
  // GraphiQL's theme (light or dark): its own logo colour is too faint to read (axe-core's
  // color-contrast rule).
  function logo() {
    var strong = { color: "hsl(var(--color-neutral))" };
    var link = React.createElement(
      "a",
      { href: MAP_URL, className: "iom-map-link", style: strong },
      "map"
    );
    var name = React.createElement("span", { style: strong }, "GraphiQL · ");
    return React.createElement(GraphiQL.Logo, null, name, link);
  }

  function render(examples) {
    var container = document.getElementById("graphiql");
    layOutPage(container);
    var endpoint = container.getAttribute("data-endpoint") || DEFAULT_ENDPOINT;
    var linked = linkedTab();
    var tabs = (linked ? [linked] : []).concat(examples.map(toTab));
    var props = {
      fetcher: publicFetcher(GraphiQL.createFetcher({ url: endpoint })),
      defaultQuery: tabs[0].query,
      defaultTabs: tabs,
      shouldPersistHeaders: false,
      // The Explorer (a sidebar button): builds a query by ticking fields and arguments.
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    };
    if (tabs[0].variables !== undefined) {
      props.defaultEditorToolsVisibility = "variables";
    }
    if (!seedStorage(tabs[0])) {
      // localStorage throws (e.g. site data blocked): GraphiQL 3.9 would crash on it, so
      // give it no storage at all. Nothing persists across loads, so the `variables`
      // prop is safe here.
      props.storage = null;
      props.variables = tabs[0].variables;
    }
    if (linked) {
      // With stored tabs, GraphiQL activates the stored tab holding exactly this query and
      // these variables, or adds one; its editors show these props.
      props.query = linked.query;
      props.variables = linked.variables;
      props.defaultEditorToolsVisibility = linked.variables ? "variables" : undefined;
    }
    ReactDOM.createRoot(container).render(React.createElement(GraphiQL, props, logo()));
  }

  loadExamples().then(render);
})();
