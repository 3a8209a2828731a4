import type { DeviceConfig, NetOverrides } from './config.ts';
import { C } from './constants.ts';
import type { Led } from './led.ts';
import type { HttpRequest, HttpRespond, Platform } from './platform.ts';

export interface SetupOptions {
  p: Platform;
  /** The current settings, to pre-fill the form; null on a button never provisioned. */
  config: DeviceConfig | null;
  led: Led;
  /** Called once: after a save, or when nobody used the page in time. */
  onExit(): void;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** application/x-www-form-urlencoded into a plain object. */
export function parseForm(body: string): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  for (const pair of body.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    try {
      out[decode(pair.substring(0, eq))] = decode(pair.substring(eq + 1));
    } catch (_error) {
      // A malformed escape drops that field; validation reports it as missing.
    }
  }
  return out;
}

/** The page never carries a secret: password fields are always blank. */
function page(config: DeviceConfig | null, message: string): string {
  const ssid = config ? escapeHtml(config.wifi.ssid) : '';
  const host = config ? escapeHtml(config.broker.host) : '';
  const port = config ? String(config.broker.port) : '8883';
  const device = config ? escapeHtml(config.device) : 'not provisioned';
  return (
    '<!doctype html><meta name=viewport content="width=device-width">' +
    `<title>Restock setup</title><h1>Restock ${device}</h1><p>${escapeHtml(message)}</p>` +
    '<form method=post action=/save>' +
    `<p><label>Wi-Fi name <input name=ssid value="${ssid}" maxlength=32 required></label>` +
    '<p><label>Wi-Fi password <input name=password type=password maxlength=64></label>' +
    `<p><label>Broker host <input name=host value="${host}" required></label>` +
    `<p><label>Broker port <input name=port value="${port}" required></label>` +
    '<p><button>Save</button></form>'
  );
}

/** Null when the form is acceptable, else what to fix. */
function formProblem(form: { [name: string]: string }): string | null {
  const ssid = form.ssid || '';
  const port = Number(form.port);
  if (ssid.length < 1 || ssid.length > 32) return 'Wi-Fi name: 1 to 32 characters.';
  if ((form.password || '').length > 64) return 'Wi-Fi password: at most 64 characters.';
  if (!form.host || form.host.length > 253) return 'Broker host is required.';
  if (!(port > 0 && port < 65536 && Math.floor(port) === port)) return 'Broker port: 1-65535.';
  return null;
}

/**
 * Setup mode (held ≥ 5 s): a soft access point and a one-form page for the Wi-Fi credentials
 * and broker endpoint, saved to flash. No MQTT in this mode.
 */
export function startSetup(o: SetupOptions): void {
  const p = o.p;
  let exited = false;
  const exit = () => {
    if (exited) return;
    exited = true;
    o.onExit();
  };
  const idle = p.setTimer(exit, C.SETUP_TIMEOUT_MS);
  o.led.loop('setup');
  const suffix = o.config ? o.config.device.substr(-4) : 'new';
  const apPassword = (o.config ? o.config.setupPassword : undefined) || '';
  p.startAccessPoint(`Restock-${suffix}`, apPassword, (error) => {
    if (error !== null) p.log('setup: access point failed');
  });
  p.serveHttp(C.SETUP_PORT, (request: HttpRequest, respond: HttpRespond) => {
    if (request.method === 'GET' && request.url === '/') {
      respond(200, 'text/html', page(o.config, 'Enter your Wi-Fi network.'));
      return;
    }
    if (request.method !== 'POST' || request.url !== '/save') {
      respond(404, 'text/plain', 'Not found');
      return;
    }
    const form = parseForm(request.body);
    const problem = formProblem(form);
    if (problem !== null) {
      respond(400, 'text/html', page(o.config, problem));
      return;
    }
    const net: NetOverrides = {
      wifi: { ssid: form.ssid as string, password: form.password || '' },
      broker: { host: form.host as string, port: Number(form.port) },
    };
    p.writeFile(C.FILES.NET, JSON.stringify(net));
    respond(200, 'text/html', '<p>Saved. Press the button to use the new settings.');
    p.clearTimer(idle);
    o.led.show('saved');
    exited = true;
    // Leave setup once the LED has said "saved": the caller sleeps when the LED is idle.
    p.setTimer(o.onExit, 1);
  });
}
