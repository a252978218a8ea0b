import type { Rule } from '../../model.js';

/** D13-D16: buildx cache export mistakes, found in the build steps of GitHub workflows and GitLab jobs. */
export const ciBuildRules: readonly Rule[] = [];
