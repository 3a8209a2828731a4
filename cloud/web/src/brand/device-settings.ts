/**
 * Button settings: what one button applies at its next wake (LED, click timings, second click,
 * long press, Wi-Fi), and whether it already runs them. Wi-Fi passwords are never shown; an
 * empty password keeps the stored one.
 */
import { type Api, routeMissing } from '../api.ts';
import { field, fill, h, panel } from '../dom.ts';
import { rm } from './rollout-messages.ts';
import { notAvailable, type Screen } from './screen.ts';

export const deviceSettingsScreen: Screen = {
  id: 'device-settings',
  title: () => rm().settingsTitle,
  render: deviceSettingsView,
};

type SecondClick = 'order' | 'cancel' | 'none';

interface DeviceSettings {
  led?: number;
  doubleMs?: number;
  longMs?: number;
  double?: SecondClick;
  longCancels?: boolean;
  wifi?: { ssid: string; pass?: string }[];
}

interface SettingsState {
  deviceId: string;
  desired: { version: number; settings: DeviceSettings } | null;
  reported: { cfg: number | null; fw: number | null };
}

const WIFI_SLOTS = 3;

function deviceSettingsView(api: Api): HTMLElement {
  const r = rm();
  const section = panel(r.settingsTitle, 'device-settings');
  const deviceId = h('input', { name: 'deviceId', autocomplete: 'off', required: true });
  const pick = h(
    'form',
    { class: 'inline-form' },
    field(r.deviceId, deviceId),
    h('button', { type: 'submit' }, r.load),
  );
  const editor = h('div', { class: 'settings-editor' });
  pick.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(deviceId.value.trim());
  });
  fill(section.body, h('p', { class: 'hint' }, r.settingsExplained), pick, editor);

  async function load(id: string): Promise<void> {
    try {
      show(
        await api.get<SettingsState>(`/v1/brand/buttons/${encodeURIComponent(id)}/device-settings`),
      );
    } catch (error) {
      if (routeMissing(error)) return notAvailable(section, r.settingsTitle);
      section.say((error as Error).message, 'error');
    }
  }

  function show(state: SettingsState): void {
    const current = state.desired?.settings ?? {};
    const number = (name: string, value: number | undefined, min: number, max: number) =>
      h('input', { name, type: 'number', min, max, value: value ?? '' });
    const led = number('led', current.led, 0, 100);
    const doubleMs = number('doubleMs', current.doubleMs, 150, 1000);
    const longMs = number('longMs', current.longMs, 1000, 4500);
    const double = h(
      'select',
      { name: 'double' },
      h('option', { value: '' }, '—'),
      (Object.keys(r.doubleActions) as SecondClick[]).map((action) => {
        const option = h('option', { value: action }, r.doubleActions[action]);
        option.selected = current.double === action;
        return option;
      }),
    );
    const longCancels = h('input', { name: 'longCancels', type: 'checkbox' });
    longCancels.checked = current.longCancels ?? false;
    const networks = Array.from({ length: WIFI_SLOTS }, (_, i) => {
      const known = current.wifi?.[i];
      return {
        ssid: h('input', { name: `ssid${i}`, value: known?.ssid ?? '', maxlength: 32 }),
        pass: h('input', {
          name: `pass${i}`,
          type: 'password',
          autocomplete: 'new-password',
          placeholder: known ? r.passKept : '',
        }),
      };
    });
    const status = h('p', { class: 'reported', 'data-cfg': state.reported.cfg ?? '' });
    status.textContent = r.reported(
      state.desired?.version ?? null,
      state.reported.cfg,
      state.reported.fw,
    );
    const form = h(
      'form',
      { class: 'grid-form', 'data-device': state.deviceId },
      field(r.led, led),
      field(r.doubleMs, doubleMs),
      field(r.longMs, longMs),
      field(r.double, double),
      h('label', { class: 'field check' }, longCancels, h('span', {}, r.longCancels)),
      networks.map((network, i) =>
        h(
          'fieldset',
          { class: 'wifi' },
          h('legend', {}, r.wifi(i + 1)),
          field(r.ssid, network.ssid),
          field(r.pass, network.pass),
        ),
      ),
      h('button', { type: 'submit' }, r.saveSettings),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const whole = (input: HTMLInputElement) =>
        input.value === '' ? undefined : Number(input.value);
      const settings: DeviceSettings = {
        led: whole(led),
        doubleMs: whole(doubleMs),
        longMs: whole(longMs),
        double: double.value === '' ? undefined : (double.value as SecondClick),
        longCancels: longCancels.checked,
        wifi: networks
          .filter((network) => network.ssid.value.trim() !== '')
          .map((network) => ({
            ssid: network.ssid.value.trim(),
            ...(network.pass.value === '' ? {} : { pass: network.pass.value }),
          })),
      };
      try {
        const saved = await api.put<SettingsState>(
          `/v1/brand/buttons/${encodeURIComponent(state.deviceId)}/device-settings`,
          JSON.parse(JSON.stringify(settings)),
        );
        show(saved);
        section.say(r.saved(saved.desired?.version ?? 0));
      } catch (error) {
        section.say((error as Error).message, 'error');
      }
    });
    fill(editor, status, form);
  }

  return h('div', { class: 'view' }, section.el);
}
