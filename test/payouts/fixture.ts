/**
 * An org ready to pay through the Stripe stand-in: a SQLite store, a real cipher, the real
 * Stripe gateway (the stripe SDK over HTTP to the stand-in), a receiver that hands the
 * stand-in's signed webhooks to the use case, and a January pay run of three therapists
 * whose visits name patients (so tests can look for them in what Stripe received).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { stripeGatewayFactory, verifyStripeEvent } from '../../service/src/payouts/stripe-gateway.ts';
import { stripeEndpoint } from '../../service/src/payouts/stripe-client.ts';
import type { PayoutStore } from '../../service/src/store/payouts-port.ts';
import { aUseCaseContext, type TestContext } from '../../service/src/test-support/use-case-context.ts';
import type { UseCaseContext } from '../../service/src/usecases/context.ts';
import { putPayRates, upsertAgencies, upsertTherapists } from '../../service/src/usecases/directory.ts';
import { createOrg } from '../../service/src/usecases/orgs.ts';
import { approvePayRun, createPayRun } from '../../service/src/usecases/payroll.ts';
import { connectStripe } from '../../service/src/usecases/payouts/connect.ts';
import { onboardAll } from '../../service/src/usecases/payouts/onboarding.ts';
import { payPayRun, type PayLine } from '../../service/src/usecases/payouts/pay.ts';
import type { PayoutContext } from '../../service/src/usecases/payouts/context.ts';
import { receiveStripeEvent } from '../../service/src/usecases/payouts/webhooks.ts';
import { upsertVisits } from '../../service/src/usecases/visits.ts';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/standin.ts';
import { expectOk } from '../../shared/test-support/results.ts';

export const ORG = 'acme';
export const PAY_RUN = 'payroll:2026-01-01';
export const PATIENTS = [
  { name: 'Alvarez, Rosa', mrn: 'MRN-55501' },
  { name: 'Nguyen, Bao', mrn: 'MRN-55502' },
  { name: 'Kowalski, Ewa', mrn: 'MRN-55503' },
];
/** Visits per therapist and the pay rate: Tom 3 x $55, Ana 2 x $60, Omar 1 x $40. */
export const THERAPISTS = [
  { name: 'Tom Becker', visits: 3, cents: 5500 },
  { name: 'Ana Morales', visits: 2, cents: 6000 },
  { name: 'Omar Haddad', visits: 1, cents: 4000 },
] as const;

/** What each therapist's pay statement says, computed here from the fixture's visits and rates. */
export const STATEMENT_CENTS = THERAPISTS.map((t) => t.visits * t.cents);

export type PayoutFixture = {
  ctx: PayoutContext & TestContext;
  standin: StripeStandin;
  key: string;
  webhookSecret: string;
  /** The secret of the endpoint for the org's own account (platform events: transfer.reversed). */
  accountWebhookSecret: string;
  /** Therapist ids in THERAPISTS order. */
  therapistIds: string[];
  webhookUrl: string;
  close(): Promise<void>;
};

function payoutContext(base: TestContext, standinUrl: string): PayoutContext & TestContext {
  return Object.assign(base, {
    payouts: base.store as unknown as PayoutStore,
    gateways: stripeGatewayFactory(stripeEndpoint(standinUrl)),
    verifyEvent: verifyStripeEvent,
    publicBaseUrl: 'http://visitledger.test',
  });
}

/** A signed W-9 for the fixture's therapist at `index`: with one on file, pay goes out in full. */
export const aW9For = (index: number) => ({
  legalName: THERAPISTS[index]!.name,
  taxClassification: 'individual',
  tinType: 'SSN',
  tin: `40${index}-22-333${index}`,
  signedOn: '2026-01-02',
  address: { line1: `${index + 1} Elm St`, city: 'Columbus', state: 'OH', zip: '43215' },
});

/** Per therapist (in THERAPISTS order), what the upsert sends besides the name: by default a W-9 on file. */
export type TherapistSetup = { w9?: ReturnType<typeof aW9For>; withoutW9?: 'hold' | 'withhold'; tinIncorrect?: boolean };

