/**
 * Every tunable of the firmware in one object (an EspruinoDocs habit). Times are milliseconds
 * unless the name says otherwise. The board wiring lives here too: it is fixed by the hardware,
 * while everything that differs per button lives in flash (see config.ts).
 */
export const C = {
  /** An RTC GPIO, so EXT0 can wake the chip; the button pulls it to GND (internal pull-up). */
  BUTTON_PIN: 'D27',
  LED_PIN: 'D2',
  BATTERY_PIN: 'D35',
  /** analogRead() gives 0..1 of 3.3 V behind a 1:2 divider. */
  BATTERY_SCALE_MV: 6600,
  LOW_BATTERY_MV: 3300,

  DEBOUNCE_MS: 25,
  /** A second press starting within this gap after a release makes a DOUBLE. */
  DOUBLE_GAP_MS: 400,
  LONG_MS: 1500,
  SETUP_MS: 5000,

  WIFI_TIMEOUT_MS: 15000,
  CONNECT_TIMEOUT_MS: 10000,
  ACK_TIMEOUT_MS: 6000,
  /** Publishes of one press per wake before giving up until a timer wake. */
  SENDS_PER_WAKE: 2,
  MQTT_KEEPALIVE_S: 30,
  MQTT_RESEND_MS: 3000,
  MQTT_MAX_RESENDS: 2,
  MAX_FRAME_BYTES: 2048,

  /** Undelivered presses kept in flash; when full the oldest are kept and new ones refused. */
  QUEUE_MAX: 8,
  BACKOFF_BASE_MS: 30000,
  /** 30 min: ESP32.deepSleep takes µs as an int32, so a sleep may not exceed ~35.8 min. */
  BACKOFF_MAX_MS: 1800000,
  SETUP_TIMEOUT_MS: 300000,
  SETUP_PORT: 80,

  FILES: {
    CONFIG: 'rs.cfg',
    NET: 'rs.net',
    QUEUE: 'rs.q',
    CA: 'rs.ca',
    CERT: 'rs.crt',
    KEY: 'rs.key',
  },
};
