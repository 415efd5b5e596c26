// Times one peer generator on one schema, the way bench_generate times
// libiatk: a warm-up, then events generated and serialised to JSON text in a
// loop for a fixed wall-clock budget, on one thread.  Run node with
// --single-threaded so that V8 compiles and collects garbage on the same
// core (bench/compare.py does).  events/s counts wall-clock time, events/cpu-s
// the process's CPU time (which other load on the machine does not change);
// cpu/wall is the share of the budget the process was on a core.
//
//   node --single-threaded bench/peers/peers.mjs --modules build/bench-peers/node_modules \
//        --peer openapi-sampler|json-schema-faker --schema FILE [--event-ref NAME] \
//        [--seconds 2] [--warmup 0.5] [--samples N] [--json]
//
// How each peer is given the event, as its documentation asks:
//  - openapi-sampler: sample(schema, {quiet: true}, spec), the schema object
//    of the event (components/schemas/NAME of an OpenAPI document, or the
//    whole JSON Schema) and the whole document as `spec`, for $ref.  It is
//    deterministic: the nearest it has to iatk's barebone mode.
//  - json-schema-faker: createGeneratorSync({seed: 1}).generate(root), one
//    generator whose seed moves on per event (random, reproducible); root is
//    {$ref: "#/components/schemas/NAME", components} for an OpenAPI document,
//    the document itself for a JSON Schema.
// Both peers' values go through JSON.stringify, since iatk's output is text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

function parseArgs(argv) {
  const o = { seconds: 2, warmup: 0.5, samples: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--modules') o.modules = value();
    else if (a === '--peer') o.peer = value();
    else if (a === '--schema') o.schema = value();
    else if (a === '--event-ref') o.eventRef = value();
    else if (a === '--seconds') o.seconds = Number(value());
    else if (a === '--warmup') o.warmup = Number(value());
    else if (a === '--samples') o.samples = Number(value());
    else if (a === '--json') o.json = true;
    else usage(`unknown argument ${a}`);
  }
  if (!o.modules || !o.peer || !o.schema) usage('--modules, --peer and --schema are required');
  return o;
}

function usage(message) {
  process.stderr.write(`peers.mjs: ${message}\n`);
  process.exit(2);
}

// Imports an installed package by its own package.json (ESM resolution does
// not look in a node_modules that is not above this file).
async function importPackage(modules, name) {
  const dir = join(modules, name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const exp = pkg.exports?.['.'] ?? pkg.exports;
  const entry = typeof exp === 'string' ? exp
    : exp?.import?.default ?? exp?.import ?? exp?.default ?? pkg.main ?? 'index.js';
  const mod = await import(pathToFileURL(join(dir, entry)).href);
  return { mod, version: pkg.version };
}

function eventSchema(doc, eventRef) {
  if (typeof doc.openapi === 'string') {
    const schemas = doc.components?.schemas ?? {};
    const name = eventRef ?? (Object.keys(schemas).length === 1 ? Object.keys(schemas)[0] : null);
    if (!name || !schemas[name]) throw new Error(`no components/schemas/${name} in the document`);
    return { name, schema: schemas[name] };
  }
  if (eventRef) throw new Error('--event-ref is only for OpenAPI documents here');
  return { name: null, schema: doc };
}

const PEERS = {
  async 'openapi-sampler'(modules, doc, eventRef) {
    const { mod, version } = await importPackage(modules, 'openapi-sampler');
    const sample = mod.sample ?? mod.default.sample;
    const { schema } = eventSchema(doc, eventRef);
    const options = { quiet: true };
    return { version, next: () => JSON.stringify(sample(schema, options, doc)) };
  },
  async 'json-schema-faker'(modules, doc, eventRef) {
    const { mod, version } = await importPackage(modules, 'json-schema-faker');
    const { name } = eventSchema(doc, eventRef);
    const root = name ? { $ref: `#/components/schemas/${name}`, components: doc.components } : doc;
    const gen = mod.createGeneratorSync({ seed: 1 });
    return { version, next: () => JSON.stringify(gen.generate(root)) };
  },
};

// Generates for `seconds` of wall-clock time, checking the clock every 100
// events; returns the counts and the process CPU time spent meanwhile.
function run(next, seconds) {
  let events = 0, bytes = 0, elapsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  do {
    for (let i = 0; i < 100; i++, events++) bytes += next().length;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < seconds);
  const cpu = process.cpuUsage(cpu0);
  return { events, bytes, seconds: elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const result = { peer: o.peer, schema: o.schema, event_ref: o.eventRef ?? null, node: process.version };
  try {
    if (!PEERS[o.peer]) throw new Error(`unknown peer ${o.peer}`);
    const doc = JSON.parse(readFileSync(o.schema, 'utf8'));
    const { version, next } = await PEERS[o.peer](o.modules, doc, o.eventRef);
    result.version = version;
    result.samples = Array.from({ length: o.samples }, next);
    run(next, o.warmup);
    const r = run(next, o.seconds);
    Object.assign(result, {
      events: r.events, seconds: r.seconds, cpu_seconds: r.cpuSeconds,
      events_per_s: r.events / r.seconds, events_per_cpu_s: r.events / r.cpuSeconds,
      bytes_per_event: Math.round(r.bytes / r.events),
    });
  } catch (e) {
    result.error = String(e?.message ?? e).split('\n')[0];
  }
  if (o.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else if (result.error) {
    process.stdout.write(`${o.peer}: error: ${result.error}\n`);
  } else {
    process.stdout.write(`${o.peer} ${result.version} (node ${process.version}): ` +
      `${Math.round(result.events_per_s).toLocaleString('en')} events/s, ` +
      `${Math.round(result.events_per_cpu_s).toLocaleString('en')} events/cpu-s, ` +
      `${result.bytes_per_event} bytes/event, cpu/wall ${(result.cpu_seconds / result.seconds).toFixed(2)}` +
      ` (${result.events} events in ${result.seconds.toFixed(3)} s)\n`);
  }
  process.exitCode = result.error ? 1 : 0;
}

await main();
