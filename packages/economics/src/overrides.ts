// Partial overrides of an investment config (and of the energy site config) from untrusted JSON,
// and range validation. Every error names the dotted field path and the reason.

import { GreenhourError } from '@greenhour/errors';
import type { SiteConfig } from '@greenhour/energy';
import type { InvestmentConfig } from './config.ts';

export class ConfigError extends GreenhourError {
  constructor(field: string, reason: string) {
    super(field, reason, { message: `config field "${field}": ${reason}` });
  }
}

/** Shape of a `--config` file: any subset of InvestmentConfig, plus an optional subset of the site. */
export interface ConfigOverrides {
  site?: unknown;
  [key: string]: unknown;
}

const FIXED_FIELDS = new Set(['model', 'zone']);

/**
 * Former investment-config fields that are site operating assumptions now (one definition, in energy's
 * `defaultSite`): a config file sets them through its `site` part, in USD rather than usdc6.
 */
const MOVED_TO_SITE: Record<string, string> = {
  gpuRentalUsdc6PerGpuHour: 'site.gpu.revenueUsdPerGpuHour (USD per GPU-hour)',
  utilisation: 'site.gpu.demandUtilization (fraction 0..1)',
  evChargeUsdc6PerKwh: 'site.ev.chargePriceUsdPerKwh (USD per kWh)',
};

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/**
 * Deep-merge `patch` into a copy of `base`, checking each leaf against the type of the base value:
 * bigint (usdc6) fields take an integer JSON number or a string of digits, numbers must be finite,
 * strings must be strings, arrays are merged element by element (no new elements), unknown keys fail.
 */
export function mergeChecked<T>(base: T, patch: unknown, path: string): T {
  if (typeof base === 'bigint') {
    if (typeof patch === 'number' && Number.isSafeInteger(patch)) return BigInt(patch) as T;
    if (typeof patch === 'string' && /^-?\d+$/.test(patch)) return BigInt(patch) as T;
    throw new ConfigError(path, `expected an integer amount in usdc6 (micro-USD), got ${describe(patch)}`);
  }
  if (typeof base === 'number') {
    if (typeof patch === 'number' && Number.isFinite(patch)) return patch as T;
    throw new ConfigError(path, `expected a number, got ${describe(patch)}`);
  }
  if (typeof base === 'string') {
    if (typeof patch === 'string') return patch as T;
    throw new ConfigError(path, `expected a string, got ${describe(patch)}`);
  }
  if (typeof base === 'boolean') {
    if (typeof patch === 'boolean') return patch as T;
    throw new ConfigError(path, `expected true or false, got ${describe(patch)}`);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(patch)) throw new ConfigError(path, `expected an array, got ${describe(patch)}`);
    if (patch.length > base.length)
      throw new ConfigError(`${path}[${base.length}]`, `only ${base.length} element(s) exist to override`);
    return base.map((el, i) => (i < patch.length ? mergeChecked(el, patch[i], `${path}[${i}]`) : el)) as T;
  }
  if (isPlainObject(base)) {
    if (!isPlainObject(patch)) throw new ConfigError(path, `expected an object, got ${describe(patch)}`);
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in base)) throw new ConfigError(p, 'unknown field');
      out[k] = mergeChecked(base[k], v, p);
    }
    return out as T;
  }
  // Optional parts absent from the base (e.g. a site without a battery) cannot be created field by field.
  throw new ConfigError(path, 'cannot be overridden (not present in the default config)');
}

/** Apply a parsed `--config` document to the defaults; validates the result. */
export function applyOverrides(
  config: InvestmentConfig,
  site: SiteConfig,
  overrides: unknown,
): { config: InvestmentConfig; site: SiteConfig } {
  if (!isPlainObject(overrides)) throw new ConfigError('(root)', `expected a JSON object, got ${describe(overrides)}`);
  const { site: sitePatch, ...rest } = overrides;
  for (const k of Object.keys(rest)) {
    if (FIXED_FIELDS.has(k)) throw new ConfigError(k, `cannot be overridden in a config file; use --${k}`);
  }
  if (isPlainObject(rest.prices)) {
    for (const k of Object.keys(rest.prices)) {
      const to = MOVED_TO_SITE[k];
      if (to !== undefined) throw new ConfigError(`prices.${k}`, `is a site setting; set ${to} instead`);
    }
  }
  if (isPlainObject(sitePatch) && 'type' in sitePatch)
    throw new ConfigError('site.type', 'cannot be overridden; use --model');
  const merged = mergeChecked(config, rest, '');
  const mergedSite = sitePatch === undefined ? site : mergeChecked(site, sitePatch, 'site');
  validateInvestmentConfig(merged);
  return { config: merged, site: mergedSite };
}

function frac(path: string, x: number, lo = 0, hi = 1): void {
  if (!(x >= lo && x <= hi)) throw new ConfigError(path, `must be between ${lo} and ${hi}, got ${x}`);
}

function intIn(path: string, x: number, lo: number, hi: number): void {
  if (!Number.isInteger(x) || x < lo || x > hi)
    throw new ConfigError(path, `must be an integer between ${lo} and ${hi}, got ${x}`);
}

/** Range checks that types alone cannot express. Throws ConfigError naming the first bad field. */
export function validateInvestmentConfig(c: InvestmentConfig): void {
  intIn('lifetimeYears', c.lifetimeYears, 1, 50);
  frac('discountRate', c.discountRate, -0.5, 1);
  frac('pvDegradationPerYear', c.pvDegradationPerYear, 0, 0.2);
  frac('batteryFadePerYear', c.batteryFadePerYear, 0, 0.5);
  for (const part of ['capex', 'opex', 'prices'] as const) {
    for (const [k, v] of Object.entries(c[part])) {
      if (typeof v === 'bigint' && v < 0n) throw new ConfigError(`${part}.${k}`, `must be >= 0, got ${v}`);
    }
  }
  frac('capex.softCostFraction', c.capex.softCostFraction);
  frac('capex.incentivePvFraction', c.capex.incentivePvFraction);
  frac('capex.incentiveBatteryFraction', c.capex.incentiveBatteryFraction);
  frac('opex.insuranceFractionOfCapex', c.opex.insuranceFractionOfCapex);
  frac('opex.gpuMaintenanceFractionOfCapex', c.opex.gpuMaintenanceFractionOfCapex);
  frac('opex.platformFeeFraction', c.opex.platformFeeFraction);
  frac('opex.evPaymentFeeFraction', c.opex.evPaymentFeeFraction);
  const r = c.replacement;
  intIn('replacement.batteryReplacementYear', r.batteryReplacementYear, 0, c.lifetimeYears);
  intIn('replacement.inverterReplacementYear', r.inverterReplacementYear, 0, c.lifetimeYears);
  intIn('replacement.gpuRefreshYears', r.gpuRefreshYears, 0, c.lifetimeYears);
  frac('replacement.batteryReplacementFractionOfCapex', r.batteryReplacementFractionOfCapex, 0, 2);
  frac('replacement.inverterReplacementFractionOfCapex', r.inverterReplacementFractionOfCapex, 0, 2);
  frac('replacement.gpuRefreshFractionOfCapex', r.gpuRefreshFractionOfCapex, 0, 2);
  for (const [k, v] of Object.entries(c.escalation)) frac(`escalation.${k}`, v, -0.5, 0.5);
}
