/** What portal-link and therapist-link print for the link they made. */
import { printJson, say } from './output.ts';

/** The link as JSON, or its URL (shown only now) and a line naming it: `<kind> <id> for <name>, valid until <date><more>.` */
export function printNewLink(
  json: boolean | undefined,
  created: { url: string; link: { id: string; expiresAt: string } },
  kind: string,
  name: string,
  more = '',
): void {
  if (json) {
    printJson(created);
    return;
  }
  say(created.url);
  say(`${kind} ${created.link.id} for ${name}, valid until ${created.link.expiresAt}${more}. The URL is shown only now.`);
}
