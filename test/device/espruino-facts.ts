/**
 * Facts about Espruino as the real interpreter behaves, each as a small script and the lines
 * it prints (every line starts with `@`). espruino-imitation.test.ts runs them in the vm
 * harness; espruino/real-interpreter.test.ts runs those marked `real` on the real interpreter (the
 * others are about ESP32 parts the Linux port lacks, which its prelude fakes).
 */
import type { BootOptions } from './harness/chip.ts';

export interface FactCase {
  fact: string;
  /** ES5 that runs on Espruino; `CLOSED_PORT` is replaced by a port nothing listens on. */
  script: string;
  boot: Partial<BootOptions>;
  expected: string[];
  /** The sleep the chip was asked for, as its native code receives it, where it matters. */
  sleepMs?: number;
  /** Fresh boots the script runs on, each printing `expected` (1 when absent). */
  boots?: number;
  real: boolean;
}

const sleep = 'ESP32.deepSleepExt0(D27, 0);';

export const IMITATION_CASES: FactCase[] = [
  {
    fact: 'once the newest timer fired, its id is handed out again: clearing it cancels another',
    script: `
      var ticks = 0;
      var first;
      var tick = setInterval(function () {
        ticks++;
        if (ticks === 1) {
          setTimeout(function () { console.log('@second fired'); }, 20);
          clearTimeout(first);
        }
        if (ticks === 3) { console.log('@done'); clearInterval(tick); ${sleep} }
      }, 40);
      first = setTimeout(function () { console.log('@first fired'); }, 10);`,
    boot: {},
    expected: ['@first fired', '@done'],
    real: true,
  },
  {
    fact: 'clearTimeout(undefined) throws; clearTimeout() clears every timer',
    script: `
      try { clearTimeout(undefined); console.log('@no throw'); } catch (e) { console.log('@throws'); }
      setTimeout(function () { console.log('@cleared timer ran'); }, 10);
      clearTimeout();
      setTimeout(function () { console.log('@done'); ${sleep} }, 50);`,
    boot: {},
    expected: ['@throws', '@done'],
    real: true,
  },
  {
    fact: 'net.connect throws at once on a refused port, with no event after',
    script: `
      try {
        var s = require('net').connect({ host: '127.0.0.1', port: CLOSED_PORT }, function () {
          console.log('@connected');
        });
        s.on('error', function () { console.log('@error event'); });
        s.on('close', function () { console.log('@close event'); });
        console.log('@returned');
      } catch (e) { console.log('@threw ' + /Unable to create socket/.test(String(e))); }
      setTimeout(function () { console.log('@done'); ${sleep} }, 200);`,
    boot: { brokerDown: true },
    expected: ['@threw true', '@done'],
    real: true,
  },
  {
    fact: 'net.connect throws at once on a host name that does not resolve',
    script: `
      try {
        require('net').connect({ host: 'broker.invalid', port: 1883 }, function () {});
        console.log('@returned');
      } catch (e) { console.log('@threw ' + /Unable to locate host/.test(String(e))); }
      ${sleep}`,
    boot: {},
    expected: ['@threw true'],
    real: true,
  },
  {
    fact: "after an upload's load() the code runs but E.on('init') does not",
    script: `
      E.on('init', function () { console.log('@init'); });
      console.log('@loaded');
      setTimeout(function () { ${sleep} }, 10);`,
    boot: { afterUpload: true },
    expected: ['@loaded'],
    real: false,
  },
  {
    fact: "on a boot from flash the code runs, then E.on('init')",
    script: `
      E.on('init', function () { console.log('@init'); });
      console.log('@loaded');
      setTimeout(function () { ${sleep} }, 10);`,
    boot: {},
    expected: ['@loaded', '@init'],
    real: false,
  },
  {
    fact: 'ESP32.deepSleep(us) takes an int32: an hour wraps to a negative number',
    script: `
      setTimeout(function () { console.log('@sleeping'); ESP32.deepSleep(3600000000); }, 1);`,
    boot: {},
    expected: ['@sleeping'],
    sleepMs: (3_600_000_000 | 0) / 1000,
    real: false,
  },
  {
    fact: 'Wifi.connect reads only the password; getDetails() has no channel or BSSID',
    script: `
      var w = require('Wifi');
      w.connect('home', { password: 'pw', channel: 6, bssid: '02:00:00:00:00:01' }, function (e) {
        console.log('@' + (e || 'joined') + ' ' + JSON.stringify(w.getDetails()));
        ${sleep}
      });`,
    boot: {},
    expected: ['@joined {"ssid":"home","password":"pw","status":"connected","authMode":"wpa2"}'],
    real: false,
  },
  {
    fact: 'Storage.write at offset 0 creates a file of `size` bytes of erased flash (0xFF); later offsets fill it in (and throw past its end or for no file); offset 0 again starts it anew',
    script: `
      var S = require('Storage');
      var codes = function (t) { var out = []; for (var i = 0; i < t.length; i++) out.push(t.charCodeAt(i)); return out.join(','); };
      console.log('@created ' + S.write('f', 'ab', 0, 5) + ' ' + codes(S.read('f')));
      S.write('f', 'cd', 2);
      console.log('@filled ' + codes(S.read('f')) + ' part ' + S.read('f', 2, 2));
      S.write('f', 'x', 0, 3);
      console.log('@anew ' + codes(S.read('f')));
      try { S.write('nofile', 'z', 1); } catch (e) { console.log('@missing: ' + e.message); }
      try { S.write('f', 'long', 2); } catch (e) { console.log('@too long: ' + e.message); }
      S.erase('f');
      console.log('@erased ' + S.read('f'));
      ${sleep}`,
    boot: {},
    expected: [
      '@created true 97,98,255,255,255',
      '@filled 97,98,99,100,255 part cd',
      '@anew 120,255,255',
      '@missing: Unable to find or create file',
      '@too long: Too much data for file size',
      '@erased undefined',
    ],
    real: true,
  },
  {
    // The ESP32 port seeds nothing at start-up either and its E.hwRand() is the same rand()
    // (targets/esp32/jshardware.c): no random source there tells two buttons or two wakes apart.
    fact: 'Math.random() and E.hwRand() draw from one generator that starts from the same seed at every boot',
    script: `
      console.log('@' + Math.floor(Math.random() * 1e9) + ' ' + E.hwRand() + ' ' + Math.floor(Math.random() * 1e9));
      ${sleep}`,
    boot: {},
    expected: ['@932552738 1519824769 255626291'],
    boots: 2,
    real: true,
  },
  {
    fact: "an exception in a callback goes to process.on('uncaughtException') listeners, none after removeAllListeners",
    script: `
      process.on('uncaughtException', function (e) {
        console.log('@caught ' + e.message);
        process.removeAllListeners('uncaughtException');
      });
      setTimeout(function () { throw new Error('first'); }, 1);
      setTimeout(function () { console.log('@carries on'); ${sleep} }, 20);`,
    boot: {},
    expected: ['@caught first', '@carries on'],
    real: true,
  },
];
