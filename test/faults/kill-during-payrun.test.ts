/**
 * A crash in the middle of paying never pays anyone twice. `visitledger payrun --pay` runs
 * as a child process on a SQLite file against the Stripe stand-in, and dies (SIGKILL) at
 * each of its crash points in turn: a therapist's pending payment written, Stripe's answer
 * received, the answer stored. It is also killed (a) while its transfer request is held
 * before Stripe received it, and (b) after Stripe made the transfer, before the answer got
 * back. Paying again finishes: one transfer per therapist, each the amount of their pay
 * statement as this test computes it from the visits and rates it seeded. Two `payrun
 * --pay` processes started at once on one file also make one transfer per therapist.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { openFieldCipher } from '../../service/src/config/keys.ts';
import { readSettings } from '../../service/src/config/settings.ts';
import { openSqliteStore } from '../../service/src/store/sqlite/sqlite-store.ts';
import type { UseCaseContext } from '../../service/src/usecases/context.ts';
import { ORG, seedJanuary, THERAPISTS } from '../payouts/fixture.ts';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/standin.ts';
import type { CrashPoint } from '../../service/src/faults/crash-points.ts';
import { copyDb, walkCrashPoints } from './crash-walk.ts';

const CLI = new URL('../../service/src/cli.ts', import.meta.url).pathname;
/** Each therapist's January statement: visits times the pay rate, as seeded. */
const EXPECTED_CENTS = new Map<string, number>(THERAPISTS.map((t) => [t.name, t.visits * t.cents]));

let standin: StripeStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

type Setup = { dbFile: string; key: string; env: Record<string, string>; therapistIds: Map<string, string> };

async function setUp(): Promise<Setup> {
  standin = await startStripeStandin();
  const key = `rk_test_${randomBytes(16).toString('hex')}`;
  standin.addPlatform(key, 1_000_000);
  const dbFile = join(mkdtempSync(join(tmpdir(), 'visitledger-payrun-')), 'payrun.db');
  let n = 0;
  // The key file beside the database, made as the CLI makes it (the CLI then reads it).
  const ctx: UseCaseContext = {
    store: openSqliteStore(dbFile),
    cipher: openFieldCipher(readSettings({}), dbFile),
    now: () => new Date('2026-02-02T12:00:00.000Z'),
    newId: () => `seed-${++n}`,
    actor: 'test',
  };
  const ids = await seedJanuary(ctx);
  await ctx.store.close();
  const setup: Setup = {
    dbFile,
    key,
    env: { STRIPE_API_BASE: standin.url, PORTAL_BASE_URL: 'http://visitledger.test', LOG_LEVEL: 'silent' },
    therapistIds: new Map(THERAPISTS.map((t, i) => [ids[i]!, t.name])),
  };
  expect((await cli(setup, ['stripe-connect', '--key', key, '--webhook-secret', `whsec_${randomBytes(12).toString('hex')}`])).code).toBe(0);
  const onboarded = await cli(setup, ['onboard', '--all', '--json']);
  expect(onboarded.code, onboarded.stderr).toBe(0);
  for (const t of JSON.parse(onboarded.stdout).therapists as { accountId: string }[]) await standin.completeOnboarding(t.accountId);
  return setup;
}

function start(
  setup: Setup,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args, '--db', setup.dbFile, '--org', ORG], {
    env: { ...process.env, ...setup.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))) };
}

const cli = (setup: Setup, args: string[]) => start(setup, args).done;
const pay = (setup: Setup) => start(setup, ['payrun', '--period', '2026-01', '--pay', '--json']);

function paymentsInFile(dbFile: string): { id: string; status: string; therapist_id: string }[] {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    return db.prepare(`SELECT id, status, therapist_id FROM payments WHERE org_id = '${ORG}' ORDER BY id`).all() as {
      id: string;
      status: string;
      therapist_id: string;
    }[];
  } finally {
    db.close();
  }
}

