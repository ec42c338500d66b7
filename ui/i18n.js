// Tiny i18n layer over ui/catalogue/{fr,en}.json. Every key exists in both languages
// (tests/it/messages.rs checks it, and that every key the window names has a text).

import { formatMessage } from "./format.js";

const STORAGE_KEY = "relais.lang";
export const LANGS = ["fr", "en"];
const DEFAULT_LANG = "fr";

// The one catalogue, shared with the command line (src-tauri/messages). Loaded before
// anything is shown: every module that imports this one waits for it.
async function loadCatalogue(lang) {
  const response = await fetch(new URL(`./catalogue/${lang}.json`, import.meta.url));
  if (!response.ok) throw new Error(`catalogue ${lang}: HTTP ${response.status}`);
  return response.json();
}

const dictionaries = Object.fromEntries(
  await Promise.all(LANGS.map(async (lang) => [lang, await loadCatalogue(lang)])),
);

let current = DEFAULT_LANG;
const listeners = new Set();

export function normalizeLang(value) {
  const base = String(value || "").toLowerCase().split(/[-_]/)[0];
  return LANGS.includes(base) ? base : null;
}

export function storedLang() {
  try {
    return normalizeLang(localStorage.getItem(STORAGE_KEY));
  } catch {
    // Storage can be unavailable (privacy settings); the app still works.
    return null;
  }
}

export function getLang() {
  return current;
}

export function otherLang(lang = current) {
  return lang === "fr" ? "en" : "fr";
}

/** Sets the language without persisting it (used for the automatic choice). */
export function setLang(lang, { persist = false } = {}) {
  const next = normalizeLang(lang) || DEFAULT_LANG;
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* see storedLang */
    }
  }
  if (next === current && !persist) return;
  current = next;
  document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key, vars = {}) {
  const template = dictionaries[current][key] ?? dictionaries[DEFAULT_LANG][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Plural-aware lookup: expects `${base}.one` and `${base}.other` keys. */
export function tn(base, count, vars = {}) {
  const category = new Intl.PluralRules(current).select(count);
  const key = `${base}.${category}` in dictionaries[current] ? `${base}.${category}` : `${base}.other`;
  return t(key, { count: count.toLocaleString(current), ...vars });
}

/** Picks the current-language value of a {fr, en} field, falling back to the other one. */
export function localized(field, lang = current) {
  if (!field || typeof field !== "object") return field ?? "";
  const isEmpty = (v) => v == null || v === "" || (Array.isArray(v) && v.length === 0);
  const primary = field[lang];
  if (!isEmpty(primary)) return primary;
  const fallback = field[otherLang(lang)];
  if (!isEmpty(fallback)) return fallback;
  return Array.isArray(primary) || Array.isArray(fallback) ? [] : "";
}

/** Applies data-i18n* attributes under root. Cheap enough to run on every switch. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  document.title = t("app.title");
}

/** A catalogue text, or null: for messages worded from Rust codes. */
export function lookup(key, lang = current) {
  return dictionaries[lang]?.[key] ?? null;
}

/** A message from Rust ({code, params}) in the current language. */
export function tm(message) {
  return formatMessage(message, current, lookup);
}
