/**
 * Physical names shared by the CDK app and the provisioning CLI. Fixed (not generated) so
 * that `npm run provision -- --aws` finds them without reading stack outputs.
 */
export const STACK_NAME = 'Restock';
export const WEB_STACK_NAME = 'RestockWeb';
export const THING_TYPE_NAME = 'restock-button';
export const IOT_POLICY_NAME = 'restock-button';
export const MASTER_KEY_SECRET_NAME = 'restock/master-key';
export const METRICS_NAMESPACE = 'Restock';
/** The Cognito groups the API maps to roles. */
export const USER_GROUPS = ['household', 'brand', 'support'] as const;
