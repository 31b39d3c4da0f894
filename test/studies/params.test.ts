import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeParam, parseStudyParams, StudyParamError, StudyParams, studyParams } from '../../src/studies/params.js';
import { studies } from '../../src/studies/index.js';
import type { Study } from '../../src/studies/study.js';

const s: Study = {
  name: 'demo', title: 'demo', defaultEpochs: 1, run: () => Promise.reject(new Error('not run')),
  params: [
    { name: 'lr', type: 'float', min: 0, max: 1, default: 0.1, help: 'step' },
    { name: 'n', type: 'int', min: 1, help: 'count' },
    { name: 'on', type: 'bool', default: false, help: 'switch' },
    { name: 'kind', type: 'choice', choices: ['a', 'b'], default: 'a', help: 'kind' },
    { name: 'sizes', type: 'string', list: 'int', min: 1, default: '2,3', help: 'sizes' },
    { name: 'models', type: 'string', list: ['x', 'y', 'z'], default: 'x', help: 'models' },
  ],
};

test('parseStudyParams types every value; StudyParams reads defaults and set values', () => {
  const v = parseStudyParams(s, { lr: '0.5', n: '3', on: 'yes', kind: 'b', sizes: '4, 5' });
  assert.deepEqual(v, { lr: 0.5, n: 3, on: true, kind: 'b', sizes: '4,5' });
  const P = new StudyParams(s, v);
  assert.equal(P.num('lr'), 0.5);
  assert.deepEqual(P.nums('sizes'), [4, 5]);
  assert.equal(P.bool('on'), true);
  const D = studyParams(s, {});
  assert.equal(D.num('lr'), 0.1);
  assert.equal(D.numOpt('n'), undefined);
  assert.equal(D.has('lr'), false);
  assert.deepEqual(D.list('models'), ['x']);
  assert.deepEqual(new StudyParams(s, { models: 'all' }).list('models'), ['x', 'y', 'z']);
  assert.deepEqual(D.effective(), { lr: 0.1, on: false, kind: 'a', sizes: '2,3', models: 'x' });
  // Typed values (from tune or a program) are checked too; strings are parsed.
  assert.equal(new StudyParams(s, { n: 7 }).num('n'), 7);
  assert.throws(() => new StudyParams(s, { lr: 2 }), /demo: lr=2: above the maximum 1/);
  assert.throws(() => new StudyParams(s, { n: 1.5 }), /not an integer/);
  assert.throws(() => new StudyParams(s, { kind: true }), /a boolean where a choice is expected/);
  assert.throws(() => new StudyParams(s, { lr: 'x' }), StudyParamError);
  // Reading an undeclared name is the study's bug, said as such.
  assert.throws(() => D.num('nope'), /reads parameter 'nope' that it does not declare/);
});

test('errors name the study, key, value and the declaration', () => {
  assert.throws(() => parseStudyParams(s, { lrr: '1' }), /demo: unknown parameter 'lrr' \(did you mean 'lr'\?\); valid: lr, n, on, kind, sizes, models/);
  assert.throws(() => parseStudyParams(s, { n: '0' }), /demo: --set n=0: below the minimum 1 \(n \(int 1…∞\): count\)/);
  assert.throws(() => parseStudyParams(s, { sizes: '2,x' }), /--set sizes=2,x: item 'x' not a number/);
  assert.throws(() => parseStudyParams(s, { sizes: '2,0' }), /item '0' below the minimum 1/);
  assert.throws(() => parseStudyParams(s, { models: 'x,w' }), /unknown item 'w', not one of x, y, z or all/);
  assert.throws(() => parseStudyParams(s, { kind: 'c' }), /not one of a, b/);
  assert.equal(describeParam(s.params[4]), 'sizes (string list of integers 1…∞, default 2,3): sizes');
});

test('every study declares its parameters, each default valid against its own declaration', () => {
  for (const st of studies) {
    assert.ok(Array.isArray(st.params), st.name);
    const names = st.params.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, `${st.name}: duplicate parameter`);
    for (const p of st.params) {
      assert.ok(p.help.length > 3, `${st.name}.${p.name} has help`);
      if (p.default !== undefined) assert.doesNotThrow(() => new StudyParams(st, { [p.name]: p.default! }), `${st.name}.${p.name} default`);
    }
  }
});
