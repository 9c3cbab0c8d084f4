import fs from 'node:fs/promises';
import path from 'node:path';

/*
 * PGlite is one process's database: two processes opening the same DATA_DIR would both
 * write its files and corrupt them. So whoever opens it (the server, or a `npm run host`
 * command while no server runs) holds this lock file, and the file says how to reach the
 * holder: the folder of its database socket (created private to this OS user), through
 * which a command on the laptop can work on the running server's database.
 */

const LOCK_FILE = 'barback.lock';

export interface DataDirOwner {
  pid: number;
  /** The folder holding the embedded database's Unix socket. */
  socket_dir: string;
  /** Where the server answers on this machine, once it listens. */
  url?: string;
}

export class DataDirBusyError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<DataDirOwner | undefined> {
  try {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as DataDirOwner;
    return Number.isInteger(owner.pid) && typeof owner.socket_dir === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** The live process holding DATA_DIR, if any (a lock left by a crashed process does not count). */
export async function dataDirOwner(dataDir: string): Promise<DataDirOwner | undefined> {
  const owner = await readOwner(path.join(dataDir, LOCK_FILE));
  return owner && isAlive(owner.pid) ? owner : undefined;
}

export class DataDirLock {
  private constructor(
    private readonly file: string,
    private owner: DataDirOwner,
  ) {}

  /** Takes DATA_DIR for this process, or throws one sentence naming the process that has it. */
  static async acquire(dataDir: string, owner: DataDirOwner): Promise<DataDirLock> {
    const file = path.join(dataDir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
        return new DataDirLock(file, owner);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readOwner(file);
      if (holder && isAlive(holder.pid)) {
        throw new DataDirBusyError(
          `${dataDir} is in use by another barback process (pid ${holder.pid}); its embedded database allows one process at a time, so stop that one first or give this one its own DATA_DIR.`,
        );
      }
      // Left behind by a process that died (kill -9, a power cut): take it over.
      await fs.rm(file, { force: true });
    }
    throw new DataDirBusyError(`${dataDir} is being opened by another barback process at this very moment; try again.`);
  }

  /** Adds what the holder learned later (the URL it listens on). */
  async update(fields: Partial<Omit<DataDirOwner, 'pid'>>): Promise<void> {
    this.owner = { ...this.owner, ...fields };
    const temporary = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(this.owner), { mode: 0o600 });
    await fs.rename(temporary, this.file);
  }

  async release(): Promise<void> {
    if ((await readOwner(this.file))?.pid === this.owner.pid) await fs.rm(this.file, { force: true });
  }
}
