// Holds the machine's measurement lock (flock(1) on a file) around the timing-sensitive part of a bench only.
import { spawn } from 'node:child_process';

/**
 * Waits for an exclusive flock on `file` (held by a `flock` child until release()), so a bench can
 * load its data while another measurement runs and hold the lock only while it measures.
 */
export async function acquireMeasureLock(file: string, onWait: () => void): Promise<{ release: () => void }> {
  const holder = spawn('flock', [file, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = setTimeout(onWait, 1000);
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('error', (err) => reject(new Error(`measure lock: cannot run flock (${err.message})`)));
      holder.once('exit', (code) => reject(new Error(`measure lock: flock ${file} exited with code ${code} before locking`)));
    });
  } finally {
    clearTimeout(waiting);
  }
  return { release: () => holder.stdin.end() };
}
