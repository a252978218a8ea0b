import type { Rule } from '../../model.js';
import { ciBuildRules } from '../ci/index.js';
import { G2 } from './g2-key-without-go-sum.js';

/** GitHub Actions rules, then the buildx cache rules (D13-D16), which read GitHub and GitLab build steps. */
export const githubRules: readonly Rule[] = [G2, ...ciBuildRules];
