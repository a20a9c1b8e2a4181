// Validates xAPI statements with xapi-validation (Learning Locker's implementation of the xAPI 1.0.3 rules, the
// validator its LRS runs on every statement it stores). usage: node validate.js FILE... (each a JSON array of
// statements, as `scrub xapi statements` prints). Prints each problem; exit status 1 when there is one.
'use strict';
const fs = require('fs');
const path = require('path');
const validate = require(path.join(__dirname, 'node_modules/xapi-validation')).default;

// The validator must catch a broken statement, or a pass below proves nothing.
const broken = {
  actor: { account: { homePage: 'not an IRL', name: 't' } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
  object: { id: 'https://example.org/a' },
  result: { score: { scaled: 2 }, duration: '6 minutes' },
};
if (validate(broken).length < 3) {
  console.error('validate.js: the validator let a broken statement through');
  process.exit(2);
}

let problems = 0, count = 0;
for (const file of process.argv.slice(2)) {
  const statements = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(statements) || statements.length === 0) {
    console.error(`${file}: not a non-empty array of statements`);
    problems++;
    continue;
  }
  for (const s of statements) {
    count++;
    for (const w of validate(s)) {
      problems++;
      console.error(`${file}: statement ${s.id}: ${w.path ? w.path.join('.') + ': ' : ''}${w.message || w.constructor.name} ${JSON.stringify(w.data)}`);
    }
  }
}
console.log(`validate.js: ${count} statements, ${problems} problems`);
process.exit(problems ? 1 : 0);
