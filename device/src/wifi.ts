import type { DeviceConfig } from './config.ts';
import { C } from './constants.ts';
import type { Platform, WifiOptions } from './platform.ts';
import type { WifiNetwork } from './settings.ts';

/**
 * Joins the first network that answers: the settings' networks in order, then the flashed one
 * (with its static address, if any), so a wrong list costs time but never strands the button.
 * Each try gives up after WIFI_TIMEOUT_MS; a late answer to a try already given up is ignored.
 */
export function joinWifi(
  p: Platform,
  config: DeviceConfig,
  networks: WifiNetwork[],
  done: (error: string | null) => void,
) {
  const tries: WifiOptions[] = networks.map((n) => ({ ssid: n.ssid, password: n.pass }));
  tries.push(config.wifi);
  let attempt = 0;
  let timer: unknown;
  const next = () => {
    const options = tries[attempt++];
    if (!options) {
      done('wifi');
      return;
    }
    const mine = attempt;
    const answer = (error: string | null) => {
      if (mine !== attempt || timer === undefined) return;
      p.clearTimer(timer);
      timer = undefined;
      if (error === null) done(null);
      else next();
    };
    timer = p.setTimer(() => answer('wifi timeout'), C.WIFI_TIMEOUT_MS);
    p.wifiConnect(options, answer);
  };
  next();
}
