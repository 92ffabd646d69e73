import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@greenhour/errors';
import { UsageError, flagsHelp, isCalendarDate, parseCommandLine, parseFlags, type FlagSpecs } from './index.ts';

const SPECS = {
  json: { kind: 'boolean', help: 'json out' },
  name: { kind: 'string', metavar: 'NAME', help: 'a name' },
  mode: { kind: 'enum', values: ['a', 'b'], default: 'a', help: 'a mode' },
  count: { kind: 'integer', metavar: 'N', min: 1, max: 100, help: 'a count' },
  offset: { kind: 'integer', metavar: 'N', min: -10, max: 10, help: 'an offset' },
  share: { kind: 'number', metavar: 'F', min: 0, max: 1, help: 'a share' },
  day: { kind: 'date', help: 'a day' },
  tag: { kind: 'string', metavar: 'T', multiple: true, help: 'tags' },
  id: { kind: 'integer', metavar: 'ID', min: 0, max: 2 ** 32 - 1, required: true, help: 'an id' },
} as const satisfies FlagSpecs;

function refuses(argv: string[], field: string, reason: RegExp): void {
  assert.throws(
    () => parseFlags(argv, SPECS),
    (e: unknown) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.ok(e instanceof InputError);
      assert.equal(e.field, field);
      assert.match(e.reason, reason);
      assert.equal(e.message, `${field}: ${e.reason}`);
      return true;
    },
  );
}

test('both value forms, defaults, booleans and repeatable flags parse to typed values', () => {
  const f = parseFlags(
    ['--id', '7', '--name=x y', '--count', '12', '--offset=-3', '--share', '0.25', '--day=2024-02-29', '--json'],
    SPECS,
  );
  assert.deepEqual(f, {
    id: 7,
    name: 'x y',
    mode: 'a',
    count: 12,
    offset: -3,
    share: 0.25,
    day: '2024-02-29',
    json: true,
    tag: [],
  });
  const g = parseFlags(['--id=0', '--tag', 'a', '--tag=b', '--mode', 'b'], SPECS);
  assert.deepEqual(g.tag, ['a', 'b']);
  assert.equal(g.json, false);
  assert.equal(g.mode, 'b');
  assert.equal(g.count, undefined);
});

test('integers are decimal digits only, in range', () => {
  refuses(['--id', '1', '--count', '0x30'], '--count', /must be an integer, got "0x30" \(decimal digits only\)/);
  refuses(['--id', '1', '--count', '1e3'], '--count', /must be an integer, got/);
  refuses(['--id', '1', '--count', ' 12 '], '--count', /must be an integer, got/);
  refuses(['--id', '1', '--count', '12.0'], '--count', /must be an integer, got/);
  refuses(['--id', '1', '--count', '+5'], '--count', /must be an integer, got/);
  refuses(['--id', '1', '--count=-5'], '--count', /between 1 and 100, got -5/);
  refuses(['--id', '1', '--count', '-5'], '--count', /between 1 and 100, got -5/);
  refuses(['--id', '1', '--count', '-0x5'], '--count', /must be an integer, got "-0x5"/);
  refuses(['--id', '1', '--name', '-x'], '--name', /missing value/);
  refuses(['--id', '1', '--count', '0'], '--count', /between 1 and 100, got 0/);
  refuses(['--id', '1', '--count', '101'], '--count', /between 1 and 100, got 101/);
  refuses(['--id', '1', '--offset=-11'], '--offset', /between -10 and 10/);
  refuses(['--id', '1', '--offset', '-3'], '--offset', /write --offset=-3 for a negative number/);
  refuses(['--id', '99999999999999999999'], '--id', /between 0 and 4294967295/);
});

test('decimal numbers refuse hex, exponents, blanks and out of range', () => {
  refuses(['--id', '1', '--share', '0x1'], '--share', /not a decimal number/);
  refuses(['--id', '1', '--share', '1e-1'], '--share', /not a decimal number/);
  refuses(['--id', '1', '--share', '.5'], '--share', /not a decimal number/);
  refuses(['--id', '1', '--share', 'Infinity'], '--share', /not a decimal number/);
  refuses(['--id', '1', '--share', '1.5'], '--share', /between 0 and 1, got 1.5/);
});

test('empty, missing, repeated, unknown, enum, date, boolean with a value, required, positionals', () => {
  refuses(['--id', '1', '--name', ''], '--name', /empty value/);
  refuses(['--id', '1', '--name='], '--name', /empty value/);
  refuses(['--id', '1', '--count='], '--count', /empty value/);
  refuses(['--id', '1', '--name'], '--name', /missing value/);
  refuses(['--id', '1', '--name', '--json'], '--name', /missing value/);
  refuses(['--id', '1', '--count', '2', '--count=3'], '--count', /given more than once/);
  refuses(['--id', '1', '--json', '--json'], '--json', /given more than once/);
  refuses(['--id', '1', '--bogus'], '--bogus', /unknown flag/);
  refuses(['--id', '1', '-x'], '-x', /unknown flag/);
  refuses(['--id', '1', '--mode', 'c'], '--mode', /unknown value "c" \(expected one of a, b\)/);
  refuses(['--id', '1', '--day', '2023-02-30'], '--day', /not a calendar date/);
  refuses(['--id', '1', '--day', '2023-2-3'], '--day', /not a calendar date/);
  refuses(['--id', '1', '--json=yes'], '--json', /takes no value/);
  refuses(['--json'], '--id', /required/);
  refuses(['--id', '1', 'extra'], 'argument', /unexpected argument "extra"/);
  refuses(['--id', '1', '--', '--json'], 'argument', /unexpected argument "--json"/);
});

test('declared positionals are returned by name, one too many is refused', () => {
  const r = parseCommandLine(['file.json', '--id', '3'], SPECS, { positionals: ['file'] });
  assert.deepEqual(r.positionals, { file: 'file.json' });
  assert.equal(r.flags.id, 3);
  assert.throws(
    () => parseCommandLine(['a', 'b', '--id', '3'], SPECS, { positionals: ['file'] }),
    /argument: unexpected argument "b" \(takes file\)/,
  );
});

test('calendar dates', () => {
  assert.ok(isCalendarDate('2024-02-29'));
  assert.ok(!isCalendarDate('2023-02-29'));
  assert.ok(!isCalendarDate('2023-13-01'));
  assert.ok(!isCalendarDate('2023-04-31'));
});

test('help lists every flag with its metavar, default, required and repeatable notes', () => {
  const h = flagsHelp(SPECS);
  assert.match(h, /--mode a\|b +a mode \(default a\)/);
  assert.match(h, /--id ID +an id \(required\)/);
  assert.match(h, /--tag T +tags \(repeatable\)/);
  assert.match(h, /--day YYYY-MM-DD +a day/);
  assert.equal(h.split('\n').length, Object.keys(SPECS).length);
});
