// The Node side of bench/engines_bench.py: the same workloads (JSON on stdin), the same figures (JSON on stdout).
// Usage: node bench/engines_bench.js ENGINES_DIR < workload.json
//   ENGINES_DIR holds node_modules/handlebars and node_modules/ejs (scripts/corpus/install_engines.sh).
// handlebars.js compiles lazily, so "compile" here is what Handlebars.compile does on first use: precompile the
// template to a spec, then make the spec a template function.
"use strict";

const path = require("path");

const load = (name) => require(path.resolve(process.argv[2], "node_modules", name));
const Handlebars = load("handlebars");
const ejs = load("ejs");
const work = JSON.parse(require("fs").readFileSync(0, "utf8"));

function middleOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianMs(action, rounds = work.rounds) {
  action(); // warm-up, as on the Python side (and the JIT gets a first look)
  const timings = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    action();
    timings.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return middleOf(timings);
}

function compileHandlebars(source) {
  return Handlebars.template(new Function(`return ${Handlebars.precompile(source)}`)());
}

let edit = 0;
const edited = (source) => source.replace("</body>", `<!-- edit ${(edit += 1)} --></body>`);
const figures = { hbs_compile: [], hbs_render: [], ejs_compile: [], ejs_render: [], ejs_compile_render: [] };
figures.ejs_compile_render_new_text = [];
figures.ejs_send = [];
for (const item of work.builtins) {
  figures.hbs_compile.push(medianMs(() => compileHandlebars(item.hbs)));
  const hbs = compileHandlebars(item.hbs);
  figures.hbs_render.push(medianMs(() => hbs(item.context)));
  figures.ejs_compile.push(medianMs(() => ejs.compile(item.ejs)));
  const page = ejs.compile(item.ejs);
  figures.ejs_render.push(medianMs(() => page(item.context)));
  // V8 keeps what new Function compiled, by its source: compiling the same text again is cheaper than new text
  figures.ejs_compile_render.push(medianMs(() => ejs.compile(item.ejs)(item.context), work.ejs_rounds));
  const newText = () => ejs.compile(edited(item.ejs))(item.context);
  figures.ejs_compile_render_new_text.push(medianMs(newText, work.ejs_rounds));
  const send = () => item.ejs_send.map((part) => ejs.compile(part)(item.context));
  figures.ejs_send.push(medianMs(send, work.ejs_rounds));
}
const result = {};
for (const [key, values] of Object.entries(figures)) {
  result[`${key}_median`] = middleOf(values);
  result[`${key}_sum`] = values.reduce((a, b) => a + b, 0);
  result[`${key}_each`] = values;
}
result.hbs_edit = medianMs(() => Handlebars.compile(edited(work.big.hbs))(work.big.context), work.edits);
result.ejs_edit = medianMs(() => ejs.render(edited(work.big.ejs), work.big.context), work.edits);
result.node = process.version;
result.handlebars = Handlebars.VERSION;
result.ejs = load("ejs/package.json").version;
process.stdout.write(JSON.stringify(result));
