/** Thermal state carried from one time step to the next by the PVWatts v5 cell-temperature model. */
export interface PvwattsThermalState {
  /** Module temperature at the end of the previous step, C. */
  tModuleC: number;
  /** Absorbed irradiance (POA x absorptance 0.83) of the previous step, W/m2; 0 after a dark step. */
  absorbedWm2: number;
}

const BOLTZ = 5.669e-8; // Stefan-Boltzmann constant as in Fuentes 1987 / SSC, W/(m2 K4)
const ABSORB = 0.83; // absorptance
const EMISS = 0.84; // emissivity
const XLEN = 0.5; // hydraulic diameter of the module, m
const CAP0 = 11000; // heat capacity per unit area, J/(m2 K)
const MODULE_HEIGHT_M = 5; // PVWATTS_HEIGHT
const WIND_HEIGHT_M = 9.144; // wind measured at 30 ft (TMY)

/** Forced + free convective coefficient, Fuentes 1987 eqs. 9-13; sin(tilt) fixed at 0.5 (30 deg) as in SSC. */
function hconvOf(tAveK: number, windMs: number, deltaK: number, turbulentCheck: boolean): number {
  const densair = (0.003484 * 101325.0) / tAveK;
  const visair = (0.24237e-6 * tAveK ** 0.76) / densair;
  const condair = 2.1695e-4 * tAveK ** 0.84;
  const reynold = (windMs * XLEN) / visair;
  const hforce =
    turbulentCheck && reynold > 1.2e5
      ? ((0.0282 / reynold ** 0.2) * densair * windMs * 1007) / 0.71 ** 0.4
      : ((0.86 / reynold ** 0.5) * densair * windMs * 1007) / 0.71 ** 0.67;
  const grashof = (((9.8 / tAveK) * deltaK * XLEN ** 3) / visair ** 2) * 0.5;
  const hfree = (0.21 * (grashof * 0.71) ** 0.32 * condair) / XLEN;
  return (hfree ** 3 + hforce ** 3) ** (1 / 3);
}

/** Constants of the model that depend only on the installed NOCT (SSC `pvwatts_celltemp` constructor). */
function inoctConstants(inoctC: number): { tgrat: number; convrat: number; cap: number } {
  const tinoct = inoctC + 273.15;
  const hconv = hconvOf((tinoct + 293.15) / 2, 1.0, tinoct - 293.15, false);
  const hground = EMISS * BOLTZ * (tinoct ** 2 + 293.15 ** 2) * (tinoct + 293.15);
  const backrat =
    (ABSORB * 800 - EMISS * BOLTZ * (tinoct ** 4 - 282.21 ** 4) - hconv * (tinoct - 293.15)) /
    ((hground + hconv) * (tinoct - 293.15));
  const tground = Math.min(tinoct, Math.max(293.15, (tinoct ** 4 - backrat * (tinoct ** 4 - 293.15 ** 4)) ** 0.25));
  const tgrat = (tground - 293.15) / (tinoct - 293.15);
  const convrat =
    (ABSORB * 800 - EMISS * BOLTZ * (2 * tinoct ** 4 - 282.21 ** 4 - tground ** 4)) / (hconv * (tinoct - 293.15));
  // higher INOCT means thermal coupling to the roof: more thermal mass (Fuentes 1987 eqs. 26-27)
  const cap = tinoct > 321.15 ? CAP0 * (1 + (tinoct - 321.15) / 12) : CAP0;
  return { tgrat, convrat, cap };
}

