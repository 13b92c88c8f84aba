/**
 * A compact JSON form for the long, uniform line lists of invoices and pay runs: the keys
 * once, each row as an array, and repeated strings (a therapist's name, an agency, a visit
 * type) as an index into a table of distinct values. A close of 100,000 visits writes a
 * third of the bytes it would as plain objects.
 */
type Value = string | number | boolean | null;
export type PackedRows = { keys: string[]; dictionaries: (string[] | null)[]; rows: Value[][] };

export function packRows<T extends object>(objects: readonly T[]): PackedRows {
  const records = objects as readonly Record<string, Value | undefined>[];
  const keys: string[] = [];
  const known = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!known.has(key)) {
        known.add(key);
        keys.push(key);
      }
    }
  }
  // Lines are built by one literal each, so their own keys are usually `keys`, in order: then
  // Object.values reads the row at once, where reading by key name would go through a slow,
  // many-shaped property lookup 100,000 times per column.
  const rows = records.map((record): Value[] => {
    const own = Object.keys(record);
    const row: Value[] = own.length === keys.length && own.every((key, c) => key === keys[c]) ? Object.values(record) as Value[] : keys.map((key) => record[key]!);
    for (let c = 0; c < row.length; c++) row[c] ??= null;
    return row;
  });
  // A string column with few distinct values is stored as indexes into its dictionary; a
  // column stops counting once it has too many distinct values to be one. Both passes go
  // row by row: 100,000 rows read column by column would miss the CPU's cache on each one.
  const distinct = keys.map((): Map<string, number> | null => new Map());
  for (const row of rows) {
    for (let c = 0; c < row.length; c++) {
      const counted = distinct[c];
      const v = row[c];
      if (!counted || v === null) continue;
      if (typeof v !== 'string' || counted.size * 2 > rows.length) distinct[c] = null;
      else if (!counted.has(v)) counted.set(v, counted.size);
    }
  }
  const positions = distinct.map((counted) => (counted && counted.size * 2 <= rows.length ? counted : null));
  if (positions.some((at) => at !== null)) {
    for (const row of rows) {
      for (let c = 0; c < row.length; c++) {
        const at = positions[c];
        if (at && row[c] !== null) row[c] = at.get(row[c] as string)!;
      }
    }
  }
  const dictionaries = positions.map((at) => (at ? [...at.keys()] : null));
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
