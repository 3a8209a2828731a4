import { RestockError } from '../../core/errors.ts';

/**
 * The broker refused a client's CONNECT or PUBLISH. The policy logs the refusal with its reason
 * when it refuses; aedes then reports the same error as a client error, which is not logged again.
 */
export class MqttRefusedError extends RestockError {
  override readonly name = 'MqttRefusedError';
  /** The CONNACK return code, for a refused CONNECT (aedes sends it). */
  readonly returnCode: number | undefined;

  constructor(reason: string, returnCode?: number) {
    super('MQTT_REFUSED', reason, { details: { returnCode } });
    this.returnCode = returnCode;
  }
}
