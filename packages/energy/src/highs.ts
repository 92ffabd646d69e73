// highs ships an ES build whose default export is the loader, but NodeNext reads its typings as
// CommonJS (default = module object with a `default` member). Accept both shapes at runtime.
import highsModule from 'highs';
import type { Highs } from 'highs';

type Loader = typeof highsModule.default;
const mod = highsModule as unknown as Loader | { default: Loader };
const loader: Loader = typeof mod === 'function' ? mod : mod.default;

let instance: Promise<Highs> | null = null;

/** The HiGHS WebAssembly module, loaded once per process and reused for every solve. */
export function getHighs(): Promise<Highs> {
  if (!instance) instance = loader();
  return instance;
}
