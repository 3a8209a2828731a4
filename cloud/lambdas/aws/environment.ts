import { RestockError } from '../../core/errors.ts';

export class ConfigurationError extends RestockError {
  override readonly name = 'ConfigurationError';
  constructor(variable: string) {
    super(
      'CONFIGURATION_MISSING',
      `environment variable ${variable} is not set (the CDK stack sets it)`,
      {
        details: { variable },
      },
    );
  }
}

export function requireEnv(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new ConfigurationError(variable);
  return value;
}
