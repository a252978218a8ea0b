import type { Rule } from '../../model.js';
import { D1 } from './d1-download-layer.js';
import { D2, D3 } from './d2-d3-cache-mounts.js';
import { D4, D5, D22 } from './d4-d5-d22-mount-options.js';
import { D6 } from './d6-go-sum.js';
import { D7 } from './d7-ignored-inputs.js';
import { D8 } from './d8-heavy-context.js';
import { D9, D10 } from './d9-d10-workspace.js';
import { D11 } from './d11-secrets.js';
import { D12 } from './d12-private-modules.js';
import { D17 } from './d17-loopback-proxy.js';
import { D18, D19 } from './d18-d19-module-mode.js';
import { D20 } from './d20-toolchain.js';
import { D21 } from './d21-arg-order.js';

export const dockerRules: readonly Rule[] = [
  D1,
  D2,
  D3,
  D4,
  D5,
  D6,
  D7,
  D8,
  D9,
  D10,
  D11,
  D12,
  D17,
  D18,
  D19,
  D20,
  D21,
  D22,
];
