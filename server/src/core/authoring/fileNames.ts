import { dnsName } from './policyText';

/** A file of the folder and the policies it holds (names only). */
export interface PolicyFile {
  /** the base name, e.g. `shop-default-deny.yaml` */
  readonly fileName: string;
  readonly policies: readonly { readonly name: string; readonly namespace: string }[];
}

type Pattern = { readonly type: 'plain' } | { readonly type: 'namespace'; readonly separator: string } | { readonly type: 'prefix'; readonly prefix: string } | { readonly type: 'suffix'; readonly suffix: string };

const EXTENSION = /\.(ya?ml)$/i;

/** How a file holding one policy is named after it, if it is. */
function patternOf(stem: string, policy: { readonly name: string; readonly namespace: string }): Pattern | undefined {
  const { name, namespace } = policy;
  if (stem === name) return { type: 'plain' };
  for (const separator of ['-', '_', '.']) if (stem === `${namespace}${separator}${name}`) return { type: 'namespace', separator };
  if (stem.endsWith(name) && stem.length > name.length) return { type: 'prefix', prefix: stem.slice(0, stem.length - name.length) };
  if (stem.startsWith(name) && stem.length > name.length) return { type: 'suffix', suffix: stem.slice(name.length) };
  return undefined;
}

function apply(pattern: Pattern, policy: { readonly name: string; readonly namespace: string }): string {
  switch (pattern.type) {
    case 'plain':
      return policy.name;
    case 'namespace':
      return `${policy.namespace}${pattern.separator}${policy.name}`;
    case 'prefix':
      return `${pattern.prefix}${policy.name}`;
    case 'suffix':
      return `${policy.name}${pattern.suffix}`;
  }
}

/**
 * The name of a new file for a generated policy, beside the files of `folder`: named the way the
 * folder names its one-policy files (`<name>.yaml`, `<namespace>-<name>.yaml`, `netpol-<name>.yaml`,
 * `<name>.netpol.yml`...: the most frequent pattern wins, with the folder's extension), else
 * `<name>.yaml`; never a name in `taken` (the folder's existing entries, compared case-insensitively).
 */
export function newPolicyFileName(folder: readonly PolicyFile[], taken: ReadonlySet<string>, policy: { readonly name: string; readonly namespace: string }): string {
  const counts = new Map<string, { pattern: Pattern; count: number }>();
  const extensions = new Map<string, number>();
  for (const file of folder) {
    const ext = EXTENSION.exec(file.fileName)?.[1];
    if (!ext || file.policies.length === 0) continue;
    extensions.set(ext.toLowerCase(), (extensions.get(ext.toLowerCase()) ?? 0) + 1);
    const only = file.policies[0];
    if (file.policies.length !== 1 || !only) continue;
    const pattern = patternOf(file.fileName.slice(0, -ext.length - 1), only);
    if (!pattern) continue;
    const key = JSON.stringify(pattern);
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { pattern, count: 1 });
  }
  const best = [...counts.entries()].sort(([ka, a], [kb, b]) => b.count - a.count || ka.localeCompare(kb))[0]?.[1].pattern ?? { type: 'plain' as const };
  const ext = [...extensions.entries()].sort(([ea, a], [eb, b]) => b - a || ea.localeCompare(eb))[0]?.[0] ?? 'yaml';
  // a file name keeps to the characters of a policy name (a prefix may carry others: keep those as written)
  const stem = apply(best, { name: dnsName(policy.name), namespace: dnsName(policy.namespace) });
  const lower = new Set([...taken].map((t) => t.toLowerCase()));
  let candidate = `${stem}.${ext}`;
  for (let i = 2; lower.has(candidate.toLowerCase()); i++) candidate = `${stem}-${i}.${ext}`;
  return candidate;
}
