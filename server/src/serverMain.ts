import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

// Entry of dist/server.js: the transport (--node-ipc, --stdio, --socket=N) comes from argv.
startServer(createConnection(ProposedFeatures.all));