/** Seeds the org's directory, rates and January visits; returns the therapist ids. */
export async function seedJanuary(ctx: UseCaseContext, setup: readonly TherapistSetup[] = []): Promise<string[]> {
  await createOrg(ctx, { id: ORG, settings: { name: 'Acme Staffing', payrollCycle: { kind: 'monthly' }, timeZone: 'America/New_York' } });
  const agencies = expectOk(await upsertAgencies(ctx, ORG, [{ name: 'Oakridge Home Health' }]), 'seed');
  const rowsOf = THERAPISTS.map((t, i) => ({ name: t.name, disciplines: ['PT'], ...(setup[i] ?? { w9: aW9For(i) }) }));
  const therapists = expectOk(await upsertTherapists(ctx, ORG, rowsOf), 'seed');
  const byName = new Map(therapists.map((t) => [t.name, t.id]));
  const ids = THERAPISTS.map((t) => byName.get(t.name)!);
  await putPayRates(
    ctx,
    ORG,
    THERAPISTS.map((t, i) => ({
      therapistId: ids[i]!,
      discipline: 'PT',
      visitType: 'ROUTINE',
      cents: t.cents,
      effectiveFrom: '2026-01-01',
    })),
  );
  let n = 0;
  const rows = THERAPISTS.flatMap((t, i) =>
    Array.from({ length: t.visits }, (_, v) => ({
      clientId: `row-${++n}`,
      agencyId: agencies[0]!.id,
      therapistId: ids[i]!,
      patient: PATIENTS[(i + v) % PATIENTS.length]!,
      date: `2026-01-${String(5 + v).padStart(2, '0')}`,
      discipline: 'PT',
      visitType: 'ROUTINE',
      noteDone: true,
    })),
  );
  expectOk(await upsertVisits(ctx, ORG, rows));
  return ids;
}

/** `clock`: Stripe's time (Unix seconds) for what the stand-in makes; by default the real time. `therapists`: see seedJanuary. */
export async function startPayoutFixture(
  options: { balanceCents?: number; approve?: boolean; clock?: () => number; therapists?: readonly TherapistSetup[] } = {},
): Promise<PayoutFixture> {
  const standin = await startStripeStandin(options.clock ? { clock: options.clock } : {});
  const key = `rk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const accountWebhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  standin.addPlatform(key, options.balanceCents ?? 1_000_000);
  const ctx = payoutContext(aUseCaseContext({ now: '2026-02-02T15:00:00.000Z' }), standin.url);
  const therapistIds = await seedJanuary(ctx, options.therapists);
  expectOk(await createPayRun(ctx, ORG, { start: '2026-01-01', end: '2026-01-31' }));
  if (options.approve !== false) await approvePayRun(ctx, ORG, PAY_RUN);

  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void receiveStripeEvent(ctx, ORG, Buffer.concat(chunks), String(req.headers['stripe-signature'] ?? '')).then((r) => {
        res.writeHead(r.ok ? 200 : r.error.code === 'invalid-input' ? 400 : 502, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.ok ? r.value : { error: r.error }));
      });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
  standin.setWebhookEndpoint(key, webhookUrl, webhookSecret);
  standin.setWebhookEndpoint(key, webhookUrl, accountWebhookSecret, { connect: false });
  return {
    ctx,
    standin,
    key,
    webhookSecret,
    accountWebhookSecret,
    therapistIds,
    webhookUrl,
    async close() {
      await standin.flushWebhooks();
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await standin.close();
      await ctx.store.close();
    },
  };
}

/** Connects Stripe and onboards every therapist; those at the `ready` indexes (default: all) finish Stripe's onboarding. Their account ids, in therapist order. */
export async function connectedAndOnboarded(
  f: PayoutFixture,
  ready: readonly number[] = f.therapistIds.map((_, i) => i),
): Promise<string[]> {
  expectOk(await connectStripe(f.ctx, ORG, { key: f.key, webhookSecret: f.webhookSecret, accountWebhookSecret: f.accountWebhookSecret }));
  const onboarded = expectOk(await onboardAll(f.ctx, ORG));
  const accountOf = new Map(onboarded.map((v) => [v.therapistId, v.accountId]));
  for (const i of ready) await f.standin.completeOnboarding(accountOf.get(f.therapistIds[i]!)!);
  await f.standin.flushWebhooks();
  return f.therapistIds.map((id) => accountOf.get(id)!);
}

/** Pays the fixture's pay run: each therapist's line. */
export async function pay(f: PayoutFixture): Promise<PayLine[]> {
  return expectOk(await payPayRun(f.ctx, ORG, PAY_RUN)).payments;
}

export const lineOf = (lines: PayLine[], f: PayoutFixture, i: number) => lines.find((l) => l.therapistId === f.therapistIds[i])!;
export const transfersTo = (f: PayoutFixture, accountId: string) => f.standin.transfers(f.key).filter((t) => t.destination === accountId);

/** The stripe SDK pointed at the fixture's stand-in: what Stripe holds, read without the code under test. */
export const stripeOf = (f: PayoutFixture) => new Stripe(f.key, { host: '127.0.0.1', port: f.standin.port, protocol: 'http' });
