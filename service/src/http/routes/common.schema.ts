/** Schemas shared by several routes: path and query parameters, and the entries of the routes the add-on calls. */
import * as z from 'zod';
import { isoDate } from '../../../../shared/index.ts';
import { WIRE } from '../../../../shared/wire/api.ts';
import type { WireRouteName } from '../../../../shared/wire/routes.ts';

export const orgId = z.string().min(1).max(63).describe('The org id (lowercase letters, digits, dashes)');
export const orgPath = z.object({ orgId });
export const recordId = z.string().min(1).max(128);
export const optionalDate = z.optional(isoDate);
/** `?billed=true` / `?billed=false`. */
export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A route the add-on calls: its operationId, method, path, body and answer as shared/wire/api.ts has them. */
export const wired = <K extends WireRouteName>(id: K) => ({ id, ...WIRE[id] });
