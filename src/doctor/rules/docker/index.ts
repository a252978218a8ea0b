import type { Rule } from '../../model.js';
import { D2, D3 } from './cache-mounts.js';
import { D1 } from './d1-download-layer.js';
import { D6 } from './d6-go-sum.js';
import { D7 } from './d7-ignored-inputs.js';
import { D11 } from './d11-secrets.js';
import { D12 } from './d12-private-modules.js';

export const dockerRules: readonly Rule[] = [D1, D2, D3, D6, D7, D11, D12];
