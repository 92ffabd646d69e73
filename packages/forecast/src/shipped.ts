// I/O shell for the shipped models: packages/forecast/models/<series key>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@greenhour/errors';
import { loadModel, type LoadedModel, type ShippedModel } from './model.ts';

/** The package's models/ folder, resolved from this file so the working directory does not matter. */
export const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../models');

const cache = new Map<string, LoadedModel>();

/** Loads (once per process) the shipped model of a series key such as `DE-LU.carbon`. */
export function shippedModel(key: string, dir = MODELS_DIR): LoadedModel {
  const file = join(dir, `${key}.json`);
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(
      'model',
      `no shipped model ${key} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}: ${file})`,
    );
  }
  const m = loadModel(JSON.parse(text), file);
  if (m.meta.key !== key) throw new InputError(`${file}.key`, `expected ${key}, got ${m.meta.key}`);
  cache.set(file, m);
  return m;
}

/** Writes a model file (compact JSON, one model per file). */
export function writeModel(model: ShippedModel, dir = MODELS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${model.key}.json`);
  writeFileSync(file, JSON.stringify(model) + '\n');
  return file;
}
