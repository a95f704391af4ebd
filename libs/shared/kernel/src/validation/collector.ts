import type { FieldErrors } from '@datamingle/contracts';
import { copyFieldErrors } from '../errors';
import { hasOwn } from '../json';
import { err, ok, type Result } from '../result';
import { joinPath, type FieldIssue, type FieldParser, type Parsed } from './parsers';

/**
 * Collects field errors in insertion order (= document order, errors.md §5.1).
 * Several messages for one path are kept in the order they were added.
 */
export class FieldErrorCollector {
  private readonly errors: FieldErrors = {};

  add(path: string, message: string): this {
    const list = hasOwn(this.errors, path) ? this.errors[path] : (this.errors[path] = []);
    list.push(message);
    return this;
  }

  addIssues(basePath: string, issues: readonly FieldIssue[]): this {
    for (const issue of issues) this.add(joinPath(basePath, issue.path), issue.message);
    return this;
  }

  /**
   * Records the issues of `parsed` under `path` and returns its value. On failure the returned
   * value is `undefined` (typed as `T`): only use it when the collector ends without errors.
   */
  take<T>(path: string, parsed: Parsed<T>): T {
    if (parsed.ok) return parsed.value;
    this.addIssues(path, parsed.issues);
    return undefined as T;
  }

  /** Parses `body[key]` (`undefined` when absent) with `parser`; see {@link take}. */
  field<T>(body: Record<string, unknown>, key: string, parser: FieldParser<T>, path: string = key): T {
    return this.take(path, parser(hasOwn(body, key) ? body[key] : undefined));
  }

  /** Whether any error (or an error at `path`) was recorded. */
  has(path?: string): boolean {
    return path === undefined ? Object.keys(this.errors).length > 0 : hasOwn(this.errors, path);
  }

  get hasErrors(): boolean {
    return this.has();
  }

  /** A copy of the collected errors. */
  toFieldErrors(): FieldErrors {
    return copyFieldErrors(this.errors);
  }

  /** `ok(build())` when nothing was collected, else the collected errors. */
  finish<T>(build: () => T): Result<T, FieldErrors> {
    return this.hasErrors ? err(this.toFieldErrors()) : ok(build());
  }
}
