#!/usr/bin/env -S node --no-wasm-tier-up --no-wasm-dynamic-tiering
// `ruff check` backed by @astral-sh/ruff-wasm-nodejs (the real ruff compiled to WebAssembly), for machines without a
// native ruff (Debian 12 has none). A native ruff on PATH is always preferred (scripts/setup-gates.sh installs this
// wrapper only when there is none). Exit codes follow ruff: 0 clean, 1 findings, 2 the command's own errors.
//
// The WebAssembly build checks one text at a time and cannot see the file system, so this wrapper does what native
// ruff does around it: it finds the project's settings (ruff.toml, .ruff.toml, pyproject.toml [tool.ruff]; --config,
// --isolated), discovers the files (exclude, extend-exclude, per-file-ignores), and tells isort which modules are the
// project's own (first-party): the top-level packages and modules of each `src` root (by default the project root and
// src/), as native ruff finds them on disk. Ordinary `ruff check` options work: --select, --extend-select, --ignore,
// --extend-ignore, --line-length, --target-version, --preview, --output-format (concise, full, json, json-lines,
// grouped, github, pylint), --exit-zero, --config, paths. Options that would write files (--fix, --add-noqa, --watch)
// are refused: the gates never change the code they judge.
// `ruff.js --serve` is the same command as a long-lived process (Factory keeps one, so the module is compiled once):
// it reads one JSON request a line on stdin, {cwd, argv, files, dirs, answered}, lints the file tree the request carries
// (it reads nothing from disk but its own modules) and answers one JSON line, {exitCode, stdout, stderr}, exactly what
// `ruff <argv>` run in cwd over those files would have printed; {fallback} when the request lacks something the command
// needs (a file outside the tree, a file whose content was not sent), so the caller runs ruff the ordinary way instead.
// The flags in the first line keep V8 on its baseline WebAssembly compiler: optimising ruff's large module costs about
// 3 s of CPU per run and gains nothing for a run this short (measured with the GateCostBenchmarks).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

// ruff's own defaults. Workspace.defaultSettings() returns the web playground's defaults instead (they add
// isort's I001 and more), and an empty options object behaves the same, so the selection is always explicit.
const RUFF_DEFAULT_SELECT = ["E4", "E7", "E9", "F"];

// ruff's default `exclude` list (directory or file names skipped during discovery).
const DEFAULT_EXCLUDES = [
  ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
  ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
  "__pypackages__", "_build", "buck-out", "dist", "node_modules", "site-packages", "venv",
];

const OUTPUT_FORMATS = new Set(["concise", "full", "json", "json-lines", "grouped", "github", "pylint"]);

// Options that take a value (`--name value` or `--name=value`), and flags; anything else starting with '-' is refused.
const VALUE_OPTIONS = new Set([
  "--select", "--extend-select", "--ignore", "--extend-ignore", "--fixable", "--unfixable", "--extend-fixable",
  "--line-length", "--target-version", "--output-format", "--config", "--exclude", "--extend-exclude",
  "--per-file-ignores", "--extend-per-file-ignores", "--cache-dir",
]);
const FLAGS = new Set([
  "--no-cache", "--quiet", "-q", "--silent", "-s", "--exit-zero", "--isolated", "--preview", "--no-preview",
  "--no-fix", "--show-fixes", "--no-show-fixes", "--respect-gitignore", "--no-respect-gitignore", "--force-exclude",
  "--no-force-exclude", "--exit-non-zero-on-fix", "-e", "-n",
]);
const REFUSED = new Set(["--fix", "--unsafe-fixes", "--add-noqa", "--watch", "-w", "--diff", "--fix-only", "--statistics", "--show-files", "--show-settings"]);

class UsageError extends Error {}

// Thrown by a served request's file tree when the command needs something the request did not carry.
class NeedsFilesystem extends Error {}

// What the command reads the project through: the disk, or a served request's file tree.
let io = fs;

