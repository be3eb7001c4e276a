// Derives schemas/networkpolicy.schema.json from the official Kubernetes OpenAPI v3 document
// for networking.k8s.io/v1 (api/openapi-spec/v3/apis__networking.k8s.io__v1_openapi.json in
// k8s.io/kubernetes). Run by hand when moving to a new Kubernetes release:
//   go mod download -json k8s.io/kubernetes@v1.34.2   # prints "Dir"
//   node scripts/deriveSchema.mjs <Dir>/api/openapi-spec/v3/apis__networking.k8s.io__v1_openapi.json v1.34.2
//
// What changes on the way, and why (the API server's decoder is the reference, not OpenAPI):
// - every object gets additionalProperties: false, as strict field validation rejects unknown fields;
// - "required" is dropped: the decoder accepts missing fields and the validation code reports them
//   with its own field path (e.g. ipBlock.cidr "Required value"), which our code checks mirror;
// - every value may be null: the JSON decoder treats null as "not set" for every field;
// - int32/int64 formats become numeric bounds; IntOrString becomes integer-or-string.
import { readFileSync, writeFileSync } from 'node:fs';

const [source, release] = process.argv.slice(2);
if (!source || !release) {
  process.stderr.write('usage: node scripts/deriveSchema.mjs <openapi.json> <release>\n');
  process.exit(2);
}
const all = JSON.parse(readFileSync(source, 'utf8')).components.schemas;
const ROOT = 'io.k8s.api.networking.v1.NetworkPolicy';
const definitions = {};

function shortName(ref) {
  return ref.replace('#/components/schemas/', '');
}

function convert(schema) {
  if (schema.allOf && schema.allOf.length === 1 && schema.allOf[0].$ref) {
    return convert({ ...schema.allOf[0], description: schema.description });
  }
  if (schema.$ref) {
    const name = shortName(schema.$ref);
    visit(name);
    return { $ref: `#/definitions/${name}` };
  }
  const out = {};
  if (schema.description) out.description = schema.description.split('\n')[0];
  if (schema.format === 'int-or-string') {
    return { ...out, type: ['integer', 'string', 'null'], minimum: -2147483648, maximum: 2147483647 };
  }
  switch (schema.type) {
    case 'object':
      if (schema.properties) {
        out.type = ['object', 'null'];
        out.properties = {};
        for (const [key, prop] of Object.entries(schema.properties)) out.properties[key] = convert(prop);
        out.additionalProperties = false;
      } else if (schema.additionalProperties) {
        out.type = ['object', 'null'];
        out.additionalProperties = convert(schema.additionalProperties);
      } else {
        out.type = ['object', 'null'];
      }
      break;
    case 'array':
      out.type = ['array', 'null'];
      out.items = convert(schema.items);
      break;
    case 'integer':
      out.type = ['integer', 'null'];
      if (schema.format === 'int32') Object.assign(out, { minimum: -2147483648, maximum: 2147483647 });
      if (schema.format === 'int64') Object.assign(out, { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
      break;
    case 'string':
    case 'boolean':
    case 'number':
      out.type = [schema.type, 'null'];
      break;
    default:
      // FieldsV1 and similar free-form values
      break;
  }
  return out;
}

function visit(name) {
  if (definitions[name]) return;
  definitions[name] = {};
  const converted = convert(all[name]);
  definitions[name] = converted;
}

visit(ROOT);
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://netpol-guardrails.dev/schemas/networkpolicy.schema.json',
  title: 'NetworkPolicy (networking.k8s.io/v1)',
  description: `Derived by scripts/deriveSchema.mjs from the Kubernetes ${release} OpenAPI v3 document for networking.k8s.io/v1.`,
  'x-kubernetes-release': release,
  $ref: `#/definitions/${ROOT}`,
  definitions,
};
writeFileSync(new URL('../schemas/networkpolicy.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
process.stdout.write(`wrote schemas/networkpolicy.schema.json with ${Object.keys(definitions).length} definitions\n`);
