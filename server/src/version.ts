/** Replaced at bundle time by esbuild's `define`; the fallback serves tests run from source. */
declare const __NETPOL_GUARDRAILS_VERSION__: string | undefined;

export const VERSION: string = typeof __NETPOL_GUARDRAILS_VERSION__ === 'string' ? __NETPOL_GUARDRAILS_VERSION__ : '0.0.0-dev';
