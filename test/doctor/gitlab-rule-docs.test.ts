import { gitlabRules } from '../../src/doctor/rules/gitlab/index.js';
import { testRuleDocs } from './helpers/ci-rule-docs.js';

testRuleDocs(gitlabRules);
