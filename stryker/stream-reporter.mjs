// A StrykerJS reporter that appends each mutant's result to reports/mutation/<module>.stream.jsonl as
// soon as it is tested, so the survivors of a long run can be read (and tests written for them) while
// it is still going. The json/html reporters write only at the end.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

const part = process.env['STRYKER_PART'];
const file = `reports/mutation/${part === undefined ? (process.env['STRYKER_MODULE'] ?? 'all') : `model-${part}`}.stream.jsonl`;

class StreamReporter {
  onDryRunCompleted() {
    mkdirSync('reports/mutation', { recursive: true });
    writeFileSync(file, '');
  }
  onMutantTested(r) {
    const { id, fileName, mutatorName, replacement, location, status, statusReason, killedBy } = r;
    appendFileSync(file, JSON.stringify({ id, fileName, line: location.start.line, column: location.start.column, mutatorName, replacement, status, statusReason: status === 'Survived' ? undefined : statusReason?.slice(0, 200), killedBy }) + '\n');
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'stream', StreamReporter)];
