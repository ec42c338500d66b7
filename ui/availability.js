// Whether an asset may be used now, from the library's `availability` field
// ({state: "available"} | {state: "expired", since} | {state: "not_yet", from}).
// Older libraries send no field: the asset is available.

import { t, getLang } from "./i18n.js";
import { formatUnixDate } from "./format.js";

/** An RFC 3339 date or a time in milliseconds, as the catalogue's messages show dates. */
export function formatDate(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value ?? "");
  return formatUnixDate(Math.floor(date.getTime() / 1000), getLang());
}

/** A sentence saying why the asset cannot be used, or "" when it can. */
export function availabilityNote(asset) {
  const a = asset?.availability;
  if (!a || typeof a !== "object") return "";
  if (a.state === "expired") return t("availability.expired", { date: formatDate(a.since) });
  if (a.state === "not_yet") return t("availability.notYet", { date: formatDate(a.from) });
  return "";
}
