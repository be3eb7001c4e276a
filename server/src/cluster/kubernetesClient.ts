/**
 * What the server uses of @kubernetes/client-node, loaded on the first kubeconfig read
 * (kubeconfig.ts), never at start: the library and its dependencies were half of dist/server.js,
 * and loading them cost the server's startup more than everything else together. esbuild.mjs builds
 * this module as its own file, dist/kubernetes.js, next to the server's bundle.
 */
export { KubeConfig } from '@kubernetes/client-node';
