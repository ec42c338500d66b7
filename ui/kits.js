// Kits view: installed kits, import from a file, a folder, a URL or a drop on
// the window, with a trust confirmation before the first import of a kit.

import { t, tn, tm, localized } from "./i18n.js";
import {
  kits as loadKits, pickKit, kitInspect, kitImport, kitSubscribe, kitUpdate, kitRemove,
  listen, onDragDrop,
} from "./ipc.js";
import { formatDate } from "./availability.js";

/** 64 hex digits -> groups of four ("A1B2 C3D4 …"): easier to compare aloud. */
export function groupFingerprint(fingerprint) {
  const hex = String(fingerprint ?? "").replace(/[^0-9a-f]/gi, "").toUpperCase();
  return hex.match(/.{1,4}/g)?.join(" ") ?? "";
}

/**
 * The import report inside an answer: kit_import returns it directly; kit_subscribe and
 * kit_update wrap it ({outcome: "imported", import} or {outcome: "not_modified"}).
 */
function importReportOf(result) {
  if (!result || typeof result !== "object") return null;
  if (result.outcome === "imported") return result.import ?? null;
  if (result.outcome === "not_modified") return null;
  return "kit_id" in result && "version" in result ? result : null;
}

export function createKits({ els, onError, onStatus, onLibraryChanged }) {
  const {
    list, pickFile, pickFolder, urlForm, urlInput, progressRow, progress, progressText,
    result, overlay, trustDialog, trust, removeDialog, removeBody,
  } = els;

  let installed = [];
  let busy = false;
  let lastResult = null; // () => [nodes], re-run on language switch

  // ---- list ------------------------------------------------------------------

  function fact(label, value, className = "") {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (className) dd.className = className;
    return [dt, dd];
  }

  function renderList() {
    list.replaceChildren();
    if (!installed.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = t("kits.none");
      list.append(li);
      return;
    }
    for (const kit of installed) {
      const li = document.createElement("li");
      li.className = "kit-card";
      li.dataset.kit = kit.id;
      const h = document.createElement("h3");
      h.className = "kit-title";
      h.textContent = localized(kit.title) || kit.id;
      const dl = document.createElement("dl");
      dl.className = "kit-facts";
      dl.append(
        ...fact(t("trust.publisher"), kit.publisher || "—"),
        ...fact(t("trust.fingerprint"), groupFingerprint(kit.fingerprint) || "—", "fingerprint"),
        ...fact(t("trust.version"), String(kit.version ?? "—")),
        ...fact(t("trust.assets"), String(kit.assets ?? "—")),
      );
      // Only kits with a web address are ever checked for new versions.
      if (kit.source_url) {
        dl.append(...fact(
          t("kits.lastCheck"),
          kit.last_checked ? formatDate(kit.last_checked * 1000) : t("kits.lastCheck.never"),
        ));
      }
      if (kit.expires_at) dl.append(...fact(t("kits.expires"), formatDate(kit.expires_at)));
      if (kit.source_url) dl.append(...fact(t("kits.source"), kit.source_url, "kit-url"));
      const actions = document.createElement("div");
      actions.className = "kit-actions";
      const update = document.createElement("button");
      update.type = "button";
      update.className = "btn btn-secondary btn-small";
      update.dataset.action = "update";
      update.textContent = t("kits.update");
      update.disabled = busy;
      // Only kits with a web address can be checked for a new version.
      update.hidden = !kit.source_url;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-danger-quiet btn-small";
      remove.dataset.action = "remove";
      remove.textContent = t("kits.remove");
      remove.disabled = busy;
      actions.append(update, remove);
      li.append(h, dl, actions);
      list.append(li);
    }
  }

  async function refresh() {
    try {
      installed = await loadKits();
    } catch (err) {
      onError(err);
    }
    renderList();
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || busy) return;
    const kitId = button.closest(".kit-card")?.dataset.kit;
    const kit = installed.find((k) => k.id === kitId);
    if (!kit) return;
    if (button.dataset.action === "update") {
      await run(async () => {
        const reports = await kitUpdate({ kitId });
        showResults(Array.isArray(reports) ? reports : [reports], kit);
      });
    } else if (button.dataset.action === "remove") {
      removeBody.textContent = t("kits.remove.body", { kit: localized(kit.title) || kit.id });
      const answer = await ask(removeDialog);
      if (answer !== "remove") return;
      await run(async () => {
        await kitRemove({ kitId });
        setResult(() => [paragraph(t("kits.removed", { kit: localized(kit.title) || kit.id }))]);
      });
    }
  });

  // ---- dialogs -----------------------------------------------------------------

  function ask(dialog) {
    return new Promise((resolve) => {
      dialog.returnValue = "cancel";
      dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true });
      dialog.showModal();
    });
  }

  /** Shows who signed the kit; resolves true only when the volunteer trusts it. */
  async function confirmTrust(inspection) {
    trust.publisher.textContent = inspection.publisher || "—";
    trust.kit.textContent = localized(inspection.title) || inspection.kit_id || "—";
    trust.version.textContent = String(inspection.version ?? "—");
    trust.assets.textContent = inspection.assets != null ? tn("trust.assetCount", inspection.assets) : "—";
    trust.fingerprint.textContent = groupFingerprint(inspection.fingerprint) || "—";
    return (await ask(trustDialog)) === "trust";
  }

  // ---- import ------------------------------------------------------------------

  async function run(work) {
    if (busy) return;
    busy = true;
    document.body.classList.add("is-importing");
    renderList();
    try {
      await work();
      await refresh();
      onLibraryChanged?.();
    } catch (err) {
      onError(err);
      setResult(null);
    } finally {
      busy = false;
      document.body.classList.remove("is-importing");
      progressRow.hidden = true;
      renderList();
    }
  }

  async function importPath(path) {
    if (!path) return;
    await run(async () => {
      const inspection = await kitInspect({ path });
      const pinned = String(inspection?.pinned ?? "new").toLowerCase();
      if (pinned === "different") {
        throw { code: "untrusted", message: t("kits.keyChanged", { kit: localized(inspection.title) || inspection.kit_id }) };
      }
      if (pinned !== "same" && !(await confirmTrust(inspection))) {
        onStatus("info", () => t("kits.cancelled"));
        return;
      }
      const report = await kitImport({ path, fingerprint: inspection.fingerprint });
      showResults([report]);
    });
  }

  async function subscribe(url) {
    await run(async () => {
      let report;
      try {
        report = await kitSubscribe({ url, key: null, fingerprint: null });
      } catch (err) {
        // A kit seen for the first time over HTTPS: the backend sends what it
        // verified so the volunteer can confirm the fingerprint, then we retry.
        const inspection = err?.inspection;
        if (err?.code !== "needs_trust" || !inspection) throw err;
        if (!(await confirmTrust(inspection))) {
          onStatus("info", () => t("kits.cancelled"));
          return;
        }
        report = await kitSubscribe({ url, key: null, fingerprint: inspection.fingerprint });
      }
      showResults([report]);
    });
  }

  // ---- results -----------------------------------------------------------------

  function paragraph(text, className = "") {
    const p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    return p;
  }

  function setResult(build) {
    lastResult = build;
    result.replaceChildren(...(build ? build() : []));
    result.hidden = !build;
  }

  function showResults(results, kit) {
    setResult(() => results.flatMap((raw) => {
      if (raw?.error) {
        const error = raw.error.detail ? tm(raw.error.detail) : String(raw.error.message ?? "");
        return [paragraph(t("kits.updateFailed", { kit: raw.kit_id ?? "", error }), "warning")];
      }
      const report = importReportOf(raw);
      if (!report) {
        return [paragraph(t("kits.upToDate", { kit: localized(kit?.title) || raw?.kit_id || kit?.id || "" }))];
      }
      const name = report.kit_id;
      const nodes = [];
      const outcome = String(report.outcome ?? "installed").toLowerCase();
      if (outcome === "unchanged") nodes.push(paragraph(t("kits.result.unchanged", { kit: name, version: report.version })));
      else if (outcome === "updated") nodes.push(paragraph(t("kits.result.updated", { kit: name, version: report.version, previous: report.previous_version ?? "?" })));
      else nodes.push(paragraph(tn("kits.result.installed", report.assets ?? 0, { kit: name, version: report.version })));
      const retracted = Array.isArray(report.retracted) ? report.retracted : [];
      if (retracted.length) {
        nodes.push(paragraph(tn("kits.result.retracted", retracted.length), "warning"));
        const ul = document.createElement("ul");
        ul.className = "retracted-list";
        for (const r of retracted) {
          const li = document.createElement("li");
          const reason = localized(r.reason);
          li.textContent = reason
            ? t("kits.result.retractedItem", { title: localized(r.title) || r.asset_id, reason })
            : localized(r.title) || r.asset_id;
          ul.append(li);
        }
        nodes.push(ul);
      }
      return nodes;
    }));
    onStatus("success", () => t("kits.done"));
  }

  // ---- events ------------------------------------------------------------------

  pickFile.addEventListener("click", async () => {
    try {
      await importPath(await pickKit({ folder: false }));
    } catch (err) {
      onError(err);
    }
  });
  pickFolder.addEventListener("click", async () => {
    try {
      await importPath(await pickKit({ folder: true }));
    } catch (err) {
      onError(err);
    }
  });
  urlForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = urlInput.value.trim();
    if (!url) {
      urlInput.focus();
      return;
    }
    subscribe(url);
  });

  listen("kit-progress", (p) => {
    if (!p) return;
    progressRow.hidden = false;
    const total = Number(p.bytes_total) || 0;
    progress.max = total > 0 ? total : 1;
    progress.value = total > 0 ? Math.min(total, Number(p.bytes_done) || 0) : 0;
    progressText.textContent = t("kits.progress", {
      done: p.files_done ?? 0,
      total: p.files_total ?? "?",
      mb: ((Number(p.bytes_done) || 0) / 1e6).toFixed(1),
    });
  }).catch(() => {});

  onDragDrop((payload) => {
    const type = payload?.type;
    if (type === "enter" || type === "over") {
      overlay.hidden = false;
    } else if (type === "leave") {
      overlay.hidden = true;
    } else if (type === "drop") {
      overlay.hidden = true;
      const path = Array.isArray(payload.paths) ? payload.paths[0] : null;
      if (path) onDropped?.(path);
    }
  }).catch(() => {});

  let onDropped = null;

  /**
   * At start: checks every kit that has a web address, quietly. Only news is shown:
   * a new version (with what the organizer withdrew) or a failure.
   */
  async function checkAtStart() {
    if (busy) return;
    let list;
    try {
      list = await loadKits();
    } catch {
      return;
    }
    if (!Array.isArray(list) || !list.some((kit) => kit.source_url)) return;
    let reports;
    try {
      reports = await kitUpdate({ kitId: null });
    } catch (err) {
      onError(err);
      return;
    }
    const news = (Array.isArray(reports) ? reports : []).filter(
      (raw) => Boolean(raw?.error) || importReportOf(raw),
    );
    if (!news.length) return;
    await refresh();
    onLibraryChanged?.();
    showResults(news);
    const withdrawn = news.flatMap((raw) => importReportOf(raw)?.retracted ?? []);
    if (withdrawn.length) onStatus("warning", () => tn("kits.startup.withdrawn", withdrawn.length));
    else onStatus("info", () => t("kits.startup.news"));
  }

  return {
    refresh,
    importPath,
    subscribe,
    checkAtStart,
    /** Called with the dropped path; the app shows the Kits view first. */
    setOnDropped(fn) {
      onDropped = fn;
    },
    refreshLanguage() {
      renderList();
      if (lastResult) setResult(lastResult);
    },
  };
}
