export { runCli, type Io } from './cli.ts';
export * from './svg.ts';
