/** Firmware entry: everything starts in E.on('init'), which runs on every boot and wake. */
import { runButton } from './app.ts';
import { createEspruinoPlatform, onBoot } from './espruino.ts';

onBoot(() => runButton(createEspruinoPlatform()));
