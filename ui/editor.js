// Caption editor: live preview rendered by the Rust side.
//
// Rendering is serialised: at most one render_preview is in flight, and while
// it runs only the newest request is remembered. On a 2-core laptop this keeps
// typing responsive instead of queueing a render per keystroke.

import { t, tn, getLang, localized } from "./i18n.js";
import { renderPreview, exportImage, thumbUrl } from "./ipc.js";

const TYPING_DEBOUNCE_MS = 60;
const RESIZE_DEBOUNCE_MS = 200;
const MAX_RENDER_EDGE = 4096;

export function createEditor({ els, onError, onStatus, onRecovered, onBack }) {
  const {
    preview, stage, title, kit, caption, counter, suggestions, altText, credit,
    exportButton, backButton,
  } = els;

  let asset = null;
  // Bumped whenever the open asset changes so late replies for a previous
  // asset are dropped instead of flashing the wrong image.
  let session = 0;
  let revision = 0;
  let blobUrl = null;
  let debounceTimer = 0;
  let resizeTimer = 0;
  let inFlight = false;
  let pending = null;
  let lastSize = { w: 0, h: 0 };
  let exporting = false;
  // Captions survive switching between assets during one session.
  const drafts = new Map();

  const segmenters = new Map();
  function countGraphemes(text) {
    if (typeof Intl.Segmenter !== "function") return Array.from(text).length;
    const lang = getLang();
    if (!segmenters.has(lang)) {
      segmenters.set(lang, new Intl.Segmenter(lang, { granularity: "grapheme" }));
    }
    let n = 0;
    for (const _ of segmenters.get(lang).segment(text)) n++;
    return n;
  }

  const key = (a) => `${a.kit_id}\u0000${a.id}`;

  function previewSize() {
    const style = getComputedStyle(stage);
    const w = stage.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const h = stage.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const dpr = window.devicePixelRatio || 1;
    const clamp = (v, fallback) =>
      Math.max(1, Math.min(MAX_RENDER_EDGE, Math.round((v > 0 ? v : fallback) * dpr)));
    return { w: clamp(w, 800), h: clamp(h, 600) };
  }

  // ---- rendering -----------------------------------------------------------

  function scheduleRender(delay = TYPING_DEBOUNCE_MS) {
    clearTimeout(debounceTimer);
    if (delay <= 0) requestRender();
    else debounceTimer = setTimeout(requestRender, delay);
  }

  function requestRender() {
    if (!asset) return;
    const size = previewSize();
    lastSize = size;
    const request = {
      session,
      kitId: asset.kit_id,
      assetId: asset.id,
      text: caption.value,
      maxWidth: size.w,
      maxHeight: size.h,
    };
    if (inFlight) {
      pending = request;
      return;
    }
    run(request);
  }

  async function run(request) {
    inFlight = true;
    stage.setAttribute("aria-busy", "true");
    try {
      const buffer = await renderPreview(request);
      if (request.session === session) await show(buffer, request.text, request.session);
    } catch (err) {
      if (request.session === session) onError(err);
    } finally {
      inFlight = false;
      const next = pending;
      pending = null;
      if (next && next.session === session) run(next);
      else stage.removeAttribute("aria-busy");
    }
  }

  async function show(buffer, text, forSession) {
    const url = URL.createObjectURL(new Blob([buffer], { type: "image/jpeg" }));
    // Decode off-screen first so swapping the visible image never flickers.
    const probe = new Image();
    probe.src = url;
    try {
      await probe.decode();
    } catch {
      URL.revokeObjectURL(url);
      throw { code: "internal", message: "The preview image could not be decoded." };
    }
    if (forSession !== session) {
      URL.revokeObjectURL(url);
      return;
    }
    preview.src = url;
    releaseBlob();
    blobUrl = url;
    // data-text before data-revision: whoever waits on the revision must
    // already see the matching text.
    preview.dataset.text = text;
    preview.dataset.revision = String(++revision);
    onRecovered?.();
  }

  function releaseBlob() {
    if (blobUrl && blobUrl !== preview.src) URL.revokeObjectURL(blobUrl);
    blobUrl = null;
  }

  // ---- text ------------------------------------------------------------------

  function updateCounter() {
    counter.textContent = tn("editor.counter", countGraphemes(caption.value));
  }

  function updateSuggestionState() {
    for (const chip of suggestions.querySelectorAll(".suggestion")) {
      chip.setAttribute("aria-pressed", String(chip.dataset.value === caption.value));
    }
  }

  function renderSuggestions() {
    const list = localized(asset?.captions) || [];
    suggestions.replaceChildren();
    if (!list.length) {
      const none = document.createElement("p");
      none.className = "muted small";
      none.textContent = t("editor.suggestions.none");
      suggestions.append(none);
      return;
    }
    for (const text of list) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "suggestion";
      chip.dataset.value = text;
      chip.textContent = text;
      suggestions.append(chip);
    }
    updateSuggestionState();
  }

  function refreshLanguage() {
    if (!asset) return;
    title.textContent = localized(asset.title) || t("card.untitled");
    const kitTitle = localized(asset.kit_title);
    kit.textContent = kitTitle ? t("editor.kit", { kit: kitTitle }) : "";
    const alt = localized(asset.alt);
    altText.textContent = alt || t("editor.alt.none");
    altText.classList.toggle("muted", !alt);
    preview.alt = alt;
    const bits = [];
    if (asset.credit) bits.push(t("editor.credit", { credit: asset.credit }));
    if (asset.licence) bits.push(t("editor.licence", { licence: asset.licence }));
    credit.textContent = bits.join(" · ");
    credit.hidden = bits.length === 0;
    exportButton.dataset.i18n = exporting ? "editor.exporting" : "editor.export";
    exportButton.textContent = t(exportButton.dataset.i18n);
    renderSuggestions();
    updateCounter();
  }

  // ---- events ----------------------------------------------------------------

  caption.addEventListener("input", () => {
    if (asset) drafts.set(key(asset), caption.value);
    updateCounter();
    updateSuggestionState();
    scheduleRender();
  });

  suggestions.addEventListener("click", (event) => {
    const chip = event.target.closest(".suggestion");
    if (!chip || !asset) return;
    caption.value = chip.dataset.value;
    drafts.set(key(asset), caption.value);
    updateCounter();
    updateSuggestionState();
    scheduleRender(0);
  });

  exportButton.addEventListener("click", async () => {
    if (!asset || exporting) return;
    exporting = true;
    exportButton.disabled = true;
    exportButton.setAttribute("aria-busy", "true");
    refreshLanguage();
    try {
      const result = await exportImage({ kitId: asset.kit_id, assetId: asset.id, text: caption.value });
      if (result && result.path) onStatus("success", () => t("status.saved", { path: result.path }));
      else onStatus("info", () => t("status.exportCancelled"));
    } catch (err) {
      onError(err);
    } finally {
      exporting = false;
      exportButton.disabled = false;
      exportButton.removeAttribute("aria-busy");
      refreshLanguage();
    }
  });

  backButton.addEventListener("click", () => onBack());

  // Only re-render when the box grows: shrinking is handled fine by CSS
  // downscaling, and avoiding renders while dragging the window edge keeps
  // the CPU free for the rest of the machine.
  new ResizeObserver(() => {
    if (!asset || stage.offsetParent === null) return;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const size = previewSize();
      if (size.w > lastSize.w || size.h > lastSize.h) scheduleRender(0);
    }, RESIZE_DEBOUNCE_MS);
  }).observe(stage);

  return {
    /** Call after the view is visible so the preview box has its real size. */
    open(next) {
      const same = asset && key(asset) === key(next);
      asset = next;
      if (!same) {
        session++;
        pending = null;
        clearTimeout(debounceTimer);
        // Show the thumbnail instantly; the caption render replaces it.
        preview.src = thumbUrl(asset.thumb_sha256);
        releaseBlob();
        preview.dataset.text = "";
        caption.value = drafts.get(key(asset)) ?? "";
      }
      refreshLanguage();
      scheduleRender(0);
      caption.focus();
    },
    refreshLanguage,
    current: () => asset,
  };
}
