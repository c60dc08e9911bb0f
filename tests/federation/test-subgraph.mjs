// The second subgraph of the federation test: `node test-subgraph.mjs [port]`.
// It adds two fields to iom-graph's entities and one root field returning Country references
// that iom-graph resolves. EVERY NUMBER HERE IS MADE UP FOR THE TEST: they are not IOM's or
// anyone's figures, only values the test can recognise after they cross the gateway.
import { buildSubgraphSchema } from "@apollo/subgraph";
import { graphql, parse } from "graphql";
import { serveGraphQL } from "./serve.mjs";

export const typeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key", "@shareable"])

  type Query {
    "Countries this test subgraph features (their other fields come from iom-graph)."
    featuredCountries: FeaturedCountries!
  }

  "A page of featured countries."
  type FeaturedCountries {
    nodes: [Country!]!
    pageInfo: PageInfo!
  }

  "Where a page stands in its list."
  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Country @key(fields: "alpha3") {
    alpha3: String!
    "MADE-UP test value, not a population figure."
    population: Int
  }

  type RegionalOffice @key(fields: "slug") {
    slug: String!
    "MADE-UP test value, not a staff figure."
    staffCount: Int
  }
`);

// Made-up test values (see the top of this file).
const MADE_UP_POPULATION = { KEN: 1001, EGY: 1002, PER: 1003 };
const MADE_UP_STAFF = { nairobi: 11, cairo: 12, americas: 13 };

const resolvers = {
  Query: {
    featuredCountries: () => ({
      nodes: ["KEN", "PER"].map((alpha3) => ({ alpha3 })),
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    }),
  },
  Country: {
    __resolveReference: ({ alpha3 }) => ({ alpha3 }),
    population: ({ alpha3 }) => MADE_UP_POPULATION[alpha3] ?? null,
  },
  RegionalOffice: {
    __resolveReference: ({ slug }) => ({ slug }),
    staffCount: ({ slug }) => MADE_UP_STAFF[slug] ?? null,
  },
};

export const schema = buildSubgraphSchema({ typeDefs, resolvers });

if (import.meta.url === `file://${process.argv[1]}`) {
  serveGraphQL(
    ({ query, variables, operationName }) =>
      graphql({ schema, source: query, variableValues: variables, operationName }),
    process.argv[2],
  );
}
