// Library grid. Cards are built once per load and only their text is
// refreshed on a language switch, so thumbnails don't reload and keyboard
// focus stays on the card the user was on.

import { t, tn, localized } from "./i18n.js";
import { thumbUrl } from "./ipc.js";

export function createLibrary({ grid, countEl, stateEl, onOpen }) {
  let assets = [];
  let mode = "loading"; // "loading" | "ready" | "error"
  let lastError = null;
  let onRetry = null;
  const cards = new Map(); // card element -> asset

  grid.addEventListener("click", (event) => {
    const card = event.target.closest(".asset-card");
    if (card && cards.has(card)) onOpen(cards.get(card));
  });

  function buildCard(asset) {
    const card = document.createElement("button");
    card.type = "button";
    card.className = "asset-card";
    card.dataset.kit = asset.kit_id;
    card.dataset.asset = asset.id;

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
    // The visible content (alt + title + tags) would be a long-winded
    // accessible name; a short action label reads better in a grid.
    card.setAttribute(
      "aria-label",
      t(asset.kind === "animation" ? "card.open.gif" : "card.open", { title }),
    );
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
      countEl.textContent = `${tn("library.count", assets.length)} · ${tn("library.kits", kitCount)}`;
    }
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
      render();
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
      const first = cards.keys().next().value;
      first?.focus();
    },
  };
}
