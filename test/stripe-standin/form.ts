/**
 * The form encoding the stripe SDK sends (`capabilities[transfers][requested]=true`,
 * `metadata[payment_id]=x`, `expand[0]=y`), read back into nested objects. Keys that are all
 * array indexes become arrays, as Stripe reads them.
 */
export type FormValue = string | FormObject | FormValue[];
export type FormObject = { [key: string]: FormValue };

export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const head = /^[^[]+/.exec(key)?.[0];
    if (head === undefined) continue;
    const path = [head, ...[...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
    let node: FormObject = root;
    for (let i = 0; i < path.length - 1; i++) {
      const next = node[path[i]!];
      node = (typeof next === 'object' && !Array.isArray(next) ? next : (node[path[i]!] = {})) as FormObject;
    }
    node[path[path.length - 1]!] = value;
  }
  return arraysFromIndexes(root) as FormObject;
}

function arraysFromIndexes(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, arraysFromIndexes(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

/** The same parameters in a canonical order, to compare two requests under one idempotency key. */
export function canonical(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`)
    .join(',')}}`;
}
