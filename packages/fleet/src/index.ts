export * from './gpus.ts';
export * from './geohash.ts';
export * from './capacity-classes.ts';
export * from './demo-fleet.ts';
export { zoneAt } from './zones.ts';
