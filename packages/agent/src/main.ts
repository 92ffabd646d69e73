// Entry point: `node --import tsx packages/agent/src/main.ts ...` or the `greenhour-agent` bin. SIGINT and SIGTERM stop
// the agent cleanly (the tick in progress finishes, in-flight publishes get a moment for their acknowledgement).
import { runAgentCli } from './cli.ts';

const code = await runAgentCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stopSignal: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
});
process.exitCode = code;
