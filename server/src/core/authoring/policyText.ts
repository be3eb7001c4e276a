import type { PeerSelectorConfig } from '../config/config';
import { NAMESPACE_NAME_LABEL, type Protocol } from '../inventory/model';
import type { LabelSelector, Labels } from '../selectors/labelSelector';
import { isDNS1123Subdomain } from '../validate/k8sNames';
import { yamlString } from './yamlText';

/**
 * New NetworkPolicy documents as text, written in the file's own sequence style. A generated
 * document is new text, so it is emitted here line by line; existing documents are never rewritten.
 */

export type YValue = { readonly scalar: string } | { readonly map: readonly YEntry[] } | { readonly seq: readonly YValue[] };

export interface YEntry {
  readonly key: string;
  readonly value: YValue;
  /** comment lines written just above the entry */
  readonly comments?: readonly string[];
}

export interface TextStyle {
  readonly eol: string;
  /** extra indentation of a block sequence under its key: '  ' or '' */
  readonly seqIndent: string;
}

const scalar = (text: string): YValue => ({ scalar: text });

function emitMap(entries: readonly YEntry[], indent: string, style: TextStyle, out: string[]): void {
  for (const entry of entries) {
    for (const comment of entry.comments ?? []) out.push(`${indent}# ${comment}`);
    emitEntry(entry, indent, style, out);
  }
}

function emitEntry(entry: YEntry, indent: string, style: TextStyle, out: string[]): void {
  const value = entry.value;
  if ('scalar' in value) out.push(`${indent}${entry.key}: ${value.scalar}`);
  else if ('map' in value) {
    if (value.map.length === 0) out.push(`${indent}${entry.key}: {}`);
    else {
      out.push(`${indent}${entry.key}:`);
      emitMap(value.map, `${indent}  `, style, out);
    }
  } else if (value.seq.length === 0) out.push(`${indent}${entry.key}: []`);
  else {
    out.push(`${indent}${entry.key}:`);
    emitSeq(value.seq, `${indent}${style.seqIndent}`, style, out);
  }
}

function emitSeq(items: readonly YValue[], indent: string, style: TextStyle, out: string[]): void {
  for (const item of items) {
    if ('scalar' in item) out.push(`${indent}- ${item.scalar}`);
    else if ('seq' in item) out.push(`${indent}- []`);
    else if (item.map.length === 0) out.push(`${indent}- {}`);
    else {
      const [first, ...rest] = item.map;
      if (!first) continue;
      for (const comment of first.comments ?? []) out.push(`${indent}# ${comment}`);
      const lines: string[] = [];
      emitEntry(first, `${indent}  `, style, lines);
      lines[0] = `${indent}- ${(lines[0] ?? '').trimStart()}`;
      out.push(...lines);
      emitMap(rest, `${indent}  `, style, out);
    }
  }
}

/** Sequence items at an indentation (of their `-`), as lines ending in the style's line end. */
export function emitItems(items: readonly YValue[], indent: string, style: TextStyle): string {
  const out: string[] = [];
  emitSeq(items, indent, style, out);
  return out.map((line) => `${line}${style.eol}`).join('');
}

export function emitDocument(entries: readonly YEntry[], style: TextStyle): string {
  const out: string[] = [];
  emitMap(entries, '', style, out);
  return out.map((line) => `${line}${style.eol}`).join('');
}

export function selectorValue(selector: LabelSelector): YValue {
  const entries: YEntry[] = [];
  const labels = Object.entries(selector.matchLabels);
  if (labels.length > 0) entries.push({ key: 'matchLabels', value: { map: labels.map(([k, v]) => ({ key: yamlString(k), value: scalar(yamlString(v)) })) } });
  if (selector.matchExpressions.length > 0) {
    entries.push({
      key: 'matchExpressions',
      value: {
        seq: selector.matchExpressions.map((e) => ({
          map: [
            { key: 'key', value: scalar(yamlString(e.key)) },
            { key: 'operator', value: scalar(e.operator) },
            ...(e.values.length > 0 ? [{ key: 'values', value: scalar(`[${e.values.map(yamlString).join(', ')}]`) }] : []),
          ],
        })),
      },
    });
  }
  return { map: entries };
}

export function labelsSelector(labels: Labels): LabelSelector {
  return { matchLabels: labels, matchExpressions: [] };
}

export interface PortSpec {
  readonly protocol: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

export function portsValue(ports: readonly PortSpec[]): YValue {
  return {
    seq: ports.map((p) => ({
      map: [
        { key: 'protocol', value: scalar(p.protocol) },
        ...(p.port !== undefined ? [{ key: 'port', value: scalar(typeof p.port === 'number' ? String(p.port) : yamlString(p.port)) }] : []),
        ...(p.endPort !== undefined ? [{ key: 'endPort', value: scalar(String(p.endPort)) }] : []),
      ],
    })),
  };
}

/** A peer in a well-known place (DNS, ingress controller, monitoring): its namespace and pods. */
export function wellKnownPeer(peer: PeerSelectorConfig): YValue {
  return {
    map: [
      { key: 'namespaceSelector', value: selectorValue(labelsSelector({ [NAMESPACE_NAME_LABEL]: peer.namespace })) },
      { key: 'podSelector', value: selectorValue(peer.podSelector) },
    ],
  };
}

export interface PolicyDocument {
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress?: readonly YValue[];
  readonly egress?: readonly YValue[];
  readonly comments?: readonly string[];
}

export function policyEntries(policy: PolicyDocument): YEntry[] {
  const spec: YEntry[] = [
    { key: 'podSelector', value: selectorValue(policy.podSelector) },
    { key: 'policyTypes', value: { seq: policy.policyTypes.map(scalar) } },
  ];
  if (policy.ingress) spec.push({ key: 'ingress', value: { seq: policy.ingress } });
  if (policy.egress) spec.push({ key: 'egress', value: { seq: policy.egress } });
  return [
    { key: 'apiVersion', value: scalar('networking.k8s.io/v1'), ...(policy.comments ? { comments: policy.comments } : {}) },
    { key: 'kind', value: scalar('NetworkPolicy') },
    {
      key: 'metadata',
      value: {
        map: [
          { key: 'name', value: scalar(yamlString(policy.name)) },
          { key: 'namespace', value: scalar(yamlString(policy.namespace)) },
        ],
      },
    },
    { key: 'spec', value: { map: spec } },
  ];
}

/** A DNS-1123 name from `base` (lower case, `-` for anything else, at most 63 characters). */
export function dnsName(base: string): string {
  let name = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  name = name.slice(0, 63).replace(/^-+|-+$/g, '');
  return name === '' || isDNS1123Subdomain(name).length > 0 ? 'network-policy' : name;
}

/** `base`, or `base-2`, `base-3`... whichever no policy of the namespace has yet. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  const name = dnsName(base);
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = `${name.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