function main(argv, cwd, write) {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "version")) {
    const { Workspace } = loadRuff();
    write(`ruff ${Workspace.version()} (wasm)\n`);
    return 0;
  }
  if (argv[0] !== "check") {
    throw new UsageError("only `ruff check [options] [paths]` and `ruff --version` are supported by this wrapper");
  }
  const cli = parseArguments(argv.slice(1), cwd);
  const config = cli.isolated ? { ruff: {}, source: "(--isolated)", root: cwd } : loadConfig(cli.configFile, cwd);
  for (const override of cli.inlineConfig) {
    mergeDeep(config.ruff, parseToml(override, "--config"));
  }
  applyCliSettings(config.ruff, cli);

  const lint = config.ruff.lint || {};
  const excludes = [
    ...(config.ruff.exclude !== undefined ? asArray(config.ruff.exclude) : DEFAULT_EXCLUDES),
    ...asArray(config.ruff["extend-exclude"]),
    ...asArray(lint.exclude),
  ].map(globToRegExp);
  const perFileIgnores = {
    ...(config.ruff["per-file-ignores"] || {}), ...(config.ruff["extend-per-file-ignores"] || {}),
    ...(lint["per-file-ignores"] || {}), ...(lint["extend-per-file-ignores"] || {}),
  };
  const settings = toWorkspaceSettings(config.ruff, firstPartyModules(config));

  const files = [];
  for (const target of cli.paths.length > 0 ? cli.paths : ["."]) {
    const full = path.resolve(cwd, target);
    if (!io.existsSync(full)) {
      throw new UsageError(`${target}: No such file or directory (os error 2)`);
    }
    collect(full, config.root, excludes, files, true);
  }
  files.sort();

  const workspace = workspaceFor(settings, config.source);

  const findings = [];
  for (const file of files) {
    const display = path.relative(cwd, file) || path.basename(file);
    const ignored = ignoredCodes(path.relative(config.root, file), perFileIgnores);
    const source = io.readFileSync(file, "utf8");
    for (const d of workspace.check(source)) {
      if (d.code && ignored.some((prefix) => prefix === "ALL" || d.code.startsWith(prefix))) {
        continue;
      }
      findings.push({ file, display, source, d });
    }
  }

  write(render(findings, cli.outputFormat));
  if (!cli.quiet && !["json", "json-lines", "github"].includes(cli.outputFormat)) {
    write(findings.length > 0
      ? `Found ${findings.length} error${findings.length === 1 ? "" : "s"}.\n`
      : "All checks passed!\n");
  }
  return findings.length > 0 && !cli.exitZero ? 1 : 0;
}

// One Workspace per distinct settings (a served process sees the same few projects again and again).
const workspaces = new Map();

function workspaceFor(settings, source) {
  const key = JSON.stringify(settings);
  let workspace = workspaces.get(key);
  if (workspace === undefined) {
    const { Workspace, PositionEncoding } = loadRuff();
    try {
      workspace = new Workspace(settings, PositionEncoding.Utf32);
    } catch (error) {
      throw new UsageError(`invalid ruff settings in ${source}: ${error}`);
    }
    if (workspaces.size >= 16) {
      workspaces.clear();
    }
    workspaces.set(key, workspace);
  }
  return workspace;
}

function parseArguments(args, cwd) {
  const cli = { paths: [], select: null, extendSelect: [], ignore: [], extendIgnore: [], outputFormat: "concise",
    exitZero: false, isolated: false, quiet: false, configFile: null, inlineConfig: [], lineLength: null,
    targetVersion: null, preview: null, exclude: null, extendExclude: [] };
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    let value = null;
    if (arg.startsWith("--") && arg.includes("=")) {
      value = arg.slice(arg.indexOf("=") + 1);
      arg = arg.slice(0, arg.indexOf("="));
    }
    if (REFUSED.has(arg)) {
      throw new UsageError(`option ${arg} is not supported here: the gates only read the code (run ruff yourself to fix or watch)`);
    }
    if (VALUE_OPTIONS.has(arg)) {
      if (value === null) {
        if (i + 1 >= args.length) {
          throw new UsageError(`option ${arg} needs a value`);
        }
        value = args[++i];
      }
      applyOption(cli, arg, value, cwd);
    } else if (FLAGS.has(arg)) {
      if (arg === "--exit-zero" || arg === "-e") cli.exitZero = true;
      if (arg === "--isolated") cli.isolated = true;
      if (arg === "--quiet" || arg === "-q" || arg === "--silent" || arg === "-s") cli.quiet = true;
      if (arg === "--preview") cli.preview = true;
      if (arg === "--no-preview") cli.preview = false;
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new UsageError(`unexpected argument '${arg}' (this wrapper supports: ${[...VALUE_OPTIONS, ...FLAGS].join(", ")})`);
    } else {
      cli.paths.push(arg);
    }
  }
  return cli;
}

