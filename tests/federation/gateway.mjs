// Serve a supergraph through Apollo's gateway: `node gateway.mjs SUPERGRAPH [port]`.
// The subgraphs' URLs come from the supergraph (compose.mjs). Each request is parsed,
// validated against the API schema and run by the gateway's executor, which plans the
// query and calls each subgraph (iom-graph's `_entities` for references it resolves).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { parse, validate } from "graphql";
import { serveGraphQL } from "./serve.mjs";

// The gateway reports usage metrics to Apollo (and probes cloud metadata addresses) unless
// this is set: nothing may leave the loopback interface.
process.env.APOLLO_TELEMETRY_DISABLED = "true";

const [supergraphPath, port] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, "utf8") });
const { schema, executor } = await gateway.load();

async function execute({ query, variables, operationName }) {
  const document = parse(query);
  const errors = validate(schema, document);
  if (errors.length > 0) return { errors };
  const request = { query, variables: variables ?? {}, operationName };
  return executor({
    request,
    document,
    operationName: operationName ?? null,
    queryHash: createHash("sha256").update(query).digest("hex"),
    context: {},
    metrics: {},
    logger: console,
    schema,
  });
}

serveGraphQL(execute, port);
