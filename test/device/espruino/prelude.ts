/**
 * The prelude stored as `.boot0` on the real interpreter (it runs before `.bootcde` on every
 * boot). It fakes only what the Linux port lacks: the ESP32 object (wake cause from
 * `sim.json`, deep sleep ends the process), `require("Wifi")` with ESP32 Espruino's shapes
 * (a join that takes `wifiJoinMs`), the battery ADC, the button's GPIO level and edges
 * (`__edge(pressed)`, typed on standard input by the test, as an interrupt would arrive), and
 * digitalPulse. Where a test lists the networks in range (`ssids`), a join to any other fails.
 * Deep sleep reports itself and stops every timer; the test then ends the process. A boot may
 * lose power after its n-th Storage write or erase (`cutAfterWrites`). net, tls, crypto,
 * Storage, timers and E.on('init') stay real; net/tls.connect
 * and the setup page's http.listen are wrapped to observe (PUBLISH writes, variables in use)
 * and to move port 80 to a free port. Every observation is one `@sim {json}` line.
 */
export const PRELUDE = `(function () {
  var sim = JSON.parse(require('fs').readFileSync('sim.json'));
  // Flash as earlier wakes would have left it, where a test needs that (e.g. many failures).
  Object.keys(sim.files).forEach(function (name) { require('Storage').write(name, sim.files[name]); });
  // Power loss: after the firmware's cutAfterWrites-th Storage write or erase, flash takes no
  // more changes; the test kills the process when it sees the event (the chip lost power).
  var powerGone = false;
  if (sim.cutAfterWrites >= 0) {
    var storage = require('Storage');
    var writes = 0;
    ['write', 'erase'].forEach(function (method) {
      var real = storage[method];
      storage[method] = function () {
        if (writes >= sim.cutAfterWrites) return false;
        writes++;
        var result = real.apply(storage, arguments);
        if (writes === sim.cutAfterWrites) {
          powerGone = true;
          report({ ev: 'powerloss', writes: writes });
        }
        return result;
      };
    });
  }
  var started = getTime();
  var level = sim.held ? 0 : 1;
  var watches = [];
  var asleep = false;
  var peak = 0;
  // Bytes the sockets wrote and received this wake (MQTT framing included, TLS records not).
  var tx = 0;
  var rx = 0;
  var joined = null;
  function report(ev) {
    ev.t = Math.round((getTime() - started) * 1000);
    print('@sim ' + JSON.stringify(ev));
  }
  function sample() {
    var used = process.memory(false).usage;
    if (used > peak) peak = used;
  }
  function sleep(kind, us) {
    if (asleep) return;
    asleep = true;
    sample();
    report({ ev: 'sleep', kind: kind, us: us, peak: peak, tx: tx, rx: rx });
    // Nothing runs after this; the test ends the process, and the next start is the wake.
    watches = [];
    clearTimeout();
  }
  global.ESP32 = {
    getWakeupCause: function () { return sim.cause; },
    deepSleepExt0: function () { sleep('button', 0); },
    // A native int32 parameter, as on the chip: larger values wrap.
    deepSleep: function (us) { sleep('timer', us | 0); }
  };
  global.analogRead = function () { return sim.batteryMv / 6600; };
  global.digitalPulse = function (pin, value, times) {
    sample();
    report({ ev: 'led', p: times });
  };
  global.digitalRead = function (pin) { return pin == D27 ? level : 0; };
  global.setWatch = function (fn) { watches.push(fn); return watches.length; };
  global.clearWatch = function (id) {
    if (id === undefined) watches = [];
    else watches[id - 1] = null;
  };
  global.__edge = function (pressed) {
    level = pressed ? 0 : 1;
    var time = getTime();
    watches.forEach(function (fn) { if (fn) fn({ state: !pressed, time: time, lastTime: time }); });
  };
  // Module code is run from its source, away from this scope: it takes the fake from a global.
  global.__wifi = {
    connect: function (ssid, options, cb) {
      report({ ev: 'wifi', ssid: ssid, options: Object.keys(options) });
      setTimeout(function () {
        if (sim.wifiFails || (sim.ssids && sim.ssids.indexOf(ssid) < 0)) return cb('Wifi connect failed');
        joined = { ssid: ssid, password: options.password, status: 'connected', authMode: 'wpa2' };
        cb(null);
      }, sim.wifiJoinMs);
    },
    setIP: function (settings, cb) { setTimeout(function () { cb(null); }, 0); },
    getDetails: function () { return joined || { status: 'off' }; },
    disconnect: function () {
      if (joined) report({ ev: 'wifiOff' });
      joined = null;
    },
    startAP: function (ssid, options, cb) {
      report({ ev: 'ap', ssid: ssid });
      setTimeout(function () { cb(null); }, 0);
    }
  };
  Modules.addCached('Wifi', 'Object.assign(exports, global.__wifi);');
  ['net', 'tls'].forEach(function (name) {
    var m = require(name);
    var connect = m.connect;
    m.connect = function (options, cb) {
      var socket = connect.call(m, options, function () { sample(); cb(); });
      sample();
      var write = socket.write;
      socket.write = function (data) {
        // Nothing leaves a chip without power (the test kills the process right after).
        if (powerGone) return true;
        if ((data.charCodeAt(0) & 0xf0) === 0x30) report({ ev: 'publish' });
        tx += data.length;
        sample();
        return write.call(socket, data);
      };
      socket.on('data', function (data) { rx += data.length; sample(); });
      return socket;
    };
  });
  var http = require('http');
  var createServer = http.createServer;
  http.createServer = function (fn) {
    var server = createServer.call(http, fn);
    var listen = server.listen;
    server.listen = function () {
      report({ ev: 'http', port: sim.httpPort });
      return listen.call(server, sim.httpPort);
    };
    return server;
  };
  E.on('init', function () { report({ ev: 'loaded', vars: process.memory(false).usage }); });
  report({ ev: 'boot', cause: sim.cause });
})();`;
