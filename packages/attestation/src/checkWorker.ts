// A check-pool worker (checkPool.ts): one WindowChecker per domain, kept for the worker's life.
import { runTask, type CheckTask, type WindowChecker } from './check.ts';

const checkers = new Map<string, WindowChecker>();

export default function (task: CheckTask) {
  return runTask(task, checkers);
}
