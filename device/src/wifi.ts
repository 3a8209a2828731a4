import type { DeviceConfig } from './config.ts';
import { C } from './constants.ts';
import type { Platform, WifiLink, WifiOptions } from './platform.ts';

interface SavedLink extends WifiLink {
  ssid: string;
}

/**
 * Joins the configured network, fast when it can: the channel and BSSID of the last good
 * connection let the radio skip its scan. If the saved link no longer works (the router
 * moved channel), forget it and try once more with a full scan.
 */
export function joinWifi(p: Platform, config: DeviceConfig, done: (error: string | null) => void) {
  let saved: SavedLink | null = null;
  const raw = p.readFile(C.FILES.LINK);
  if (raw) {
    try {
      saved = JSON.parse(raw) as SavedLink;
    } catch (_error) {
      saved = null;
    }
  }
  if (saved && saved.ssid !== config.wifi.ssid) saved = null;
  const base: WifiOptions = {
    ssid: config.wifi.ssid,
    password: config.wifi.password,
    ip: config.wifi.ip,
    gw: config.wifi.gw,
    netmask: config.wifi.netmask,
  };
  const attempt = (link: SavedLink | null, last: boolean) => {
    const options = Object.assign({}, base) as WifiOptions;
    if (link) {
      options.channel = link.channel;
      options.bssid = link.bssid;
    }
    let settled = false;
    const timer = p.setTimer(() => finish('wifi timeout', {}), C.WIFI_TIMEOUT_MS);
    const finish = (error: string | null, got: WifiLink) => {
      if (settled) return;
      settled = true;
      p.clearTimer(timer);
      if (error === null) {
        remember(p, config.wifi.ssid, got, link);
        done(null);
      } else if (!last) {
        p.eraseFile(C.FILES.LINK);
        attempt(null, true);
      } else {
        done(error);
      }
    };
    p.wifiConnect(options, finish);
  };
  attempt(saved, saved === null);
}

/** Writes the link only when it changed: flash has a limited number of erase cycles. */
function remember(p: Platform, ssid: string, got: WifiLink, had: SavedLink | null): void {
  if (got.channel === undefined && got.bssid === undefined) return;
  if (had && had.channel === got.channel && had.bssid === got.bssid) return;
  p.writeFile(C.FILES.LINK, JSON.stringify({ ssid, channel: got.channel, bssid: got.bssid }));
}
