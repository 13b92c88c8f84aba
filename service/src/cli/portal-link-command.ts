/**
 * `visitledger portal-link --agency NAME [--days N] [--passcode-stdin]`: a new portal link for the
 * agency; its URL is printed once. The passcode, when the link has one, comes from standard input
 * (--passcode-stdin) or VISITLEDGER_PORTAL_PASSCODE; `--passcode X` still works, with a warning.
 */
import { createPortalLink } from '../usecases/portal.ts';
import { daysOption, entryNamed } from './names.ts';
import { printNewLink } from './new-link.ts';
import type { CliRuntime } from './runtime.ts';
import { failureExit, UsageError, type CliValues } from './output.ts';
import { readSecretLines, secretFromFlagOrEnv } from './secrets.ts';

export const portalLinkOptions = {
  agency: { type: 'string' },
  days: { type: 'string' },
  passcode: { type: 'string' },
  'passcode-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function runPortalLink(rt: CliRuntime, values: CliValues<typeof portalLinkOptions>): Promise<number> {
  if (!values.agency) throw new UsageError('portal-link needs --agency NAME');
  const days = daysOption(values.days);
  const agency = entryNamed('agency', values.agency, await rt.ctx.store.listAgencies(rt.orgId));
  const passcode =
    secretFromFlagOrEnv(
      {
        flag: values.passcode,
        flagName: '--passcode',
        env: rt.settings.VISITLEDGER_PORTAL_PASSCODE,
        envName: 'VISITLEDGER_PORTAL_PASSCODE',
      },
      (line) => process.stderr.write(`${line}\n`),
    ) ??
    (values['passcode-stdin']
      ? (await readSecretLines(process.stdin, ['passcode: '], (text) => process.stderr.write(text)))[0]
      : undefined);
  const created = await createPortalLink(
    { ...rt.ctx, portal: rt.portalStore },
    rt.orgId,
    {
      agencyId: agency.id,
      ...(days !== undefined ? { days } : {}),
      ...(passcode !== undefined ? { passcode } : {}),
    },
    rt.settings.PORTAL_BASE_URL,
  );
  if (!created.ok) return failureExit(created.error);
  printNewLink(values.json, created.value, 'portal link', agency.name, created.value.link.hasPasscode ? ', with a passcode' : '');
  return 0;
}
