// A check-pool worker (checkPool.ts): one WindowChecker per domain, kept for the worker's life.
import { packChecks, runTask, type CheckTask, type CheckedWindow, type WindowChecker } from './check.ts';

const checkers = new Map<string, WindowChecker>();

export default function (task: CheckTask) {
  const result = runTask(task, checkers);
  return task.kind === 'check' ? packChecks(result as CheckedWindow[]) : result;
}
