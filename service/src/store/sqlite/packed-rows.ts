/**
 * A compact JSON form for the long, uniform line lists of invoices and pay runs: column by
 * column, the keys once, and a string column with few distinct values (a therapist's name,
 * an agency, a visit type, a date) as indexes into a table of those values. A close of
 * 100,000 visits builds twenty columns per invoice instead of 200,000 row arrays, and
 * writes a third of the bytes it would as plain objects.
 *
 * Files written before version 7 of the schema hold the earlier form, row by row
 * (`{ keys, dictionaries, rows }`); unpackRows reads both.
 */
type Value = string | number | boolean | null;
type Column = { values: Value[] } | { dictionary: string[]; indexes: (number | null)[] };
export type PackedColumns = { keys: string[]; length: number; columns: Column[] };
/** The row-by-row form of files written before schema version 7: read, never written. */
type PackedRowsBefore7 = { keys: string[]; dictionaries: (string[] | null)[]; rows: Value[][] };
export type PackedLines = PackedColumns | PackedRowsBefore7;

/**
 * `keys`: the fields a line can have (its schema's), in the order they are stored. A close
 * packs 200,000 lines, and asking each line for its keys would cost more than the packing.
 */
export function packRows<T extends object>(objects: readonly T[], keys: readonly (keyof T & string)[]): PackedColumns {
  const records = objects as readonly Record<string, Value | undefined>[];
  return { keys: [...keys], length: records.length, columns: keys.map((key) => packColumn(records, key)) };
}

/**
 * One key's values in record order; as dictionary indexes when the column holds strings
 * only (absent values aside) with at most one distinct value for every two records.
 */
function packColumn(records: readonly Record<string, Value | undefined>[], key: string): Column {
  const values: Value[] = new Array(records.length);
  const indexes: (number | null)[] = new Array(records.length);
  let positions: Map<string, number> | null = new Map();
  for (let i = 0; i < records.length; i++) {
    const value = records[i]![key] ?? null;
    values[i] = value;
    if (positions === null) continue;
    if (value === null) {
      indexes[i] = null;
    } else if (typeof value !== 'string') {
      positions = null;
    } else {
      let at = positions.get(value);
      if (at === undefined) {
        at = positions.size;
        // Too many distinct values to be worth a dictionary; 32 in the first 32 rows says an id column.
        if ((at + 1) * 2 > records.length || at === 32 && i === 32) positions = null;
        else positions.set(value, at);
      }
      indexes[i] = at;
    }
  }
  return positions !== null && positions.size > 0 ? { dictionary: [...positions.keys()], indexes } : { values };
}

export function unpackRows<T>(packed: PackedLines): T[] {
  if ('rows' in packed) return unpackRowsBefore7(packed);
  const { keys, columns, length } = packed;
  const out: T[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const object: Record<string, Value> = {};
    for (let c = 0; c < keys.length; c++) {
      const column = columns[c]!;
      const value = 'values' in column ? column.values[i] : column.indexes[i] === null ? null : column.dictionary[column.indexes[i]!]!;
      if (value !== null && value !== undefined) object[keys[c]!] = value; // absent and undefined keys stay absent
    }
    out[i] = object as T;
  }
  return out;
}

function unpackRowsBefore7<T>(packed: PackedRowsBefore7): T[] {
  return packed.rows.map((row) => {
    const object: Record<string, Value> = {};
    packed.keys.forEach((key, c) => {
      const v = row[c] ?? null;
      if (v === null) return;
      const dictionary = packed.dictionaries[c];
      object[key] = dictionary ? dictionary[v as number]! : v;
    });
    return object as T;
  });
}
