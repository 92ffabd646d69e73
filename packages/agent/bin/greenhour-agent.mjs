#!/usr/bin/env node
// The `greenhour-agent` bin: register tsx (TypeScript sources run directly, no build step), then run the agent CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
