// Text from the API, made safe to show: strings cut to a length, dates in local words.

export const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** `value` if it is a string (cut to `max` characters), else "". */
export function str(value, max = 300) {
  return typeof value === "string" ? value.slice(0, max) : "";
}

/** An ISO time in local words ("" if it is not a date). */
export function when(iso, format = dateTime) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : format.format(d);
}

export function capital(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}
