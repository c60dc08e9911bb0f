// Runs every graphql-http server audit (GraphQL over HTTP spec conformance) against a URL.
//
//   node tests/audit/run-audit.mjs http://127.0.0.1:8000/graphql
//
// Prints ONE JSON line: a list of {id, name, status, reason, response} in the package's
// order. `status` is the package's own verdict: "ok"; "error" for a failed MUST; "warn" for a
// failed SHOULD; "notice" for a failed MAY. An audit that throws (a fatal problem: network
// error, unreadable body, timeout) is reported as "error" with the thrown message as reason.
// `response` (failures only, may be null) holds the HTTP status, content type and, when the
// audit left it unread, the start of the body, to make the reason actionable.
// The exit code is 0 whatever the verdicts (a missing URL is the only exit 2): the caller
// (tests/test_http_audit.py) judges the results.

import { serverAudits } from 'graphql-http';

const AUDIT_TIMEOUT_MS = 15_000;
const BODY_EXCERPT = 500;

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node run-audit.mjs <graphql-url>\n');
  process.exit(2);
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`audit timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function describeResponse(response) {
  if (!response || typeof response.status !== 'number') {
    return null;
  }
  const described = {
    status: response.status,
    contentType: response.headers?.get?.('content-type') ?? null,
    body: null,
  };
  if (!response.bodyUsed) {
    try {
      described.body = (await response.text()).slice(0, BODY_EXCERPT);
    } catch {
      // an unreadable body is already what the reason says
    }
  }
  return described;
}

const audits = serverAudits({ url });
const results = [];
// One after the other: deterministic, gentle on the server, and a failure names its audit.
for (const { id, name, fn } of audits) {
  try {
    const result = await withTimeout(fn(), AUDIT_TIMEOUT_MS);
    if (result.status === 'ok') {
      results.push({ id, name, status: 'ok', reason: null, response: null });
    } else {
      results.push({
        id,
        name,
        status: result.status,
        reason: String(result.reason),
        response: await describeResponse(result.response),
      });
    }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const cause = error instanceof Error && error.cause ? ` (cause: ${error.cause})` : '';
    results.push({ id, name, status: 'error', reason: `fatal: ${message}${cause}`, response: null });
  }
}

process.stdout.write(`${JSON.stringify(results)}\n`);
process.exitCode = 0;
