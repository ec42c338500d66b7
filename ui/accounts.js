// Accounts view: the volunteer's own accounts (network, handle, server, name, whether it
// works), and a guided form per network to add one. Secrets are typed into password
// fields, sent once to the Rust side (which keeps them in the keychain only) and never
// kept here: a failed attempt clears the secret field and keeps everything else.

import { getLang, t } from "./i18n.js";
import {
  accountList, accountAddBluesky, accountAddDiscord, accountAddTelegram, accountAddFolder,
  accountTest, accountRename, accountRemove, accountMastodonStart, accountMastodonFinish,
  accountMastodonCancel,
} from "./ipc.js";

/** Hosts a Discord webhook address normally lives on; any other is shown to the volunteer. */
const DISCORD_HOSTS = ["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"];

/** What the list shows as the account's server: a web address's host, a folder's path. */
export function serverLabel(account) {
  if (account?.kind === "folder") return account.server ?? "";
  try {
    return new URL(account.server).host || account.server;
  } catch {
    return account?.server ?? "";
  }
}

/** The host of a pasted webhook address when it is not Discord's, else null. */
export function foreignWebhookHost(text) {
  let url;
  try {
    url = new URL(String(text ?? "").trim());
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  return host && !DISCORD_HOSTS.includes(host) ? url.host : null;
}

export function createAccounts({ els, describe, onStatus }) {
  const { list, result, networks, forms, removeDialog, removeBody } = els;

  let accounts = [];
  let busyAccount = null; // the id whose row is being tested, renamed or removed
  let adding = false;
  let renaming = null; // the id whose name is being edited
  let mastodonAvailable = false;
  let chosen = null; // the network whose form is open
  // Per account, the last failure of an action on it: re-worded on a language switch.
  const rowErrors = new Map();
  let formError = null; // {network, err | key}
  let lastResult = null; // () => text

  // ---- list ------------------------------------------------------------------

  function fact(label, value, className = "") {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (className) dd.className = className;
    return [dt, dd];
  }

  function button(action, label, className = "btn btn-secondary btn-small") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.dataset.action = action;
    b.textContent = label;
    return b;
  }

  /** The status as colour, a shape and words: never colour alone. */
  function badge(status) {
    const span = document.createElement("span");
    span.className = "status-badge";
    span.dataset.status = status;
    const mark = document.createElement("span");
    mark.className = "status-mark";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = { connected: "✓", needs_sign_in: "↻", unreachable: "!" }[status] ?? "?";
    const words = document.createElement("span");
    words.className = "status-words";
    words.textContent = t(`account.status.${status}`);
    span.append(mark, words);
    return span;
  }

  function nameBlock(account) {
    if (renaming !== account.id) {
      const h = document.createElement("h3");
      h.className = "kit-title account-name";
      h.textContent = account.display_name || account.handle;
      return h;
    }
    const form = document.createElement("form");
    form.className = "rename-form";
    form.dataset.action = "rename-save";
    const label = document.createElement("label");
    label.className = "sr-only";
    label.htmlFor = `rename-${account.id}`;
    label.textContent = t("accounts.rename.label");
    const input = document.createElement("input");
    input.type = "text";
    input.id = `rename-${account.id}`;
    input.className = "text-input rename-input";
    input.autocomplete = "off";
    input.value = account.display_name;
    input.maxLength = 200;
    const save = button("rename-save", t("accounts.rename.save"), "btn btn-primary btn-small");
    save.type = "submit";
    const cancel = button("rename-cancel", t("accounts.cancel"));
    form.append(label, input, save, cancel);
    return form;
  }

  function renderList() {
    list.replaceChildren();
    if (!accounts.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = t("accounts.none");
      list.append(li);
      return;
    }
    for (const account of accounts) {
      const li = document.createElement("li");
      li.className = "kit-card account-card";
      li.dataset.account = account.id;
      li.dataset.kind = account.kind;
      li.dataset.status = account.status;
      const busy = busyAccount === account.id;
      li.setAttribute("aria-busy", String(busy));
      const head = document.createElement("div");
      head.className = "account-head";
      head.append(nameBlock(account), badge(account.status));
      const dl = document.createElement("dl");
      dl.className = "kit-facts";
      dl.append(
        ...fact(t("accounts.fact.network"), t(`accounts.network.${account.kind}`)),
        ...fact(t("accounts.fact.handle"), account.handle, "account-handle"),
        ...fact(
          account.kind === "folder" ? t("accounts.fact.folder") : t("accounts.fact.server"),
          serverLabel(account),
          "account-server",
        ),
      );
      const actions = document.createElement("div");
      actions.className = "kit-actions";
      const idle = account.kind === "folder" ? t("accounts.test.folder") : t("accounts.test");
      const test = button("test", busy ? t("accounts.testing") : idle);
      const rename = button("rename", t("accounts.rename"));
      const remove = button("remove", t("accounts.remove"), "btn btn-danger-quiet btn-small");
      for (const b of [test, rename, remove]) b.disabled = busyAccount !== null;
      rename.hidden = renaming === account.id;
      actions.append(test, rename, remove);
      li.append(head, dl);
      const err = rowErrors.get(account.id);
      if (err) {
        const p = document.createElement("p");
        p.className = "warning small account-error";
        p.setAttribute("role", "alert");
        p.textContent = wording(err);
        li.append(p);
      }
      li.append(actions);
      list.append(li);
    }
  }

  function setResult(build) {
    lastResult = build;
    result.textContent = build ? build() : "";
    result.hidden = !build;
  }

  async function refresh() {
    try {
      accounts = await accountList();
    } catch (err) {
      onStatus("error", () => describe(err));
    }
    renderList();
  }

  async function onRow(id, work) {
    if (busyAccount !== null) return;
    busyAccount = id;
    rowErrors.delete(id);
    setResult(null);
    renderList();
    try {
      await work();
    } catch (err) {
      rowErrors.set(id, err);
    } finally {
      busyAccount = null;
      await refresh();
    }
  }

  /** A failure in the current language: the window's own words, or the Rust message. */
  function wording(err) {
    if (err?.localKey) return t(err.localKey, { field: err.field ? t(err.field) : "" });
    return describe(err);
  }

  const nameOf = (account) => account?.display_name || account?.handle || "";

  list.addEventListener("click", async (event) => {
    const b = event.target.closest("button[data-action]");
    if (!b || b.type === "submit") return;
    const id = b.closest(".account-card")?.dataset.account;
    const account = accounts.find((a) => a.id === id);
    if (!account) return;
    const action = b.dataset.action;
    if (action === "test") {
      await onRow(id, async () => {
        const tested = await accountTest({ id });
        setResult(() => t("accounts.tested", { name: nameOf(tested) }));
      });
    } else if (action === "rename") {
      renaming = id;
      rowErrors.delete(id);
      renderList();
      const input = list.querySelector(`#rename-${CSS.escape(id)}`);
      input?.focus();
      input?.select();
    } else if (action === "rename-cancel") {
      renaming = null;
      rowErrors.delete(id);
      renderList();
      list.querySelector(`.account-card[data-account="${CSS.escape(id)}"] [data-action="rename"]`)?.focus();
    } else if (action === "remove") {
      removeBody.textContent = t(account.kind === "folder" ? "accounts.remove.bodyFolder" : "accounts.remove.body", {
        name: nameOf(account),
        network: t(`accounts.network.${account.kind}`),
      });
      if ((await ask(removeDialog)) !== "remove") return;
      await onRow(id, async () => {
        await accountRemove({ id });
        const key = account.kind === "folder" ? "accounts.removedFolder" : "accounts.removed";
        setResult(() => t(key, { name: nameOf(account) }));
      });
    }
  });

  list.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target.closest(".rename-form");
    const id = form?.closest(".account-card")?.dataset.account;
    if (!id) return;
    const name = form.querySelector("input").value;
    if (!name.trim()) {
      rowErrors.set(id, { localKey: "error.accounts.name_empty" });
      renderList();
      list.querySelector(`#rename-${CSS.escape(id)}`)?.focus();
      return;
    }
    let renamed = false;
    await onRow(id, async () => {
      const account = await accountRename({ id, name });
      renamed = true;
      renaming = null;
      setResult(() => t("accounts.renamed", { name: nameOf(account) }));
    });
    if (!renamed) {
      // Keep what was typed so the volunteer can correct it.
      const input = list.querySelector(`#rename-${CSS.escape(id)}`);
      if (input) {
        input.value = name;
        input.focus();
      }
    }
  });

  list.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !event.target.closest(".rename-form")) return;
    event.preventDefault();
    event.stopPropagation();
    event.target.closest(".rename-form").querySelector("[data-action='rename-cancel']")?.click();
  });

  function ask(dialog) {
    return new Promise((resolve) => {
      dialog.returnValue = "cancel";
      dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true });
      dialog.showModal();
    });
  }

  // ---- adding ----------------------------------------------------------------

  function formOf(network) {
    return forms.find((form) => form.dataset.network === network) ?? null;
  }

  function choose(network) {
    chosen = chosen === network ? null : network;
    formError = null;
    for (const b of networks.querySelectorAll("button[data-network]")) {
      b.setAttribute("aria-pressed", String(b.dataset.network === chosen));
    }
    for (const form of forms) {
      form.hidden = form.dataset.network !== chosen;
      // A secret typed into a form the volunteer leaves is not kept.
      if (form.hidden) for (const secret of form.querySelectorAll("input[type=password]")) secret.value = "";
      if (form.hidden && form.dataset.network === "mastodon" && form.dataset.step !== "browser") {
        dropMastodonFlow();
        setMastodonStep("browser");
      }
    }
    renderFormError();
    formOf(chosen)?.querySelector("input:not([type=hidden]), button[type=submit]")?.focus();
  }

  function renderFormError() {
    for (const form of forms) {
      const p = form.querySelector(".form-error");
      const mine = formError && formError.network === form.dataset.network;
      p.hidden = !mine;
      p.textContent = mine ? wording(formError.err) : "";
    }
  }

  function setAdding(form, on) {
    adding = on;
    form.setAttribute("aria-busy", String(on));
    for (const field of form.querySelectorAll("input, button, select")) {
      // Mastodon waits for the browser: its Cancel and Copy stay usable.
      const waits = form.dataset.network === "mastodon" && ["cancel", "copy"].includes(field.dataset.action);
      field.disabled = on && !waits;
    }
    for (const b of networks.querySelectorAll("button")) b.disabled = on;
    const submit = form.querySelector("button[type=submit]");
    if (on) {
      submit.dataset.label = submit.textContent;
      submit.textContent = t("accounts.busy", { network: t(`accounts.network.${form.dataset.network}`) });
    } else if (submit.dataset.label) {
      submit.textContent = t(submit.dataset.i18n);
    }
  }

  /** The first required field left empty, named in the form's error; null if all are there. */
  function missing(form) {
    for (const input of form.querySelectorAll("input[required]")) {
      if (!input.value.trim()) {
        const label = form.querySelector(`label[for="${input.id}"]`)?.dataset.i18n;
        return { input, label };
      }
    }
    return null;
  }

  async function add(form, work) {
    if (adding) return;
    const network = form.dataset.network;
    const empty = missing(form);
    if (empty) {
      formError = { network, err: { localKey: "accounts.required", field: empty.label } };
      renderFormError();
      empty.input.focus();
      return;
    }
    formError = null;
    renderFormError();
    setAdding(form, true);
    let account = null;
    try {
      account = await work(form);
    } catch (err) {
      formError = { network, err };
    } finally {
      // The secret is never kept in the window, whatever the answer.
      for (const secret of form.querySelectorAll("input[type=password]")) secret.value = "";
      setAdding(form, false);
    }
    renderFormError();
    if (account) {
      form.reset();
      choose(null);
      setResult(() => t("accounts.added", { name: nameOf(account), status: t(`account.status.${account.status}`) }));
      await refresh();
      list.querySelector(`.account-card[data-account="${CSS.escape(account.id)}"]`)?.scrollIntoView({ block: "nearest" });
    } else if (formError) {
      (form.querySelector("input[type=password]") ?? form.querySelector("input"))?.focus();
      form.querySelector(".form-error")?.scrollIntoView({ block: "nearest" });
    }
  }

  const value = (form, name) => form.elements[name]?.value.trim() ?? "";

  const adders = {
    bluesky: (form) => accountAddBluesky({
      handle: value(form, "handle"),
      appPassword: form.elements.app_password.value,
      pds: value(form, "pds") || null,
    }),
    telegram: (form) => accountAddTelegram({
      channel: value(form, "channel"),
      token: form.elements.token.value,
    }),
    discord: (form) => accountAddDiscord({ webhook: form.elements.webhook.value }),
    folder: async () => {
      const account = await accountAddFolder({ path: null });
      if (!account) setResult(() => t("accounts.folder.cancelled"));
      return account;
    },
  };

  // ---- Mastodon: sign-in on the server's page (OAuth) ------------------------------
  // `account_mastodon_start {server, paste}` answers `{flow, url}`: the authorization
  // page. Without `paste` the browser is opened on it and `account_mastodon_finish
  // {flow}` waits for it to come back to Relais; with `paste` the volunteer opens it
  // anywhere and types the code the server shows, which `finish {flow, code}` exchanges.
  // A flow serves once, whatever its outcome: a failure means starting again.
  const mastodon = formOf("mastodon");
  const address = mastodon?.querySelector(".mastodon-address");
  let mastodonFlow = null; // the flow started and not yet finished
  let stopWaiting = null;

  function showAddress(url, leadKey) {
    const lead = address.querySelector(".mastodon-lead");
    lead.dataset.i18n = leadKey;
    lead.textContent = t(leadKey);
    address.querySelector(".mastodon-url").textContent = url ?? "";
    // Without a clipboard the address stays selectable: one click selects all of it.
    address.querySelector("[data-action='copy']").hidden = !navigator.clipboard?.writeText;
    address.querySelector(".mastodon-copied").hidden = true;
    address.hidden = false;
  }

  /** "browser": the server field and the sign-in button; "paste": the address and the code. */
  function setMastodonStep(step) {
    const paste = step === "paste";
    mastodon.dataset.step = step;
    const code = mastodon.elements.code;
    code.value = "";
    code.required = paste;
    mastodon.querySelector(".mastodon-code").hidden = !paste;
    mastodon.elements.server.readOnly = paste;
    mastodon.querySelector(".mastodon-other").hidden = paste;
    const submit = mastodon.querySelector("button[type=submit]");
    submit.dataset.i18n = paste ? "accounts.mastodon.connect" : "accounts.mastodon.submit";
    submit.textContent = t(submit.dataset.i18n);
    if (!paste) address.hidden = true;
  }

  /** Leaving the form, or its Cancel: the started flow ends and nothing is added. */
  function dropMastodonFlow() {
    if (mastodonFlow) accountMastodonCancel({ flow: mastodonFlow }).catch(() => {});
    mastodonFlow = null;
  }

  async function signInInBrowser(form) {
    const started = await accountMastodonStart({ server: value(form, "server"), paste: false, lang: getLang() });
    mastodonFlow = started.flow;
    showAddress(started.url, "accounts.mastodon.waiting");
    // Not "checking" any more: the window waits for the volunteer in the browser.
    form.querySelector("button[type=submit]").textContent = t("accounts.mastodon.waiting_button");
    form.querySelector(".mastodon-other").hidden = true;
    const cancelled = new Promise((_, reject) => {
      stopWaiting = () => reject({ localKey: "accounts.mastodon.cancelled" });
    });
    try {
      return await Promise.race([accountMastodonFinish({ flow: started.flow, code: null }), cancelled]);
    } finally {
      mastodonFlow = null;
      stopWaiting = null;
      address.hidden = true;
      form.querySelector(".mastodon-other").hidden = false;
    }
  }

  /** Starts the code path: answers no account, the form waits for the code. */
  async function beginWithCode(form) {
    const started = await accountMastodonStart({ server: value(form, "server"), paste: true, lang: getLang() });
    mastodonFlow = started.flow;
    setMastodonStep("paste");
    showAddress(started.url, "accounts.mastodon.paste.open");
    return null;
  }

  async function connectWithCode(form) {
    const flow = mastodonFlow;
    // Spent from here: Cancel cannot take back a code being exchanged.
    mastodonFlow = null;
    try {
      return await accountMastodonFinish({ flow, code: value(form, "code") });
    } finally {
      setMastodonStep("browser");
    }
  }

  adders.mastodon = (form) => (form.dataset.step === "paste" ? connectWithCode(form) : signInInBrowser(form));

  if (mastodon) {
    mastodon.querySelector("[data-action='paste']").addEventListener("click", async () => {
      await add(mastodon, beginWithCode);
      if (mastodon.dataset.step !== "paste") return;
      // The address is long: Connect, below the code, must not be left off screen.
      mastodon.querySelector(".form-actions").scrollIntoView({ block: "nearest" });
      mastodon.elements.code.focus({ preventScroll: true });
    });
    mastodon.querySelector("[data-action='copy']").addEventListener("click", async () => {
      const url = address.querySelector(".mastodon-url");
      const note = address.querySelector(".mastodon-copied");
      let key = "accounts.mastodon.copied";
      try {
        await navigator.clipboard.writeText(url.textContent);
      } catch {
        key = "accounts.mastodon.copy_failed";
        getSelection()?.selectAllChildren(url);
      }
      note.dataset.i18n = key;
      note.textContent = t(key);
      note.hidden = false;
    });
  }

  for (const form of forms) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const adder = adders[form.dataset.network];
      if (adder) add(form, adder);
    });
    form.querySelector("[data-action='cancel']")?.addEventListener("click", () => {
      if (form === mastodon && stopWaiting) {
        dropMastodonFlow();
        stopWaiting();
      } else if (form === mastodon && mastodonFlow && !adding) {
        // The code path goes back to its first step, the server kept.
        dropMastodonFlow();
        setMastodonStep("browser");
        formError = { network: "mastodon", err: { localKey: "accounts.mastodon.cancelled" } };
        renderFormError();
        mastodon.elements.server.focus();
      } else if (!adding) {
        choose(null);
      }
    });
  }

  networks.addEventListener("click", (event) => {
    const b = event.target.closest("button[data-network]");
    if (b && !adding) choose(b.dataset.network);
  });

  // Discord: a webhook address that leads elsewhere is named before anything is sent.
  const discord = formOf("discord");
  const hostNote = discord?.querySelector(".webhook-host");
  function showWebhookHost() {
    const host = foreignWebhookHost(discord.elements.webhook.value);
    hostNote.hidden = !host;
    hostNote.textContent = host ? t("accounts.discord.otherHost", { host }) : "";
  }
  discord?.elements.webhook.addEventListener("input", showWebhookHost);

  function showMastodon() {
    const b = networks.querySelector("button[data-network='mastodon']");
    if (b) b.hidden = !mastodonAvailable;
    if (!mastodonAvailable && chosen === "mastodon") choose(null);
  }
  showMastodon();

  return {
    refresh,
    /** Features app_info reports: `mastodon` shows its button once its sign-in exists. */
    setFeatures({ mastodon }) {
      mastodonAvailable = Boolean(mastodon);
      showMastodon();
    },
    refreshLanguage() {
      renderList();
      renderFormError();
      if (discord) showWebhookHost();
      if (lastResult) setResult(lastResult);
    },
  };
}
