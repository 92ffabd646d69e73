export {
  buildApi,
  startService,
  openServiceDatabase,
  SERVICE_VERSION,
  type ApiDependencies,
  type Service,
  type ServiceExtras,
} from './service.ts';
export { loadServiceConfig, portFromEnv, type ServiceConfig } from './config.ts';
export { createLogger } from './logger.ts';
export { SYSTEM_CLOCK, type ServiceClock } from './clock.ts';
