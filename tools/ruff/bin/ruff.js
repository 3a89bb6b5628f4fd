#!/usr/bin/env -S node --no-wasm-tier-up --no-wasm-dynamic-tiering
// A small `ruff check [paths]` backed by @astral-sh/ruff-wasm-nodejs (the real ruff compiled to WebAssembly),
// for machines without a native ruff (Debian 12 has none). Exit codes follow ruff: 0 clean, 1 findings,
// 2 the command's own errors. Findings go to stdout one a line as `path:line:col: CODE message`.
// The flags in the first line keep V8 on its baseline WebAssembly compiler: optimising ruff's large module costs about
// 3 s of CPU per run and gains nothing for a run this short (same findings and exit codes; measured with the
// GateCostBenchmarks in benchmarks/Factory.Benchmarks).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

// ruff's own defaults. Workspace.defaultSettings() returns the web playground's defaults instead (they add
// isort's I001 and more), and an empty options object behaves the same, so the selection is always explicit.
const RUFF_DEFAULT_SELECT = ["E4", "E7", "E9", "F"];

// ruff's default `exclude` list (directory or file names skipped during discovery).
const DEFAULT_EXCLUDES = new Set([
  ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
  ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
  "__pypackages__", "_build", "buck-out", "dist", "node_modules", "site-packages", "venv",
]);

class UsageError extends Error {}

function main(argv) {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "version")) {
    const { Workspace } = loadRuff();
    process.stdout.write(`ruff ${Workspace.version()} (wasm)\n`);
    return 0;
  }
  if (argv[0] !== "check") {
    throw new UsageError("only `ruff check [paths]` and `ruff --version` are supported by this wrapper");
  }
  const targets = [];
  for (const arg of argv.slice(1)) {
    if (arg === "--no-cache" || arg === "--quiet" || arg === "-q" || arg === "--output-format=concise") {
      continue; // accepted for compatibility with native ruff invocations; they change nothing here
    }
    if (arg.startsWith("-")) {
      throw new UsageError(`option ${arg} is not supported by this wrapper`);
    }
    targets.push(arg);
  }
  if (targets.length === 0) {
    targets.push(".");
  }

  const cwd = process.cwd();
  const config = findConfig(cwd);
  const settings = toWorkspaceSettings(config.ruff);
  const excludes = new Set([...DEFAULT_EXCLUDES, ...asArray(config.ruff.exclude), ...asArray(config.ruff["extend-exclude"])]);
  const perFileIgnores = {
    ...(config.ruff["per-file-ignores"] || {}),
    ...((config.ruff.lint || {})["per-file-ignores"] || {}),
  };

  const files = [];
  for (const target of targets) {
    const full = path.resolve(cwd, target);
    if (!fs.existsSync(full)) {
      throw new UsageError(`${target}: No such file or directory`);
    }
    collect(full, excludes, files, true);
  }
  files.sort();

  const { Workspace, PositionEncoding } = loadRuff();
  let workspace;
  try {
    workspace = new Workspace(settings, PositionEncoding.Utf32);
  } catch (error) {
    throw new UsageError(`invalid ruff settings in ${config.source}: ${error}`);
  }

  const lines = [];
  for (const file of files) {
    const display = path.relative(cwd, file) || path.basename(file);
    const ignored = ignoredCodes(display, perFileIgnores);
    const diagnostics = workspace.check(fs.readFileSync(file, "utf8"));
    for (const d of diagnostics) {
      // Native ruff labels parse errors "SyntaxError:"; the WASM build names them "invalid-syntax" (or null).
      const code = d.code === null || d.code === "invalid-syntax" ? "SyntaxError:" : d.code;
      if (d.code && ignored.some((prefix) => d.code.startsWith(prefix))) {
        continue;
      }
      const fixable = d.fix ? " [*]" : "";
      lines.push(`${display}:${d.start_location.row}:${d.start_location.column}: ${code}${fixable} ${d.message}`);
    }
  }

  if (lines.length > 0) {
    process.stdout.write(lines.join("\n") + "\n");
    process.stderr.write(`Found ${lines.length} error${lines.length === 1 ? "" : "s"}.\n`);
    return 1;
  }
  process.stderr.write("All checks passed!\n");
  return 0;
}

function loadRuff() {
  try {
    return require("@astral-sh/ruff-wasm-nodejs");
  } catch (error) {
    throw new UsageError(
      `@astral-sh/ruff-wasm-nodejs is not installed next to this wrapper (${error.message}); run scripts/setup-gates.sh`);
  }
}

// Finds the nearest ruff.toml / .ruff.toml / pyproject.toml with [tool.ruff], walking up from the working directory.
function findConfig(start) {
  const toml = require("smol-toml");
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const name of ["ruff.toml", ".ruff.toml", "pyproject.toml"]) {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) {
        continue;
      }
      let parsed;
      try {
        parsed = toml.parse(fs.readFileSync(file, "utf8"));
      } catch (error) {
        throw new UsageError(`cannot parse ${file}: ${error.message}`);
      }
      if (name !== "pyproject.toml") {
        return { ruff: parsed, source: file };
      }
      if (parsed.tool && parsed.tool.ruff) {
        return { ruff: parsed.tool.ruff, source: file };
      }
    }
    if (path.dirname(dir) === dir) {
      return { ruff: {}, source: "(ruff defaults)" };
    }
  }
}

// The project's settings as the plain object the WASM Workspace takes, with ruff's default selection unless the
// project selects rules itself. Discovery-only keys are removed: the wrapper handles them, the Workspace rejects some.
function toWorkspaceSettings(projectSettings) {
  const settings = structuredClone(projectSettings);
  for (const key of ["exclude", "extend-exclude", "per-file-ignores", "extend-per-file-ignores", "include",
    "extend-include", "src", "cache-dir", "respect-gitignore", "force-exclude", "extend"]) {
    delete settings[key];
  }
  settings.lint = settings.lint ? { ...settings.lint } : {};
  delete settings.lint["per-file-ignores"];
  delete settings.lint["extend-per-file-ignores"];
  delete settings.lint.exclude;
  if (settings.select === undefined && settings.lint.select === undefined) {
    settings.lint.select = RUFF_DEFAULT_SELECT;
  }
  return settings;
}

function collect(full, excludes, files, explicit) {
  const stat = fs.statSync(full);
  if (!explicit && excludes.has(path.basename(full))) {
    return;
  }
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(full)) {
      collect(path.join(full, entry), excludes, files, false);
    }
  } else if (explicit || full.endsWith(".py") || full.endsWith(".pyi")) {
    files.push(full);
  }
}

function ignoredCodes(relativePath, perFileIgnores) {
  const codes = [];
  for (const [pattern, list] of Object.entries(perFileIgnores)) {
    if (globToRegExp(pattern).test(relativePath) || globToRegExp(pattern).test(path.basename(relativePath))) {
      codes.push(...asArray(list));
    }
  }
  return codes;
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
  return new RegExp(`^${source}$`);
}

function asArray(value) {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`ruff (wasm wrapper): error: ${error instanceof UsageError ? error.message : error.stack}\n`);
  process.exitCode = 2;
}
