// Logs: pino, JSON lines by default (one object a line: what a log shipper reads). LOG_FORMAT=text prints each
// message as `[prefix] message` for a person at a terminal (the devnet's default); request logs are at debug level.
import pino, { type Logger } from 'pino';
import { ConfigError } from '@greenhour/errors';

export function createLogger(options: {
  level: pino.LevelWithSilent;
  format: string | undefined;
  prefix: string;
  defaultFormat: 'json' | 'text';
}): Logger {
  const format = options.format?.trim() || options.defaultFormat;
  if (format !== 'json' && format !== 'text')
    throw new ConfigError('LOG_FORMAT', `must be json or text, got "${format}"`);
  if (format === 'json') return pino({ level: options.level, base: { service: options.prefix } });
  return pino(
    { level: options.level },
    {
      write(line: string) {
        const entry = JSON.parse(line) as {
          msg?: string;
          level: number;
          err?: { message?: string };
          path?: string;
          status?: number;
          ms?: number;
        };
        const text =
          entry.msg === 'request'
            ? `${entry.status} ${entry.path} ${entry.ms} ms`
            : `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
        (entry.level >= 50 ? process.stderr : process.stdout).write(`[${options.prefix}] ${text}\n`);
      },
    },
  );
}
