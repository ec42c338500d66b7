// Wiring: language, views, status line, and the startup sequence.

import {
  t, tn, tm, getLang, setLang, storedLang, normalizeLang, onLangChange, applyI18n,
} from "./i18n.js";
import {
  hasTauri, appInfo, library as loadLibrary, normalizeError, listen as listenEvent,
} from "./ipc.js";
import { createLibrary } from "./library.js";
import { createEditor } from "./editor.js";
import { createKits } from "./kits.js";
import { createAccounts } from "./accounts.js";

const $ = (id) => document.getElementById(id);

const els = {
  navLibrary: $("nav-library"),
  navEditor: $("nav-editor"),
  navKits: $("nav-kits"),
  navAccounts: $("nav-accounts"),
  langSelect: $("lang-select"),
  libraryView: $("library-view"),
  editorView: $("editor-view"),
  kitsView: $("kits-view"),
  accountsView: $("accounts-view"),
  status: $("status"),
  version: $("app-version"),
};

// ---- status line -------------------------------------------------------------

// The status is kept as a function rather than a string so it can be
// re-localized when the language changes.
let statusText = null;
let statusKind = "info";
let version = "";

function setStatus(kind, text) {
  statusKind = kind;
  statusText = text;
  renderStatus();
}

function renderStatus() {
  const el = els.status;
  el.dataset.kind = statusKind;
  el.setAttribute("role", statusKind === "error" ? "alert" : "status");
  el.textContent = statusText ? statusText() : "";
}

/** The sentence for an error, in the current language: the Rust message worded from
 * the catalogue when there is one, else the category's own text. */
function describeError(err) {
  const { code, message, detail } = normalizeError(err);
  if (detail) return tm(detail);
  if (message && code === "untrusted") return message;
  return t(`error.${code}`) !== `error.${code}` ? t(`error.${code}`) : t("error.unknown");
}

function showError(err) {
  setStatus("error", () => describeError(err));
}

// ---- views -------------------------------------------------------------------

let view = "library";

