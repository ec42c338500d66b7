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
    return { code: String(err.code || "unknown"), message: String(err.message ?? "") };
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

export async function renderPreview({ kitId, assetId, text, maxWidth, maxHeight }) {
  const raw = await call("render_preview", { kitId, assetId, text, maxWidth, maxHeight });
  return toArrayBuffer(raw);
}

export const exportImage = ({ kitId, assetId, text }) =>
  call("export_image", { kitId, assetId, text });

export function thumbUrl(sha256) {
  const c = core();
  if (!c || !sha256) return "";
  return c.convertFileSrc(sha256, "kitblob");
}
