// Rewrite the "expected" field of every corpus case with what handlebars.js and ejs print for it.
// Usage: node scripts/corpus/render.js ENGINES_DIR CORPUS_DIR
//   ENGINES_DIR holds node_modules/handlebars and node_modules/ejs (scripts/corpus/install_engines.sh);
//   CORPUS_DIR holds handlebars/*.json and ejs/*.json, each {"template", "context", "partials"?, "expected"}.
// Renders as the platform does: Handlebars.compile(template)(context) and ejs.render(template, context), default
// options. A case that throws stops the run: the corpus holds outputs, not errors.
// Only the last line, "expected", is rewritten (or added): the rest of a file stays byte for byte as written, so
// that a context keeps numbers JavaScript would print otherwise (12345678901234567890, 1e-07).
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const [enginesDir, corpusDir] = process.argv.slice(2);
if (!enginesDir || !corpusDir) {
  console.error("usage: node render.js ENGINES_DIR CORPUS_DIR");
  process.exit(2);
}
const load = (name) => require(path.resolve(enginesDir, "node_modules", name));
const Handlebars = load("handlebars");
const ejs = load("ejs");
Handlebars.logger.level = "error"; // {{log}} prints nothing into a mail; here it would only clutter the run

const renderers = {
  handlebars(item) {
    const env = Handlebars.create(); // a fresh environment: partials of one case never leak into the next
    for (const [name, source] of Object.entries(item.partials || {})) env.registerPartial(name, source);
    return env.compile(item.template)(item.context);
  },
  ejs(item) {
    return ejs.render(item.template, item.context);
  },
};

const updates = []; // written once every case has rendered: a failure leaves the corpus as it was
for (const [engine, render] of Object.entries(renderers)) {
  const folder = path.join(corpusDir, engine);
  for (const file of fs.readdirSync(folder).filter((name) => name.endsWith(".json")).sort()) {
    const where = path.join(folder, file);
    const text = fs.readFileSync(where, "utf8");
    const item = JSON.parse(text);
    let expected;
    try {
      expected = render(item);
    } catch (error) {
      console.error(`${engine}/${file}: ${error.message}`);
      process.exit(1);
    }
    const rest = text.replace(/,\n {2}"expected": [^\n]*\n\}\n?$/, "\n}\n");
    if (!/\n\}\n$/.test(rest) || JSON.parse(rest).expected !== undefined) {
      console.error(`${engine}/${file}: write it as JSON with 2-space indents and "expected" (if any) last`);
      process.exit(1);
    }
    updates.push([where, rest.replace(/\n\}\n$/, `,\n  "expected": ${JSON.stringify(expected)}\n}\n`)]);
  }
}
for (const [where, text] of updates) fs.writeFileSync(where, text);
const ejsBuild = fs.readFileSync(path.resolve(enginesDir, "node_modules", "ejs", "ejs.min.js"));
const versions = {
  handlebars: load("handlebars/package.json").version,
  ejs: load("ejs/package.json").version,
  // The build vendored in mailconsole/rendering/vendor must be this one (its own VERSION says 3.1.9: upstream's).
  ejs_min_js_sha256: crypto.createHash("sha256").update(ejsBuild).digest("hex"),
  node: process.version,
};
fs.writeFileSync(path.join(corpusDir, "engines.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`rendered ${updates.length} cases with handlebars ${versions.handlebars} and ejs ${versions.ejs} (${versions.node})`);
