/**
 * The progress line `electra verify` draws on a terminal (stderr): events read out of the number the
 * record header announces, ballots verified, and the rate. Redrawn at most ten times a second so a
 * fast verification does not spend its time painting.
 */
import type { VerifyProgress } from '@electra/core';

export interface ProgressBar {
  update(progress: VerifyProgress): void;
  done(): void;
}

export function terminalProgressBar(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressBar {
  const started = now();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const t = now();
      if (t - last < 100) return;
      last = t;
      const width = 30;
      const total = p.totalEvents ?? 0;
      const fraction = total > 0 ? Math.min(1, p.events / total) : 0;
      const filled = Math.round(fraction * width);
      const rate = p.ballotsVerified / Math.max(0.001, (t - started) / 1000);
      const phase = p.phase === 'revotes' ? ' (revotes)' : '';
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stream.write(
        `\r${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${p.events}/${total || '?'} events  ` +
          `${p.ballotsVerified} ballots verified  ${rate.toFixed(0)}/s${phase}\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
