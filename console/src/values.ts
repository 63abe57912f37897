// Form text to property values and back, by the property's type (the server normalises
// and checks them; this only turns text into the JSON kind the type expects).

const NUMBERS = new Set(["integer", "float"]);
const STRUCTURED = new Set(["json", "object", "array", "money", "coordinate", "address"]);

export class ValueError extends Error {}

/** The JSON value a property of `type` gets from the text typed (undefined: left out). */
export function parseValue(type: string, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (NUMBERS.has(type)) {
    const n = Number(trimmed);
    return Number.isFinite(n) ? n : trimmed; // the server's 422 says what is wrong
  }
  if (type === "boolean") {
    if (trimmed === "true") return true;
    if (trimmed === "false") return false;
    return trimmed;
  }
  if (STRUCTURED.has(type)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return trimmed;
    }
  }
  return text;
}

/** The text a form shows for a stored value. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** A reference to an instance, as relationships hold them: `Class/id`. */
export function referenceOf(value: unknown): { cls: string; id: string } | null {
  if (typeof value !== "string") return null;
  const slash = value.indexOf("/");
  if (slash <= 0 || slash === value.length - 1) return null;
  return { cls: value.slice(0, slash), id: value.slice(slash + 1) };
}
