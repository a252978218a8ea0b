import type { Rule } from '../../model.js';
import { ciRules } from '../ci/index.js';
import { G1 } from './g1-double-go-cache.js';
import { G2 } from './g2-key-without-go-sum.js';
import { G3 } from './g3-restore-key-not-prefix.js';
import { G4 } from './g4-wrong-cache-path.js';
import { G5 } from './g5-matrix-shared-key.js';
import { G6 } from './g6-setup-go-dependency-file.js';
import { G7 } from './g7-setup-go-cold-bumps.js';
import { G8 } from './g8-go-build-cache-growth.js';
import { G9 } from './g9-windows-cache-drive.js';
import { G10 } from './g10-release-cache-poisoning.js';

/** GitHub Actions rules, then the buildx cache rules (D13-D16), which read GitHub and GitLab build steps. */
export const githubRules: readonly Rule[] = [G1, G2, G3, G4, G5, G6, G7, G8, G9, G10, ...ciRules];
