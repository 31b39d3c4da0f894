/**
 * JSON that keeps NaN and ±Infinity.
 *
 * Plain JSON.stringify turns NaN into null, which would silently change a logged value (a
 * diverging loss is exactly what one wants to see). Non-finite numbers are written as
 * {"$num":"NaN"} / {"$num":"Infinity"} / {"$num":"-Infinity"} and revived on parse. A real
 * object with the single key "$num" would be revived too; record payloads never have one.
 */

const NUM_KEY = '$num';

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return { [NUM_KEY]: String(v) };
    return v;
  });
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === NUM_KEY) {
        const s = (v as Record<string, unknown>)[NUM_KEY];
        if (s === 'NaN') return NaN;
        if (s === 'Infinity') return Infinity;
        if (s === '-Infinity') return -Infinity;
      }
    }
    return v;
  }) as T;
}
