// Test support: a minimal XML well-formedness check for the generated SVG (no XML parser dependency).
import assert from 'node:assert/strict';

/** Minimal XML well-formedness check: balanced tags, quoted attributes, single root. Returns tag names. */
export function checkSvg(svg: string): string[] {
  const tags: string[] = [];
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(svg))) {
    const between = svg.slice(last, m.index);
    assert.ok(
      !between.includes('<') && !between.includes('>'),
      `stray markup near ${JSON.stringify(between.slice(0, 60))}`,
    );
    last = re.lastIndex;
    const [, close, name, , self] = m;
    if (close) assert.equal(stack.pop(), name, `mismatched </${name}>`);
    else {
      if (stack.length === 0) assert.equal(tags.length, 0, 'single root element');
      tags.push(name!);
      if (!self) stack.push(name!);
    }
  }
  assert.equal(svg.slice(last).trim(), '', 'nothing after the root');
  assert.deepEqual(stack, [], 'all tags closed');
  assert.equal(tags[0], 'svg');
  return tags;
}
