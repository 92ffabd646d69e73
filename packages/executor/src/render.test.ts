import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { InputError } from '@greenhour/errors';
import { executeModule, ExecutionError } from './execute.ts';
import { kernelModule } from './kernels.ts';
import { DEMO_SCENE, renderInput, renderJs, tilesOf, tilesToPng, type Scene } from './render.ts';

const FUEL = 10n ** 10n;
const { wasm, hash } = kernelModule('render');
const render = (input: Uint8Array) => executeModule({ module: wasm, moduleHash: hash, input, fuel: FUEL });

describe('the rendering kernel in WebAssembly', () => {
  it('renders every tile of the demo scene as the JavaScript kernel does, into an image of the scene', () => {
    const tiles = tilesOf(DEMO_SCENE.width, DEMO_SCENE.height, 48);
    assert.equal(tiles.length, 6 * 4);
    const rendered = tiles.map((tile) => {
      const input = renderInput(DEMO_SCENE, tile);
      const r = render(input);
      assert.deepEqual(r.output, renderJs(input), `tile ${tile.x},${tile.y}`);
      assert.equal(r.output.length, tile.w * tile.h * 3);
      return { tile, rgb: r.output };
    });
    const png = tilesToPng(DEMO_SCENE.width, DEMO_SCENE.height, rendered);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), DEMO_SCENE.width);
    assert.equal(png.readUInt32BE(20), DEMO_SCENE.height);
    // the image: decode the pixels back and look at three places a person would
    const raw = inflateSync(png.subarray(41, png.length - 16));
    const at = (x: number, y: number) => {
      const o = y * (1 + 3 * DEMO_SCENE.width) + 1 + 3 * x;
      return { r: raw[o]!, g: raw[o + 1]!, b: raw[o + 2]! };
    };
    const sky = at(5, 2);
    assert.ok(sky.b === 255 && sky.r < sky.b, `sky ${JSON.stringify(sky)}`);
    const red = at(128, 70); // the red ball straight ahead
    assert.ok(red.r > 2 * red.g && red.r > 2 * red.b, `red ball ${JSON.stringify(red)}`);
    const floor = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => at(20 + 28 * k, 150));
    assert.ok(new Set(floor.map((p) => p.r > 100)).size === 2, 'the floor has light and dark squares');
  });

  it('gives the same pixels and hash on every run, and other pixels for another scene', () => {
    const tile = { x: 96, y: 48, w: 64, h: 48 };
    const a = render(renderInput(DEMO_SCENE, tile));
    assert.deepEqual(render(renderInput(DEMO_SCENE, tile)), a);
    const moved: Scene = { ...DEMO_SCENE, light: { x: 4, y: 6, z: 0 } };
    assert.notEqual(render(renderInput(moved, tile)).outputHash, a.outputHash);
  });

  it('refuses a scene or tile out of range, naming the field; the kernel traps on one built by hand', () => {
    const refused = (f: () => unknown, field: string) =>
      assert.throws(f, (e: unknown) => e instanceof InputError && e.field === field);
    refused(() => renderInput(DEMO_SCENE, { x: 250, y: 0, w: 16, h: 16 }), 'tile');
    refused(() => renderInput(DEMO_SCENE, { x: 0, y: 0, w: 0, h: 16 }), 'tile');
    refused(() => renderInput({ ...DEMO_SCENE, width: 0 }, { x: 0, y: 0, w: 1, h: 1 }), 'width');
    const ball = DEMO_SCENE.spheres[0]!;
    refused(
      () => renderInput({ ...DEMO_SCENE, spheres: [{ ...ball, r: 0 }] }, { x: 0, y: 0, w: 1, h: 1 }),
      'spheres.0.r',
    );
    refused(
      () => renderInput({ ...DEMO_SCENE, spheres: [{ ...ball, z: -65 }] }, { x: 0, y: 0, w: 1, h: 1 }),
      'spheres.0.z',
    );
    refused(
      () => renderInput({ ...DEMO_SCENE, spheres: [{ ...ball, colour: 0x1000000 }] }, { x: 0, y: 0, w: 1, h: 1 }),
      'spheres.0.colour',
    );
    // a radius of 0 written past the builder's checks: the kernel refuses it rather than divide by it
    const input = renderInput(DEMO_SCENE, { x: 0, y: 0, w: 8, h: 8 });
    new DataView(input.buffer).setInt32(40 + 12, 0, true);
    assert.throws(
      () => render(input),
      (e: unknown) => e instanceof ExecutionError && e.field === 'module',
    );
  });
});
