/** Schemas shared by several routes' path and query parameters. */
import * as z from 'zod';
import { isoDate } from '../../../../shared/index.ts';

export const orgId = z.string().min(1).max(63).describe('The org id (lowercase letters, digits, dashes)');
export const orgPath = z.object({ orgId });
export const recordId = z.string().min(1).max(128);
export const optionalDate = z.optional(isoDate);
/** `?billed=true` / `?billed=false`. */
export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
