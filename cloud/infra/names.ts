/**
 * Names shared by the CDK app and its tools. Resources themselves get generated physical names
 * (a fixed name on a retained resource would block destroy-and-redeploy and a second stack in
 * the same account and region); `npm run provision -- --aws` takes them from the stack outputs.
 */
export const STACK_NAME = 'Restock';
export const WEB_STACK_NAME = 'RestockWeb';
/** The Cognito groups the API maps to roles. */
export const USER_GROUPS = ['household', 'brand', 'support'] as const;
