// The dishonest attester's configuration (ATTESTER_FAULT, ATTESTER_FAULT_NODES): each bad value is rejected naming the
// variable. Its behaviour on chain is tested where it is caught, in packages/agent/src/lightnode.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attester, parseAttesterFault } from './attester.ts';

test('ATTESTER_FAULT and ATTESTER_FAULT_NODES: valid values parse, bad ones are rejected naming the variable', () => {
  assert.equal(parseAttesterFault(undefined, undefined), undefined);
  assert.equal(parseAttesterFault('', ''), undefined);
  assert.equal(parseAttesterFault('none', undefined), undefined);
  assert.deepEqual(parseAttesterFault('inflate-green', '1'), { mode: 'inflate-green', nodeIds: [1] });
  assert.deepEqual(parseAttesterFault(' drop-windows ', '2, 5'), { mode: 'drop-windows', nodeIds: [2, 5] });
  assert.deepEqual(parseAttesterFault('omit-record', '3'), { mode: 'omit-record', nodeIds: [3] });
  for (const [mode, nodes, message] of [
    [
      'lie',
      '1',
      /ATTESTER_FAULT: unknown mode "lie" \(expected one of drop-windows, inflate-green, omit-record or none\)/,
    ],
    ['inflate-green', undefined, /ATTESTER_FAULT_NODES: required with ATTESTER_FAULT=inflate-green/],
    ['inflate-green', ' ', /ATTESTER_FAULT_NODES: required/],
    ['inflate-green', '1,x', /ATTESTER_FAULT_NODES: "x" is not a node id/],
    ['inflate-green', '0', /ATTESTER_FAULT_NODES: "0" is not a node id/],
    ['inflate-green', '1,,2', /ATTESTER_FAULT_NODES: "" is not a node id/],
    ['none', '4', /ATTESTER_FAULT_NODES: set without ATTESTER_FAULT/],
  ] as const)
    assert.throws(() => parseAttesterFault(mode, nodes), message, `${mode} ${nodes}`);
});

test('Attester refuses a fault option it does not know, naming the field', () => {
  const base = { db: {} as never, ingest: {} as never, clients: {} as never, oracle: `0x${'11'.repeat(20)}` as const };
  assert.throws(() => new Attester({ ...base, fault: { mode: 'lie' as never, nodeIds: [1] } }), /fault\.mode: unknown/);
  assert.throws(
    () => new Attester({ ...base, fault: { mode: 'omit-record', nodeIds: [] } }),
    /fault\.nodeIds: at least/,
  );
  assert.throws(() => new Attester({ ...base, fault: { mode: 'omit-record', nodeIds: [1.5] } }), /fault\.nodeIds: 1.5/);
});
