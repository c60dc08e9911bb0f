// Compose a supergraph from running subgraphs, each asked for its SDL by `_service { sdl }`
// as a gateway asks: `node compose.mjs OUT NAME=URL...` (e.g. `iom=http://127.0.0.1:8000/graphql`).
// Prints one JSON line {"errors": [...], "hints": [...]} (each {code, message}) and writes the
// supergraph SDL to OUT when there are no errors; exits 1 on errors.
import { writeFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

async function sdlOf(url) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: "query SubgraphSdl { _service { sdl } }" }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) throw new Error(`${url}: ${JSON.stringify(body)}`);
  return body.data._service.sdl;
}

const [out, ...pairs] = process.argv.slice(2);
const services = [];
for (const pair of pairs) {
  const [name, url] = pair.split(/=(.*)/s);
  services.push({ name, url, typeDefs: parse(await sdlOf(url)) });
}
const result = composeServices(services);
const report = (items) => (items ?? []).map((item) => ({
  code: item.extensions?.code ?? item.definition?.code,
  message: item.message,
}));
console.log(JSON.stringify({ errors: report(result.errors), hints: report(result.hints) }));
if (result.errors) process.exit(1);
writeFileSync(out, result.supergraphSdl);
