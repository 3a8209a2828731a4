/**
 * The CDK entry point (`npx cdk synth|deploy`, see cdk.json). cdk-nag's AwsSolutions pack runs
 * as a validation plugin on every synth; acknowledged findings carry their reasons in the stack.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from './build-app.ts';

const { app } = buildApp();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
