export * from './money.ts';
export * from './finance.ts';
export * from './config.ts';
export * from './overrides.ts';
export * from './model.ts';
export * from './run.ts';
