// A minimal GraphQL-over-HTTP endpoint on node:http, shared by the test subgraph and the
// gateway: POST /graphql with a JSON body, answered with JSON. (Apollo Server is not needed
// for either: @apollo/subgraph builds a plain graphql-js schema, and @apollo/gateway hands
// out an executor; a dozen lines of node:http keep the test's dependencies to the four.)
import { createServer } from "node:http";

export function serveGraphQL(execute, port) {
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    let status = 200;
    let result;
    if (request.method !== "POST" || request.url !== "/graphql") {
      status = 404;
      result = { errors: [{ message: "POST /graphql only" }] };
    } else {
      try {
        result = await execute(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch (error) {
        status = 400;
        result = { errors: [{ message: String(error?.message ?? error) }] };
      }
    }
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(result));
  });
  // Loopback only; port 0 takes a free one. The first line of stdout names the URL.
  server.listen(Number(port ?? 0), "127.0.0.1", () => {
    console.log(`listening http://127.0.0.1:${server.address().port}/graphql`);
  });
  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
  return server;
}
