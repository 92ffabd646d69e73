export * from './message.ts';
export * from './wire.ts';
export * from './bounds.ts';
export * from './record.ts';
export * from './signature.ts';
export * from './report.ts';
export * from './receipt.ts';
