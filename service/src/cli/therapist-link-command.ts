/**
 * `visitledger therapist-link --therapist NAME [--days N] [--json]`: a new link to the therapist's
 * own pages (W-9, pay, 1099-NEC); its URL is printed once. It opens only after Google sign-in
 * with the therapist's email on file, so a forwarded link alone shows nothing.
 */
import { createTherapistLink } from '../usecases/therapist-links.ts';
import { daysOption, entryNamed } from './names.ts';
import { printNewLink } from './new-link.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, say, UsageError, type CliValues } from './output.ts';

export const therapistLinkOptions = { therapist: { type: 'string' }, days: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function runTherapistLink(rt: CliRuntime, values: CliValues<typeof therapistLinkOptions>): Promise<number> {
  if (!values.therapist) throw new UsageError('therapist-link needs --therapist NAME');
  const days = daysOption(values.days);
  const therapist = entryNamed('therapist', values.therapist, await rt.ctx.store.listTherapists(rt.orgId));
  const created = await createTherapistLink(
    { ...rt.ctx, therapists: rt.portalStore },
    rt.orgId,
    therapist.id,
    days !== undefined ? { days } : {},
    rt.settings.PORTAL_BASE_URL,
  );
  if (!created.ok) return failureExit(created.error);
  printNewLink(values.json, created.value, 'therapist link', therapist.name);
  if (!values.json && !created.value.emailOnFile)
    say(`warning: ${therapist.name} has no email on file: the link opens nothing until one is set (the Therapists tab, then Sync).`);
  return 0;
}
