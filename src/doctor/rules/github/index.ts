import type { Rule } from '../../model.js';
import { ciRules } from '../ci/index.js';
import { G1 } from './g1-double-go-cache.js';
import { G2 } from './g2-key-without-go-sum.js';
import { G3 } from './g3-restore-key-not-prefix.js';
import { G5 } from './g5-matrix-shared-key.js';

/** GitHub Actions rules, then the buildx cache rules (D13-D16), which read GitHub and GitLab build steps. */
export const githubRules: readonly Rule[] = [G1, G2, G3, G5, ...ciRules];
