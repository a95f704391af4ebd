/** A cursor-paged list of the admin API (pagination.md), newest first, loaded a page at a time. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { getPage } from './api';

/**
 * The pages of `path` read so far, under `queryKey`, and their records in order (`rows`). The
 * filters go with every page: the cursor encodes only a position (pagination.md §1).
 */
export function usePages<T>(queryKey: readonly unknown[], path: string, filters: Record<string, string> = {}) {
  const pages = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => getPage<T>(path, pageParam, 50, filters),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.pagination.next_cursor,
  });
  return { ...pages, rows: pages.data?.pages.flatMap((p) => p.data) ?? [] };
}
