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

    "nav.kits": "Kits",
    "library.search.label": "Rechercher un visuel",
    "library.search.placeholder": "Rechercher (titre, mot-clé, texte)…",
    "library.kit.label": "Filtrer par kit",
    "library.kit.all": "Tous les kits",
    "library.tags.label": "Filtrer par mot-clé",
    "library.shown.one": "{count} visuel sur {total}",
    "library.shown.other": "{count} visuels sur {total}",
    "library.noMatch.title": "Aucun visuel ne correspond",
    "library.noMatch.body": "Essayez un autre mot, ou retirez un filtre.",
    "availability.expired": "Expiré depuis le {date}",
    "availability.notYet": "Disponible à partir du {date}",

    "editor.toolbar": "Outils de l’éditeur",
    "editor.undo": "Annuler",
    "editor.redo": "Rétablir",
    "editor.hint": "Glissez un cadre pour déplacer le texte, ses coins pour le redimensionner ; flèches du clavier pour l’ajuster (Maj : plus vite).",
    "editor.layers": "Vos textes",
    "editor.layer.name": "Texte {n}",
    "editor.layer.add": "Ajouter un texte",
    "editor.layer.remove": "Supprimer le texte {n}",
    "editor.layer.locked": "Position et style fixés par le kit",
    "editor.box.label": "{name} : glissez ou utilisez les flèches pour déplacer",
    "editor.box.locked": "{name} : position fixée par le kit",
    "editor.style": "Style",
    "editor.codepoints.one": "{count} point de code",
    "editor.codepoints.other": "{count} points de code",
    "editor.alt.help": "Décrit l’image pour les personnes qui ne la voient pas. Complété avec votre texte ; vous pouvez le modifier.",
    "editor.alt.added": "Texte ajouté : « {text} ».",
    "editor.copy": "Copier l’image",
    "editor.copying": "Copie…",
    "style.poster": "Affiche (blanc, contour noir)",
    "style.posterDark": "Affiche (noir, contour blanc)",
    "style.sans": "Sobre gras",
    "style.plain": "Sobre",
    "style.zone": "Style du kit {n}",
    "status.copied": "Image copiée dans le presse-papiers.",
    "status.draftRestored": "Brouillon restauré.",

    "kits.heading": "Vos kits",
    "kits.intro": "Les kits sont envoyés et signés par votre équipe de campagne. Relais vérifie chaque signature avant d’ajouter des visuels.",
    "kits.import.heading": "Ajouter un kit",
    "kits.import.file": "Ouvrir un fichier .relais…",
    "kits.import.folder": "Ouvrir un dossier de kit…",
    "kits.import.url.label": "Adresse du kit",
    "kits.import.url.placeholder": "https://… ou relais://subscribe?…",
    "kits.import.url.submit": "S’abonner",
    "kits.import.drop": "Vous pouvez aussi glisser un fichier .relais ou un dossier de kit sur cette fenêtre.",
    "kits.drop.overlay": "Déposez le kit pour l’ajouter",
    "kits.list.heading": "Kits installés",
    "kits.none": "Aucun kit installé.",
    "kits.lastCheck": "Dernière vérification",
    "kits.lastCheck.never": "jamais",
    "kits.expires": "Expire le",
    "kits.source": "Adresse",
    "kits.update": "Rechercher une mise à jour",
    "kits.update.noSource": "Ce kit a été importé depuis un fichier : importez la nouvelle version de la même façon.",
    "kits.remove": "Retirer",
    "kits.remove.title": "Retirer ce kit ?",
    "kits.remove.body": "Les visuels du kit « {kit} » disparaîtront de votre bibliothèque. Vous pourrez l’importer à nouveau plus tard.",
    "kits.remove.confirm": "Retirer le kit",
    "kits.removed": "Kit « {kit} » retiré.",
    "kits.cancelled": "Import annulé : rien n’a été ajouté.",
    "kits.keyChanged": "Le kit « {kit} » est signé par une autre clé que celle que vous aviez acceptée. Import refusé : demandez à votre équipe ce qui a changé.",
    "kits.progress": "{done} / {total} fichiers · {mb} Mo",
    "kits.upToDate": "Le kit {kit} est déjà à jour.",
    "kits.done": "Kits mis à jour.",
    "kits.updateFailed": "Le kit {kit} n’a pas pu être mis à jour : {error}",
    "kits.result.installed.one": "Kit {kit} installé (version {version}, {count} visuel).",
    "kits.result.installed.other": "Kit {kit} installé (version {version}, {count} visuels).",
    "kits.result.updated": "Kit {kit} mis à jour : version {previous} → {version}.",
    "kits.result.unchanged": "Kit {kit} : la version {version} est déjà installée.",
    "kits.result.retracted.one": "{count} visuel a été retiré par l’équipe :",
    "kits.result.retracted.other": "{count} visuels ont été retirés par l’équipe :",
    "kits.result.retractedItem": "{title} : {reason}",
    "kits.startup.news": "Vos kits ont été vérifiés : détails dans l’onglet Kits.",
    "kits.startup.withdrawn.one": "{count} visuel a été retiré par l’équipe : détails dans l’onglet Kits.",
    "kits.startup.withdrawn.other": "{count} visuels ont été retirés par l’équipe : détails dans l’onglet Kits.",

    "trust.title": "Faire confiance à ce kit ?",
    "trust.intro": "C’est la première fois que vous importez ce kit. Vérifiez qu’il vient bien de votre équipe de campagne.",
    "trust.publisher": "Éditeur",
    "trust.kit": "Kit",
    "trust.version": "Version",
    "trust.assets": "Visuels",
    "trust.assetCount.one": "{count} visuel",
    "trust.assetCount.other": "{count} visuels",
    "trust.fingerprint": "Empreinte de la clé",
    "trust.check": "Comparez l’empreinte avec celle que votre équipe a publiée (site, message épinglé). Si elle diffère, annulez. Les prochaines versions de ce kit devront être signées par la même clé.",
    "trust.cancel": "Annuler",
    "trust.confirm": "Je fais confiance et j’importe",

    "error.clipboard": "Le presse-papiers n’est pas disponible.",
    "error.draft": "Le brouillon n’a pas pu être enregistré.",
    "error.untrusted": "Kit refusé.",
    "error.kit_refused": "Kit refusé, rien n’a été installé.",
    "error.unavailable": "Ce visuel n’est pas utilisable aujourd’hui.",
    "error.network": "Connexion au serveur du kit impossible.",
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

    "nav.kits": "Kits",
    "library.search.label": "Search visuals",
    "library.search.placeholder": "Search (title, tag, text)…",
    "library.kit.label": "Filter by kit",
    "library.kit.all": "All kits",
    "library.tags.label": "Filter by tag",
    "library.shown.one": "{count} of {total} visuals",
    "library.shown.other": "{count} of {total} visuals",
    "library.noMatch.title": "No visual matches",
    "library.noMatch.body": "Try another word, or remove a filter.",
    "availability.expired": "Expired since {date}",
    "availability.notYet": "Available from {date}",

    "editor.toolbar": "Editor tools",
    "editor.undo": "Undo",
    "editor.redo": "Redo",
    "editor.hint": "Drag a box to move its text, its corners to resize it; arrow keys to nudge it (Shift: faster).",
    "editor.layers": "Your texts",
    "editor.layer.name": "Text {n}",
    "editor.layer.add": "Add a text",
    "editor.layer.remove": "Remove text {n}",
    "editor.layer.locked": "Position and style set by the kit",
    "editor.box.label": "{name}: drag or use the arrow keys to move",
    "editor.box.locked": "{name}: position set by the kit",
    "editor.style": "Style",
    "editor.codepoints.one": "{count} code point",
    "editor.codepoints.other": "{count} code points",
    "editor.alt.help": "Describes the image for people who cannot see it. Extended with your text; you can edit it.",
    "editor.alt.added": "Added text: “{text}”.",
    "editor.copy": "Copy image",
    "editor.copying": "Copying…",
    "style.poster": "Poster (white, black outline)",
    "style.posterDark": "Poster (black, white outline)",
    "style.sans": "Plain bold",
    "style.plain": "Plain",
    "style.zone": "Kit style {n}",
    "status.copied": "Image copied to the clipboard.",
    "status.draftRestored": "Draft restored.",

    "kits.heading": "Your kits",
    "kits.intro": "Kits are sent and signed by your campaign team. Relais checks every signature before adding visuals.",
    "kits.import.heading": "Add a kit",
    "kits.import.file": "Open a .relais file…",
    "kits.import.folder": "Open a kit folder…",
    "kits.import.url.label": "Kit address",
    "kits.import.url.placeholder": "https://… or relais://subscribe?…",
    "kits.import.url.submit": "Subscribe",
    "kits.import.drop": "You can also drag a .relais file or a kit folder onto this window.",
    "kits.drop.overlay": "Drop the kit to add it",
    "kits.list.heading": "Installed kits",
    "kits.none": "No kit installed.",
    "kits.lastCheck": "Last checked",
    "kits.lastCheck.never": "never",
    "kits.expires": "Expires on",
    "kits.source": "Address",
    "kits.update": "Check for an update",
    "kits.update.noSource": "This kit was imported from a file: import the new version the same way.",
    "kits.remove": "Remove",
    "kits.remove.title": "Remove this kit?",
    "kits.remove.body": "The visuals of the kit “{kit}” will disappear from your library. You can import it again later.",
    "kits.remove.confirm": "Remove the kit",
    "kits.removed": "Kit “{kit}” removed.",
    "kits.cancelled": "Import cancelled: nothing was added.",
    "kits.keyChanged": "The kit “{kit}” is signed by a different key than the one you accepted. Import refused: ask your team what changed.",
    "kits.progress": "{done} / {total} files · {mb} MB",
    "kits.upToDate": "The kit {kit} is already up to date.",
    "kits.done": "Kits updated.",
    "kits.updateFailed": "The kit {kit} could not be updated: {error}",
    "kits.result.installed.one": "Kit {kit} installed (version {version}, {count} visual).",
    "kits.result.installed.other": "Kit {kit} installed (version {version}, {count} visuals).",
    "kits.result.updated": "Kit {kit} updated: version {previous} → {version}.",
    "kits.result.unchanged": "Kit {kit}: version {version} is already installed.",
    "kits.result.retracted.one": "{count} visual was withdrawn by the team:",
    "kits.result.retracted.other": "{count} visuals were withdrawn by the team:",
    "kits.result.retractedItem": "{title}: {reason}",
    "kits.startup.news": "Your kits were checked: details in the Kits tab.",
    "kits.startup.withdrawn.one": "{count} visual was withdrawn by the team: details in the Kits tab.",
    "kits.startup.withdrawn.other": "{count} visuals were withdrawn by the team: details in the Kits tab.",

    "trust.title": "Trust this kit?",
    "trust.intro": "This is the first time you import this kit. Check that it really comes from your campaign team.",
    "trust.publisher": "Publisher",
    "trust.kit": "Kit",
    "trust.version": "Version",
    "trust.assets": "Visuals",
    "trust.assetCount.one": "{count} visual",
    "trust.assetCount.other": "{count} visuals",
    "trust.fingerprint": "Key fingerprint",
    "trust.check": "Compare the fingerprint with the one your team published (website, pinned message). If it differs, cancel. Later versions of this kit must be signed by the same key.",
    "trust.cancel": "Cancel",
    "trust.confirm": "I trust it, import",

    "error.clipboard": "The clipboard is not available.",
    "error.draft": "The draft could not be saved.",
    "error.untrusted": "Kit refused.",
    "error.kit_refused": "Kit refused; nothing was installed.",
    "error.unavailable": "This visual cannot be used today.",
    "error.network": "Could not reach the kit's server.",
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
