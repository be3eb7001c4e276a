import { isMap, parseDocument } from 'yaml';
import validateConfigSchema from '../validate/generated/configSchema';
import type { Finding } from '../model/finding';
import { RULES } from '../model/ruleCatalog';
import { MAX_ALIAS_COUNT, YAML_OPTIONS, rangeForPath } from '../parse/manifest';
import { parseLabelSelector } from '../selectors/labelSelector';
import { decodePointer } from '../validate/schemaValidation';
import { DEFAULT_CONFIG, type Exemption, type GuardrailConfig, type PeerSelectorConfig, type RuleSetting } from './config';

function finding(message: string, start: number, end: number): Finding {
  return { ruleId: RULES.config.id, severity: RULES.config.severity, message, range: { start, end }, related: [] };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function peer(value: unknown, fallback: PeerSelectorConfig): PeerSelectorConfig {
  if (!isObj(value) || typeof value['namespace'] !== 'string') return fallback;
  const port = value['port'];
  return {
    namespace: value['namespace'],
    podSelector: parseLabelSelector(value['podSelector']) ?? fallback.podSelector,
    ...(typeof port === 'number' || typeof port === 'string' ? { port } : fallback.port !== undefined ? { port: fallback.port } : {}),
  };
}

/**
 * The configuration file: YAML checked against schemas/config.schema.json. Every error is a
 * finding at its place, and the parts that are valid still apply: a broken file never switches
 * the guardrails off.
 */
export function parseConfig(text: string, knownRuleIds: readonly string[]): { config: GuardrailConfig; findings: Finding[] } {
  const findings: Finding[] = [];
  // our own file, not kubectl's: YAML 1.2, where `off` is the string it looks like
  const doc = parseDocument(text, { ...YAML_OPTIONS, schema: 'core' });
  for (const error of doc.errors) findings.push(finding(`YAML syntax error: ${error.message.split('\n')[0] ?? ''}`, error.pos[0], error.pos[1]));
  if (doc.errors.length > 0) return { config: DEFAULT_CONFIG, findings };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    findings.push(finding(`The configuration cannot be read: ${(error as Error).message}`, 0, 0));
    return { config: DEFAULT_CONFIG, findings };
  }
  if (value === null || value === undefined) return { config: DEFAULT_CONFIG, findings };
  const root = doc.contents;
  const badPaths = new Set<string>();
  if (!validateConfigSchema(value)) {
    const errors = validateConfigSchema.errors ?? [];
    // an anyOf (a severity, or { severity, options }) fails once per branch and once more for
    // itself: report one finding per value, naming the allowed values when a branch has them
    const reported = new Set<string>();
    for (const error of errors) {
      const property = error.keyword === 'additionalProperties' ? String(error.params['additionalProperty']) : undefined;
      const key = `${error.instancePath} ${property ?? ''}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const path = decodePointer(error.instancePath, value);
      const at = property !== undefined ? [...path, property] : path;
      badPaths.add(JSON.stringify(path.slice(0, 2)));
      const range = root ? rangeForPath(root, at, property !== undefined ? 'key' : 'value', text) : { start: 0, end: 0 };
      const where = at.length > 0 ? at.join('.') : 'the configuration';
      const siblings = errors.filter((e) => e.instancePath === error.instancePath && e.keyword !== 'additionalProperties');
      const allowed: unknown = siblings.find((e) => e.keyword === 'enum')?.params['allowedValues'];
      const alternatives = siblings.some((e) => e.keyword === 'anyOf') ? ' (or a map with severity and options)' : '';
      const detail = Array.isArray(allowed) ? `must be one of ${allowed.map(String).join(', ')}${alternatives}` : (error.message ?? 'invalid');
      const message = property !== undefined ? `Unknown setting "${property}" in ${path.join('.') || 'the configuration'}.` : `${where}: ${detail}.`;
      findings.push(finding(`${message} The default applies instead.`, range.start, range.end));
    }
  }
  if (!isObj(value) || !isMap(root)) return { config: DEFAULT_CONFIG, findings };

  const ok = (...path: (string | number)[]): boolean => !badPaths.has(JSON.stringify(path.slice(0, 2))) && !badPaths.has(JSON.stringify(path.slice(0, 1)));
  const rules: Record<string, RuleSetting> = {};
  if (isObj(value['rules']) && ok('rules')) {
    for (const [id, setting] of Object.entries(value['rules'])) {
      if (!knownRuleIds.includes(id)) {
        const range = rangeForPath(root, ['rules', id], 'key', text);
        findings.push(finding(`Unknown rule "${id}": known rules are ${knownRuleIds.join(', ')}.`, range.start, range.end));
        continue;
      }
      if (!ok('rules', id)) continue;
      if (typeof setting === 'string') rules[id] = { severity: setting as RuleSetting['severity'] & string };
      else if (isObj(setting)) {
        rules[id] = {
          ...(typeof setting['severity'] === 'string' ? { severity: setting['severity'] as NonNullable<RuleSetting['severity']> } : {}),
          ...(isObj(setting['options']) ? { options: setting['options'] } : {}),
        };
      }
    }
  }
  const exemptions: Exemption[] = [];
  if (Array.isArray(value['exemptions']) && ok('exemptions')) {
    value['exemptions'].forEach((e, i) => {
      if (!isObj(e) || !ok('exemptions', i)) return;
      exemptions.push({
        namespaces: Array.isArray(e['namespaces']) ? e['namespaces'].filter((n): n is string => typeof n === 'string') : undefined,
        podSelector: parseLabelSelector(e['podSelector']),
        rules: Array.isArray(e['rules']) ? e['rules'].filter((r): r is string => typeof r === 'string') : undefined,
      });
    });
  }
  const selectors = isObj(value['selectors']) && ok('selectors') ? value['selectors'] : {};
  const defaultNamespace = typeof value['defaultNamespace'] === 'string' && ok('defaultNamespace') ? value['defaultNamespace'] : DEFAULT_CONFIG.defaultNamespace;
  return {
    config: {
      defaultNamespace,
      rules,
      exemptions,
      selectors: {
        dns: peer(selectors['dns'], DEFAULT_CONFIG.selectors.dns),
        ingressController: peer(selectors['ingressController'], DEFAULT_CONFIG.selectors.ingressController),
        monitoring: peer(selectors['monitoring'], DEFAULT_CONFIG.selectors.monitoring),
      },
    },
    findings,
  };
}
