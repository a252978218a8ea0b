import type { Rule } from '../../model.js';

export const dockerRules: readonly Rule[] = [];
