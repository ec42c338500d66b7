// Caption editor: caption layers drawn as boxes over a preview rendered by Rust.
//
// Rendering is serialised: at most one render_preview is in flight, and while
// it runs only the newest request is remembered. On a 2-core laptop this keeps
// dragging and typing responsive instead of queueing a render per event.
//
// The remix sent to Rust has the caption engine's shape:
// {layers: [{text, zone: {x, y, width, height}, style, locked}]}, every
// coordinate relative to the asset (0..1), so the boxes and the render agree at
// any size.

import { t, tn, getLang, localized } from "./i18n.js";
import { availabilityNote } from "./availability.js";
import {
  renderPreview, undrawableCharacters, exportImage, copyImage, draftLoad, draftSave, thumbUrl,
} from "./ipc.js";

const RESIZE_DEBOUNCE_MS = 200;
const DRAFT_DEBOUNCE_MS = 400;
const HISTORY_COALESCE_MS = 800;
const MAX_RENDER_EDGE = 4096;
const SNAP = 0.02;
const MIN_SIDE = 0.05;
const KEY_STEP = 0.005;
const KEY_STEP_BIG = 0.05;
const BOTTOM_BAND = { x: 0.06, y: 0.74, width: 0.88, height: 0.2 };
const FREE_ZONE = { x: 0.1, y: 0.08, width: 0.8, height: 0.18 };

// Relais's own styles, offered next to the kit's. `name` keys are i18n keys.
const DEFAULT_STYLES = [
  { id: "default:poster", name: "style.poster", style: {} },
  {
    id: "default:poster-dark",
    name: "style.posterDark",
    style: { fill: [20, 20, 20, 255], outline: { color: [255, 255, 255, 255], width: 0.07 } },
  },
  {
    id: "default:sans",
    name: "style.sans",
    style: { face: "sans_bold", outline: { color: [0, 0, 0, 255], width: 0.05 }, max_size: 0.06 },
  },
  { id: "default:plain", name: "style.plain", style: { face: "sans", outline: null, max_size: 0.05 } },
];

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const round4 = (v) => Math.round(v * 10000) / 10000;

