// List the template and data pairs that the engines' own test suites render, as the platform would render them.
// Usage: node scripts/differential/extract_cases.js HANDLEBARS_SPEC_DIR MUSTACHE_SPECS_DIR EJS_ROOT > cases.json
//   HANDLEBARS_SPEC_DIR: handlebars.js' spec/ folder; MUSTACHE_SPECS_DIR: the mustache spec's specs/ folder;
//   EJS_ROOT: a checkout of ejs holding test/ejs.js and test/fixtures (scripts/regenerate_differential.sh makes
//   all three from the bare repositories).
// The spec files run against stubs of their test framework and of the engines, which record each call instead
// of rendering. Kept: calls the platform could make, Handlebars.compile(template)(data) with partials as text, and
// ejs.render(template, data) (or ejs.compile(template)(data)); dropped: calls with custom helpers, decorators,
// compile or runtime options, or data that is not JSON (functions, dates, class instances). Outputs are not taken
// from the spec files: record.js renders every case again on the pinned engines.
"use strict";

const fs = require("fs");
const Module = require("module");
const path = require("path");

const [handlebarsSpecDir, mustacheSpecsDir, ejsRoot] = process.argv.slice(2);
if (!handlebarsSpecDir || !mustacheSpecsDir || !ejsRoot) {
  console.error("usage: node extract_cases.js HANDLEBARS_SPEC_DIR MUSTACHE_SPECS_DIR EJS_ROOT");
  process.exit(2);
}

// The suites of handlebars.js that render templates (the others test the parser, the compiler or packaging).
const HANDLEBARS_SPECS = [
  "basic.js", "blocks.js", "builtins.js", "data.js", "helpers.js", "partials.js", "regressions.js",
  "security.js", "strict.js", "subexpressions.js", "whitespace-control.js",
];

const cases = [];
const seen = new Set();
let origin = "";
let tainted = false; // the current test registered helpers or partials globally: its calls mean something else

function isPlain(value, depth = 0) {
  if (depth > 20) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item, i) => i in value && isPlain(item, depth + 1));
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => isPlain(item, depth + 1));
}

function isEmpty(object) {
  return object === undefined || object === null || (typeof object === "object" && Object.keys(object).length === 0);
}

function record(engine, template, context, partials) {
  if (tainted || typeof template !== "string") return;
  if (context === undefined) context = {};
  if (!isPlain(context) || !isPlain(partials || {})) return;
  if (partials && !Object.values(partials).every((text) => typeof text === "string")) return;
  const item = { engine, origin, template, context: JSON.parse(JSON.stringify(context)) };
  if (!isEmpty(partials)) item.partials = partials;
  const key = JSON.stringify([engine, template, item.context, item.partials || null]);
  if (seen.has(key)) return;
  seen.add(key);
  cases.push(item);
}

// Swallows whatever is done with it: chai's expect, sinon, assert and the like.
const anything = new Proxy(function () {}, {
  get: (target, name) => (name === Symbol.toPrimitive ? () => "" : anything),
  apply: () => anything,
  construct: () => anything,
});

// ---- a TDD/BDD test framework that runs every test at once, in order ------------------------------------------

function runSuites(load) {
  const hooks = [[]];
  global.describe = global.suite = (name, body) => {
    hooks.push([...hooks[hooks.length - 1]]);
    try { body.call({}); } catch (error) { /* a suite that needs more than the stubs give */ }
    hooks.pop();
  };
  global.describe.skip = global.suite.skip = () => {};
  global.describe.only = global.suite.only = global.describe;
  global.it = global.test = (name, body) => {
    if (typeof body !== "function") return;
    tainted = false;
    try {
      for (const hook of hooks[hooks.length - 1]) hook.call({});
      body.call({ timeout() {} }, () => {});
    } catch (error) { /* the stubs return nothing worth asserting on */ }
    tainted = false;
  };
  global.it.skip = global.test.skip = () => {};
  global.it.only = global.test.only = global.it;
  global.beforeEach = global.setup = (hook) => hooks[hooks.length - 1].push(hook);
  global.afterEach = global.teardown = global.before = global.after = () => {};
  global.suiteSetup = global.suiteTeardown = () => {};
  load();
}

// ---- handlebars.js' spec files -----------------------------------------------------------------------------------

function fakeHandlebars() {
  const compileTo = (template, options) => (input, runtime) => {
    const extra = runtime || {};
    if (!isEmpty(options) || Object.keys(extra).some((key) => key !== "partials" || !isEmpty(extra[key]))) return "";
    record("handlebars", template, input, extra.partials);
    return "";
  };
  const taint = () => { tainted = true; };
  const env = {
    compile: compileTo,
    precompile: () => "{}",
    template: () => () => "",
    create: () => fakeHandlebars(),
    registerHelper: taint, registerPartial: taint, registerDecorator: taint,
    unregisterHelper() {}, unregisterPartial() {}, unregisterDecorator() {},
    helpers: {}, partials: {}, decorators: {},
    SafeString: function SafeString(text) { this.string = text; },
    Utils: anything, Exception: Error, logger: anything, log() {}, VM: anything, AST: anything,
    parse: () => anything, Parser: anything, Compiler: anything, JavaScriptCompiler: anything,
  };
  env.CompilerContext = { compile: compileTo, compileWithPartial: compileTo };
  return env;
}

