// Messages from Rust ({code, params}) worded from the catalogue, with each kind of
// value formatted for the language: the same rules as src-tauri/messages/format.rs
// (« 14 mars 2026 à 20 h », « 2,5 Mo »; "14 March 2026 at 20:00", "2.5 MB").

const MONTHS = {
  fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
};

function groupDigits(number, lang) {
  const digits = String(Math.abs(Math.trunc(number)));
  if (digits.length <= 3 || (lang === "fr" && digits.length <= 4)) return String(Math.trunc(number));
  const separator = lang === "fr" ? "\u202F" : ",";
  let out = "";
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += separator;
    out += digits[i];
  }
  return number < 0 ? `-${out}` : out;
}

/** Decimal units, as file managers show them; `exact` gives every byte. */
export function formatSize(bytes, lang, exact = false) {
  const units = lang === "fr" ? ["octets", "Ko", "Mo", "Go"] : ["bytes", "KB", "MB", "GB"];
  if (exact || bytes < 1000) {
    const shown = groupDigits(bytes, lang);
    if (lang === "fr" && bytes <= 1) return `${shown} octet`;
    if (lang === "en" && bytes === 1) return `${shown} byte`;
    return `${shown} ${units[0]}`;
  }
  const [value, unit] = bytes >= 1e9 ? [bytes / 1e9, units[3]] : bytes >= 1e6 ? [bytes / 1e6, units[2]] : [bytes / 1e3, units[1]];
  let text = value.toFixed(1);
  if (text.endsWith(".0")) text = text.slice(0, -2);
  if (lang === "fr") text = text.replace(".", ",");
  return `${text}\u00A0${unit}`;
}

/** A Unix time in the computer's time zone. */
export function formatUnixDate(unix, lang) {
  const date = new Date(unix * 1000);
  if (Number.isNaN(date.getTime())) return String(unix);
  const day = date.getDate();
  const month = (MONTHS[lang] ?? MONTHS.en)[date.getMonth()];
  const hours = date.getHours();
  const minutes = date.getMinutes();
  if (lang === "fr") {
    const time = minutes === 0 ? `${hours}\u00A0h` : `${hours}\u00A0h\u00A0${String(minutes).padStart(2, "0")}`;
    return `${day === 1 ? "1er" : day} ${month} ${date.getFullYear()} à ${time}`;
  }
  return `${day} ${month} ${date.getFullYear()} at ${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

function templateFor(message, lang, lookup) {
  const direct = lookup(message.code, lang);
  if (direct != null) return direct;
  const count = message.params?.count;
  if (typeof count !== "number") return null;
  const one = lang === "fr" ? count === 0 || count === 1 : count === 1;
  return lookup(`${message.code}.${one ? "one" : "other"}`, lang) ?? lookup(`${message.code}.other`, lang);
}

function paramText(value, lang, lookup) {
  if (typeof value === "string") return value;
  if (typeof value === "number") return groupDigits(value, lang);
  if (!value || typeof value !== "object") return "";
  if ("size" in value) return formatSize(value.size, lang);
  if ("date" in value) return formatUnixDate(value.date, lang);
  if ("fr" in value || "en" in value) {
    const first = lang === "fr" ? value.fr : value.en;
    return first || (lang === "fr" ? value.en : value.fr) || "";
  }
  if ("list" in value) return (value.list ?? []).join(", ");
  if ("message" in value) return formatMessage(value.message, lang, lookup);
  return "";
}

/**
 * The sentence for `message` in `lang`; `lookup(key, lang)` reads the catalogue. Sizes
 * that would read the same once rounded are shown in exact bytes.
 */
export function formatMessage(message, lang, lookup) {
  if (!message || typeof message.code !== "string") return "";
  const template = templateFor(message, lang, lookup) ?? templateFor(message, "en", lookup);
  if (template == null) return message.code;
  const params = message.params ?? {};
  const sizes = Object.entries(params).filter(([, v]) => v && typeof v === "object" && "size" in v);
  const rounded = sizes.map(([, v]) => formatSize(v.size, lang));
  const clash = sizes.some(([, a], i) => sizes.some(([, b], j) => i !== j && a.size !== b.size && rounded[i] === rounded[j]));
  return template.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    if (clash && value && typeof value === "object" && "size" in value) return formatSize(value.size, lang, true);
    return paramText(value, lang, lookup);
  });
}
