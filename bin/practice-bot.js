#!/usr/bin/env node
// The `practice-bot` bin: runs the TypeScript sources through tsx, so `npx practice-bot` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
