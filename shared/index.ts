/** The billing core, for the service and the add-on. Pure: no I/O, no clock. */
export * from './result.ts';
export * from './money.ts';
export * from './dates.ts';
export * from './vocabulary.ts';
export * from './schemas.ts';
export * from './rates.ts';
