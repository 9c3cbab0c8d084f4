import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets never reach them: request logging records method, path
 * (without query string, which can carry a registration code) and status only, and
 * these paths are redacted should anything log a header or body.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-registration-code"]',
        'headers.authorization',
        '*.password',
        '*.refresh_token',
        '*.access_token',
        '*.token',
        '*.code',
        'password',
        'refresh_token',
        'access_token',
        'token',
      ],
      censor: '[redacted]',
    },
  });
}
