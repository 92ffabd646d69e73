// Test fixture of lightnode.test.ts (not a test itself): a light node in its own process, which the test kills with
// SIGKILL between the challenge's commit and its reveal, to check that a restarted one finishes the challenge. Options
// come as one JSON argument; it never mines, so it waits for a block after its commitment until it is killed.
import { LightNode } from './lightnode.ts';
import { Outbox } from './outbox.ts';

const o = JSON.parse(process.argv[2]!) as {
  privateKey: `0x${string}`;
  rpcUrl: string;
  chainId: number;
  oracle: `0x${string}`;
  registry: `0x${string}`;
  apiUrl: string;
  outboxDir: string;
  now: number;
};
const outbox = Outbox.open(o.outboxDir);
const node = new LightNode({
  privateKey: o.privateKey,
  rpcUrl: o.rpcUrl,
  chainId: o.chainId,
  oracle: o.oracle,
  registry: o.registry,
  apiUrls: [o.apiUrl],
  outbox,
  now: () => o.now,
  nextBlock: () => new Promise(() => {}),
  log: (line) => process.stdout.write(`${line}\n`),
});
await node.checkDue();
