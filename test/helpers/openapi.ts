// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/openapi
 *
 * Validates values against the schemas of Ghostwire's OpenAPI 3.1 document (JSON Schema 2020-12
 * with ajv, closed objects as the document declares them).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiV1 } from '../../src/api/v1/openapi.js';

let ajv: Ajv2020 | undefined;

function instance(): Ajv2020 {
  if (ajv === undefined) {
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(openApiV1('test'), 'openapi');
  }
  return ajv;
}

/** Errors of `value` against `components.schemas[name]` (empty: valid), as readable lines. */
export function schemaErrors(name: string, value: unknown): string[] {
  const v = instance().getSchema(`openapi#/components/schemas/${name}`);
  if (v === undefined) throw new Error(`no schema ${name}`);
  if (v(value)) return [];
  return (v.errors ?? [])
    .slice(0, 20)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