function showView(next) {
  view = next;
  els.libraryView.hidden = next !== "library";
  els.editorView.hidden = next !== "editor";
  els.kitsView.hidden = next !== "kits";
  els.accountsView.hidden = next !== "accounts";
  for (const [button, name] of [[els.navLibrary, "library"], [els.navEditor, "editor"], [els.navAccounts, "accounts"], [els.navKits, "kits"]]) {
    if (name === next) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
}

const lib = createLibrary({
  grid: $("asset-grid"),
  countEl: $("library-count"),
  stateEl: $("library-state"),
  search: $("library-search"),
  kitFilter: $("library-kit"),
  tagFilters: $("library-tags"),
  onOpen: openAsset,
});

const editor = createEditor({
  els: {
    preview: $("preview"),
    stage: $("preview-stage"),
    frame: $("preview-frame"),
    boxes: $("layer-boxes"),
    title: $("editor-title"),
    kit: $("editor-kit"),
    unavailable: $("editor-unavailable"),
    undrawable: $("editor-undrawable"),
    layerList: $("layer-list"),
    addLayerButton: $("add-layer"),
    suggestions: $("suggestions"),
    altInput: $("alt-input"),
    altCounter: $("alt-counter"),
    credit: $("editor-credit"),
    exportButton: $("export-button"),
    copyButton: $("copy-button"),
    backButton: $("back-button"),
    undoButton: $("undo-button"),
    redoButton: $("redo-button"),
  },
  onError: showError,
  onStatus: setStatus,
  // A successful render means the last render error no longer applies;
  // leaving it up would make volunteers think something is still broken.
  onRecovered: () => {
    if (statusKind === "error") setStatus("info", null);
  },
  onBack: backToLibrary,
});

const kits = createKits({
  els: {
    list: $("kit-list"),
    pickFile: $("kit-pick-file"),
    pickFolder: $("kit-pick-folder"),
    urlForm: $("kit-url-form"),
    urlInput: $("kit-url"),
    progressRow: $("kit-progress-row"),
    progress: $("kit-progress"),
    progressText: $("kit-progress-text"),
    result: $("kit-result"),
    overlay: $("drop-overlay"),
    trustDialog: $("trust-dialog"),
    trust: {
      publisher: $("trust-publisher"),
      kit: $("trust-kit"),
      version: $("trust-version"),
      assets: $("trust-assets"),
      fingerprint: $("trust-fingerprint"),
    },
    removeDialog: $("remove-dialog"),
    removeBody: $("remove-body"),
  },
  onError: showError,
  onStatus: setStatus,
  onLibraryChanged: () => refreshLibrary(),
});
const accounts = createAccounts({
  els: {
    list: $("account-list"),
    result: $("account-result"),
    networks: $("account-networks"),
    forms: [...document.querySelectorAll(".account-form")],
    removeDialog: $("account-remove-dialog"),
    removeBody: $("account-remove-body"),
  },
  describe: describeError,
  onStatus: setStatus,
});

// A relais://subscribe link opened from a browser or a message (see desktop/deep_link.rs).
function openSubscribeLink(url) {
  if (typeof url !== "string" || !url.startsWith("relais://subscribe")) return;
  showView("kits");
  kits.refresh();
  kits.subscribe(url);
}
listenEvent("kit-subscribe-link", openSubscribeLink).catch(() => {});

kits.setOnDropped((path) => {
  showView("kits");
  kits.importPath(path);
});

function openAsset(asset) {
  showView("editor");
  els.navEditor.disabled = false;
  editor.open(asset);
}

function backToLibrary() {
  showView("library");
  const asset = editor.current();
  if (!asset || !lib.focusCard(asset.kit_id, asset.id)) els.navLibrary.focus();
}

els.navLibrary.addEventListener("click", () => {
  if (view !== "library") backToLibrary();
});
els.navKits.addEventListener("click", () => {
  showView("kits");
  kits.refresh();
});
els.navAccounts.addEventListener("click", () => {
  showView("accounts");
  accounts.refresh();
});
els.navEditor.addEventListener("click", () => {
  const asset = editor.current();
  if (asset && view !== "editor") openAsset(asset);
});

document.addEventListener("keydown", (event) => {
  if (view === "editor" && editor.handleKey(event)) return;
  // Escape inside an open dialog closes the dialog, not the editor.
  if (document.querySelector("dialog[open]")) return;
  // isComposing: Escape also cancels an IME composition; don't steal it.
  if (event.key !== "Escape" || event.isComposing || view !== "editor") return;
  event.preventDefault();
  backToLibrary();
});

// ---- language ----------------------------------------------------------------

onLangChange(() => {
  els.langSelect.value = getLang();
  applyI18n(document);
  els.version.textContent = version ? t("app.version", { version }) : "";
  lib.refreshLanguage();
  editor.refreshLanguage();
  kits.refreshLanguage();
  accounts.refreshLanguage();
  renderStatus();
});

els.langSelect.addEventListener("change", () => {
  setLang(els.langSelect.value, { persist: true });
});

// ---- startup -----------------------------------------------------------------

async function refreshLibrary() {
  lib.setLoading();
  try {
    const assets = await loadLibrary();
    lib.setAssets(assets);
    setStatus("info", () => tn("status.loaded", assets.length));
  } catch (err) {
    lib.setError(() => describeError(err), refreshLibrary);
    showError(err);
  }
}

async function start() {
  // A saved choice wins; otherwise the browser language is a reasonable
  // first guess until app_info tells us the system locale.
  const saved = storedLang();
  setLang(saved || normalizeLang(navigator.language) || "fr");
  els.langSelect.value = getLang();
  applyI18n(document);
  showView("library");

  if (!hasTauri()) {
    lib.setError(() => t("status.noTauri"), null);
    setStatus("error", () => t("status.noTauri"));
    return;
  }

  const libraryLoad = refreshLibrary();
  try {
    const info = await appInfo();
    version = info?.version ?? "";
    els.version.textContent = version ? t("app.version", { version }) : "";
    if (!saved && normalizeLang(info?.locale)) setLang(info.locale);
    accounts.setFeatures({ mastodon: info?.mastodon === true });
    // Opened from a relais://subscribe link: go straight to subscribing. Otherwise
    // look for new versions of subscribed kits in the background.
    // Opened on a .relais file (double-clicked): straight to importing it.
    if (info?.subscribe_link) openSubscribeLink(info.subscribe_link);
    else if (info?.kit_file) {
      showView("kits");
      kits.refresh();
      kits.importPath(info.kit_file);
    } else kits.checkAtStart();
  } catch (err) {
    // Not fatal: the library can still be used without version/locale.
    showError(err);
  }
  await libraryLoad;
}

start();
