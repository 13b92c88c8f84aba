/** Unwrapping a Result in a test: the value, or a failure that names the error. */
import type { Result } from '../result.ts';

export function expectOk<T, E>(result: Result<T, E>, label?: string): T {
  if (result.ok) return result.value;
  const what = label === undefined ? 'expected ok' : `${label}: expected ok`;
  throw new Error(`${what}, got error ${JSON.stringify(result.error)}`);
}
