/**
 * What a write stored, in the shape every read model's writeAndProject expects: the write's own
 * result, and the stream revisions it appended with the record's document after them (null: it
 * appended nothing).
 */
export interface Written<T, Doc> {
  result: T;
  appended: { fromRevision: bigint; toRevision: bigint; doc: Doc } | null;
}
