/** Synthesises the Restock app once per test file and offers template helpers. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../../cloud/infra/build-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesised CloudFormation JSON is untyped; tests walk it.
export type Cfn = any;
export type Resources = Record<string, { Type: string; Properties?: Cfn; DeletionPolicy?: string }>;

export function synth(context: Record<string, unknown> = {}) {
  const { app, stack } = buildApp(new App({ context }));
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Resources; Outputs: Record<string, unknown> };
  return { app, stack, template, resources: json.Resources, outputs: json.Outputs };
}

/** An IoT ARN prefix as `flatten` renders it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation pseudo-parameters, not JS.
export const IOT_ARN = 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}';

/** Renders `Fn::Join`/`Ref`/`Fn::GetAtt` as one readable string: `arn:${AWS::Partition}:…`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, Cfn>;
    if ('Ref' in v) return `\${${v.Ref}}`;
    if ('Fn::GetAtt' in v) return `\${${v['Fn::GetAtt'].join('.')}}`;
    if ('Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

export function ofType(resources: Resources, type: string) {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The single element of a list; fails the test with a message otherwise. */
export function single<T>(list: readonly T[], what: string): T {
  const [first] = list;
  if (list.length !== 1 || first === undefined)
    throw new Error(`expected one ${what}, got ${list.length}`);
  return first;
}

/** The statements of every inline policy attached to a role (by logical id). */
export function statementsOfRole(resources: Resources, roleId: string): Cfn[] {
  return ofType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: Cfn) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
