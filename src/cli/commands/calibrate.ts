import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseDocumentText } from '../../core/index.js';
import { efficiencyFor } from '../../model/index.js';
import { FITTED_PARAMETERS, type FitResiduals } from '../../calibration/index.js';
import { calibrationFromValue, loadCalibration, type LoadedCalibration } from '../calibration-option.js';
import { CliError } from '../errors.js';
import { pct, table } from '../format.js';
import { printJson } from '../io.js';

/** The probe, shipped with the package (dist/cli/commands → repository root). */
export const PROBE_SCRIPT = fileURLToPath(new URL('../../../calibration/probe.py', import.meta.url));

/** The probe stops starting measurements after 4 minutes; this kills a hung one. */
const PROBE_TIMEOUT_MS = 10 * 60 * 1000;

interface CalibrateOptions {
  out?: string;
  fit?: string;
  python: string;
  quick?: boolean;
  json?: boolean;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('Measure this host\'s GPU (GEMMs, attention, HBM) with a PyTorch probe and fit the performance model to it')
    .option('--out <profile>', 'run the probe on this host\'s GPU and write the calibration profile (JSON) here')
    .option('--fit <profile>', 'show the fit of an existing profile (no GPU needed)')
    .option('--python <exe>', 'Python with PyTorch and CUDA to run the probe', 'python3')
    .option('--quick', 'measure a subset of shapes (well under a minute)')
    .option('--json', 'print the fit as JSON')
    .addHelpText(
      'after',
      `
The probe (calibration/probe.py) needs only PyTorch with a CUDA GPU; it prints progress and
finishes in a few minutes. Use the profile with --calibration on estimate and validate:

  colossus calibrate --out h100.json
  colossus estimate examples/llama3-405b.yaml --calibration h100.json
  colossus calibrate --fit h100.json --json`,
    )
    .action(async (opts: CalibrateOptions) => {
      if ((opts.out === undefined) === (opts.fit === undefined)) {
        throw new CliError('give either --out <profile> (measure this GPU) or --fit <profile> (fit an existing profile)', 2);
      }
      const cal = opts.fit !== undefined ? loadCalibration(opts.fit) : await measure(opts.out as string, opts);
      if (opts.json) printJson(fitJson(cal));
      else process.stdout.write(`${renderFit(cal)}\n`);
    });
}

interface PythonCheck {
  python?: string;
  torch?: string | null;
  error?: string;
  cuda?: boolean;
  devices?: number;
  name?: string | null;
}

const CHECK_SCRIPT = `
import json, sys
out = {"python": sys.version.split()[0]}
try:
    import torch
except Exception as e:
    out["torch"] = None
    out["error"] = str(e)
else:
    out["torch"] = torch.__version__
    out["cuda"] = bool(torch.cuda.is_available())
    out["devices"] = torch.cuda.device_count() if out["cuda"] else 0
    out["name"] = torch.cuda.get_device_name(0) if out["cuda"] else None
print(json.dumps(out))
`;

/** Is there a Python with PyTorch that sees a GPU? A clear CliError if not. */
function checkPython(python: string): PythonCheck {
  const r = spawnSync(python, ['-c', CHECK_SCRIPT], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`cannot run "${python}": not found (pass --python /path/to/python3)`);
    throw new CliError(`cannot run "${python}": ${code ?? r.error.message}`);
  }
  let check: PythonCheck | undefined;
  try {
    check = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as PythonCheck;
  } catch {
    check = undefined;
  }
  if (r.status !== 0 || !check) {
    const why = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ');
    throw new CliError(`"${python}" did not run the PyTorch check (exit ${r.status ?? r.signal}): ${why || 'no output'}`);
  }
  if (!check.torch) throw new CliError(`PyTorch is not installed for "${python}" (${check.error ?? 'import torch failed'}); install it, or pass --python`);
  if (!check.cuda) {
    throw new CliError(
      `PyTorch ${check.torch} on "${python}" sees no GPU (torch.cuda.is_available() is False): run calibrate on a GPU host, or use --fit on an existing profile`,
    );
  }
  return check;
}