/**
 * PVWatts v5 cell temperature: the Fuentes transient heat-balance model, M. K. Fuentes, "A Simplified
 * Thermal Model for Flat-Plate Photovoltaic Arrays", SAND85-0330, 1987 (appendix A FORTRAN), as used
 * by PVWatts v5 (A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641, 2014, section 5) and
 * implemented in NREL SSC `shared/lib_pvwatts.cpp` `pvwatts_celltemp` (pvlib.temperature.fuentes is
 * the same port): absorptance 0.83, emissivity 0.84, hydraulic diameter 0.5 m, module 5 m above
 * ground, wind measured at 9.144 m, 10 fixed-point iterations of
 *   T_m = T_m0 e^x + ((1 - e^x)(h_c T_a + h_s T_sky + h_g T_g + S0 + (S - S0)/x) + S - S0) / (h_c + h_s + h_g),
 *   x = -(h_c + h_s + h_g) dt / C.
 * The installed nominal operating cell temperature (INOCT) is the array-type parameter: 45 C for open
 * rack and trackers, 49 C for roof mount (SSC `cmod_pvwattsv5.cpp`). As in SSC, a dark step
 * (POA <= 0) returns the air temperature and resets the state to it.
 *
 * @param poaWm2   plane-of-array irradiance (before cover losses), W/m2
 * @param tAirC    ambient temperature, C
 * @param windMs   wind speed at 9.144 m (weather-file height), m/s; negative is taken as 0
 * @param inoctC   installed NOCT, C
 * @param prev     state after the previous step; `null` = no history: the quasi-steady solution
 *                 (previous module temperature and irradiance equal to this step's), for models
 *                 that evaluate instants independently
 * @param dtHours  step length, h (1 for hourly data)
 * @returns cell temperature (C) and the state for the next step
 */
export function pvwattsCellTemperature(
  poaWm2: number,
  tAirC: number,
  windMs: number,
  inoctC: number,
  prev: PvwattsThermalState | null,
  dtHours = 1,
): { tCellC: number; state: PvwattsThermalState } {
  if (!(poaWm2 > 0)) return { tCellC: tAirC, state: { tModuleC: tAirC, absorbedWm2: 0 } };
  const { tgrat, convrat, cap } = inoctConstants(inoctC);
  const tamb = tAirC + 273.15;
  const sun = poaWm2 * ABSORB;
  const tsky = 0.68 * (0.0552 * tamb ** 1.5) + 0.32 * tamb; // Fuentes eq. 24
  const wind = Math.max(0, windMs) * (MODULE_HEIGHT_M / WIND_HEIGHT_M) ** 0.2 + 1e-4; // eq. 22
  const steady = prev === null;
  const sun0 = steady ? sun : prev.absorbedWm2;
  const tmod0 = steady ? 293.15 : prev.tModuleC + 273.15;
  let tmod = tmod0;
  for (let j = 0; j < 10; j++) {
    const hconv = convrat * hconvOf((tmod + tamb) / 2, wind, Math.abs(tmod - tamb), true);
    const hsky = EMISS * BOLTZ * (tmod ** 2 + tsky ** 2) * (tmod + tsky);
    const tground = tamb + tgrat * (tmod - tamb);
    const hground = EMISS * BOLTZ * (tmod ** 2 + tground ** 2) * (tmod + tground);
    const h = hconv + hsky + hground;
    if (steady) {
      // the limit of the transient equation with no history: pure heat balance
      tmod = (hconv * tamb + hsky * tsky + hground * tground + sun) / h;
      continue;
    }
    const eigen = (-h / cap) * dtHours * 3600;
    const ex = eigen > -10 ? Math.exp(eigen) : 0;
    tmod =
      tmod0 * ex +
      ((1 - ex) * (hconv * tamb + hsky * tsky + hground * tground + sun0 + (sun - sun0) / eigen) + sun - sun0) / h;
  }
  return { tCellC: tmod - 273.15, state: { tModuleC: tmod - 273.15, absorbedWm2: sun } };
}

/**
 * The model over a series of equal steps, state carried from each step to the next (SSC's order: the
 * first step starts from 20 C and no irradiance).
 */
export function pvwattsCellTemperatureSeries(
  poaWm2: readonly number[],
  tAirC: readonly number[],
  windMs: readonly number[],
  inoctC: number,
  dtHours = 1,
): number[] {
  let state: PvwattsThermalState = { tModuleC: 20, absorbedWm2: 0 };
  return poaWm2.map((poa, i) => {
    const r = pvwattsCellTemperature(poa, tAirC[i] ?? NaN, windMs[i] ?? NaN, inoctC, state, dtHours);
    state = r.state;
    return r.tCellC;
  });
}
