import type { DeviceConfig } from './config.ts';
import { C } from './constants.ts';
import type { Platform } from './platform.ts';

/** Joins the configured network (with its static address, if any), or gives up in time. */
export function joinWifi(p: Platform, config: DeviceConfig, done: (error: string | null) => void) {
  let settled = false;
  const finish = (error: string | null) => {
    if (settled) return;
    settled = true;
    p.clearTimer(timer);
    done(error);
  };
  const timer = p.setTimer(() => finish('wifi timeout'), C.WIFI_TIMEOUT_MS);
  p.wifiConnect(
    {
      ssid: config.wifi.ssid,
      password: config.wifi.password,
      ip: config.wifi.ip,
      gw: config.wifi.gw,
      netmask: config.wifi.netmask,
    },
    finish,
  );
}