function applyOption(cli, name, value, cwd) {
  const list = () => value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  switch (name) {
    case "--select": cli.select = list(); break;
    case "--extend-select": cli.extendSelect.push(...list()); break;
    case "--ignore": cli.ignore.push(...list()); break;
    case "--extend-ignore": cli.extendIgnore.push(...list()); break;
    case "--exclude": cli.exclude = list(); break;
    case "--extend-exclude": cli.extendExclude.push(...list()); break;
    case "--line-length": cli.lineLength = Number.parseInt(value, 10); break;
    case "--target-version": cli.targetVersion = value; break;
    case "--output-format":
      if (!OUTPUT_FORMATS.has(value)) {
        throw new UsageError(`--output-format ${value} is not supported by this wrapper (supported: ${[...OUTPUT_FORMATS].join(", ")})`);
      }
      cli.outputFormat = value;
      break;
    case "--config":
      // As in native ruff: a path to a settings file, or an inline `KEY = VALUE` TOML override.
      if (value.includes("=") && !io.existsSync(path.resolve(cwd, value))) cli.inlineConfig.push(value);
      else cli.configFile = value;
      break;
    default: break; // Accepted for compatibility; they change nothing when nothing is fixed or cached.
  }
}

// Command-line settings win over the project's, as in native ruff.
function applyCliSettings(ruff, cli) {
  ruff.lint = ruff.lint ? { ...ruff.lint } : {};
  if (cli.select !== null) {
    delete ruff.select;
    ruff.lint.select = cli.select;
  }
  for (const [key, values] of [["extend-select", cli.extendSelect], ["ignore", cli.ignore], ["extend-ignore", cli.extendIgnore]]) {
    if (values.length > 0) {
      ruff.lint[key] = [...asArray(ruff.lint[key]), ...asArray(ruff[key]), ...values];
      delete ruff[key];
    }
  }
  if (cli.exclude !== null) ruff.exclude = cli.exclude;
  if (cli.extendExclude.length > 0) ruff["extend-exclude"] = [...asArray(ruff["extend-exclude"]), ...cli.extendExclude];
  if (cli.lineLength !== null) ruff["line-length"] = cli.lineLength;
  if (cli.targetVersion !== null) ruff["target-version"] = cli.targetVersion;
  if (cli.preview !== null) ruff.preview = cli.preview;
}

function loadRuff() {
  try {
    return require("@astral-sh/ruff-wasm-nodejs");
  } catch (error) {
    throw new UsageError(
      `@astral-sh/ruff-wasm-nodejs is not installed next to this wrapper (${error.message}); run scripts/setup-gates.sh`);
  }
}

function parseToml(text, source) {
  const toml = require("smol-toml");
  try {
    return toml.parse(text);
  } catch (error) {
    throw new UsageError(`cannot parse ${source}: ${error.message}`);
  }
}

// The settings file: --config's, else the nearest ruff.toml / .ruff.toml / pyproject.toml with [tool.ruff] from the
// working directory up (ruff's order). `extend` pulls in a base file, whose settings the extending file overrides.
function loadConfig(explicit, start) {
  if (explicit) {
    const file = path.resolve(start, explicit);
    if (!io.existsSync(file)) {
      throw new UsageError(`--config ${explicit}: No such file or directory`);
    }
    return withExtends(file, settingsOf(file));
  }
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const name of ["ruff.toml", ".ruff.toml", "pyproject.toml"]) {
      const file = path.join(dir, name);
      if (io.existsSync(file)) {
        const settings = settingsOf(file);
        if (settings !== null) {
          return withExtends(file, settings);
        }
      }
    }
    if (path.dirname(dir) === dir) {
      return { ruff: {}, source: "(ruff defaults)", root: start };
    }
  }
}

