/**
 * A visit's marks (visit_marks, migration 8): the invoice that bills it and the pay run that
 * pays it. Closes and pay runs claim visits here; the visits' own module reads and clears them.
 */
import type { SqliteConnection } from './connection.ts';

/**
 * The marks name an invoice by its sequence in the org and a pay run by its seq (migration 8);
 * both start at 1, and 0 in a mark stands for SETTLED_OUTSIDE.
 */
export const SETTLED_MARK = 0;
/**
 * A withdrawn visit's row is deleted and its seq keeps a mark of -1 in both columns, so a
 * close that read it before and marks by that seq meets a taken mark (a conflict) instead
 * of billing a visit that is gone. Seqs are never reused (AUTOINCREMENT).
 */
export const WITHDRAWN_MARK = -1;

/** How many lines a commit marks, and their visit ids in line order, made only when needed (a close has 100,000). */
export type LineVisits = { count: number; visitIds: () => readonly string[] };

/** Thrown inside a close's or a pay run's transaction when a visit is taken: it rolls the transaction back. */
export class Rollback extends Error {
  readonly visitIds: string[];
  constructor(visitIds: string[]) {
    super('rollback');
    this.visitIds = visitIds;
  }
}

export type VisitClaims = {
  /**
   * Marks visits as billed on an invoice (its sequence) or paid in a pay run (its seq); returns
   * the ids that were already taken by another (or do not exist). The seqs go in ascending, so
   * the marks' b-tree grows at its end instead of splitting pages all over.
   */
  claimVisits(
    orgId: string,
    column: 'invoice_seq' | 'pay_run_seq',
    owner: number,
    lines: LineVisits,
    visitSeqs: readonly number[] | undefined,
  ): string[];
};

export function visitClaims({ all, run }: SqliteConnection): VisitClaims {
  /** The visits' seqs in ascending order, found by id; ids that name no visit of the org come back in `unknown`. */
  function seqsById(orgId: string, visitIds: readonly string[]): { seqs: Float64Array; unknown: string[]; idBySeq: Map<number, string> } {
    // CROSS JOIN keeps the ids the outer loop: each is one probe of the (org_id, id) index.
    const rows = all(
      'SELECT j.value AS id, v.seq FROM json_each(?) j CROSS JOIN visits v ON v.org_id = ? AND v.id = j.value',
      JSON.stringify(visitIds),
      orgId,
    );
    const idBySeq = new Map(rows.map((r) => [Number(r.seq), r.id as string]));
    const seqById = new Map(rows.map((r) => [r.id as string, Number(r.seq)]));
    const seqs = new Float64Array(visitIds.length);
    let found = 0;
    const unknown: string[] = [];
    for (const id of visitIds) {
      const seq = seqById.get(id);
      if (seq === undefined) unknown.push(id);
      else seqs[found++] = seq;
    }
    return { seqs: seqs.subarray(0, found).sort(), unknown, idBySeq };
  }

  function claimVisits(
    orgId: string,
    column: 'invoice_seq' | 'pay_run_seq',
    owner: number,
    lines: LineVisits,
    visitSeqs: readonly number[] | undefined,
  ): string[] {
    // The caller's seqs when it has one per line (a seq never changes owner: seqs are never
    // reused, and a withdrawn visit's seq keeps a mark), else the lines' visits found by id.
    const byId = visitSeqs !== undefined && visitSeqs.length === lines.count ? null : seqsById(orgId, lines.visitIds());
    const seqs = byId ? byId.seqs : Float64Array.from(visitSeqs!).sort();
    let changes = 0;
    for (const seqList of jsonChunks(seqs)) {
      changes += Number(
        run(
          `INSERT INTO visit_marks (visit_seq, ${column}) SELECT j.value, ? FROM json_each(?) j WHERE true
         ON CONFLICT (visit_seq) DO UPDATE SET ${column} = excluded.${column} WHERE visit_marks.${column} IS NULL`,
          owner,
          seqList,
        ).changes,
      );
    }
    if ((byId === null || byId.unknown.length === 0) && changes === lines.count) return [];
    // Fewer marks than visits (rare): some were taken already, by this owner (a repeat), by
    // another, or by a withdrawal (the visit is gone, its seq keeps the mark). Named through the
    // lines' own ids: the caller's seqs come in any order, not the lines'.
    const named = byId ?? seqsById(orgId, lines.visitIds());
    const takenSeqs = Array.from(jsonChunks(seqs), (seqList) =>
      all(
        `SELECT m.visit_seq FROM json_each(?) j CROSS JOIN visit_marks m ON m.visit_seq = j.value WHERE m.${column} IS NOT ?`,
        seqList,
        owner,
      ).map((r) => Number(r.visit_seq)),
    ).flat();
    // A withdrawn visit has no row to name it by seq: it is among the unknown ids. A visit a
    // merge moved lives on under a new seq, so its id is known: the caller's old seq names it.
    const taken = [...named.unknown, ...takenSeqs.flatMap((seq) => named.idBySeq.get(seq) ?? [])];
    return taken.length > 0 || takenSeqs.length === 0 ? taken : takenSeqs.map((seq) => `visit seq ${seq}`);
  }

  return { claimVisits };
}

/**
 * The seqs as JSON lists of at most 8,192 each, for json_each, made one at a time. One list
 * of 100,000 would be a 0.7 MB string, and every large object takes fresh pages from the
 * system, where the small lists reuse the young generation's memory.
 */
function* jsonChunks(seqs: Float64Array): Generator<string> {
  for (let i = 0; i < seqs.length; i += 8192) yield JSON.stringify(Array.from(seqs.subarray(i, i + 8192)));
}
