import { fromHex } from './bytes.ts';
import { isIdentifier } from './topics.ts';

/**
 * Message schemas as plain data: the device walks them to validate (no zod on Espruino),
 * and the cloud infers its TypeScript types from the same values.
 */
export interface IntField {
  kind: 'int';
  min: number;
  max: number;
  optional?: boolean;
}
export interface EnumField<V extends string = string> {
  kind: 'enum';
  values: readonly V[];
  optional?: boolean;
}
export interface IdField {
  kind: 'id';
  maxLength: number;
  optional?: boolean;
}
export interface HexField {
  kind: 'hex';
  length: number;
  optional?: boolean;
}
export type FieldSpec = IntField | EnumField | IdField | HexField;
export type MessageSchema = Record<string, FieldSpec>;

type FieldValue<F> = F extends EnumField<infer V> ? V : F extends IntField ? number : string;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends { optional: true } ? never : K }[keyof S];
type OptionalKeys<S> = Exclude<keyof S, RequiredKeys<S>>;

/** The TypeScript type of a message that satisfies schema S. */
export type Infer<S extends MessageSchema> = {
  [K in RequiredKeys<S>]: FieldValue<S[K]>;
} & { [K in OptionalKeys<S>]?: FieldValue<S[K]> };

export type FieldProblem = 'MISSING_FIELD' | 'BAD_TYPE' | 'UNKNOWN_FIELD';

export interface SchemaViolation {
  reason: FieldProblem;
  field: string;
}

function fieldAccepts(spec: FieldSpec, value: unknown): boolean {
  if (spec.kind === 'int') {
    // Math.floor instead of Number.isInteger, which Espruino lacks; NaN and ±Infinity fail too.
    return (
      typeof value === 'number' &&
      Math.floor(value) === value &&
      value >= spec.min &&
      value <= spec.max
    );
  }
  if (typeof value !== 'string') return false;
  if (spec.kind === 'enum') return spec.values.indexOf(value) >= 0;
  if (spec.kind === 'id') return isIdentifier(value, spec.maxLength);
  return value.length === spec.length && fromHex(value) !== null;
}

// Not Object.hasOwn: Espruino 2v29 may lack it (the gate flags it).
export const hasOwn = (object: object, key: string): boolean =>
  // biome-ignore lint/suspicious/noPrototypeBuiltins: Object.hasOwn is not on Espruino
  Object.prototype.hasOwnProperty.call(object, key);

/**
 * Checks a parsed JSON object against a schema; returns the first violation or null.
 * Own-property checks matter: `"__proto__"` or `"constructor"` must count as unknown fields.
 */
export function findViolation(
  schema: MessageSchema,
  input: Record<string, unknown>,
): SchemaViolation | null {
  const keys = Object.keys(input);
  for (const key of keys) {
    if (!hasOwn(schema, key)) return { reason: 'UNKNOWN_FIELD', field: key };
  }
  const fields = Object.keys(schema);
  for (const field of fields) {
    const spec = schema[field] as FieldSpec;
    if (!hasOwn(input, field) || input[field] === undefined || input[field] === null) {
      if (spec.optional) continue;
      return { reason: 'MISSING_FIELD', field };
    }
    if (!fieldAccepts(spec, input[field])) return { reason: 'BAD_TYPE', field };
  }
  return null;
}