function settingsOf(file) {
  const parsed = parseToml(io.readFileSync(file, "utf8"), file);
  if (path.basename(file) !== "pyproject.toml") {
    return parsed;
  }
  return parsed.tool && parsed.tool.ruff ? parsed.tool.ruff : null;
}

function withExtends(file, settings, depth = 0) {
  let ruff = settings;
  if (typeof settings.extend === "string" && depth < 10) {
    const baseFile = path.resolve(path.dirname(file), settings.extend.replace(/^~(?=\/)/, process.env.HOME || "~"));
    if (!io.existsSync(baseFile)) {
      throw new UsageError(`${file}: extend = "${settings.extend}": No such file or directory`);
    }
    const base = withExtends(baseFile, settingsOf(baseFile) || {}, depth + 1).ruff;
    ruff = mergeDeep(base, settings);
  }
  delete ruff.extend;
  return { ruff, source: file, root: path.dirname(file) };
}

function mergeDeep(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === "object" && !Array.isArray(value) && target[key] && typeof target[key] === "object" && !Array.isArray(target[key])) {
      target[key] = mergeDeep({ ...target[key] }, value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

// What native ruff's isort finds on disk: a module is first-party when `<src root>/<name>/` or `<src root>/<name>.py`
// exists, for each `src` root (default: the project root and src/).
function firstPartyModules(config) {
  const roots = config.ruff.src !== undefined ? asArray(config.ruff.src) : [".", "src"];
  const isort = (config.ruff.lint && config.ruff.lint.isort) || config.ruff.isort || {};
  const elsewhere = new Set([...asArray(isort["known-third-party"]), ...asArray(isort["known-local-folder"]),
    ...asArray(isort["extra-standard-library"])]);
  const names = new Set();
  for (const root of roots) {
    const folder = path.resolve(config.root, root);
    if (!io.existsSync(folder) || !io.statSync(folder).isDirectory()) {
      continue;
    }
    for (const entry of io.readdirSync(folder, { withFileTypes: true })) {
      const name = entry.isDirectory() ? entry.name : entry.name.replace(/\.pyi?$/, "");
      if ((entry.isDirectory() || name !== entry.name) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !elsewhere.has(name)) {
        names.add(name);
      }
    }
  }
  return [...names].sort();
}

// The project's settings as the plain object the WASM Workspace takes, with ruff's default selection unless the
// project selects rules itself. Discovery-only keys are removed: the wrapper handles them, the Workspace rejects some.
function toWorkspaceSettings(projectSettings, firstParty) {
  const settings = structuredClone(projectSettings);
  for (const key of ["exclude", "extend-exclude", "per-file-ignores", "extend-per-file-ignores", "include",
    "extend-include", "src", "cache-dir", "respect-gitignore", "force-exclude", "extend", "output-format", "fix",
    "unsafe-fixes", "show-fixes", "namespace-packages", "required-version"]) {
    delete settings[key];
  }
  settings.lint = settings.lint ? { ...settings.lint } : {};
  for (const key of ["per-file-ignores", "extend-per-file-ignores", "exclude"]) {
    delete settings.lint[key];
  }
  if (settings.select === undefined && settings.lint.select === undefined) {
    settings.lint.select = RUFF_DEFAULT_SELECT;
  }
  const isort = { ...(settings.isort || {}), ...(settings.lint.isort || {}) };
  delete settings.isort;
  isort["known-first-party"] = [...new Set([...asArray(isort["known-first-party"]), ...firstParty])];
  settings.lint.isort = isort;
  return settings;
}

function collect(full, root, excludes, files, explicit) {
  const relative = path.relative(root, full).split(path.sep).join("/");
  const name = path.basename(full);
  if (!explicit && excludes.some((pattern) => pattern.test(name) || pattern.test(relative))) {
    return;
  }
  const stat = io.statSync(full);
  if (stat.isDirectory()) {
    for (const entry of io.readdirSync(full)) {
      collect(path.join(full, entry), root, excludes, files, false);
    }
  } else if (explicit || full.endsWith(".py") || full.endsWith(".pyi")) {
    files.push(full);
  }
}

function ignoredCodes(relativePath, perFileIgnores) {
  const codes = [];
  const normalized = relativePath.split(path.sep).join("/");
  for (const [pattern, list] of Object.entries(perFileIgnores)) {
    const regex = globToRegExp(pattern);
    if (regex.test(normalized) || regex.test(path.basename(normalized))) {
      codes.push(...asArray(list));
    }
  }
  return codes;
}

function render(findings, format) {
  const code = (d) => (d.code === null || d.code === "invalid-syntax" ? "SyntaxError:" : d.code);
  const concise = ({ display, d }) =>
    `${display}:${d.start_location.row}:${d.start_location.column}: ${code(d)}${d.fix ? " [*]" : ""} ${d.message}`;
  switch (format) {
    case "json":
      return JSON.stringify(findings.map(toJson), null, 2) + "\n";
    case "json-lines":
      return findings.map((f) => JSON.stringify(toJson(f)) + "\n").join("");
    case "github":
      return findings.map(({ file, display, d }) =>
        `::error title=Ruff (${d.code}),file=${file},line=${d.start_location.row},col=${d.start_location.column},` +
        `endLine=${d.end_location.row},endColumn=${d.end_location.column}::${display}:${d.start_location.row}:` +
        `${d.start_location.column}: ${code(d)} ${d.message}\n`).join("");
    case "pylint":
      return findings.map(({ display, d }) => `${display}:${d.start_location.row}: [${d.code || "E999"}] ${d.message}\n`).join("");
    case "grouped": {
      let text = "";
      let current = null;
      for (const { display, d } of findings) {
        if (display !== current) {
          text += `${current === null ? "" : "\n"}${display}:\n`;
          current = display;
        }
        text += `  ${d.start_location.row}:${d.start_location.column} ${code(d)}${d.fix ? " [*]" : ""} ${d.message}\n`;
      }
      return text + (findings.length > 0 ? "\n" : "");
    }
    case "full":
      return findings.map((f) => {
        const { source, d } = f;
        const row = d.start_location.row;
        const line = source.split("\n")[row - 1] || "";
        const width = String(row).length;
        const pad = " ".repeat(width);
        const carets = "^".repeat(Math.max(1, (d.end_location.row === row ? d.end_location.column : line.length + 1) - d.start_location.column));
        const help = d.fix && d.fix.message ? `${pad} = help: ${d.fix.message}\n` : "";
        return `${concise(f)}\n${pad} |\n${row} | ${line}\n${pad} | ${" ".repeat(d.start_location.column - 1)}${carets} ${code(d)}\n${pad} |\n${help}\n`;
      }).join("");
    default:
      return findings.map((f) => concise(f) + "\n").join("");
  }
}

function toJson({ file, d }) {
  return {
    cell: null,
    code: d.code,
    end_location: { column: d.end_location.column, row: d.end_location.row },
    filename: file,
    fix: d.fix ? {
      applicability: "safe",
      edits: d.fix.edits.map((e) => ({ content: e.content || "", end_location: e.end_location, location: e.location })),
      message: d.fix.message,
    } : null,
    location: { column: d.start_location.column, row: d.start_location.row },
    message: d.message,
    noqa_row: d.start_location.row,
    url: d.code ? `https://docs.astral.sh/ruff/rules/#${d.code}` : null,
  };
}

function globToRegExp(glob) {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
      if (glob[i + 1] === "/") {
        i++;
      }
    } else if (c === "*") {
      source += "[^/]*";
    } else if (c === "?") {
      source += "[^/]";
    } else {
      source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source.replace(/\/$/, "")}(/.*)?$`);
}

function asArray(value) {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

// ruff's own message for a command that cannot run, on stderr, with exit code 2.
function failure(error) {
  return `ruff failed\n  Cause: ${error instanceof UsageError ? error.message : error.stack}\n`;
}

// A served request's file tree: `files` maps absolute paths to their bytes in base64 (null: the file exists, its
// bytes were not sent), `dirs` lists the folders. The tree below `cwd` is complete; above it, only the paths in `answered` are known
// (present when in files or dirs, else absent); the folders in `opaque` (.git) exist but were not listed. Anything
// else is a question the request cannot answer.
function treeOf(request) {
  // The bytes of each file as sent (base64), decoded as readFileSync(file, "utf8") decodes them.
  const files = new Map(Object.entries(request.files).map(([p, bytes]) =>
    [p, typeof bytes === "string" ? Buffer.from(bytes, "base64").toString("utf8") : null]));
  const dirs = new Set(request.dirs);
  const answered = new Set(request.answered || []);
  const opaque = new Set(request.opaque || []);
  const root = request.cwd;
  const inOpaque = (p) => [...opaque].some((o) => p.startsWith(o + "/"));
  const known = (p) => !inOpaque(p) && (p === root || p.startsWith(root + "/") || answered.has(p) || files.has(p) || dirs.has(p));
  const ask = (p) => {
    const full = path.resolve(root, p);
    if (!known(full)) {
      throw new NeedsFilesystem(`${full} is outside the request's tree`);
    }
    return full;
  };
  const children = new Map();
  for (const p of [...dirs, ...files.keys()]) {
    const parent = path.dirname(p);
    if (parent !== p) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push({ name: path.basename(p), dir: dirs.has(p) });
    }
  }
  const entries = (folder) => children.get(folder) || [];
  return {
    existsSync: (p) => { const full = ask(p); return files.has(full) || dirs.has(full); },
    readFileSync: (p) => {
      const full = ask(p);
      const text = files.get(full);
      if (typeof text !== "string") {
        throw new NeedsFilesystem(`the text of ${full} was not sent`);
      }
      return text;
    },
    statSync: (p) => {
      const full = ask(p);
      if (!files.has(full) && !dirs.has(full)) {
        throw new UsageError(`${p}: No such file or directory (os error 2)`);
      }
      return { isDirectory: () => dirs.has(full) };
    },
    readdirSync: (p, options) => {
      const full = ask(p);
      if (opaque.has(full)) {
        throw new NeedsFilesystem(`the content of ${full} was not sent`);
      }
      const list = entries(full);
      return options && options.withFileTypes
        ? list.map((e) => ({ name: e.name, isDirectory: () => e.dir }))
        : list.map((e) => e.name);
    },
  };
}

