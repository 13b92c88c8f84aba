/** The billing core, for the service and the add-on. Pure: no I/O, no clock. */
export * from './result.ts';
export * from './money.ts';
export * from './dates.ts';
export * from './vocabulary.ts';
export * from './schemas.ts';
export * from './rates.ts';
export * from './tin.ts';
export * from './tax1099.ts';
export * from './names.ts';
export * from './csv.ts';
export * from './cycles.ts';
export * from './duplicates.ts';
export * from './rate-sheets.ts';
export * from './import.ts';
export * from './invoicing.ts';
export * from './payroll.ts';
export * from './payouts.ts';
