import type { Protocol } from '../inventory/model';
import { ipNetContains, parseCIDRSloppy } from '../validate/cidr';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from '../validate/k8sNames';

/**
 * Checks of what the user types for a template, as the messages an editor shows while they type.
 * Small on purpose: the VS Code client validates its input boxes with these (it bundles this
 * module, not the engine).
 */

/** A port of a rule, as the user gave it (TCP when no protocol is given). */
export interface PortInput {
  readonly protocol: Protocol;
  readonly port: number | string;
  readonly endPort?: number;
}


/** Why a namespace name cannot be used, or undefined. */
export function namespaceInputProblem(namespace: string): string | undefined {
  if (isDNS1123Label(namespace).length === 0) return undefined;
  return `"${namespace}" is no namespace name: a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)`;
}

/** Why a label pair cannot be matched by a selector, or undefined. */
export function labelInputProblem(key: string, value: string): string | undefined {
  const keyProblem = isQualifiedName(key)[0];
  if (keyProblem) return `label key "${key}": ${keyProblem}`;
  const valueProblem = isValidLabelValue(value)[0];
  return valueProblem ? `label value "${value}": ${valueProblem}` : undefined;
}

/**
 * Why a CIDR and its excepts would be rejected, or undefined: the API server's checks
 * (pkg/apis/networking/validation ValidateIPBlock: cidr and each except parse as CIDRs, each except
 * strictly inside cidr).
 */
export function cidrInputProblem(cidr: string, except: readonly string[] = []): string | undefined {
  const net = parseCIDRSloppy(cidr.trim());
  if (!net) return cidr.includes('/') || cidr.trim() === '' ? `"${cidr}" is not a CIDR: write an address and prefix length, e.g. 10.0.0.0/8 or 2001:db8::/32` : `"${cidr}" is an address, not a CIDR: add the prefix length, e.g. ${cidr}/${cidr.includes(':') ? '128' : '32'}`;
  for (const raw of except) {
    const text = raw.trim();
    const inner = parseCIDRSloppy(text);
    if (!inner) return `except "${raw}" is not a CIDR (e.g. 10.0.1.0/24)`;
    if (!ipNetContains(net, inner.ip) || net.ones >= inner.ones) return `except ${text} is not strictly inside ${cidr.trim()}`;
  }
  return undefined;
}

/** Splits `10.0.1.0/24, 10.0.2.0/24` (commas or spaces) into entries. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((part) => part !== '');
}

const PORT_NUMBERS = /^(?:(TCP|UDP|SCTP)\s*)?(\d+)(?:\s*-\s*(\d+))?$/i;
const PORT_NAME = /^(?:(TCP|UDP|SCTP)\s+)?([a-z0-9-]+)$/i;

/**
 * Ports typed as `TCP 443, UDP 53, 8000-8100/TCP, metrics` (TCP when no protocol is given): the
 * specs, or why they would be rejected (pkg/apis/networking/validation ValidateNetworkPolicyPort:
 * a port number 1-65535 or a port name, endPort only after a numeric port and not below it).
 */
export function parsePortList(text: string): PortInput[] | string {
  const out: PortInput[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    // accept `8080/UDP` as well as `UDP 8080`
    const swapped = /^([^/\s]+)\s*\/\s*(TCP|UDP|SCTP)$/i.exec(part);
    const item = swapped ? `${swapped[2] ?? ''} ${swapped[1] ?? ''}` : part;
    const match = PORT_NUMBERS.exec(item) ?? PORT_NAME.exec(item);
    if (!match) return `"${part}" is not a port: write e.g. TCP 443, UDP 53 or TCP 8000-8100`;
    const protocol = (match[1]?.toUpperCase() ?? 'TCP') as Protocol;
    const first = match[2] ?? '';
    if (/^\d+$/.test(first)) {
      const port = Number(first);
      const problem = isValidPortNum(port)[0];
      if (problem) return `port ${first}: ${problem}`;
      if (match[3] !== undefined) {
        const endPort = Number(match[3]);
        if (isValidPortNum(endPort)[0] || endPort < port) return `port range ${first}-${match[3]}: the end must be a port number not below ${first}`;
        out.push(endPort === port ? { protocol, port } : { protocol, port, endPort });
      } else out.push({ protocol, port });
    } else {
      const problem = isValidPortName(first)[0];
      if (problem) return `port name "${first}": ${problem}`;
      out.push({ protocol, port: first });
    }
  }
  return out;
}
