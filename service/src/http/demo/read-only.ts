/**
 * The demo's stores: every read goes through, what a visit would note (its audit entries, an
 * invoice marked as viewed) is dropped, and anything else that would write throws. Read names
 * are allowed by prefix, so a store method added later is refused until it is known to read.
 */
export class ReadOnlyDemoError extends Error {}

const READS = /^(get|list|find|count|has|eventProcessed$|billingEventProcessed$)/;

export function readOnly<T extends object>(target: T, dropped: readonly string[]): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      if (READS.test(name)) return value.bind(object);
      if (dropped.includes(name)) return async () => undefined;
      return () => {
        throw new ReadOnlyDemoError(`the demo is read-only (${name})`);
      };
    },
  });
}