/** Every transfer Stripe holds, by therapist name (read from the metadata the service sent). */
function transfersByTherapist(setup: Setup): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const t of standin!.transfers(setup.key)) {
    const name = setup.therapistIds.get((t.metadata as Record<string, string>).therapist_id!)!;
    out.set(name, [...(out.get(name) ?? []), t.amount as number]);
  }
  return out;
}

function expectEachPaidOnce(setup: Setup): void {
  const transfers = transfersByTherapist(setup);
  expect([...transfers.keys()].sort()).toEqual([...EXPECTED_CENTS.keys()].sort());
  for (const [name, cents] of EXPECTED_CENTS) expect(transfers.get(name), name).toEqual([cents]);
}

describe('killing payrun --pay', () => {
  it('at every crash point: paying again pays each therapist exactly once', async () => {
    const setup = await setUp();
    // Each run starts from the same file and the same Stripe: what an earlier kill sent Stripe stays out of it.
    const pristine = `${setup.dbFile}.pristine`;
    copyDb(setup.dbFile, pristine);
    const restoreStripe = standin!.checkpoint(setup.key);
    const points = await walkCrashPoints(
      async (n) => {
        copyDb(pristine, setup.dbFile);
        restoreStripe();
        const run = await start(setup, ['payrun', '--period', '2026-01', '--pay', '--json'], { VISITLEDGER_CRASH_AT: String(n) }).done;
        return { code: run.code, stderr: run.stderr };
      },
      async (point, n) => {
        const label = `killed at crash point ${n} (${point})`;
        const transfers = transfersByTherapist(setup);
        for (const [name, amounts] of transfers) expect(amounts, `${label}: ${name}`).toEqual([EXPECTED_CENTS.get(name)]);
        const rows = paymentsInFile(setup.dbFile);
        expect(new Set(rows.map((r) => r.therapist_id)).size, `${label}: two payments for one therapist`).toBe(rows.length);
        // Every transfer Stripe made has its payment row, written before the request.
        expect(rows.length, label).toBeGreaterThanOrEqual(transfers.size);
        const final = await cli(setup, ['payrun', '--period', '2026-01', '--pay', '--json']);
        expect(final.code, `${label}: ${final.stderr}`).toBe(0);
        expectEachPaidOnce(setup);
        expect(
          paymentsInFile(setup.dbFile).map((p) => p.status),
          label,
        ).toEqual(['paid', 'paid', 'paid']);
      },
    );
    const eachTherapist: CrashPoint[] = ['pay.pending-written', 'pay.transfer-answered', 'pay.answer-stored'];
    // `payrun --pay` makes the period's pay run first, then pays it.
    const payRun: CrashPoint[] = [
      'payrun.computed',
      'payrun.header-written',
      'payrun.statements-written',
      'payrun.visits-marked',
      'payrun.committed',
    ];
    expect(points).toEqual([...payRun, ...THERAPISTS.flatMap(() => eachTherapist)]);
    expectEachPaidOnce(setup);
  }, 600_000);

  it('before Stripe received a transfer, then after Stripe made one: paying again pays each therapist exactly once', async () => {
    const setup = await setUp();

    // (a) The first transfer request is held before Stripe sees it; the pending row is already written.
    const before = standin!.holdNextTransfer('before');
    const a = pay(setup);
    await before.reached;
    const pendingA = paymentsInFile(setup.dbFile);
    expect(pendingA.map((p) => p.status)).toEqual(['pending']);
    a.child.kill('SIGKILL');
    expect((await a.done).code).toBeNull();
    before.release();
    expect(standin!.transfers(setup.key)).toEqual([]);

    // (b) Stripe makes the transfer; the process dies before the answer arrives.
    const after = standin!.holdNextTransfer('after');
    const b = pay(setup);
    await after.reached;
    b.child.kill('SIGKILL');
    expect((await b.done).code).toBeNull();
    after.release();
    expect(standin!.transfers(setup.key)).toHaveLength(1);
    expect(paymentsInFile(setup.dbFile).map((p) => p.status)).toEqual(['pending']);
    expect(paymentsInFile(setup.dbFile)[0]!.id).toBe(pendingA[0]!.id);

    const final = await cli(setup, ['payrun', '--period', '2026-01', '--pay', '--json']);
    expect(final.code, final.stderr).toBe(0);
    expectEachPaidOnce(setup);
    const report = JSON.parse(final.stdout) as {
      payRuns: { therapists: { therapistName: string; amountCents: number; status: string; transferId: string }[] }[];
    };
    const stripeIds = new Set(standin!.transfers(setup.key).map((t) => t.id));
    for (const line of report.payRuns[0]!.therapists) {
      expect(line.status).toBe('paid');
      expect(line.amountCents).toBe(EXPECTED_CENTS.get(line.therapistName));
      expect(stripeIds.has(line.transferId)).toBe(true);
    }
    expect(paymentsInFile(setup.dbFile).map((p) => p.status)).toEqual(['paid', 'paid', 'paid']);

    // And once more: nothing new reaches Stripe's transfers.
    const posts = standin!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers').length;
    const again = await cli(setup, ['payrun', '--period', '2026-01', '--pay', '--json']);
    expect(again.code).toBe(0);
    expect(standin!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers').length).toBe(posts);
    expectEachPaidOnce(setup);
  }, 300_000);

  it('two payrun --pay processes at once on one file make one transfer per therapist', async () => {
    const setup = await setUp();
    const [first, second] = await Promise.all([
      cli(setup, ['payrun', '--period', '2026-01', '--pay', '--json']),
      cli(setup, ['payrun', '--period', '2026-01', '--pay', '--json']),
    ]);
    expect([first.code, second.code], `${first.stderr}\n${second.stderr}`).toEqual([0, 0]);
    expectEachPaidOnce(setup);
    expect(paymentsInFile(setup.dbFile).map((p) => p.status)).toEqual(['paid', 'paid', 'paid']);
  }, 300_000);

  it("a second payrun --pay while the first waits on Stripe finishes the first one's payment under the same key: one transfer each", async () => {
    const setup = await setUp();
    const held = standin!.holdNextTransfer('before');
    const first = pay(setup);
    await held.reached;
    const second = await cli(setup, ['payrun', '--period', '2026-01', '--pay', '--json']);
    expect(second.code, second.stderr).toBe(0);
    held.release();
    const firstDone = await first.done;
    expect(firstDone.code, firstDone.stderr).toBe(0);
    expectEachPaidOnce(setup);
    // The held request reached Stripe after the second process made the transfer: Stripe replayed it.
    const keys = standin!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers').map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(3);
    const transferIds = (out: string) =>
      (JSON.parse(out).payRuns[0].therapists as { transferId: string }[]).map((l) => l.transferId).sort();
    expect(transferIds(firstDone.stdout)).toEqual(transferIds(second.stdout));
  }, 300_000);
});

describe('payrun without --pay', () => {
  it("shows each therapist's amount, payment status and transfer id without moving money", async () => {
    const setup = await setUp();
    const shown = await cli(setup, ['payrun', '--period', '2026-01', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const report = JSON.parse(shown.stdout);
    expect(report.payRuns).toHaveLength(1);
    expect(report.payRuns[0].status).toBe('open');
    expect(
      report.payRuns[0].therapists
        .map((l: { therapistName: string; amountCents: number; status: string }) => [l.therapistName, l.amountCents, l.status])
        .sort(),
    ).toEqual([...EXPECTED_CENTS].map(([name, cents]) => [name, cents, 'not-paid']).sort());
    expect(standin!.transfers(setup.key)).toEqual([]);
    const text = await cli(setup, ['payrun', '--period', '2026-01']);
    expect(text.stdout).toContain('Tom Becker');
    expect(text.stdout).toContain('$165.00');
  }, 300_000);
});
