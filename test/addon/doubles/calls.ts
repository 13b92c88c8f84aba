/** Every Apps Script call a double receives, by "Service.method": what the call-count tests compare. */
export class CallLog {
  readonly counts = new Map<string, number>();
  count(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
  of(name: string): number {
    return this.counts.get(name) ?? 0;
  }
  /** Counts whose name matches, e.g. /\.set/ for every write. */
  matching(pattern: RegExp): number {
    let n = 0;
    for (const [k, v] of this.counts) if (pattern.test(k)) n += v;
    return n;
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
  reset(): void {
    this.counts.clear();
  }
}

/** A double stands in for an Apps Script type: the methods it implements are checked against @types, the rest it lacks on purpose. */
export const as = <T>(double: unknown): T => double as T;
