import type { Rule } from '../../model.js';
import { L1 } from './l1-cache-outside-project.js';
import { L2 } from './l2-undefined-path-variable.js';
import { L3 } from './l3-go-dir-walked.js';
import { L4 } from './l4-protected-cache-split.js';
import { L5 } from './l5-cache-key-shape.js';
import { L6 } from './l6-every-job-pushes.js';

export const gitlabRules: readonly Rule[] = [L1, L2, L3, L4, L5, L6];
