// Tiny i18n layer. French is the reference language: every key must exist in
// both dictionaries (checked by the test harness), so a missing English string
// shows up as a bug instead of silently leaking French into the UI.

const STORAGE_KEY = "relais.lang";
export const LANGS = ["fr", "en"];
const DEFAULT_LANG = "fr";

const dictionaries = {
  fr: {
    "app.name": "Relais",
    "app.title": "Relais — visuels de campagne",
    "app.version": "Version {version}",

    "nav.label": "Navigation principale",
    "nav.library": "Bibliothèque",
    "nav.editor": "Éditeur",
    "lang.label": "Langue",

    "library.heading": "Choisissez un visuel",
    "library.intro": "Sélectionnez une affiche ou un GIF validé, ajoutez votre texte, puis exportez-le.",
    "library.count.one": "{count} visuel disponible",
    "library.count.other": "{count} visuels disponibles",
    "library.kits.one": "{count} kit",
    "library.kits.other": "{count} kits",
    "library.loading": "Chargement des visuels…",
    "library.empty.title": "Aucun visuel pour l’instant",
    "library.empty.body": "Aucun kit n’est installé. Demandez à votre équipe de campagne de vous en transmettre un.",
    "library.error.title": "La bibliothèque n’a pas pu être chargée",
    "library.retry": "Réessayer",

    "card.open": "Ouvrir « {title} »",
    "card.open.gif": "Ouvrir « {title} » (GIF animé)",
    "card.gif": "GIF",
    "card.untitled": "Sans titre",

    "editor.kit": "Kit : {kit}",
    "editor.preview.label": "Aperçu du visuel",
    "editor.caption.label": "Votre texte",
    "editor.caption.placeholder": "Tapez le texte à afficher sur le visuel…",
    "editor.counter.one": "{count} caractère",
    "editor.counter.other": "{count} caractères",
    "editor.suggestions": "Suggestions",
    "editor.suggestions.none": "Pas de suggestion pour ce visuel.",
    "editor.alt.label": "Texte alternatif",
    "editor.alt.none": "Aucun texte alternatif fourni.",
    "editor.credit": "Crédit : {credit}",
    "editor.licence": "Licence : {licence}",
    "editor.export": "Exporter…",
    "editor.exporting": "Exportation…",
    "editor.back": "Retour à la bibliothèque",

    "status.loaded.one": "{count} visuel chargé.",
    "status.loaded.other": "{count} visuels chargés.",
    "status.saved": "Enregistré : {path}",
    "status.exportCancelled": "Exportation annulée.",
    "status.noTauri": "Impossible de joindre l’application : l’interface Tauri est absente. Lancez Relais depuis l’application de bureau.",

    "error.not_found": "Élément introuvable.",
    "error.invalid_input": "Donnée non valide.",
    "error.in_use": "Ressource déjà utilisée.",
    "error.io": "Erreur de lecture ou d’écriture de fichier.",
    "error.internal": "Erreur interne de l’application.",
    "error.no_tauri": "Interface Tauri absente.",
    "error.unknown": "Une erreur inattendue s’est produite.",
  },
  en: {
    "app.name": "Relais",
    "app.title": "Relais — campaign visuals",
    "app.version": "Version {version}",

    "nav.label": "Main navigation",
    "nav.library": "Library",
    "nav.editor": "Editor",
    "lang.label": "Language",

    "library.heading": "Pick a visual",
    "library.intro": "Choose an approved poster or GIF, add your text, then export it.",
    "library.count.one": "{count} visual available",
    "library.count.other": "{count} visuals available",
    "library.kits.one": "{count} kit",
    "library.kits.other": "{count} kits",
    "library.loading": "Loading visuals…",
    "library.empty.title": "No visuals yet",
    "library.empty.body": "No kit is installed. Ask your campaign team to send you one.",
    "library.error.title": "The library could not be loaded",
    "library.retry": "Try again",

    "card.open": "Open “{title}”",
    "card.open.gif": "Open “{title}” (animated GIF)",
    "card.gif": "GIF",
    "card.untitled": "Untitled",

    "editor.kit": "Kit: {kit}",
    "editor.preview.label": "Visual preview",
    "editor.caption.label": "Your text",
    "editor.caption.placeholder": "Type the text to show on the visual…",
    "editor.counter.one": "{count} character",
    "editor.counter.other": "{count} characters",
    "editor.suggestions": "Suggestions",
    "editor.suggestions.none": "No suggestions for this visual.",
    "editor.alt.label": "Alt text",
    "editor.alt.none": "No alt text provided.",
    "editor.credit": "Credit: {credit}",
    "editor.licence": "Licence: {licence}",
    "editor.export": "Export…",
    "editor.exporting": "Exporting…",
    "editor.back": "Back to library",

    "status.loaded.one": "{count} visual loaded.",
    "status.loaded.other": "{count} visuals loaded.",
    "status.saved": "Saved: {path}",
    "status.exportCancelled": "Export cancelled.",
    "status.noTauri": "Cannot reach the app: the Tauri interface is missing. Start Relais from the desktop application.",

    "error.not_found": "Item not found.",
    "error.invalid_input": "Invalid input.",
    "error.in_use": "Resource already in use.",
    "error.io": "File read or write error.",
    "error.internal": "Internal application error.",
    "error.no_tauri": "Tauri interface missing.",
    "error.unknown": "An unexpected error occurred.",
  },
};

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

// Exposed for the key-parity check in the test harness only.
export const _dictionaries = dictionaries;
