import {
  commitBearing,
  commitNotedTransaction,
  markCommitBearing,
  noteUncommittedAppend,
  trackWrites,
  writeOutcome,
} from './write-outcome';

const tick = () => new Promise((r) => setImmediate(r));
const definitive = (error: unknown) => error instanceof Error && error.message === 'rejected';

describe('write-outcome tracking', () => {
  it('is "none" outside a scope, where marks are no-ops', () => {
    const mark = markCommitBearing();
    expect(writeOutcome()).toBe('none');
    mark.applied();
    expect(writeOutcome()).toBe('none');
  });

  it('is "none" in a scope without writes', async () => {
    await trackWrites(async () => {
      await tick();
      expect(writeOutcome()).toBe('none');
    });
  });

  it('is "in_doubt" from the mark until it is settled, across awaits', async () => {
    await trackWrites(async () => {
      const mark = markCommitBearing();
      await tick();
      expect(writeOutcome()).toBe('in_doubt');
      mark.notApplied();
      expect(writeOutcome()).toBe('none');
    });
  });

  it('is "applied" once a write was applied, whatever happens afterwards', async () => {
    await trackWrites(async () => {
      markCommitBearing().applied();
      expect(writeOutcome()).toBe('applied');
      const second = markCommitBearing();
      expect(writeOutcome()).toBe('applied');
      second.notApplied();
      expect(writeOutcome()).toBe('applied');
    });
  });

  it('settles a mark once: a later applied() after notApplied() changes nothing', async () => {
    await trackWrites(async () => {
      const mark = markCommitBearing();
      mark.notApplied();
      mark.applied();
      mark.notApplied();
      expect(writeOutcome()).toBe('none');
    });
  });

  it('stays in doubt while any of several concurrent marks is unsettled', async () => {
    await trackWrites(async () => {
      const a = markCommitBearing();
      const b = markCommitBearing();
      a.notApplied();
      expect(writeOutcome()).toBe('in_doubt');
      b.notApplied();
      expect(writeOutcome()).toBe('none');
    });
  });

  it('keeps concurrent scopes (requests) apart', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = trackWrites(async () => {
      markCommitBearing(); // never settled: in doubt
      await gate;
      return writeOutcome();
    });
    const reader = trackWrites(async () => {
      await tick();
      return writeOutcome();
    });
    expect(await reader).toBe('none');
    release();
    expect(await writer).toBe('in_doubt');
  });

  it('passes the marks of a nested scope on to the outer one', async () => {
    await trackWrites(async () => {
      const inner = await trackWrites(async () => {
        markCommitBearing().applied();
        return writeOutcome();
      });
      expect(inner).toBe('applied');
      expect(writeOutcome()).toBe('applied');
    });
  });

  describe('commitBearing', () => {
    it('marks applied when the write resolves', async () => {
      await trackWrites(async () => {
        let during: string | undefined;
        await commitBearing(
          async () => {
            during = writeOutcome();
          },
          { definitive },
        );
        expect(during).toBe('in_doubt');
        expect(writeOutcome()).toBe('applied');
      });
    });

    it('marks not applied when the result says nothing was applied', async () => {
      await trackWrites(async () => {
        await commitBearing(async () => 0, { definitive, appliedBy: (n) => n > 0 });
        expect(writeOutcome()).toBe('none');
      });
    });

    it('marks not applied on a definitive failure, and leaves any other failure in doubt', async () => {
      await trackWrites(async () => {
        await expect(commitBearing(() => Promise.reject(new Error('rejected')), { definitive })).rejects.toThrow('rejected');
        expect(writeOutcome()).toBe('none');
        await expect(commitBearing(() => Promise.reject(new Error('Connection terminated unexpectedly')), { definitive })).rejects.toThrow();
        expect(writeOutcome()).toBe('in_doubt');
      });
    });
  });

  describe('commitNotedTransaction', () => {
    it('commits untracked when no append was noted on the connection (reads, read-model-only transactions)', async () => {
      const connection = {};
      await trackWrites(async () => {
        const tracked: boolean[] = [];
        await expect(
          commitNotedTransaction(
            connection,
            async (t) => {
              tracked.push(t);
              throw new Error('Connection terminated unexpectedly');
            },
            definitive,
          ),
        ).rejects.toThrow();
        expect(tracked).toEqual([false]);
        expect(writeOutcome()).toBe('none');
      });
    });

    it('tracks the COMMIT of a transaction that holds noted appends, once', async () => {
      const connection = {};
      await trackWrites(async () => {
        noteUncommittedAppend(connection);
        expect(writeOutcome()).toBe('none'); // not sent yet: a failure before COMMIT applies nothing
        await expect(
          commitNotedTransaction(connection, () => Promise.reject(new Error('Connection terminated unexpectedly')), definitive),
        ).rejects.toThrow();
        expect(writeOutcome()).toBe('in_doubt');
      });
      await trackWrites(async () => {
        noteUncommittedAppend(connection);
        await expect(commitNotedTransaction(connection, () => Promise.reject(new Error('rejected')), definitive)).rejects.toThrow();
        expect(writeOutcome()).toBe('none');
        // The note was consumed: the next transaction on the connection is untracked.
        const tracked: boolean[] = [];
        await commitNotedTransaction(connection, async (t) => void tracked.push(t), definitive);
        expect(tracked).toEqual([false]);
      });
      await trackWrites(async () => {
        noteUncommittedAppend(connection);
        await commitNotedTransaction(connection, async () => {}, definitive);
        expect(writeOutcome()).toBe('applied');
      });
    });

    it('marks the scope that appended even when the commit runs elsewhere', async () => {
      const connection = {};
      let outcome: string | undefined;
      await trackWrites(async () => {
        noteUncommittedAppend(connection);
        await trackWrites(() => commitNotedTransaction(connection, async () => {}, definitive));
        outcome = writeOutcome();
      });
      expect(outcome).toBe('applied');
    });
  });
});
