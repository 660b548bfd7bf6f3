import { ApplicationFailure } from '@temporalio/activity';
import { sourcePassword } from '../../source/checkSource.js';
import { classifySourceError } from '../../source/sourceErrors.js';
import { scrubSecrets } from '../../util/redact.js';

/**
 * An error from talking to the source as an activity failure: non-retryable when no retry can fix
 * it (a missing database, role, table, column or privilege; a refused login), retryable otherwise.
 * The message never holds the connection URL or its password.
 */
export function sourceFailure(
  error: unknown,
  sourceUrl: string,
  context: string,
  retryableType: string,
): ApplicationFailure {
  const message = scrubSecrets(error instanceof Error ? error.message : String(error), [
    sourcePassword(sourceUrl),
    sourceUrl,
  ]);
  const { permanent, hint, code } = classifySourceError(error);
  if (permanent)
    return ApplicationFailure.nonRetryable(
      `${context}: ${message} (SQLSTATE ${code}, not retried): ${hint}.`,
      'SourcePermanentError',
    );
  return ApplicationFailure.retryable(`${context}: ${message}`, retryableType);
}
