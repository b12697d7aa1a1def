import { Column, Entity, PrimaryColumn } from 'typeorm';
import { createDataSource } from './data-source';

@Entity('serialisation_row')
class Row {
  @PrimaryColumn('varchar', { length: 20 })
  id!: string;

  @Column('varchar', { length: 20 })
  writer!: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withStore(run: (dataSource: ReturnType<typeof createDataSource>) => Promise<void>) {
  const dataSource = createDataSource(
    { sqlitePath: ':memory:', poolSize: 1 },
    { entities: [Row], migrations: [], synchronize: true },
  );
  await dataSource.initialize();
  try {
    await run(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe('SQLite serialisation', () => {
  it("never lets one transaction's rollback undo another's commit or a plain write", () =>
    withStore(async (dataSource) => {
      const failing = dataSource.transaction(async (manager) => {
        await manager.insert(Row, { id: 'doomed', writer: 'failing' });
        // A network call in a transaction: the others must wait, not nest inside it.
        await pause(50);
        throw new Error('send failed');
      });
      const committed = dataSource.transaction(async (manager) => {
        await manager.insert(Row, { id: 'kept-tx', writer: 'committed' });
      });
      const plain = dataSource.manager.insert(Row, { id: 'kept-plain', writer: 'plain' });
      await expect(failing).rejects.toThrow('send failed');
      await committed;
      await plain;
      const ids = (await dataSource.manager.find(Row)).map((row) => row.id).sort();
      expect(ids).toEqual(['kept-plain', 'kept-tx']);
    }));

  it('runs nested transactions and queries inside the holding transaction at once', () =>
    withStore(async (dataSource) => {
      await dataSource.transaction(async (manager) => {
        await manager.insert(Row, { id: 'outer', writer: 'outer' });
        // The global manager inside the holder's flow must not wait for itself.
        expect(await dataSource.manager.countBy(Row, {})).toBe(1);
        await manager.transaction((inner) => inner.insert(Row, { id: 'inner', writer: 'inner' }));
      });
      expect(await dataSource.manager.countBy(Row, {})).toBe(2);
    }));
});
