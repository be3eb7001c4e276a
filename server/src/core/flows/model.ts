import type { Protocol } from '../inventory/model';
import type { Labels } from '../selectors/labelSelector';

/**
 * Observed traffic, as plain data shared by flow import, the flow checks and policy synthesis.
 *
 * A flow record is one line of an input file (a Hubble flow, or a generic JSON-lines / CSV row
 * that may already carry a count). Records are aggregated into one `AggregatedFlow` per
 * (source endpoint, destination endpoint, protocol, port): that is what the checks and synthesis
 * read, so their cost depends on the number of distinct connections, not on the input size.
 */

/** What the cluster did with a flow, as the observer reported it. */
export type FlowVerdict = 'forwarded' | 'dropped' | 'unknown';

/** The side of the connection the observer saw the flow on (Hubble's traffic_direction). */
export type FlowDirection = 'ingress' | 'egress' | 'unknown';

/** One side of an observed flow, as the input names it (before mapping to workloads). */
export type ObservedEndpoint =
  | {
      readonly type: 'pod';
      readonly namespace: string;
      /** the pod's name, when the input has it (Hubble does; the generic format may not) */
      readonly podName: string | undefined;
      /** the owning workload, when the input names it (Hubble's `workloads`, the generic format's `workload`) */
      readonly workload: { readonly kind: string | undefined; readonly name: string } | undefined;
      readonly labels: Labels;
      readonly ip: string | undefined;
    }
  | {
      /** an address outside the cluster's pods (Hubble's `world` identity, or a bare IP) */
      readonly type: 'external';
      readonly ip: string;
    };

export interface FlowRecord {
  readonly source: ObservedEndpoint;
  readonly destination: ObservedEndpoint;
  /** ICMP and other non-L4 flows are counted as skipped by the readers, never turned into records */
  readonly protocol: Protocol;
  readonly port: number;
  readonly verdict: FlowVerdict;
  readonly direction: FlowDirection;
  /** how many observations this record stands for (1 for a Hubble line) */
  readonly count: number;
  /** epoch ms; undefined when the input has no time */
  readonly firstSeen: number | undefined;
  readonly lastSeen: number | undefined;
}

/** A malformed or unusable input line: reported with its place, never fatal. */
export interface FlowInputProblem {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  readonly message: string;
}

/**
 * A flow endpoint after mapping: a workload of the inventory (pods folded into their owner by
 * owner naming and labels, as the reachability engine's endpoints are), a workload the inventory
 * does not define (named as the input names it), or an external address.
 */
export type FlowEndpoint =
  | {
      readonly type: 'workload';
      readonly namespace: string;
      /** the workload's name (a Deployment's, not its pods') */
      readonly name: string;
      readonly kind: string | undefined;
      /** the pod labels seen on the flows (the stable ones: pod-template-hash and the like dropped) */
      readonly labels: Labels;
      /** the reachability endpoint id (`namespace/name`) when the inventory defines the workload */
      readonly endpointId: string | undefined;
    }
  | {
      readonly type: 'external';
      /** the single address seen, as a /32 or /128 CIDR */
      readonly cidr: string;
    };

export interface AggregatedFlow {
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly protocol: Protocol;
  readonly port: number;
  /** observations by verdict */
  readonly forwarded: number;
  readonly dropped: number;
  readonly unknown: number;
  readonly firstSeen: number | undefined;
  readonly lastSeen: number | undefined;
  /** up to a few input places that showed this flow, for messages and justification comments */
  readonly examples: readonly { readonly file: string; readonly line: number }[];
}
