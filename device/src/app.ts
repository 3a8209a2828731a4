import { type Click, ClickDetector } from './click.ts';
import { type DeviceConfig, loadConfig } from './config.ts';
import { C } from './constants.ts';
import { Delivery } from './delivery.ts';
import { jitterDraw } from './jitter.ts';
import { Led } from './led.ts';
import type { Platform } from './platform.ts';
import { PressQueue } from './queue.ts';
import type { Settings } from './settings.ts';
import { SettingsSync } from './settings-sync.ts';
import { startSetup } from './setup.ts';

/**
 * One wake of the button, from boot to deep sleep: count the press that woke the chip and any
 * that follow, queue each click in flash, deliver the queue, show the outcomes, and sleep —
 * on the button alone when everything went out, else on a back-off timer as well. Wi-Fi and
 * MQTT start with the first press, while the click is still being classified, so the join
 * hides the double-click window; nothing is published before its click is known. Settings
 * fetched in an earlier wake (settings.ts) apply from boot: LED brightness, click timings, what
 * a double click and a long press do, the Wi-Fi networks tried first.
 */
export class Button {
  p: Platform;
  config: DeviceConfig | null;
  queue: PressQueue;
  led: Led;
  clicks: ClickDetector;
  settings: SettingsSync;
  /** The settings this wake applies: those in flash at boot. */
  applied: Settings;
  delivery: Delivery | null;
  /** A delivery failed this wake: later clicks are queued and wait for the timer wake. */
  gaveUp: boolean;
  setup: boolean;
  batteryMv: number;
  lowShown: boolean;
  asleep: boolean;

  constructor(platform: Platform) {
    const p = platform;
    this.p = p;
    this.config = loadConfig(p);
    this.queue = new PressQueue(p);
    this.settings = new SettingsSync(p, this.config ? this.config.device : '');
    const s = this.settings.record ? this.settings.record.s : {};
    this.applied = s;
    this.led = new Led(p, () => this.settle(), s.led === undefined ? 100 : s.led);
    this.clicks = new ClickDetector({
      setTimer: p.setTimer,
      clearTimer: p.clearTimer,
      onClick: (click) => this.onClick(click),
      doubleMs: s.doubleMs,
      longMs: s.longMs,
    });
    this.delivery = null;
    this.gaveUp = false;
    this.setup = false;
    this.batteryMv = p.batteryMv();
    this.lowShown = false;
    this.asleep = false;
  }

  boot(): void {
    const p = this.p;
    p.watchButton((edge) => {
      this.clicks.edge(edge);
      // A press while waiting to sleep must not be cut off by the sleep.
      this.settle();
    });
    if (!this.config) {
      p.log('not configured: setup mode');
      this.enterSetup();
      return;
    }
    if (p.wakeCause() === 'button') this.clicks.wake(p.buttonPressed(), p.now());
    this.settle();
  }

  onClick(click: Click): void {
    if (this.setup) return;
    if (click === 'SETUP') {
      this.enterSetup();
      return;
    }
    const sent = this.intent(click);
    if (sent === null) {
      this.settle();
      return;
    }
    if (!this.queue.add(sent, this.batteryMv)) {
      // Full: the oldest presses are kept; this one is refused and the user sees it.
      this.led.show('noBroker');
    }
    this.settle();
  }

  /** The click type a click is sent as, per the settings; null when it does nothing. */
  intent(click: Click): Click | null {
    const s = this.applied;
    if (click === 'DOUBLE' && s.double === 'cancel') return 'LONG';
    if (click === 'DOUBLE' && s.double === 'none') return null;
    if (click === 'LONG' && s.longCancels === false) return null;
    return click;
  }

  enterSetup(): void {
    this.setup = true;
    if (this.delivery) this.delivery.finish(null);
    startSetup({
      p: this.p,
      config: this.config,
      led: this.led,
      onExit: () => {
        // The next press uses the settings just saved, in this wake already.
        this.config = loadConfig(this.p);
        this.setup = false;
        this.settle();
      },
    });
  }

  /** Decides what comes next whenever something finished: deliver, wait, or sleep. */
  settle(): void {
    if (this.setup || this.asleep) return;
    if (this.delivery) {
      this.delivery.kick();
      return;
    }
    const work = this.queue.size() > 0 || !this.clicks.idle();
    if (this.config && work && !this.gaveUp) {
      this.delivery = new Delivery({
        p: this.p,
        config: this.config,
        queue: this.queue,
        led: this.led,
        settings: this.settings,
        networks: this.applied.wifi || [],
        more: () => !this.clicks.idle(),
        onDone: (ok) => {
          this.delivery = null;
          if (!ok) this.gaveUp = true;
          this.settle();
        },
      });
      this.delivery.start();
      return;
    }
    if (!this.clicks.idle() || this.led.busy()) return;
    if (this.batteryMv < C.LOW_BATTERY_MV && !this.lowShown) {
      this.lowShown = true;
      this.led.show('lowBattery');
      return;
    }
    this.asleep = true;
    const device = this.config ? this.config.device : '';
    this.p.deepSleep(this.queue.size() > 0 ? this.queue.backoffMs(jitterDraw(this.p, device)) : 0);
  }
}

export function runButton(platform: Platform): void {
  new Button(platform).boot();
}
