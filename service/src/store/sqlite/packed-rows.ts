/**
 * A compact JSON form for the long, uniform line lists of invoices and pay runs: column by
 * column, the keys once. A column whose rows all hold one value is stored as that value
 * once; a column with few distinct values (a therapist's name, an agency, a date, a rate,
 * the late flag) as indexes into a table of those values; any other column as its values.
 * A close of 100,000 visits builds a few columns per invoice and per pay statement instead
 * of 200,000 row arrays, and writes far fewer bytes than plain objects would take.
 *
 * Files written before version 7 of the schema hold the earlier form, row by row
 * (`{ keys, dictionaries, rows }`), and version 7 stored dictionaries of strings only and
 * no constant columns; unpackRows reads all of them.
 */
type Value = string | number | boolean | null;
type Column = { values: Value[] } | { dictionary: Value[]; indexes: (number | null)[] } | { constant: Value };
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
 * One key's values in record order: one value when every record holds it; dictionary indexes
 * when there is at most one distinct value for every two records (absent values aside);
 * else the values themselves.
 */
function packColumn(records: readonly Record<string, Value | undefined>[], key: string): Column {
  const n = records.length;
  const positions = new Map<Value, number>();
  const indexes: (number | null)[] = new Array(n);
  let dictionary = true;
  let absent = false;
  // Lines come sorted, so a value often repeats the one before: no map lookup for it.
  let previous: Value = null;
  let previousAt = -1;
  for (let i = 0; i < n; i++) {
    const value = records[i]![key] ?? null;
    if (value === null) {
      indexes[i] = null;
      absent = true;
      continue;
    }
    if (value === previous) {
      indexes[i] = previousAt;
      continue;
    }
    let at = positions.get(value);
    if (at === undefined) {
      at = positions.size;
      // Too many distinct values to be worth a dictionary; 32 in the first 32 rows says an id column.
      if ((at + 1) * 2 > n || (at === 32 && i === 32)) {
        dictionary = false;
        break;
      }
      positions.set(value, at);
    }
    indexes[i] = at;
    previous = value;
    previousAt = at;
  }
  if (dictionary && positions.size === 1 && !absent) return { constant: positions.keys().next().value! };
  if (dictionary && positions.size > 0) return { dictionary: [...positions.keys()], indexes };
  const values: Value[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = records[i]![key] ?? null;
  return { values };
}

export function unpackRows<T>(packed: PackedLines): T[] {
  if ('rows' in packed) return unpackRowsBefore7(packed);
  const { keys, columns, length } = packed;
  const out: T[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const object: Record<string, Value> = {};
    for (let c = 0; c < keys.length; c++) {
      const column = columns[c]!;
      const value =
        'values' in column
          ? column.values[i]
          : 'constant' in column
            ? column.constant
            : column.indexes[i] === null
              ? null
              : column.dictionary[column.indexes[i]!]!;
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
