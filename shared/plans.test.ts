import { describe, expect, it } from 'vitest';
import {
  billingAccess,
  countActiveTherapists,
  describePlan,
  subscriptionState,
  therapistLimitState,
  type PaidSubscription,
  type SubscriptionAnswer,
  type SubscriptionState,
} from './plans.ts';

const created = '2026-03-01';
const starter = (over: Partial<PaidSubscription> = {}): PaidSubscription => ({
  plan: 'starter',
  status: 'active',
  currentPeriodStart: '2026-04-01',
  currentPeriodEnd: '2026-05-01',
  pastDueSince: null,
  ...over,
});
const stateOn = (today: string, paid: PaidSubscription | null = null): SubscriptionState =>
  subscriptionState({ orgCreatedOn: created, paid, today });

describe('the trial', () => {
  it('lasts 30 days from the org’s creation, counting down, with no therapist limit', () => {
    const first = stateOn('2026-03-01');
    expect(first).toMatchObject({ plan: 'trial', status: 'trialing', trialEndsOn: '2026-03-31', trialDaysLeft: 30, therapistLimit: null });
    expect(stateOn('2026-03-30')).toMatchObject({ status: 'trialing', trialDaysLeft: 1 });
    expect(billingAccess(stateOn('2026-03-30'), '2026-03-30')).toEqual({ allowed: true, warning: null });
  });

  it('has lapsed from its end day: canceled, and new billing is refused as trial-ended', () => {
    const lapsed = stateOn('2026-03-31');
    expect(lapsed).toMatchObject({ plan: 'trial', status: 'canceled', trialDaysLeft: 0 });
    expect(billingAccess(lapsed, '2026-03-31')).toMatchObject({ allowed: false, reason: 'trial-ended' });
  });

  it('counts active therapists over the last 30 days ending today', () => {
    expect(stateOn('2026-03-20').activePeriod).toEqual({ start: '2026-02-19', end: '2026-03-20' });
  });
});

describe('a paid subscription', () => {
  it('counts active therapists from the start of the paid period to today, with the plan’s limit', () => {
    const s = stateOn('2026-04-10', starter());
    expect(s).toMatchObject({ plan: 'starter', status: 'active', therapistLimit: 8, currentPeriodEnd: '2026-05-01', trialDaysLeft: 0 });
    expect(s.activePeriod).toEqual({ start: '2026-04-01', end: '2026-04-10' });
    expect(stateOn('2026-04-10', starter({ plan: 'unlimited' })).therapistLimit).toBeNull();
  });

  it('chosen during the trial keeps the trial’s days left', () => {
    expect(stateOn('2026-03-21', starter({ status: 'trialing', currentPeriodStart: '2026-03-21' }))).toMatchObject({
      plan: 'starter',
      status: 'trialing',
      trialDaysLeft: 10,
    });
  });

  it('past due is allowed, with a warning, for 14 days and refused from the 15th', () => {
    const paid = starter({ status: 'past_due', pastDueSince: '2026-04-05' });
    const on = (today: string) => billingAccess(stateOn(today, paid), today);
    expect(on('2026-04-19')).toMatchObject({ allowed: true, warning: expect.stringContaining('2026-04-20') });
    expect(on('2026-04-20')).toMatchObject({ allowed: false, reason: 'past-due' });
  });

  it('canceled stops new billing at once, and counts therapists over the last 30 days', () => {
    const s = stateOn('2026-05-03', starter({ status: 'canceled' }));
    expect(billingAccess(s, '2026-05-03')).toMatchObject({ allowed: false, reason: 'canceled' });
    expect(s.activePeriod).toEqual({ start: '2026-04-04', end: '2026-05-03' });
  });

  it('canceled before the free trial ended leaves the rest of the trial, and lapses with it', () => {
    const canceled = starter({ status: 'canceled', currentPeriodStart: '2026-03-05', currentPeriodEnd: '2026-03-31' });
    const during = stateOn('2026-03-10', canceled);
    expect(during).toMatchObject({ plan: 'trial', status: 'trialing', trialDaysLeft: 21, therapistLimit: null });
    expect(billingAccess(during, '2026-03-10')).toEqual({ allowed: true, warning: null });
    const after = stateOn('2026-03-31', canceled);
    expect(after).toMatchObject({ plan: 'starter', status: 'canceled' });
    expect(billingAccess(after, '2026-03-31')).toMatchObject({ allowed: false, reason: 'canceled' });
  });
});

