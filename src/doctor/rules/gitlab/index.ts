import type { Rule } from '../../model.js';

export const gitlabRules: readonly Rule[] = [];
