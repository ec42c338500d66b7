// Thin wrappers over the Tauri commands. Everything that crosses the IPC
// boundary is normalised here so the rest of the UI only ever sees
// `{code, message}` errors and ArrayBuffers.

function core() {
  return window.__TAURI__?.core ?? null;
}

export function hasTauri() {
  return typeof core()?.invoke === "function";
}

/**
 * The Rust side rejects with `{code, message}`, but plugins or a panic can
 * still produce a bare string or an Error; coerce all of them so no caller
 * ever ends up printing "[object Object]".
 */
export function normalizeError(err) {
  if (err && typeof err === "object" && "code" in err) {
    return {
      code: String(err.code || "unknown"),
      message: String(err.message ?? ""),
      // The message worded from the catalogue: {code, params}.
      detail: err.detail && typeof err.detail === "object" ? err.detail : null,
      ...(err.inspection ? { inspection: err.inspection } : {}),
    };
  }
  if (err instanceof Error) return { code: "unknown", message: err.message };
  if (typeof err === "string") return { code: "unknown", message: err };
  if (err && typeof err === "object" && "message" in err) {
    return { code: "unknown", message: String(err.message) };
  }
  let message = "";
  try {
    message = JSON.stringify(err) ?? "";
  } catch {
    message = String(err);
  }
  return { code: "unknown", message };
}

async function call(command, args) {
  const c = core();
  if (!c) {
    throw { code: "no_tauri", message: "window.__TAURI__ is not available." };
  }
  try {
    return await c.invoke(command, args);
  } catch (err) {
    throw normalizeError(err);
  }
}

/** A raw tauri::ipc::Response arrives as an ArrayBuffer; a Vec<u8> would arrive as a number array. */
function toArrayBuffer(value) {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) {
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  }
  if (Array.isArray(value)) return Uint8Array.from(value).buffer;
  throw { code: "internal", message: "render_preview returned an unexpected payload." };
}

export const appInfo = () => call("app_info");

export async function library() {
  const assets = await call("library");
  return Array.isArray(assets) ? assets : [];
}

export async function renderPreview({ kitId, assetId, remix, maxWidth, maxHeight }) {
  const raw = await call("render_preview", { kitId, assetId, remix, maxWidth, maxHeight });
  return toArrayBuffer(raw);
}

export async function undrawableCharacters({ kitId, assetId, remix }) {
  const chars = await call("undrawable_characters", { kitId, assetId, remix });
  return Array.isArray(chars) ? chars.map(String) : [];
}

export const exportImage = ({ kitId, assetId, remix }) =>
  call("export_image", { kitId, assetId, remix });

export const copyImage = ({ kitId, assetId, remix }) =>
  call("copy_image", { kitId, assetId, remix });

/** `draft` is `{kit_id, asset_id, remix, alt_text}` (the Rust `Draft`). */
export const draftSave = (draft) => call("draft_save", { draft });
export const draftLoad = ({ kitId, assetId }) => call("draft_load", { kitId, assetId });

export const kits = async () => {
  const list = await call("kits");
  return Array.isArray(list) ? list : [];
};
export const pickKit = ({ folder }) => call("pick_kit", { folder });
export const kitInspect = ({ path }) => call("kit_inspect", { path });
export const kitImport = ({ path, fingerprint }) => call("kit_import", { path, fingerprint });
export const kitSubscribe = ({ url, key, fingerprint }) => call("kit_subscribe", { url, key, fingerprint });
export const kitUpdate = ({ kitId }) => call("kit_update", { kitId });
export const kitRemove = ({ kitId }) => call("kit_remove", { kitId });

export const accountList = async () => {
  const list = await call("account_list");
  return Array.isArray(list) ? list : [];
};
// Secrets go to Rust once, as arguments, and are not kept by the window.
export const accountAddBluesky = ({ handle, appPassword, pds }) =>
  call("account_add_bluesky", { handle, appPassword, pds });
export const accountAddDiscord = ({ webhook }) => call("account_add_discord", { webhook });
export const accountAddTelegram = ({ channel, token }) => call("account_add_telegram", { channel, token });
/** `path` null: the native folder dialog; resolves null when it is cancelled. */
export const accountAddFolder = ({ path }) => call("account_add_folder", { path });
export const accountTest = ({ id }) => call("account_test", { id });
export const accountRename = ({ id, name }) => call("account_rename", { id, name });
export const accountRemove = ({ id }) => call("account_remove", { id });
// Mastodon's sign-in in the browser (OAuth): see the hook in accounts.js.
export const accountMastodonStart = ({ server, paste, lang }) => call("account_mastodon_start", { server, paste, lang });
export const accountMastodonFinish = ({ flow, code }) => call("account_mastodon_finish", { flow, code });
export const accountMastodonCancel = ({ flow }) => call("account_mastodon_cancel", { flow });

/** Subscribes to a Tauri event; resolves to an unlisten function (a no-op outside Tauri). */
export async function listen(event, handler) {
  const api = window.__TAURI__?.event;
  if (!api?.listen) return () => {};
  return api.listen(event, (e) => handler(e.payload));
}

/** Files dragged over / dropped on the window (Tauri webview drag-drop events). */
export async function onDragDrop(handler) {
  const webview = window.__TAURI__?.webview?.getCurrentWebview?.();
  if (!webview?.onDragDropEvent) return () => {};
  return webview.onDragDropEvent((e) => handler(e.payload));
}

export function thumbUrl(sha256) {
  const c = core();
  if (!c || !sha256) return "";
  return c.convertFileSrc(sha256, "kitblob");
}
