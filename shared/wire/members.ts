/** What the service says of the caller's own membership of an org. */
import * as z from 'zod/mini';

export const membershipView = z.object({
  email: z.nullable(z.string()).check(z.describe('The signed-in Google account; null for an API key')),
  role: z.enum(['owner', 'staff']),
});
