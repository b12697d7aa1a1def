#!/usr/bin/env node
// Prints Jest's JSON results as the one line CI reads: "N passed, N failed".
const { readFileSync } = require('node:fs');

const file = process.argv[2];
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`no Jest results in ${file}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
console.log(`${results.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || results.numPassedTests === 0 ? 1 : 0);
