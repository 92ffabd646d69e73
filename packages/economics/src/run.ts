// Glue between the pure model and @greenhour/energy: build the config and the site, simulate the year
// on real zone data, evaluate. The site's GPU rental price, demand utilisation and EV charging price
// (energy's `defaultSite`, or the `site` part of a config file) are the only ones: the dispatch optimises
// against the same numbers the investment earns.

import { defaultSite, simulateYear, validateSite } from '@greenhour/energy';
import type { Controller, SiteConfig, YearResult, ZoneId } from '@greenhour/energy';
import { defaultInvestmentConfig, type InvestmentConfig, type ModelId } from './config.ts';
import { evaluateInvestment, type InvestmentResult } from './model.ts';
import { ConfigError, applyOverrides, validateInvestmentConfig } from './overrides.ts';

export interface BuildOptions {
  /** Data directory holding grid/<zone>/ (default: the shipped data/). */
  dataDir?: string;
  /** The site to price instead of `defaultSite(model, zone)` (e.g. from a site file); its type must be `model`. */
  site?: SiteConfig;
}

/**
 * Defaults for the model and zone (or the given site) with an optional `--config` document applied
 * (throws ConfigError).
 */
export function buildInvestment(
  model: ModelId,
  zone: ZoneId,
  overrides?: unknown,
  opts: BuildOptions = {},
): { config: InvestmentConfig; site: SiteConfig } {
  const config = defaultInvestmentConfig(model, zone, opts.dataDir);
  if (opts.site !== undefined && opts.site.type !== model) {
    throw new Error(`site.type: the site is a ${opts.site.type}, the investment model is ${model}`);
  }
  const site = opts.site !== undefined ? structuredClone(opts.site) : defaultSite(model, zone, opts.dataDir);
  const merged = overrides === undefined ? { config, site } : applyOverrides(config, site, overrides);
  validateInvestmentConfig(merged.config);
  if (overrides !== undefined) {
    // energy's validator throws Error("site.<path>: <reason>"); re-raise it as a field error
    try {
      validateSite(merged.site);
    } catch (e) {
      const msg = (e as Error).message;
      const i = msg.indexOf(': ');
      throw i > 0 ? new ConfigError(msg.slice(0, i), msg.slice(i + 2)) : e;
    }
  }
  return merged;
}

export interface RunInvestmentOptions {
  model: ModelId;
  zone: ZoneId;
  /** Default 'optimizer' (the HiGHS site optimizer). */
  controller?: Controller;
  /** Parsed `--config` JSON (partial InvestmentConfig, optional `site` part). */
  overrides?: unknown;
  onProgress?: (fraction: number) => void;
  /** Simulate a shorter window (hours) and annualise; default the full year. */
  hours?: number;
  startHour?: number;
  tornadoVariation?: number;
  /** Data directory holding grid/<zone>/ (default: the shipped data/). */
  dataDir?: string;
  /** The site to price instead of the model's default site (see BuildOptions). */
  site?: SiteConfig;
}

export interface InvestmentRun {
  result: InvestmentResult;
  year: YearResult;
  site: SiteConfig;
}

/** Simulate the site's year with @greenhour/energy and evaluate the investment on it. */
export async function runInvestment(opts: RunInvestmentOptions): Promise<InvestmentRun> {
  const { config, site } = buildInvestment(opts.model, opts.zone, opts.overrides, {
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    ...(opts.site !== undefined ? { site: opts.site } : {}),
  });
  const year = await simulateYear({
    zone: opts.zone,
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    site,
    controller: opts.controller ?? 'optimizer',
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.hours !== undefined ? { hours: opts.hours } : {}),
    ...(opts.startHour !== undefined ? { startHour: opts.startHour } : {}),
  });
  const result = evaluateInvestment(
    config,
    site,
    year,
    opts.tornadoVariation !== undefined ? { tornadoVariation: opts.tornadoVariation } : {},
  );
  return { result, year, site };
}
