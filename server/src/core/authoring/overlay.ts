import { analyzeText } from '../analyzer';
import { fileContribution } from '../inventory/buildInventory';
import type { Inventory, NamespaceInfo } from '../inventory/model';
import { NAMESPACE_NAME_LABEL } from '../inventory/model';

/**
 * The inventory with one file's entries replaced by those of its current text. An editor request
 * may arrive before the workspace has re-analysed the latest keystroke; authoring must not wait for
 * that (it re-runs every guardrail), yet needs this file's objects at their current offsets and
 * what it already holds (a template just applied must not be offered again). Only the lists of
 * the namespaces the file touches are rebuilt.
 */
export function overlayInventory(inventory: Inventory, file: string, text: string): Inventory {
  const fresh = fileContribution(file, analyzeText(text).objects, inventory.defaultNamespace);
  const rebuild = <T extends { readonly namespace: string; readonly source: { readonly file: string } }>(byNamespace: ReadonlyMap<string, readonly T[]>, items: readonly T[]): Map<string, readonly T[]> => {
    const out = new Map(byNamespace);
    for (const [namespace, list] of byNamespace) if (list.some((x) => x.source.file === file)) out.set(namespace, list.filter((x) => x.source.file !== file));
    for (const item of items) out.set(item.namespace, [...(out.get(item.namespace) ?? []), item]);
    return out;
  };
  const namespaces = new Map<string, NamespaceInfo>(inventory.namespaces);
  for (const ns of fresh.namespaces) namespaces.set(ns.name, ns);
  for (const item of [...fresh.workloads, ...fresh.policies]) {
    if (!namespaces.has(item.namespace)) namespaces.set(item.namespace, { name: item.namespace, labels: { [NAMESPACE_NAME_LABEL]: item.namespace }, explicit: false, source: undefined });
  }
  return {
    ...inventory,
    namespaces,
    workloads: [...inventory.workloads.filter((w) => w.source.file !== file), ...fresh.workloads],
    policies: [...inventory.policies.filter((p) => p.source.file !== file), ...fresh.policies],
    workloadsByNamespace: rebuild(inventory.workloadsByNamespace, fresh.workloads),
    policiesByNamespace: rebuild(inventory.policiesByNamespace, fresh.policies),
  };
}
