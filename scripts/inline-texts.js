#!/usr/bin/env node
/*
 * Writes the translation files' texts that the script tag needs before it can
 * fetch anything into the joined embed.js (consent layer + loader), so no
 * translation is copied into JavaScript by hand. Run by the widget build's
 * post-build hook (Trunk.toml), before terser:
 *
 *   node scripts/inline-texts.js I18N_DIR FILE
 *
 * It replaces, each exactly once, in FILE:
 *   "@I18N_LANGUAGES@"  every language code, from the names of I18N_DIR/*.json, English first
 *   "@I18N_BANNER_EN@"  the English `banner` section: shown at once, and the fallback
 *                       for any text the banner's fetch in another language lacks
 *   "@I18N_LOADER@"     the `loader` section of every language, by code: shown when the
 *                       booking form cannot load, so it cannot be fetched either
 * (the quotes included: each becomes a JSON literal), and fails when one is missing,
 * occurs twice, or an "@I18N_…@" is left, or when a language lacks a loader text.
 * crates/texts/build.rs checks the files themselves (keys, placeholders).
 */
"use strict";

const fs = require("fs");
const path = require("path");

function fail(message) {
  console.error(`inline-texts: ${message}`);
  process.exit(1);
}

const [dir, file] = process.argv.slice(2);
if (!dir || !file) fail("usage: node scripts/inline-texts.js I18N_DIR FILE");

let names;
try {
  names = fs.readdirSync(dir).filter((name) => name.endsWith(".json"));
} catch (err) {
  fail(`cannot list the translation files in ${dir}: ${err.message}`);
}
const codes = names.map((name) => name.slice(0, -".json".length));
if (!codes.includes("en")) fail(`${dir} has no en.json`);
for (const code of codes) {
  if (!/^[a-z]{2,3}$/.test(code)) fail(`${dir}/${code}.json: not a language code`);
}
codes.sort((a, b) => (a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b)));

const files = {};
for (const code of codes) {
  const where = path.join(dir, `${code}.json`);
  try {
    files[code] = JSON.parse(fs.readFileSync(where, "utf8"));
  } catch (err) {
    fail(`${where}: ${err.message}`);
  }
}

/** `section` of `code`'s file: every key of English's, each a non-empty string. */
function section(code, name) {
  const texts = files[code][name];
  const english = files.en[name];
  if (!english || typeof english !== "object") fail(`en.json has no "${name}" section`);
  const out = {};
  for (const key of Object.keys(english)) {
    const text = texts && texts[key];
    if (typeof text !== "string" || !text) fail(`${code}.json: "${name}.${key}" is missing or not a text`);
    out[key] = text;
  }
  return out;
}

const loader = {};
for (const code of codes) loader[code] = section(code, "loader");
const values = {
  "@I18N_LANGUAGES@": codes,
  "@I18N_BANNER_EN@": section("en", "banner"),
  "@I18N_LOADER@": loader,
};

let source = fs.readFileSync(file, "utf8");
for (const [placeholder, value] of Object.entries(values)) {
  const quoted = `"${placeholder}"`;
  const count = source.split(quoted).length - 1;
  if (count !== 1) fail(`${file} has ${quoted} ${count} times, not once`);
  // A function, so that a "$" in a text is a character, not a pattern.
  source = source.replace(quoted, () => JSON.stringify(value));
}
const left = source.match(/@I18N_[A-Z0-9_]*@/);
if (left) fail(`${file} still has ${left[0]}, which this script does not fill`);
fs.writeFileSync(file, source);
console.log(`inline-texts: ${codes.join(", ")} from ${dir} into ${file}`);
