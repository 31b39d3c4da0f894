#!/usr/bin/env node
/**
 * The gradlab command line: `gradlab run <study>`, `gradlab list`, and the verbs of the other
 * layers (data, analyze, export, dashboard, report, tune, bench) registered from their modules.
 */
import '../backend/native/register.js';
import '../backend/webgpu/register.js';
import { Command, InvalidArgumentError } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerConvert } from './convert.js';
import { registerDashboard } from './dashboard.js';
import { registerData } from './data.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerLab } from './lab.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerTune } from './tune.js';
import { InterruptedError } from '../train/interrupt.js';
import { namedDatabaseError } from '../track/schema.js';

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${v}'`);
  return n;
}

export function buildProgram(): Command {
  const program = new Command();
  program.name('gradlab').description('A deep-learning lab in TypeScript').version('0.1.0').showHelpAfterError();
  registerRun(program, int);
  registerDashboard(program);
  registerReport(program);
  registerExport(program);
  registerData(program);
  registerAnalyze(program);
  registerTune(program);
  registerConvert(program);
  registerLab(program);
  registerImport(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (e instanceof InterruptedError) {
      // Ctrl-C / SIGTERM: the command has recorded what it had; exit as a shell expects.
      process.stderr.write(`gradlab: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    // A SQLite error from a query names no file: say which run database it came from.
    const named = namedDatabaseError(e) ?? e;
    process.stderr.write(`gradlab: ${named instanceof Error ? named.message : String(named)}\n`);
    process.exit(2);
  });
