import type { Rule } from '../../model.js';

export const githubRules: readonly Rule[] = [];
