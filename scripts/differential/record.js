// Render every differential case on the platform's engines and write them, with the outputs, as one data file.
// Usage: node scripts/differential/record.js ENGINES_DIR OUT_FILE CASES_FILE...
//   ENGINES_DIR holds node_modules/handlebars and node_modules/ejs (scripts/corpus/install_engines.sh); each
//   CASES_FILE is a JSON list of {engine, origin, template, context, partials?} (extract_cases.js,
//   generate_cases.py). Renders as the platform does: Handlebars.compile(template)(context) in a fresh environment
//   with the partials registered, and ejs.render(template, context). A case gets "expected" (the output) or
//   "refused" (the first line of the error, for people: the test only checks that we refuse too).
// The file lists one case a line, in the order of the inputs, so that a regeneration shows as a readable diff.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const [enginesDir, outFile, ...inputs] = process.argv.slice(2);
if (!enginesDir || !outFile || inputs.length === 0) {
  console.error("usage: node record.js ENGINES_DIR OUT_FILE CASES_FILE...");
  process.exit(2);
}
const load = (name) => require(path.resolve(enginesDir, "node_modules", name));
const Handlebars = load("handlebars");
const ejs = load("ejs");
Handlebars.logger.level = "error";
// What a case logs (ejs' debug option prints the compiled code, a template may call console.log) is not output.
const print = console.log;
console.log = console.info = console.error;

const renderers = {
  handlebars(item) {
    const env = Handlebars.create();
    for (const [name, source] of Object.entries(item.partials || {})) env.registerPartial(name, source);
    return env.compile(item.template)(item.context);
  },
  ejs(item) {
    return ejs.render(item.template, item.context);
  },
};

const lines = [];
const counts = {};
for (const input of inputs) {
  for (const item of JSON.parse(fs.readFileSync(input, "utf8"))) {
    const { engine, origin, template, context, partials } = item;
    const recorded = { engine, origin, template, context };
    if (partials) recorded.partials = partials;
    try {
      const output = renderers[engine](recorded);
      if (typeof output !== "string") throw new Error(`the engine gave a ${typeof output}, not text`);
      recorded.expected = output;
    } catch (error) {
      recorded.refused = String((error && error.message) || error).split("\n")[0].slice(0, 200);
    }
    counts[engine] = (counts[engine] || 0) + 1;
    lines.push(JSON.stringify(recorded));
  }
}
const ejsBuild = fs.readFileSync(path.resolve(enginesDir, "node_modules", "ejs", "ejs.min.js"));
const engines = {
  handlebars: load("handlebars/package.json").version,
  ejs: load("ejs/package.json").version,
  ejs_min_js_sha256: crypto.createHash("sha256").update(ejsBuild).digest("hex"),
  node: process.version,
};
const text = `{"engines": ${JSON.stringify(engines)},\n"cases": [\n${lines.join(",\n")}\n]}\n`;
fs.writeFileSync(outFile, text);
print(`recorded ${lines.length} cases (${JSON.stringify(counts)}) with handlebars ${engines.handlebars} and ` +
  `ejs ${engines.ejs} (${engines.node}) in ${outFile}, ${text.length} bytes`);