describe('the Starter therapist limit', () => {
  const s = stateOn('2026-04-10', starter());
  const limit = (activeTherapists: number, overLimitSince: string | null, today = '2026-04-10') =>
    therapistLimitState({ state: s, activeTherapists, overLimitSince, today });

  it('8 active therapists are within it', () => {
    expect(limit(8, null)).toMatchObject({ level: 'within', overLimitSince: null, message: null });
  });

  it('a 9th is warned about from the day it is seen, and adding therapists stops 7 days later', () => {
    const first = limit(9, null);
    expect(first).toMatchObject({ level: 'warned', overLimitSince: '2026-04-10', blockedFrom: '2026-04-17' });
    expect(first.message).toContain('9 active therapists');
    expect(limit(9, '2026-04-10', '2026-04-16').level).toBe('warned');
    expect(limit(9, '2026-04-10', '2026-04-17')).toMatchObject({ level: 'blocked', message: expect.stringContaining('Unlimited') });
  });

  it('back within the limit forgets when it was over', () => {
    expect(limit(8, '2026-04-01')).toMatchObject({ level: 'within', overLimitSince: null });
  });

  it('does not apply on Unlimited or the trial', () => {
    const unlimited = stateOn('2026-04-10', starter({ plan: 'unlimited' }));
    expect(therapistLimitState({ state: unlimited, activeTherapists: 500, overLimitSince: null, today: '2026-04-10' }).level).toBe(
      'within',
    );
    expect(
      therapistLimitState({ state: stateOn('2026-03-05'), activeTherapists: 50, overLimitSince: null, today: '2026-03-05' }).level,
    ).toBe('within');
  });
});

describe('active therapists', () => {
  it('are the distinct therapists with a visit dated in the period', () => {
    const visits = [
      { therapistId: 'a', date: '2026-04-01' },
      { therapistId: 'a', date: '2026-04-05' },
      { therapistId: 'b', date: '2026-04-10' },
      { therapistId: 'c', date: '2026-03-31' },
      { therapistId: 'd', date: '2026-04-11' },
    ];
    expect(countActiveTherapists(visits, { start: '2026-04-01', end: '2026-04-10' })).toBe(2);
  });
});

describe('the plan in plain words', () => {
  const answer = (over: Partial<SubscriptionAnswer>): SubscriptionAnswer => ({
    plan: 'trial',
    status: 'trialing',
    trialEndsOn: '2026-03-31',
    currentPeriodEnd: null,
    activeTherapists: 3,
    therapistLimit: null,
    ...over,
  });

  it('counts the trial’s days down and offers both plans', () => {
    const s = describePlan(answer({}), '2026-03-19');
    expect(s).toMatchObject({ headline: 'Free trial: 12 days left', trialDaysLeft: 12, choices: ['starter', 'unlimited'] });
    expect(s.lines).toContain('Starter: $60/month, up to 8 active therapists.');
    expect(s.lines).toContain('Unlimited: $149/month, any number of therapists.');
  });

  it('says a lapsed trial keeps the data and waits for a plan', () => {
    const s = describePlan(answer({ status: 'canceled' }), '2026-04-02');
    expect(s.headline).toBe('Free trial ended');
    expect(s.lines[0]).toMatch(/exports and 1099s stay available/);
  });

  it('shows a paid plan with its count against the limit, and no Checkout choices', () => {
    const s = describePlan(
      answer({ plan: 'starter', status: 'past_due', currentPeriodEnd: '2026-05-01', activeTherapists: 9, therapistLimit: 8 }),
      '2026-04-10',
    );
    expect(s).toMatchObject({
      headline: 'Starter (payment failed: update the card in the billing portal)',
      trialDaysLeft: null,
      choices: [],
    });
    expect(s.lines).toContain('9 of 8 active therapists this period: over the limit, upgrade to Unlimited.');
  });
});
