import { ORDER_STATUSES, type ApiError, type OrderStatus } from '@datamingle/contracts';
import {
  collectCursorParam,
  err,
  FieldErrorCollector,
  Messages,
  ok,
  parseDatetime,
  parseLimit,
  queryParamsError,
  type CursorPosition,
  type Result,
} from '@datamingle/kernel';

export interface OrderListQuery {
  limit: number;
  /** `null` = first page. */
  cursor: CursorPosition | null;
  /** `null` = no status filter. Distinct, in the order given. */
  statuses: OrderStatus[] | null;
  /** Normalised RFC 3339 UTC; `null` = no filter. */
  updatedSince: string | null;
}

/**
 * Query parameters of `GET /orders/` (orders.md §3, pagination.md). Invalid parameters are
 * reported together in the order `cursor`, `status`, `updated_since`; when the cursor is
 * invalid the message is exactly `Invalid cursor: '<value>'`.
 */
export function validateOrderListQuery(query: Record<string, string | undefined>): Result<OrderListQuery, ApiError> {
  const limit = parseLimit(query['limit']);
  const c = new FieldErrorCollector();

  const { cursor, invalid } = collectCursorParam(query['cursor'], c);

  let statuses: OrderStatus[] | null = null;
  const rawStatus = query['status'];
  if (rawStatus !== undefined && rawStatus !== '') {
    const wanted: OrderStatus[] = [];
    for (const part of rawStatus.split(',')) {
      const value = part.trim();
      if (value === '') continue;
      if ((ORDER_STATUSES as readonly string[]).includes(value)) {
        if (!wanted.includes(value as OrderStatus)) wanted.push(value as OrderStatus);
      } else {
        c.add('status', Messages.invalidChoice(value));
      }
    }
    statuses = wanted.length > 0 ? wanted : null;
  }

  let updatedSince: string | null = null;
  const rawSince = query['updated_since'];
  if (rawSince !== undefined && rawSince !== '') {
    updatedSince = parseDatetime(rawSince);
    if (updatedSince === null) c.add('updated_since', Messages.invalidDatetime);
  }

  if (c.hasErrors) return err(queryParamsError(c, invalid));
  return ok({ limit, cursor, statuses, updatedSince });
}
