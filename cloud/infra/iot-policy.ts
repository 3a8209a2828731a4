/**
 * The device policy, as data. Every resource is pinned to the connecting thing through the
 * `iot:Connection.Thing.ThingName` policy variable, so one policy serves the whole fleet and a
 * certificate can only ever act as the thing it is attached to.
 */
import { PRESS_INGEST_PREFIX, TOPIC_ROOT } from '#shared/index';

/** IoT substitutes this at connect time; it must reach the policy verbatim. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, not a JS placeholder.
export const THING_NAME_VARIABLE = '${iot:Connection.Thing.ThingName}';

/** `arnPrefix` is `arn:{partition}:iot:{region}:{account}` (tokens in the stack). */
export function devicePolicyDocument(arnPrefix: string) {
  const thing = THING_NAME_VARIABLE;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        // Client id must equal the thing name, and the certificate must be attached to that thing.
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `${arnPrefix}:client/${thing}`,
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      {
        // Presses go to the press rule through Basic Ingest (no broker, no messaging charge);
        // the plain press topic stays open for buttons flashed before that.
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: [
          `${arnPrefix}:topic/${PRESS_INGEST_PREFIX}${TOPIC_ROOT}/${thing}/press`,
          `${arnPrefix}:topic/${TOPIC_ROOT}/${thing}/press`,
        ],
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: `${arnPrefix}:topicfilter/${TOPIC_ROOT}/${thing}/ack`,
      },
      {
        Effect: 'Allow',
        Action: 'iot:Receive',
        Resource: `${arnPrefix}:topic/${TOPIC_ROOT}/${thing}/ack`,
      },
    ],
  };
}
