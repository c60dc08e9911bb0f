// PostGraphile 5 for `python -m benchmark` (benchmark/peer.py): the amber preset over the
// `public` schema of the benchmark's PostgreSQL database, which `python -m db load` filled. The
// benchmark passes the database in IOM_GRAPH_BENCH_PG_URL and the loopback port with --port.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  // The schema is iom-graph's, unchanged. PgIndexBehaviorsPlugin hides every relation and
  // ordering without an index behind it, which leaves out organisation -> regional offices
  // (regional_office.organisation_id has none) and ordering by `rank`; on tables of a few
  // hundred rows an index changes nothing, so the relations are kept (as in PostGraphile 4).
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.IOM_GRAPH_BENCH_PG_URL,
      schemas: ["public"],
      // No subscriptions are served: no LISTEN connection is held open.
      pubsub: false,
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    graphqlPath: "/graphql",
    // The benchmark only POSTs GraphQL; the browser IDE is not part of what is measured.
    graphiql: false,
    watch: false,
    websockets: false,
  },
  grafast: {
    // Plans and SQL are never sent back to the client (the production setting).
    explain: false,
  },
};

export default preset;
