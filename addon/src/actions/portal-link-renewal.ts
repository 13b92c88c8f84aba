/**
 * One live portal link per agency. The service keeps only a link's hash, so a link's URL
 * exists only in the answer that made it: to put a link in an email, the agency's active
 * link is rotated (revoked, and a new one made with the same passcode), never joined by another.
 */
import type { WireAnswer } from '../../../shared/wire/api.ts';
import type { Connection } from '../config.ts';
import { callService, type ServiceAnswer, type ServiceCall } from '../service-client/client.ts';

type PortalLink = WireAnswer<'listPortalLinks'>['links'][number];
export type RenewedLink = ServiceAnswer<'rotatePortalLink' | 'createPortalLink'>;

/**
 * A new URL for each agency named: its latest active link rotated, or (`createMissing`) a
 * first link made. An agency with no active link and `createMissing` false gets none.
 * Older active links of the same agencies are revoked.
 */
export function renewPortalLinks(
  conn: Connection,
  links: readonly PortalLink[],
  agencyIds: readonly string[],
  createMissing: boolean,
): Map<string, RenewedLink> {
  const active = links.filter((l) => l.status === 'active').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const latest = new Map<string, PortalLink>();
  for (const l of active) if (!latest.has(l.agencyId)) latest.set(l.agencyId, l);
  const targets = agencyIds.filter((id) => latest.has(id) || createMissing);
  if (targets.length === 0) return new Map();
  const answers = callService(
    conn,
    targets.map((id): ServiceCall<'rotatePortalLink' | 'createPortalLink'> => {
      const link = latest.get(id);
      return link
        ? { route: 'rotatePortalLink', params: { linkId: link.id }, body: {} }
        : { route: 'createPortalLink', body: { agencyId: id } };
    }),
  );
  const stale = active.filter((l) => targets.includes(l.agencyId) && latest.get(l.agencyId) !== l);
  if (stale.length > 0)
    callService(
      conn,
      stale.map((l) => ({ route: 'revokePortalLink' as const, params: { linkId: l.id } })),
    );
  return new Map(targets.map((id, i) => [id, answers[i]!]));
}
