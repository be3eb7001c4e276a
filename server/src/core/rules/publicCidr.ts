import { NON_PUBLIC_CIDRS, cidrRange, formatRange, subtract, type AddressRange } from '../selectors/ipRanges';
import { forEachRule, peerIsAllAddresses, ruleIsEffective } from './ruleShapes';
import { policyName, policyRange, type GuardrailRule, inScope } from './rule';

function ranges(cidrs: readonly unknown[]): AddressRange[] {
  return cidrs.flatMap((c) => {
    const r = typeof c === 'string' ? cidrRange(c) : undefined;
    return r ? [r] : [];
  });
}

/** An ipBlock that reaches public address space (beyond private ranges and the allowed list). */
export const publicCidr: GuardrailRule = {
  id: 'public-cidr',
  severity: 'warning',
  description: 'An ipBlock covers public address space; list the CIDRs you mean to reach in the rule options to accept them.',
  defaultOptions: { allowedCidrs: [] },
  check({ inventory, options, scope }, out) {
    const allowed = ranges(Array.isArray(options['allowedCidrs']) ? options['allowedCidrs'] : []);
    const nonPublic = ranges(NON_PUBLIC_CIDRS);
    // the same blocks recur across policies: subtract once per cidr and except list
    const publicParts = new Map<string, AddressRange[]>();
    const publicPart = (cidr: string, except: readonly string[], block: AddressRange): AddressRange[] => {
      const key = `${cidr}|${except.join(',')}`;
      let remaining = publicParts.get(key);
      if (!remaining) {
        remaining = subtract([block], [...ranges(except), ...nonPublic, ...allowed]);
        publicParts.set(key, remaining);
      }
      return remaining;
    };
    for (const policy of inScope(scope, inventory.policies)) {
      forEachRule(policy, (rule, direction, i, peersKey) => {
        if (!ruleIsEffective(policy, direction)) return;
        rule.peers.forEach((peer, j) => {
          if (!peer.ipBlock || peerIsAllAddresses(peer)) return; // the whole internet is allow-all-*
          const block = cidrRange(peer.ipBlock.cidr);
          if (!block) return;
          const remaining = publicPart(peer.ipBlock.cidr, peer.ipBlock.except, block);
          if (remaining.length === 0) return;
          const shown = remaining.slice(0, 3).map(formatRange).join(', ');
          out.policy(policy, 
            policyRange(policy, ['spec', direction, i, peersKey, j, 'ipBlock', 'cidr'], 'value'),
            `${policyName(policy)} allows ${direction} ${direction === 'ingress' ? 'from' : 'to'} public addresses (${shown}${remaining.length > 3 ? ', ...' : ''}). If intended, add ${peer.ipBlock.cidr} to the public-cidr rule's allowedCidrs.`,
          );
        });
      });
    }
  },
};
