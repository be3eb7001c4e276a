import { editDistance } from '../model/editDistance';
import validateNetworkPolicySchema from './generated/networkPolicySchema';
import type { PathSegment } from '../parse/manifest';
import { formatFieldPath, type ValidationIssue } from './issue';
import type { SchemaErrorWithParent } from './schemaError';

/**
 * Schema checks: the JSON schema derived from the official OpenAPI (schemas/), compiled by ajv
 * at build time. It finds what the API server's strict decoder rejects: unknown fields and
 * values of the wrong type.
 */

export function decodePointer(pointer: string, value: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let current: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(token);
      out.push(index);
      current = current[index];
    } else {
      out.push(token);
      current = current && typeof current === 'object' ? (current as Record<string, unknown>)[token] : undefined;
    }
  }
  return out;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  return typeof value;
}

function expectedType(types: string): string {
  const names = types
    .split(',')
    .filter((t) => t !== 'null')
    .map((t) => ({ object: 'a map', array: 'a list', string: 'a string', integer: 'an integer', boolean: 'true or false', number: 'a number' })[t] ?? t);
  return names.join(' or ');
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}


export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function schemaIssues(value: unknown): ValidationIssue[] {
  if (validateNetworkPolicySchema(value)) return [];
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of validateNetworkPolicySchema.errors ?? []) {
    const path = decodePointer(error.instancePath, value);
    const issue = toIssue(error, path, value);
    if (!issue) continue;
    const key = `${issue.rule}:${formatFieldPath(issue.at)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function toIssue(error: SchemaErrorWithParent, path: PathSegment[], root: unknown): ValidationIssue | undefined {
  const fieldPath = formatFieldPath(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String(error.params['additionalProperty']);
      const at = [...path, property];
      const known = Object.keys(error.parentSchema?.properties ?? {});
      const suggestion = closestName(property, known);
      const full = formatFieldPath(at);
      const hint = suggestion
        ? ` Did you mean "${suggestion}"?`
        : known.length > 0
          ? ` Known fields here: ${known.join(', ')}.`
          : '';
      return {
        rule: 'unknownField',
        fieldPath: full,
        at,
        target: 'key',
        apiMessage: `unknown field "${full}"`,
        message: `Unknown field "${property}"${fieldPath ? ` in ${fieldPath}` : ''}: the API server rejects it under strict field validation.${hint}`,
      };
    }
    case 'type': {
      const actual = valueAt(root, path);
      const expected = expectedType(String(error.params['type']));
      const hint =
        typeof actual === 'boolean' && expected.includes('string')
          ? ` YAML reads an unquoted ${actual ? 'true/yes/on' : 'false/no/off'} as a boolean: quote it, e.g. "${String(actual)}".`
          : typeof actual === 'number' && expected === 'a string'
            ? ` Quote it: "${String(actual)}".`
            : '';
      return {
        rule: 'wrongType',
        fieldPath,
        at: path,
        target: 'value',
        apiMessage: `${fieldPath}: Invalid type: expected ${expected}, got ${describeType(actual)}`,
        message: `${fieldPath || 'The document'} must be ${expected}, not ${describeType(actual)}.${hint}`,
      };
    }
    case 'minimum':
    case 'maximum': {
      const actual = valueAt(root, path);
      return {
        rule: 'wrongType',
        fieldPath,
        at: path,
        target: 'value',
        apiMessage: `${fieldPath}: Invalid value: ${String(actual)}: out of range for a 32-bit integer`,
        message: `${fieldPath} is ${String(actual)}, which does not fit in a 32-bit integer (the API decodes it as int32).`,
      };
    }
    default:
      return {
        rule: 'wrongType',
        fieldPath,
        at: path,
        target: 'value',
        apiMessage: `${fieldPath}: ${error.message ?? 'invalid'}`,
        message: `${fieldPath}: ${error.message ?? 'invalid value'}.`,
      };
  }
}
