// The service's clock: the system clock, or the devnet's accelerated one (apps/devnet/src/clock.ts), which the ingest,
// the attester and the dashboard then share with the local chain. `GET /v1/clock` tells clients which it is.
import { createRoute, createRouter, errorResponses, jsonContent, z } from '@greenhour/api';

export interface ServiceClock {
  /** UTC seconds (fractional) on this clock. */
  nowS(): number;
  /** Seconds of this clock per second of the system clock: 1 for real time. */
  speed: number;
}

export const SYSTEM_CLOCK: ServiceClock = { nowS: () => Date.now() / 1000, speed: 1 };

const Clock = z
  .object({
    nowS: z
      .number()
      .int()
      .openapi({ description: 'UTC seconds on the service’s clock (the slot is floor(nowS / 3600))' }),
    slot: z.number().int().openapi({ description: 'The current hour slot, floor(nowS / 3600)' }),
    speed: z.number().openapi({
      description: 'Seconds of the service’s clock per real second: 1, or e.g. 60 on the devnet’s accelerated clock',
    }),
  })
  .openapi('Clock');

export function clockRoutes(clock: ServiceClock) {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/v1/clock',
      tags: ['service'],
      summary: 'The service’s clock: real time, or the devnet’s accelerated time that its chain follows',
      responses: { 200: jsonContent(Clock, 'The clock'), ...errorResponses },
    }),
    (c) => {
      const nowS = Math.floor(clock.nowS());
      return c.json({ nowS, slot: Math.floor(nowS / 3600), speed: clock.speed }, 200);
    },
  );
}