function bench(template) {
  const state = { input: {}, helpers: {}, partials: {}, decorators: {}, compile: {}, runtime: {} };
  const self = {
    withInput(input) { state.input = input; return self; },
    withHelper(name, fn) { state.helpers[name] = fn; return self; },
    withHelpers(all) { Object.assign(state.helpers, all); return self; },
    withPartial(name, text) { state.partials[name] = text; return self; },
    withPartials(all) { Object.assign(state.partials, all); return self; },
    withDecorator(name, fn) { state.decorators[name] = fn; return self; },
    withDecorators(all) { Object.assign(state.decorators, all); return self; },
    withCompileOptions(options) { state.compile = options; return self; },
    withRuntimeOptions(options) { state.runtime = options; return self; },
    withMessage() { return self; },
    toCompileTo() { self.done(); },
    toThrow() { self.done(); },
    done() {
      if (isEmpty(state.helpers) && isEmpty(state.decorators) && isEmpty(state.compile) && isEmpty(state.runtime)) {
        record("handlebars", template, state.input, state.partials);
      }
    },
  };
  return self;
}

function handlebarsSpecCases() {
  for (const file of HANDLEBARS_SPECS) {
    origin = `handlebars.js spec/${file}`;
    const env = fakeHandlebars();
    Object.assign(global, {
      Handlebars: env, handlebarsEnv: env, CompilerContext: env.CompilerContext,
      expect: anything, sinon: anything, equal: () => {}, equals: () => {},
      expectTemplate: bench,
      shouldThrow(callback) { try { callback(); } catch (error) { /* recorded before it threw, if at all */ } },
      shouldCompileTo(template, hashOrArray) { global.shouldCompileToWithPartials(template, hashOrArray, false); },
      shouldCompileToWithPartials(template, hashOrArray, partials) {
        if (Array.isArray(hashOrArray)) {
          const [input, helpers, partialTexts, compat, data] = hashOrArray;
          if (isEmpty(helpers) && !compat && data == null) record("handlebars", template, input, partialTexts);
        } else if (!(hashOrArray && hashOrArray.hash)) {
          record("handlebars", template, hashOrArray, undefined);
        }
      },
      compileWithPartials(template, hashOrArray, partials) { global.shouldCompileToWithPartials(template, hashOrArray, partials); return ""; },
    });
    const source = fs.readFileSync(path.join(handlebarsSpecDir, file), "utf8");
    runSuites(() => new Function("require", source)(() => anything));
  }
}

// ---- the mustache spec ------------------------------------------------------------------------------------------

function mustacheCases() {
  for (const file of fs.readdirSync(mustacheSpecsDir).filter((name) => name.endsWith(".json")).sort()) {
    if (file === "~lambdas.json") continue; // lambdas are functions: not data
    for (const test of JSON.parse(fs.readFileSync(path.join(mustacheSpecsDir, file), "utf8")).tests) {
      origin = `mustache spec ${file}: ${test.name}`;
      record("handlebars", test.template, test.data, test.partials);
    }
  }
}

// ---- ejs' own tests ---------------------------------------------------------------------------------------------

function fakeEjs() {
  return {
    render(template, data, options) {
      if (isEmpty(options)) record("ejs", template, data, undefined);
      return "";
    },
    compile(template, options) {
      return (data) => {
        if (isEmpty(options)) record("ejs", template, data, undefined);
        return "";
      };
    },
    renderFile: () => {}, clearCache() {}, cache: anything, fileLoader: null, resolveInclude: () => "",
    escapeXML: (text) => String(text), Template: anything, promiseImpl: Promise,
  };
}

function ejsCases() {
  origin = "ejs test/ejs.js";
  const previousLoad = Module._load;
  const ejs = fakeEjs();
  Module._load = function (request, parent, isMain) {
    if (request === "..") return ejs;
    if (["lru-cache", "assert"].includes(request)) return anything;
    return previousLoad.call(this, request, parent, isMain);
  };
  const cwd = process.cwd();
  process.chdir(ejsRoot); // the tests read their fixtures from test/fixtures
  try {
    runSuites(() => new Function("require", "__dirname", fs.readFileSync("test/ejs.js", "utf8"))(
      require, path.resolve(cwd, ejsRoot, "test")));
  } finally {
    process.chdir(cwd);
    Module._load = previousLoad;
  }
}

handlebarsSpecCases();
mustacheCases();
ejsCases();
// Straight to the file descriptors: ejs' tests hook process.stdout.write, and a stub may have kept it hooked.
fs.writeSync(1, JSON.stringify(cases, null, 1) + "\n");
fs.writeSync(2, `extracted ${cases.filter((c) => c.engine === "handlebars").length} Handlebars and ` +
  `${cases.filter((c) => c.engine === "ejs").length} EJS cases\n`);