// The long-lived mode: one request a line, one answer a line, until stdin closes. A request over `--max-request-bytes`
// is refused unread (the caller bounds its requests the same way, so this only stops a runaway).
function serve(maxRequestBytes) {
  loadRuff(); // Compiles the module now, once, not in the first request.
  require("smol-toml");
  let buffered = "";
  let discarding = false;
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (discarding) {
        discarding = false;
        continue;
      }
      process.stdout.write(JSON.stringify(answer(line)) + "\n");
    }
    if (buffered.length > maxRequestBytes) {
      buffered = "";
      discarding = true;
      process.stdout.write(JSON.stringify({ fallback: `the request is larger than ${maxRequestBytes} bytes` }) + "\n");
    }
  });
}

function answer(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return { fallback: `unreadable request: ${error.message}` };
  }
  let stdout = "";
  io = treeOf(request);
  try {
    const exitCode = main(request.argv, request.cwd, (text) => { stdout += text; });
    return { exitCode, stdout, stderr: "" };
  } catch (error) {
    return error instanceof NeedsFilesystem ? { fallback: error.message } : { exitCode: 2, stdout, stderr: failure(error) };
  } finally {
    io = fs;
  }
}

const serveAt = process.argv.indexOf("--serve");
if (serveAt === 2) {
  const limit = process.argv[3] === "--max-request-bytes" ? Number.parseInt(process.argv[4], 10) : 16 * 1024 * 1024;
  serve(limit);
} else {
  try {
    process.exitCode = main(process.argv.slice(2), process.cwd(), (text) => process.stdout.write(text));
  } catch (error) {
    process.stderr.write(failure(error));
    process.exitCode = 2;
  }
}