/** Run the probe, stream its progress, validate, fit and write the profile. */
async function measure(out: string, opts: CalibrateOptions): Promise<LoadedCalibration> {
  const check = checkPython(opts.python);
  process.stderr.write(`calibrate: ${check.name ?? 'GPU'} (${check.devices ?? 1} visible), PyTorch ${check.torch}, Python ${check.python ?? '?'}\n`);
  const args = [PROBE_SCRIPT, ...(opts.quick ? ['--quick'] : [])];
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(opts.python, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new CliError(`cannot run the probe: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new CliError(`the probe failed (${signal ? `killed by ${signal}` : `exit ${code}`}); its messages are above`));
    });
  });
  const rejected = `${out}.rejected`;
  let cal: LoadedCalibration;
  try {
    const doc = parseDocumentText(stdout, '<probe output>');
    cal = calibrationFromValue(doc.value, doc);
  } catch (err) {
    writeFileSync(rejected, stdout);
    process.stderr.write(`calibrate: the probe's output was refused; it is saved in ${rejected}\n`);
    throw err;
  }
  try {
    writeFileSync(out, `${JSON.stringify(cal.profile, null, 1)}\n`);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  process.stderr.write(`calibrate: profile written to ${out}\n`);
  return { ...cal, file: out };
}

function fitJson(cal: LoadedCalibration) {
  const defaults = efficiencyFor(cal.gpu);
  const { fit, profile } = cal;
  return {
    profile: cal.file,
    device: profile.device.name,
    date: profile.date,
    gpu: fit.gpuId,
    identifiedBy: fit.identifiedBy,
    overrides: fit.overrides,
    defaults: Object.fromEntries(FITTED_PARAMETERS.map((p) => [p, defaults[p]])),
    values: fit.values,
    residuals: fit.residuals,
    points: fit.points,
    notes: fit.notes,
  };
}

const FORMAT: Record<(typeof FITTED_PARAMETERS)[number], (x: number) => string> = {
  gemmMaxBf16: (x) => pct(x),
  gemmMaxFp8: (x) => pct(x),
  gemmShapeFactor: (x) => x.toFixed(3),
  attentionFwd: (x) => pct(x),
  attentionHalfSeq: (x) => x.toFixed(0),
  attentionBwdRatio: (x) => x.toFixed(3),
  hbm: (x) => pct(x),
};

export function renderFit(cal: LoadedCalibration): string {
  const { fit, profile } = cal;
  const defaults = efficiencyFor(cal.gpu);
  const lines: string[] = [];
  lines.push(`${cal.file}: ${profile.device.name}, dated ${profile.date} (driver ${profile.driver}, torch ${profile.torch}${profile.cuda ? `, CUDA ${profile.cuda}` : ''})`);
  lines.push(`catalog GPU: ${fit.gpuId} (${fit.gpuName}), from ${fit.identifiedBy === 'gpu' ? 'the profile\'s "gpu" field' : 'the device name'}`);
  if (profile.notes) lines.push(`notes: ${profile.notes}`);
  lines.push('');
  const rows = FITTED_PARAMETERS.map((p) => {
    const fitted = fit.overrides[p];
    const d = defaults[p];
    const change = fitted === undefined ? '' : `${fitted >= d ? '+' : ''}${pct((fitted - d) / d)}`;
    return [p, FORMAT[p](d), fitted === undefined ? '(default)' : FORMAT[p](fitted), change];
  });
  lines.push(table(['parameter', 'default', 'fitted', 'change'], rows));
  lines.push('');
  lines.push(
    table(
      ['fit residuals', 'points', 'rms error', 'max error'],
      fit.residuals.map((r: FitResiduals) => [r.table, String(r.points), pct(r.rmsRelError), pct(r.maxRelError)]),
    ),
  );
  lines.push('');
  for (const v of fit.values) lines.push(`  ${v.parameter}: ${v.from}`);
  for (const n of fit.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
