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
/**
 * Firmware updates and settings: what a button asks (publish) and the answers it takes
 * (subscribe/receive) — its own manifest, and the AWS IoT file-delivery, Jobs and shadow topics
 * of its own thing only.
 */
export function deliveryTopics(thing: string) {
  const own = `$aws/things/${thing}`;
  return {
    requests: [
      `${TOPIC_ROOT}/${thing}/manifest/get`,
      `${own}/streams/*/get/json`,
      `${own}/jobs/*/update`,
      `${own}/shadow/get`,
      `${own}/shadow/update`,
    ],
    replies: [
      `${TOPIC_ROOT}/${thing}/manifest`,
      `${own}/streams/*/data/json`,
      `${own}/streams/*/rejected/json`,
      `${own}/jobs/*/update/accepted`,
      `${own}/jobs/*/update/rejected`,
      `${own}/shadow/get/accepted`,
      `${own}/shadow/get/rejected`,
      `${own}/shadow/update/accepted`,
      `${own}/shadow/update/rejected`,
    ],
  };
}

export function devicePolicyDocument(arnPrefix: string) {
  const thing = THING_NAME_VARIABLE;
  const delivery = deliveryTopics(thing);
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
      {
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: delivery.requests.map((topic) => `${arnPrefix}:topic/${topic}`),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: delivery.replies.map((topic) => `${arnPrefix}:topicfilter/${topic}`),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Receive',
        Resource: delivery.replies.map((topic) => `${arnPrefix}:topic/${topic}`),
      },
    ],
  };
}