export function createEditor({ els, onError, onStatus, onRecovered, onBack }) {
  const {
    preview, stage, frame, boxes, title, kit, unavailable, undrawable, layerList, addLayerButton,
    suggestions, altInput, altCounter, credit, exportButton, copyButton, backButton,
    undoButton, redoButton,
  } = els;

  let asset = null;
  // Bumped whenever the open asset changes so late replies for a previous
  // asset are dropped instead of flashing the wrong image.
  let session = 0;
  let revision = 0;
  let blobUrl = null;
  let resizeTimer = 0;
  let draftTimer = 0;
  let inFlight = false;
  let pending = null;
  let lastSize = { w: 0, h: 0 };
  let busy = false;
  // Characters no font can draw in the current texts, and the texts they were found in.
  let missing = [];
  let missingChecked = "";
  let missingAsked = "";

  let layers = [];
  let active = 0;
  let altEdited = false;
  let undoStack = [];
  let redoStack = [];
  let lastPush = { kind: "", at: 0 };

  // End-to-end latency samples (pointer event -> preview painted), read by the e2e test.
  const latencies = [];
  const renderTimes = [];
  window.__relaisLatencies = latencies;
  window.__relaisRenderTimes = renderTimes;

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

  // ---- model -----------------------------------------------------------------

  const kitZones = () => (Array.isArray(asset?.zones) ? asset.zones : []);

  function zoneOf(z) {
    return { x: +z.x || 0, y: +z.y || 0, width: +z.width || 0.5, height: +z.height || 0.2 };
  }

  /** The kit's styles for this asset (named kit styles when present, zone styles otherwise) plus Relais's. */
  function stylesOffered() {
    const list = [];
    const kitStyles = Array.isArray(asset?.styles) ? asset.styles : [];
    for (const s of kitStyles) {
      list.push({ id: `kit:${s.id}`, label: localized(s.name) || s.id, style: s.style || {} });
    }
    kitZones().forEach((z, i) => {
      if (z.style_id || !z.style) return;
      list.push({ id: `zone:${i}`, label: t("style.zone", { n: i + 1 }), style: z.style });
    });
    for (const s of DEFAULT_STYLES) list.push({ id: s.id, label: t(s.name), style: s.style });
    return list;
  }

  function styleById(id) {
    return stylesOffered().find((s) => s.id === id) ?? stylesOffered()[0];
  }

  function layersFromKit() {
    const zones = kitZones();
    if (!zones.length) {
      return [{ text: "", zone: { ...BOTTOM_BAND }, styleId: "default:poster", style: {}, locked: false }];
    }
    return zones.map((z, i) => {
      const kitStyle = z.style_id
        ? (asset.styles || []).find((s) => s.id === z.style_id)?.style
        : z.style;
      // A zone may override its style's line limit and alignment.
      const style = { ...(kitStyle || {}) };
      if (z.max_lines != null) style.max_lines = z.max_lines;
      if (z.align) style.align = z.align;
      return {
        text: "",
        zone: zoneOf(z),
        styleId: z.style_id ? `kit:${z.style_id}` : `zone:${i}`,
        style,
        locked: Boolean(z.locked),
        // A locked zone never moves; an unlocked one may still be pinned in place.
        fixed: Boolean(z.locked) || z.movable === false,
      };
    });
  }

  function remix() {
    return {
      layers: layers.map((l) => ({
        text: l.text,
        zone: { x: round4(l.zone.x), y: round4(l.zone.y), width: round4(l.zone.width), height: round4(l.zone.height) },
        style: l.style,
        locked: l.locked,
      })),
    };
  }

  const snapshot = () => JSON.stringify({ layers, active });

  function restore(json) {
    const state = JSON.parse(json);
    layers = state.layers;
    active = clamp(state.active, 0, Math.max(0, layers.length - 1));
    const focusedId = document.activeElement?.id;
    rebuild();
    if (focusedId) document.getElementById(focusedId)?.focus();
    changed();
  }

  /** Records the state before an edit; edits of one kind in quick succession are one step. */
  function remember(kind) {
    const now = performance.now();
    if (kind && kind === lastPush.kind && now - lastPush.at < HISTORY_COALESCE_MS) {
      lastPush.at = now;
      return;
    }
    undoStack.push(snapshot());
    if (undoStack.length > 200) undoStack.shift();
    redoStack = [];
    lastPush = { kind, at: now };
    updateHistoryButtons();
  }

  function undo() {
    if (!undoStack.length) return;
    redoStack.push(snapshot());
    restore(undoStack.pop());
    lastPush = { kind: "", at: 0 };
    updateHistoryButtons();
  }

  function redo() {
    if (!redoStack.length) return;
    undoStack.push(snapshot());
    restore(redoStack.pop());
    lastPush = { kind: "", at: 0 };
    updateHistoryButtons();
  }

  function updateHistoryButtons() {
    undoButton.disabled = undoStack.length === 0;
    redoButton.disabled = redoStack.length === 0;
  }

  /** After any model change: boxes, counters, alt text, render, draft. */
  function changed({ at } = {}) {
    placeBoxes();
    updateCounters();
    updateSuggestionState();
    if (!altEdited) altInput.value = autoAlt();
    updateAltCounter();
    requestRender(at);
    scheduleDraft();
  }

  // ---- geometry --------------------------------------------------------------

  function stageBox() {
    const style = getComputedStyle(stage);
    return {
      w: stage.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      h: stage.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
    };
  }

  /** The asset at the largest size the stage allows (upscaled too: small GIFs stay usable). */
  function layoutFrame() {
    if (!asset) return;
    const { w, h } = stageBox();
    const aw = asset.width || 1;
    const ah = asset.height || 1;
    const scale = Math.max(0.01, Math.min(w / aw, h / ah));
    frame.style.width = `${Math.floor(aw * scale)}px`;
    frame.style.height = `${Math.floor(ah * scale)}px`;
  }

  function previewSize() {
    const dpr = window.devicePixelRatio || 1;
    const w = frame.clientWidth || 800;
    const h = frame.clientHeight || 600;
    const edge = (v) => Math.max(16, Math.min(MAX_RENDER_EDGE, Math.round(v * dpr)));
    return { w: edge(w), h: edge(h) };
  }

  /** Pulls a moving box onto a kit zone's edges when it comes close. */
  function snapped(zone, resizing) {
    const out = { ...zone };
    for (const raw of kitZones()) {
      const k = zoneOf(raw);
      if (!resizing) {
        if (Math.abs(out.x - k.x) < SNAP) out.x = k.x;
        if (Math.abs(out.y - k.y) < SNAP) out.y = k.y;
        if (Math.abs(out.x + out.width - (k.x + k.width)) < SNAP) out.x = k.x + k.width - out.width;
        if (Math.abs(out.y + out.height - (k.y + k.height)) < SNAP) out.y = k.y + k.height - out.height;
      } else {
        if (Math.abs(out.x + out.width - (k.x + k.width)) < SNAP) out.width = k.x + k.width - out.x;
        if (Math.abs(out.y + out.height - (k.y + k.height)) < SNAP) out.height = k.y + k.height - out.y;
      }
    }
    return out;
  }

  function contained(zone) {
    const width = clamp(zone.width, MIN_SIDE, 1);
    const height = clamp(zone.height, MIN_SIDE, 1);
    return {
      x: clamp(zone.x, 0, 1 - width),
      y: clamp(zone.y, 0, 1 - height),
      width,
      height,
    };
  }

  // ---- boxes over the preview ------------------------------------------------

  function buildBoxes() {
    boxes.replaceChildren();
    layers.forEach((layer, index) => {
      const box = document.createElement("div");
      box.className = "layer-box";
      box.dataset.layer = String(index);
      box.tabIndex = 0;
      box.setAttribute("role", "button");
      if (layer.locked || layer.fixed) {
        box.classList.add("is-locked");
        const lock = document.createElement("span");
        lock.className = "lock-badge";
        lock.setAttribute("aria-hidden", "true");
        box.append(lock);
      } else {
        for (const corner of ["nw", "ne", "sw", "se"]) {
          const handle = document.createElement("span");
          handle.className = `handle handle-${corner}`;
          handle.dataset.corner = corner;
          handle.setAttribute("aria-hidden", "true");
          box.append(handle);
        }
      }
      boxes.append(box);
    });
    placeBoxes();
  }

  function placeBoxes() {
    for (const box of boxes.children) {
      const index = Number(box.dataset.layer);
      const layer = layers[index];
      if (!layer) continue;
      const z = layer.zone;
      box.style.left = `${z.x * 100}%`;
      box.style.top = `${z.y * 100}%`;
      box.style.width = `${z.width * 100}%`;
      box.style.height = `${z.height * 100}%`;
      box.classList.toggle("is-active", index === active);
      box.classList.toggle("is-empty", !layer.text.trim());
      const name = t("editor.layer.name", { n: index + 1 });
      box.setAttribute(
        "aria-label",
        layer.locked || layer.fixed ? t("editor.box.locked", { name }) : t("editor.box.label", { name }),
      );
    }
  }

  let drag = null;

  boxes.addEventListener("pointerdown", (event) => {
    const box = event.target.closest(".layer-box");
    if (!box || event.button !== 0) return;
    const index = Number(box.dataset.layer);
    select(index, { focusBox: false });
    box.focus({ preventScroll: true });
    const layer = layers[index];
    if (!layer || layer.locked || layer.fixed) return;
    event.preventDefault();
    box.setPointerCapture(event.pointerId);
    drag = {
      moved: false,
      index,
      corner: event.target.dataset?.corner || null,
      startX: event.clientX,
      startY: event.clientY,
      zone: { ...layer.zone },
      rect: frame.getBoundingClientRect(),
    };
    box.classList.add("is-dragging");
  });

  boxes.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const at = performance.now();
    if (!drag.moved) {
      // One undo step per drag, and none for a click that does not move the box.
      remember("");
      drag.moved = true;
    }
    const dx = (event.clientX - drag.startX) / Math.max(1, drag.rect.width);
    const dy = (event.clientY - drag.startY) / Math.max(1, drag.rect.height);
    const z = { ...drag.zone };
    if (!drag.corner) {
      z.x += dx;
      z.y += dy;
    } else {
      if (drag.corner.includes("w")) { z.x += dx; z.width -= dx; }
      if (drag.corner.includes("e")) z.width += dx;
      if (drag.corner.includes("n")) { z.y += dy; z.height -= dy; }
      if (drag.corner.includes("s")) z.height += dy;
    }
    layers[drag.index].zone = contained(snapped(contained(z), Boolean(drag.corner)));
    changed({ at });
  });

  function endDrag(event) {
    if (!drag) return;
    const box = boxes.querySelector(`[data-layer="${drag.index}"]`);
    box?.classList.remove("is-dragging");
    if (box?.hasPointerCapture?.(event.pointerId)) box.releasePointerCapture(event.pointerId);
    drag = null;
  }
  boxes.addEventListener("pointerup", endDrag);
  boxes.addEventListener("pointercancel", endDrag);

  boxes.addEventListener("keydown", (event) => {
    const box = event.target.closest(".layer-box");
    if (!box) return;
    const index = Number(box.dataset.layer);
    const layer = layers[index];
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (event.key === "Enter") {
      event.preventDefault();
      select(index, { focusField: true });
      return;
    }
    if (!(event.key in steps) || !layer || layer.locked || layer.fixed) return;
    event.preventDefault();
    const step = event.shiftKey ? KEY_STEP_BIG : KEY_STEP;
    const [sx, sy] = steps[event.key];
    remember("keys");
    layer.zone = contained({ ...layer.zone, x: layer.zone.x + sx * step, y: layer.zone.y + sy * step });
    changed({ at: performance.now() });
  });

  // ---- side panel: one field per layer ----------------------------------------

  function buildLayerList() {
    layerList.replaceChildren();
    layers.forEach((layer, index) => {
      const row = document.createElement("div");
      row.className = "layer-row";
      row.dataset.layer = String(index);

      const head = document.createElement("div");
      head.className = "layer-head";
      const label = document.createElement("label");
      label.className = "field-label";
      const fieldId = index === 0 ? "caption-input" : `caption-input-${index}`;
      label.htmlFor = fieldId;
      label.textContent = t("editor.layer.name", { n: index + 1 });
      head.append(label);
      if (layer.locked) {
        const lock = document.createElement("span");
        lock.className = "lock-note small";
        lock.textContent = t("editor.layer.locked");
        head.append(lock);
      }
      if (!layer.locked && layers.length > 1) {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-icon layer-remove";
        remove.dataset.action = "remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", t("editor.layer.remove", { n: index + 1 }));
        head.append(remove);
      }

      const field = document.createElement("textarea");
      field.id = fieldId;
      field.className = "layer-text";
      field.rows = 2;
      field.spellcheck = true;
      field.value = layer.text;
      field.placeholder = t("editor.caption.placeholder");
      field.setAttribute("aria-describedby", `${fieldId}-counter`);

      const counter = document.createElement("p");
      counter.className = "counter";
      counter.id = `${fieldId}-counter`;

      const styleRow = document.createElement("div");
      styleRow.className = "style-row";
      const styleLabel = document.createElement("label");
      styleLabel.className = "small";
      styleLabel.htmlFor = `${fieldId}-style`;
      styleLabel.textContent = t("editor.style");
      const select = document.createElement("select");
      select.id = `${fieldId}-style`;
      select.className = "style-select";
      select.disabled = layer.locked;
      for (const option of stylesOffered()) {
        const o = document.createElement("option");
        o.value = option.id;
        o.textContent = option.label;
        select.append(o);
      }
      select.value = layer.styleId;
      styleRow.append(styleLabel, select);

      row.append(head, field, counter, styleRow);
      layerList.append(row);
    });
    markActiveRow();
    updateCounters();
  }

  function markActiveRow() {
    for (const row of layerList.children) {
      row.classList.toggle("is-active", Number(row.dataset.layer) === active);
    }
  }

  function select(index, { focusField = false, focusBox = false } = {}) {
    active = clamp(index, 0, layers.length - 1);
    markActiveRow();
    placeBoxes();
    if (focusField) layerList.querySelector(`[data-layer="${active}"] .layer-text`)?.focus();
    if (focusBox) boxes.querySelector(`[data-layer="${active}"]`)?.focus();
  }

  function rebuild() {
    buildBoxes();
    buildLayerList();
    renderSuggestions();
  }

  layerList.addEventListener("input", (event) => {
    const field = event.target.closest(".layer-text");
    if (!field) return;
    const index = Number(field.closest(".layer-row").dataset.layer);
    remember(`text:${index}`);
    layers[index].text = field.value;
    active = index;
    changed({ at: performance.now() });
  });

  layerList.addEventListener("focusin", (event) => {
    const row = event.target.closest(".layer-row");
    if (row) select(Number(row.dataset.layer));
  });

  layerList.addEventListener("change", (event) => {
    const picker = event.target.closest(".style-select");
    if (!picker) return;
    const index = Number(picker.closest(".layer-row").dataset.layer);
    if (layers[index].locked) return;
    remember("");
    const chosen = styleById(picker.value);
    layers[index].styleId = chosen.id;
    layers[index].style = chosen.style;
    changed({ at: performance.now() });
  });

  layerList.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action='remove']");
    if (!button) return;
    const index = Number(button.closest(".layer-row").dataset.layer);
    if (layers[index].locked || layers.length < 2) return;
    remember("");
    layers.splice(index, 1);
    active = clamp(active >= index ? active - 1 : active, 0, layers.length - 1);
    rebuild();
    changed();
    select(active, { focusField: true });
  });

  addLayerButton.addEventListener("click", () => {
    if (!asset) return;
    remember("");
    const offset = (layers.length % 4) * 0.05;
    const base = stylesOffered()[0];
    layers.push({
      text: "",
      zone: { ...FREE_ZONE, y: FREE_ZONE.y + offset },
      styleId: base.id,
      style: base.style,
      locked: false,
    });
    active = layers.length - 1;
    rebuild();
    changed();
    select(active, { focusField: true });
  });

  // ---- counters, suggestions, alt text -----------------------------------------

  function updateCounters() {
    for (const row of layerList.children) {
      const layer = layers[Number(row.dataset.layer)];
      const counter = row.querySelector(".counter");
      if (!layer || !counter) continue;
      counter.textContent = `${tn("editor.counter", countGraphemes(layer.text))} · ${tn("editor.codepoints", Array.from(layer.text).length)}`;
    }
  }

  function updateSuggestionState() {
    const text = layers[active]?.text;
    for (const chip of suggestions.querySelectorAll(".suggestion")) {
      chip.setAttribute("aria-pressed", String(chip.dataset.value === text));
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

  suggestions.addEventListener("click", (event) => {
    const chip = event.target.closest(".suggestion");
    if (!chip || !asset || !layers[active]) return;
    remember("");
    layers[active].text = chip.dataset.value;
    const field = layerList.querySelector(`[data-layer="${active}"] .layer-text`);
    if (field) field.value = chip.dataset.value;
    changed({ at: performance.now() });
  });

  /** The kit's description followed by what the volunteer wrote, for screen-reader users. */
  function autoAlt() {
    const base = localized(asset?.alt) || "";
    const texts = layers.map((l) => l.text.trim()).filter(Boolean);
    if (!texts.length) return base;
    const added = t("editor.alt.added", { text: texts.join(" / ") });
    return base ? `${base} ${added}` : added;
  }

  function updateAltCounter() {
    altCounter.textContent = tn("editor.counter", countGraphemes(altInput.value));
  }

  altInput.addEventListener("input", () => {
    altEdited = altInput.value !== autoAlt();
    updateAltCounter();
    scheduleDraft();
  });

  // ---- rendering -----------------------------------------------------------------

  function requestRender(at = performance.now()) {
    if (!asset) return;
    const size = previewSize();
    lastSize = size;
    const request = {
      session,
      at,
      kitId: asset.kit_id,
      assetId: asset.id,
      remix: remix(),
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
      const started = performance.now();
      const buffer = await renderPreview(request);
      renderTimes.push(performance.now() - started);
      if (renderTimes.length > 500) renderTimes.shift();
      if (request.session === session) await show(buffer, request);
      // Not awaited: the next keystroke's render must not wait for this answer.
      if (request.session === session) checkMissing(request).catch(onError);
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

  async function show(buffer, request) {
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
    if (request.session !== session) {
      URL.revokeObjectURL(url);
      return;
    }
    preview.src = url;
    releaseBlob();
    blobUrl = url;
    // data-text before data-revision: whoever waits on the revision must
    // already see the matching text.
    preview.dataset.text = request.remix.layers.map((l) => l.text).filter(Boolean).join("\n");
    preview.dataset.revision = String(++revision);
    // Measured at the swap of an already decoded image, which paints on the next frame;
    // requestAnimationFrame would be fairer but WebKit throttles it in occluded windows.
    latencies.push(performance.now() - request.at);
    if (latencies.length > 500) latencies.shift();
    onRecovered?.();
  }

  /** Asks which characters cannot be drawn, once per distinct set of texts and faces. */
  async function checkMissing(request) {
    const key = JSON.stringify(
      request.remix.layers.map((l) => [l.text, l.style?.font ?? null, l.style?.face ?? null]),
    );
    if (key === missingChecked || key === missingAsked) return;
    missingAsked = key;
    const found = await undrawableCharacters(request);
    // A later text may have been asked about meanwhile: only the latest answer shows.
    if (request.session !== session || key !== missingAsked) return;
    missingChecked = key;
    missing = found;
    showMissing();
  }

  // The code point too: the window's own fonts may lack the character as well.
  function quotedChar(c) {
    const point = c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
    return `${t("editor.quoted", { text: c })} (U+${point})`;
  }

  function showMissing() {
    undrawable.hidden = missing.length === 0;
    undrawable.textContent = missing.length
      ? tn("editor.undrawable", missing.length, { characters: missing.map(quotedChar).join(", ") })
      : "";
  }

  function releaseBlob() {
    if (blobUrl && blobUrl !== preview.src) URL.revokeObjectURL(blobUrl);
    blobUrl = null;
  }

  // ---- drafts ----------------------------------------------------------------------

  function scheduleDraft() {
    if (!asset) return;
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => {
      draftTimer = 0;
      saveDraft();
    }, DRAFT_DEBOUNCE_MS);
  }

  /** Saves now what a pending timer would have saved (before switching asset or closing). */
  function flushDraft() {
    if (!draftTimer) return;
    clearTimeout(draftTimer);
    draftTimer = 0;
    saveDraft();
  }

  function saveDraft() {
    if (!asset) return;
    draftSave({
      kit_id: asset.kit_id,
      asset_id: asset.id,
      remix: { ...remix(), editor: { layers: layers.map((l) => ({ style_id: l.styleId, fixed: Boolean(l.fixed) })) } },
      alt_text: altEdited ? altInput.value : null,
    }).catch(onError);
  }

  window.addEventListener("pagehide", flushDraft);

  function layersFromDraft(draft) {
    const saved = draft?.remix?.layers;
    if (!Array.isArray(saved) || !saved.length) return null;
    const meta = draft.remix.editor?.layers || [];
    return saved.map((l, i) => ({
      text: String(l.text ?? ""),
      zone: contained(zoneOf(l.zone || BOTTOM_BAND)),
      style: l.style || {},
      styleId: meta[i]?.style_id || "default:poster",
      locked: Boolean(l.locked),
      fixed: Boolean(l.locked) || Boolean(meta[i]?.fixed),
    }));
  }

  // ---- language, availability ----------------------------------------------------

  function refreshLanguage() {
    if (!asset) return;
    title.textContent = localized(asset.title) || t("card.untitled");
    const kitTitle = localized(asset.kit_title);
    kit.textContent = kitTitle ? t("editor.kit", { kit: kitTitle }) : "";
    preview.alt = localized(asset.alt);
    const bits = [];
    if (asset.credit) bits.push(t("editor.credit", { credit: asset.credit }));
    if (asset.licence) bits.push(t("editor.licence", { licence: asset.licence }));
    credit.textContent = bits.join(" · ");
    credit.hidden = bits.length === 0;
    showMissing();
    const blocked = availabilityNote(asset);
    unavailable.hidden = !blocked;
    unavailable.textContent = blocked || "";
    exportButton.textContent = t(busy === "export" ? "editor.exporting" : "editor.export");
    exportButton.disabled = Boolean(busy) || Boolean(blocked);
    copyButton.textContent = t(busy === "copy" ? "editor.copying" : "editor.copy");
    copyButton.disabled = Boolean(busy) || Boolean(blocked);
    if (!altEdited) altInput.value = autoAlt();
    altInput.placeholder = t("editor.alt.none");
    const focusedId = document.activeElement?.id;
    buildLayerList();
    buildBoxes();
    renderSuggestions();
    updateAltCounter();
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  // ---- actions ---------------------------------------------------------------------

  async function act(kind, work) {
    if (!asset || busy) return;
    busy = kind;
    refreshLanguage();
    try {
      await work();
    } catch (err) {
      onError(err);
    } finally {
      busy = false;
      refreshLanguage();
    }
  }

  exportButton.addEventListener("click", () =>
    act("export", async () => {
      const result = await exportImage({ kitId: asset.kit_id, assetId: asset.id, remix: remix() });
      if (result && result.path) onStatus("success", () => t("status.saved", { path: result.path }));
      else onStatus("info", () => t("status.exportCancelled"));
    }));

  copyButton.addEventListener("click", () =>
    act("copy", async () => {
      await copyImage({ kitId: asset.kit_id, assetId: asset.id, remix: remix() });
      onStatus("success", () => t("status.copied"));
    }));

  undoButton.addEventListener("click", undo);
  redoButton.addEventListener("click", redo);
  backButton.addEventListener("click", () => onBack());

  /** Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y while the editor is shown (ours, not the text field's). */
  function handleKey(event) {
    if (!asset || event.isComposing || !(event.ctrlKey || event.metaKey)) return false;
    if (event.target === altInput) return false;
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) {
      event.preventDefault();
      undo();
      return true;
    }
    if ((key === "z" && event.shiftKey) || key === "y") {
      event.preventDefault();
      redo();
      return true;
    }
    return false;
  }

  // Re-render only when the box grows: shrinking is handled fine by CSS
  // downscaling, and avoiding renders while dragging the window edge keeps
  // the CPU free for the rest of the machine.
  new ResizeObserver(() => {
    if (!asset || stage.offsetParent === null) return;
    layoutFrame();
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const size = previewSize();
      if (size.w > lastSize.w || size.h > lastSize.h) requestRender();
    }, RESIZE_DEBOUNCE_MS);
  }).observe(stage);

  return {
    /** Call after the view is visible so the preview box has its real size. */
    async open(next) {
      const same = asset && asset.kit_id === next.kit_id && asset.id === next.id;
      if (same) {
        asset = next;
        layoutFrame();
        refreshLanguage();
        requestRender();
        return;
      }
      flushDraft();
      asset = next;
      session++;
      const mine = session;
      pending = null;
      undoStack = [];
      redoStack = [];
      updateHistoryButtons();
      // Show the thumbnail instantly; the caption render replaces it.
      preview.src = thumbUrl(asset.thumb_sha256);
      releaseBlob();
      preview.dataset.text = "";
      missing = [];
      missingChecked = "";
      missingAsked = "";
      showMissing();
      layoutFrame();
      layers = layersFromKit();
      altEdited = false;
      let draft = null;
      try {
        draft = await draftLoad({ kitId: asset.kit_id, assetId: asset.id });
      } catch (err) {
        onError(err);
      }
      if (mine !== session) return;
      const restored = layersFromDraft(draft);
      if (restored) {
        layers = restored;
        if (typeof draft.alt_text === "string") {
          altEdited = true;
          altInput.value = draft.alt_text;
        }
        onStatus("info", () => t("status.draftRestored"));
      }
      active = 0;
      refreshLanguage();
      requestRender();
      layerList.querySelector(".layer-text")?.focus();
    },
    refreshLanguage,
    handleKey,
    current: () => asset,
  };
}
