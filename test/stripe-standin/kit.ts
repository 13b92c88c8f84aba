/**
 * What the stand-in's parts share: Stripe's JSON answers, its ids, readers of the form the SDK
 * sends, and what standin.ts hands a part that serves more of the API (checkout.ts, billing.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FormObject, FormValue } from './form.ts';

export type Json = Record<string, unknown>;
export type Answer = { status: number; body: Json };

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
export const str = (v: FormValue | undefined) => (typeof v === 'string' ? v : undefined);
export const obj = (v: FormValue | undefined): FormObject => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
export const strings = (v: FormValue | undefined) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A part's view of the stand-in: its clock and address, a platform by its key, events, and Stripe's two common errors. */
export type StandinPartDeps<P extends { key: string }> = {
  clock: () => number;
  base: () => string;
  platformOf(key: string): P;
  emit(platform: P, type: string, object: Json): void;
  invalid(message: string, extra?: Json): Answer;
  missing(what: string, id: string, param: string): Answer;
};
