import type { Rule } from '../../model.js';
import { E1, E2 } from './goproxy.js';
import { E4 } from './read-only-modcache.js';
import { E3 } from './sumdb.js';

export const envRules: readonly Rule[] = [E1, E2, E3, E4];
