export { buildApp, type BuildOptions } from './app.js';
export {
  ConfigError,
  loadConfig,
  type DatabaseConfig,
  type JwtVerification,
  type LogLevel,
  type ServerConfig,
  type ServerMode,
} from './config.js';
export type { AuthenticatedPrincipal } from './auth.js';
export type { Engine } from './store/engine.js';
export { InProcessNotifyBus, type NotificationEvent, type NotifyBus } from './notify-bus.js';
