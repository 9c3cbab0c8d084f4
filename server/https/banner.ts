import type { HttpsStatus } from '../../shared/schemas/https.ts';
import { formatTime } from './https.service.ts';

const INDENT = ' '.repeat(20);
const OFF_HINT =
  `${INDENT}On a LAN address, phones can order but cannot install the app,\n` +
  `${INDENT}run it offline or get notifications (browsers require HTTPS). See README: "HTTPS on a LAN".`;

/** The start-up banner's HTTPS lines: on, on its way, or off and why. */
export function httpsBannerLines(https: HttpsStatus): string[] {
  const until = https.expires_at ? `certificate valid until ${formatTime(new Date(https.expires_at))}` : '';
  const lines: string[] = [];
  switch (https.status) {
    case 'active':
      lines.push(
        `  HTTPS:            on${https.domain ? ` for ${https.domain}` : ''}, ${until}${https.provider === 'files' ? '' : ' (renewed by itself)'}.`,
        `${INDENT}Phones can install the app, get notifications and work offline.`,
      );
      if (https.reason) lines.push(`${INDENT}${https.reason}`);
      break;
    case 'issuing':
      lines.push(`  HTTPS:            getting a certificate for ${https.domain}; guests are sent to HTTPS as soon as it is ready.`);
      if (https.step) lines.push(`${INDENT}${https.step}`);
      break;
    case 'failed':
      lines.push(`  HTTPS:            off: ${https.reason ?? 'no certificate yet.'}`, OFF_HINT);
      break;
    case 'off':
      lines.push('  HTTPS:            off.', OFF_HINT);
      break;
  }
  if (https.resolves_to_lan === false) {
    lines.push(
      `  Router check:     ${https.domain} does not resolve to ${https.lan_address} from this laptop, so phones on this`,
      `${INDENT}Wi-Fi may not find it either. See README: "The router check".`,
    );
  }
  return lines;
}
