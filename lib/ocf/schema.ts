// One declaration per agent parameter: it renders the meta-data and parses OCF_RESKEY_* values.
import { quoteValue } from './quote.ts';
import { OCF_ERR_CONFIGURED } from './exit-codes.ts';
import { OcfError } from './ocf-error.ts';
import { isOcfBooleanWord, isOcfTrue } from './boolean.ts';

interface ParamBase {
  /** One line for `crm_resource --show-metadata` listings. */
  shortdesc: string;
  /** Full description; may span sentences. */
  longdesc: string;
  /** Every instance must set it. */
  required?: boolean;
  /** No two instances may share the value. */
  unique?: boolean;
}

/** A string parameter; `check` returns an error sentence for a bad value. */
export interface StringParam extends ParamBase {
  type: 'string';
  default?: string;
  check?: (value: string) => string | undefined;
}

/** A whole-number parameter with an optional inclusive range. */
export interface IntegerParam extends ParamBase {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}

/** A boolean parameter read with ocf_is_true spellings. */
export interface BooleanParam extends ParamBase {
  type: 'boolean';
  default?: boolean;
}

/** Any parameter declaration. */
export type ParamSpec = StringParam | IntegerParam | BooleanParam;

/** A named set of parameter declarations, in meta-data order. */
export type ParamSchema = Record<string, ParamSpec>;

type ValueOf<P extends ParamSpec> = P extends IntegerParam
  ? P extends { default: number } | { required: true } ? number : number | undefined
  : P extends BooleanParam
    ? boolean
    : string;

/** The typed parameter values that a schema parses to. */
export type ParamValues<S extends ParamSchema> = { [K in keyof S]: ValueOf<S[K]> };

/** Identity helper that keeps the literal types of a schema for ParamValues. */
export const defineParams = <S extends ParamSchema>(schema: S): S => schema;

const invalid = (name: string, value: string, why: string): OcfError =>
  new OcfError(OCF_ERR_CONFIGURED, `Invalid parameter ${name}=${quoteValue(value)}: ${why}`);

const parseOne = (name: string, spec: ParamSpec, raw: string | undefined): unknown => {
  if (raw === undefined || raw === '') {
    if (spec.required) {
      throw new OcfError(OCF_ERR_CONFIGURED, `Parameter ${name} is required but not set (OCF_RESKEY_${name})`);
    }
    if (spec.type === 'string') return spec.default ?? '';
    return spec.default;
  }
  switch (spec.type) {
    case 'string': {
      const why = spec.check?.(raw);
      if (why !== undefined) throw invalid(name, raw, why);
      return raw;
    }
    case 'integer': {
      if (!/^-?\d+$/.test(raw)) throw invalid(name, raw, 'not a whole number');
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min) throw invalid(name, raw, `must be at least ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) throw invalid(name, raw, `must be at most ${spec.max}`);
      return n;
    }
    case 'boolean':
      if (!isOcfBooleanWord(raw)) throw invalid(name, raw, 'not a boolean (use true or false)');
      return isOcfTrue(raw);
  }
};

/**
 * Parses raw OCF_RESKEY_* values (names without the prefix) against a schema.
 * Throws OcfError(OCF_ERR_CONFIGURED) naming the parameter and value.
 */
export const parseParams = <S extends ParamSchema>(
  schema: S,
  raw: Readonly<Record<string, string | undefined>>,
): ParamValues<S> => {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) out[name] = parseOne(name, spec, raw[name]);
  return out as ParamValues<S>;
};

/** The default of a parameter as the meta-data shows it. */
export const defaultText = (spec: ParamSpec): string | undefined => {
  if (spec.default === undefined) return undefined;
  if (spec.type === 'boolean') return spec.default ? 'true' : 'false';
  return String(spec.default);
};
