import { githubRules } from '../../src/doctor/rules/github/index.js';
import { testRuleDocs } from './helpers/ci-rule-docs.js';

testRuleDocs(githubRules);
