// Library grid. Cards are built once per load and only their text is
// refreshed on a language switch, so thumbnails don't reload and keyboard
// focus stays on the card the user was on.

import { t, tn, localized } from "./i18n.js";
import { thumbUrl } from "./ipc.js";
import { availabilityNote } from "./availability.js";

/** Lower case without accents: « ete » matches « Été ». */
export function fold(text) {
  return String(text ?? "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Everything a search may match: titles, tags and suggested captions, in both languages. */
function haystack(asset) {
  const parts = [];
  for (const field of [asset.title, asset.captions]) {
    if (!field || typeof field !== "object") continue;
    for (const value of Object.values(field)) parts.push(...(Array.isArray(value) ? value : [value]));
  }
  if (Array.isArray(asset.tags)) parts.push(...asset.tags);
  return fold(parts.join("\n"));
}

export function createLibrary({ grid, countEl, stateEl, search, kitFilter, tagFilters, onOpen }) {
  let assets = [];
  const query = { text: "", kit: "", tags: new Set() };
  let mode = "loading"; // "loading" | "ready" | "error"
  let lastError = null;
  let onRetry = null;
  const cards = new Map(); // card element -> asset

  grid.addEventListener("click", (event) => {
    const card = event.target.closest(".asset-card");
    if (!card || !cards.has(card) || card.getAttribute("aria-disabled") === "true") return;
    onOpen(cards.get(card));
  });

  // Animated GIFs play on hover or focus: the original replaces the still
  // thumbnail only then, so the grid never loads every animation up front.
  function play(card, on) {
    const asset = cards.get(card);
    if (!asset || asset.kind !== "animation") return;
    const img = card.querySelector("img");
    const src = thumbUrl(on ? asset.sha256 : asset.thumb_sha256);
    if (img.getAttribute("src") !== src) img.src = src;
    card.classList.toggle("is-playing", on);
  }
  for (const [type, on] of [["pointerover", true], ["focusin", true], ["pointerout", false], ["focusout", false]]) {
    grid.addEventListener(type, (event) => {
      const card = event.target.closest(".asset-card");
      if (!card) return;
      if (!on && card.contains(event.relatedTarget)) return;
      play(card, on);
    });
  }

  search.addEventListener("input", () => {
    query.text = fold(search.value).trim();
    applyFilter();
  });
  kitFilter.addEventListener("change", () => {
    query.kit = kitFilter.value;
    applyFilter();
  });
  tagFilters.addEventListener("click", (event) => {
    const chip = event.target.closest(".tag-filter");
    if (!chip) return;
    const tag = chip.dataset.tag;
    if (query.tags.has(tag)) query.tags.delete(tag);
    else query.tags.add(tag);
    chip.setAttribute("aria-pressed", String(query.tags.has(tag)));
    applyFilter();
  });

  function matches(asset, card) {
    if (query.kit && asset.kit_id !== query.kit) return false;
    for (const tag of query.tags) if (!(asset.tags || []).includes(tag)) return false;
    if (!query.text) return true;
    const words = query.text.split(/\s+/).filter(Boolean);
    const hay = card.dataset.search;
    return words.every((w) => hay.includes(w));
  }

  let shown = 0;
  function applyFilter() {
    shown = 0;
    for (const [card, asset] of cards) {
      const visible = matches(asset, card);
      card.hidden = !visible;
      if (visible) shown++;
    }
    render();
  }

  function buildFilters() {
    const kits = new Map();
    for (const a of assets) kits.set(a.kit_id, a.kit_title);
    kitFilter.replaceChildren();
    const all = document.createElement("option");
    all.value = "";
    kitFilter.append(all);
    for (const [id, title] of kits) {
      const o = document.createElement("option");
      o.value = id;
      o.dataset.title = JSON.stringify(title ?? "");
      kitFilter.append(o);
    }
    if (![...kits.keys()].includes(query.kit)) query.kit = "";
    kitFilter.value = query.kit;
    kitFilter.hidden = kits.size < 2;

    const tags = [...new Set(assets.flatMap((a) => (Array.isArray(a.tags) ? a.tags : [])))]
      .filter(Boolean)
      .sort((a, b) => a.localeCompare(b, "fr"));
    for (const tag of [...query.tags]) if (!tags.includes(tag)) query.tags.delete(tag);
    tagFilters.replaceChildren(...tags.map((tag) => {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "tag-filter";
      chip.dataset.tag = tag;
      chip.textContent = tag;
      chip.setAttribute("aria-pressed", String(query.tags.has(tag)));
      return chip;
    }));
  }

  function refreshFilterText() {
    for (const o of kitFilter.options) {
      o.textContent = o.value ? localized(JSON.parse(o.dataset.title || '""')) || o.value : t("library.kit.all");
    }
  }

  function buildCard(asset) {
    let thumbNote = null;
    const card = document.createElement("button");
    card.type = "button";
    card.className = "asset-card";
    card.dataset.kit = asset.kit_id;
    card.dataset.asset = asset.id;
    card.dataset.search = haystack(asset);
    if (asset.availability && asset.availability.state && asset.availability.state !== "available") {
      card.classList.add("is-unavailable");
      card.setAttribute("aria-disabled", "true");
      const note = document.createElement("span");
      note.className = "asset-availability";
      thumbNote = note;
    }

    const thumb = document.createElement("span");
    thumb.className = "asset-thumb";
    const img = document.createElement("img");
    img.loading = "lazy";
    img.decoding = "async";
    img.src = thumbUrl(asset.thumb_sha256);
    // Intrinsic size lets the browser reserve space before the lazy load.
    if (asset.width && asset.height) {
      img.width = asset.width;
      img.height = asset.height;
    }
    thumb.append(img);

    if (asset.kind === "animation") {
      const badge = document.createElement("span");
      badge.className = "badge badge-gif";
      badge.setAttribute("aria-hidden", "true");
      thumb.append(badge);
    }

    const body = document.createElement("span");
    body.className = "asset-body";
    const title = document.createElement("span");
    title.className = "asset-title";
    const kit = document.createElement("span");
    kit.className = "asset-kit";
    body.append(title, kit);

    const tags = Array.isArray(asset.tags) ? asset.tags.filter(Boolean) : [];
    if (tags.length) {
      const chips = document.createElement("span");
      chips.className = "tag-list";
      for (const tag of tags) {
        const chip = document.createElement("span");
        chip.className = "tag";
        chip.textContent = tag;
        chips.append(chip);
      }
      body.append(chips);
    }

    if (thumbNote) body.append(thumbNote);
    card.append(thumb, body);
    cards.set(card, asset);
    updateCardText(card, asset);
    return card;
  }

  function updateCardText(card, asset) {
    const title = localized(asset.title) || t("card.untitled");
    card.querySelector(".asset-title").textContent = title;
    card.querySelector(".asset-kit").textContent = localized(asset.kit_title);
    card.querySelector("img").alt = localized(asset.alt);
    const badge = card.querySelector(".badge-gif");
    if (badge) badge.textContent = t("card.gif");
    const note = card.querySelector(".asset-availability");
    const unavailable = availabilityNote(asset);
    if (note) note.textContent = unavailable;
    // The visible content (alt + title + tags) would be a long-winded
    // accessible name; a short action label reads better in a grid.
    const label = t(asset.kind === "animation" ? "card.open.gif" : "card.open", { title });
    card.setAttribute("aria-label", unavailable ? `${title} — ${unavailable}` : label);
  }

  function showState({ title, body, retry }) {
    stateEl.replaceChildren();
    const h = document.createElement("p");
    h.className = "state-title";
    h.textContent = title;
    stateEl.append(h);
    if (body) {
      const p = document.createElement("p");
      p.className = "state-body";
      p.textContent = body;
      stateEl.append(p);
    }
    if (retry) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "btn btn-secondary";
      btn.textContent = t("library.retry");
      btn.addEventListener("click", retry);
      stateEl.append(btn);
    }
    stateEl.hidden = false;
  }

  function render() {
    grid.setAttribute("aria-busy", String(mode === "loading"));
    if (mode === "loading") {
      countEl.textContent = "";
      grid.replaceChildren();
      showState({ title: t("library.loading") });
      stateEl.classList.add("is-loading");
      return;
    }
    stateEl.classList.remove("is-loading");
    if (mode === "error") {
      countEl.textContent = "";
      grid.replaceChildren();
      showState({ title: t("library.error.title"), body: lastError?.(), retry: onRetry });
      return;
    }
    if (assets.length === 0) {
      countEl.textContent = "";
      showState({ title: t("library.empty.title"), body: t("library.empty.body") });
    } else {
      stateEl.hidden = true;
      stateEl.replaceChildren();
      const kitCount = new Set(assets.map((a) => a.kit_id)).size;
      const filtering = query.text || query.kit || query.tags.size;
      countEl.textContent = filtering
        ? tn("library.shown", shown, { total: assets.length.toLocaleString() })
        : `${tn("library.count", assets.length)} · ${tn("library.kits", kitCount)}`;
      if (filtering && shown === 0) {
        showState({ title: t("library.noMatch.title"), body: t("library.noMatch.body") });
      }
    }
    refreshFilterText();
    for (const [card, asset] of cards) updateCardText(card, asset);
  }

  return {
    setLoading() {
      mode = "loading";
      render();
    },
    setAssets(list) {
      mode = "ready";
      assets = list;
      cards.clear();
      grid.replaceChildren(...assets.map(buildCard));
      buildFilters();
      applyFilter();
    },
    /** describe() returns localized text, so the message follows language switches. */
    setError(describe, retry) {
      mode = "error";
      lastError = describe;
      onRetry = retry;
      cards.clear();
      render();
    },
    refreshLanguage: render,
    focusCard(kitId, assetId) {
      for (const card of cards.keys()) {
        if (card.dataset.kit === kitId && card.dataset.asset === assetId) {
          card.focus();
          card.scrollIntoView({ block: "nearest" });
          return true;
        }
      }
      return false;
    },
    focusFirst() {
      const first = [...cards.keys()].find((c) => !c.hidden);
      first?.focus();
    },
  };
}
