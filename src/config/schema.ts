import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
// The published file itself (bundled by @rollup/plugin-json), so editors and
// the action can never disagree about what is valid.
import schema from '../../schema/promotion.schema.json' with { type: 'json' }

/** schema/promotion.schema.json, the schema parsePromotionConfig validates with. */
export const PROMOTION_SCHEMA: Readonly<Record<string, unknown>> = schema

/** Where editors fetch the schema (`# yaml-language-server: $schema=…`). */
export const SCHEMA_URL: string = schema.$id

let validator: ValidateFunction | undefined

/** ajv's errors for `data` (all of them, not only the first); compiled once, on first use. */
export function validatePromotionSchema(data: unknown): ErrorObject[] {
  validator ??= new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false
  }).compile(schema)
  return validator(data) ? [] : [...(validator.errors ?? [])]
}
