/**
 * Benchmark: rendering documents with pdfmake.
 * Targets: one invoice of 200 lines in at most 100 ms (also reported: the same with
 * Chinese, Japanese and Korean names, which print in Noto Sans CJK); 2,000 lines in at most 600 ms and
 * 350 MB; 20,000 lines in at most 12 times the 2,000-line time; every document of a
 * 100,000-visit cycle (50 invoices of 2,000 lines, 500 pay statements of 200 lines) in at
 * most 40 s, using both cores.
 *
 *   npm run bench:documents                 (node bench/documents.bench.ts)
 *
 * Each single-invoice size runs in a fresh process: one small warm-up render (pdfmake loads
 * and parses the Roboto fonts once per process), then the invoice is timed from the call
 * to the last byte: once cold (the process's first of that size), then, after two 2,000-line
 * invoices have warmed the JIT as a service's earlier documents would, several times (median
 * and best), each next to the same rows as a bare pdfmake table of plain strings: what
 * pdfmake itself costs for these lines, and a busy machine shows as a slow baseline. Peak memory is that process's maximum resident set (all of its renders). The cycle runs on
 * the render pool (one worker thread per core) and is timed from the first request to the
 * last PDF; its peak memory covers the main thread and the workers. Every timing comes with
 * the CPU time it took (the whole process, all threads), which a busy machine inflates far
 * less than the wall time.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { DISCIPLINES, subtotalsOf, sumCents, type InvoiceLine, type PayStatement } from '../shared/index.ts';
import type { PrintableInvoice, PrintableLine } from '../service/src/documents/invoice-pdf.ts';
import { openRenderPool } from '../service/src/documents/render-pool.ts';
import { renderPdf, type DocDefinition } from '../service/src/documents/pdf-printer.ts';
import { renderDocument } from '../service/src/documents/render.ts';
import type { RenderRequest } from '../service/src/documents/renderer-port.ts';
import { defaultOrgSettings } from '../service/src/usecases/orgs.ts';

const org = {
  ...defaultOrgSettings('Bright Path Therapy Staffing LLC'),
  address: { line1: '400 Main St', line2: 'Suite 210', city: 'Columbus', state: 'OH', zip: '43215' },
  phone: '(614) 555-0100',
  email: 'billing@brightpath.example',
};
const PATIENTS = ['Doe, Jane', 'Иванова, Мария', 'García López, José', 'Nguyễn, Bao', 'Okafor, Grace', 'Kowalski, Jan'];
const THERAPISTS = ['Tom Becker, PT, DPT', 'Nguyễn Thị Minh Khai', 'Ζωή Παπαδοπούλου', 'Alexandra Montgomery-Fitzgerald'];
/** Every patient and therapist named in Chinese, Japanese or Korean (set in Noto Sans CJK), with one Latin name among them: `--one LINES RUNS cjk`. */
const CJK_PATIENTS = ['刘晓东', '陳美玲', '佐藤さくら', '김민준', 'Wang, 王小明 (Xiaoming)', 'Doe, Jane'];
const CJK_THERAPISTS = ['黃國強', 'タナカ・ケンジ', '이서연', '山田花子'];
let names = { patients: PATIENTS, therapists: THERAPISTS };

function invoiceRequest(lines: number, seed = 0): RenderRequest {
  const printable = Array.from({ length: lines }, (_, i): PrintableLine => {
    const rate = 8500 + ((i + seed) % 4) * 1000;
    return {
      visitId: `v${seed}-${i}`,
      date: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`,
      therapistId: `t${i % 40}`,
      therapistName: names.therapists[i % 4]!,
      discipline: DISCIPLINES[i % 5]!,
      visitType: 'ROUTINE',
      visitTypeLabel: i % 9 === 0 ? 'Evaluation' : 'Routine visit',
      rateCents: rate,
      amountCents: rate,
      late: i % 50 === 7,
      patient: names.patients[(i + seed) % names.patients.length]!,
    };
  });
  const plain: InvoiceLine[] = printable.map(({ patient: _p, ...l }) => l);
  const invoice: PrintableInvoice = {
    id: `inv-${seed}`,
    number: `INV-${String(seed + 1).padStart(4, '0')}`,
    sequence: seed + 1,
    agencyId: `a${seed}`,
    agencyName: `Agency ${seed} Home Health`,
    patientIdentifier: 'name',
    period: { start: '2026-03-01', end: '2026-03-31' },
    issueDate: '2026-04-01',
    termsDays: 30,
    dueDate: '2026-05-01',
    lines: printable,
    subtotals: subtotalsOf(plain),
    totalCents: sumCents(plain.map((l) => l.amountCents)),
    status: 'issued',
  };
  return { kind: 'invoice', input: { org, agency: undefined, invoice } };
}

function payStatementRequest(lines: number, seed: number): RenderRequest {
  const statement: PayStatement = {
    therapistId: `t${seed}`,
    therapistName: `${THERAPISTS[seed % 4]} ${seed}`,
    period: { start: '2026-03-01', end: '2026-03-31' },
    w9Status: seed % 10 === 0 ? 'missing' : 'on-file',
    lines: Array.from({ length: lines }, (_, i) => ({
      visitId: `v${seed}-${i}`,
      date: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`,
      agencyId: `a${i % 50}`,
      agencyName: `Agency ${i % 50} Home Health`,
      discipline: DISCIPLINES[seed % 5]!,
      visitType: 'ROUTINE',
      visitTypeLabel: 'Routine visit',
      rateCents: 5500,
      amountCents: 5500,
      late: false,
    })),
    totalCents: 5500 * lines,
    withheldCents: 0,
    netCents: 5500 * lines,
    held: seed % 10 === 0,
  };
  return { kind: 'pay-statement', input: { org, payRunId: 'payroll:2026-03-01', statement, payments: [] } };
}

const mb = (kb: number) => Math.round(kb / 1024);

/** The invoice's rows as a bare pdfmake table of plain strings: how fast pdfmake itself lays out these lines on this machine right now. */
function bareTable(request: RenderRequest): DocDefinition {
  if (request.kind !== 'invoice') throw new Error('bareTable: an invoice request only');
  const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
  const rows = request.input.invoice.lines.map((l) => [
    l.date,
    l.patient,
    l.therapistName,
    l.visitTypeLabel,
    money(l.rateCents),
    money(l.amountCents),
  ]);
  return {
    info: { title: 'baseline', author: 'bench', subject: 'baseline', creationDate: new Date(0) },
    content: [
      {
        table: {
          headerRows: 1,
          widths: [50, '*', '*', 100, 48, 56],
          body: [['Date', 'Patient', 'Therapist', 'Visit type', 'Rate', 'Amount'], ...rows],
        },
      },
    ],
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** CPU time of the whole process (every thread: the workers, the garbage collector) since `from`: less noisy than wall time on a shared machine. */
const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

async function one(lines: number, runs: number, cjk: boolean): Promise<void> {
  await renderDocument(invoiceRequest(5, 99)); // fonts loaded once per process (the CJK ones with the first CJK name: in the cold render)
  if (cjk) names = { patients: CJK_PATIENTS, therapists: CJK_THERAPISTS };
  let start = performance.now();
  await renderDocument(invoiceRequest(lines));
  const coldMs = performance.now() - start;
  // A service renders many documents per process: warm the JIT as a few invoices would.
  for (let i = 0; i < 2; i++) await renderDocument(invoiceRequest(2000, 50 + i));
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const baseline: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    start = performance.now();
    const cpu = process.cpuUsage();
    bytes = (await renderDocument(invoiceRequest(lines))).byteLength;
    ms.push(performance.now() - start);
    cpuMs.push(cpuMsSince(cpu));
    start = performance.now();
    await renderPdf(bareTable(invoiceRequest(lines)));
    baseline.push(performance.now() - start);
  }
  process.stdout.write(
    JSON.stringify({
      lines,
      runs,
      coldMs: Math.round(coldMs),
      bestMs: Math.round(Math.min(...ms)),
      medianMs: Math.round(median(ms)),
      medianCpuMs: Math.round(median(cpuMs)),
      bestCpuMs: Math.round(Math.min(...cpuMs)),
      baselineMs: Math.round(median(baseline)),
      bytes,
      peakMb: mb(resourceUsage().maxRSS),
    }),
  );
}

/** Peak memory of a process that renders one invoice and nothing else (the timed runs above render many). */
async function memory(lines: number): Promise<void> {
  const bytes = await renderDocument(invoiceRequest(lines));
  process.stdout.write(JSON.stringify({ lines, bytes: bytes.byteLength, peakMb: mb(resourceUsage().maxRSS) }));
}

async function cycle(): Promise<void> {
  const workers = availableParallelism();
  const pool = openRenderPool(workers);
  await Promise.all(Array.from({ length: workers }, () => pool.render(invoiceRequest(5, 99)))); // warm every worker
  const start = performance.now();
  const cpu = process.cpuUsage();
  const requests = [
    ...Array.from({ length: 50 }, (_, i) => invoiceRequest(2000, i)),
    ...Array.from({ length: 500 }, (_, i) => payStatementRequest(200, i)),
  ];
  const outputs = await Promise.all(requests.map((r) => pool.render(r)));
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpuMsSince(cpu) / 1000;
  await pool.close();
  process.stdout.write(
    JSON.stringify({
      documents: outputs.length,
      lines: 50 * 2000 + 500 * 200,
      workers,
      seconds: Math.round(seconds * 10) / 10,
      cpuSeconds: Math.round(cpuSeconds * 10) / 10,
      megabytes: Math.round(sumCents(outputs.map((o) => o.byteLength)) / 1e6),
      peakMb: mb(resourceUsage().maxRSS),
    }),
  );
}

const self = fileURLToPath(import.meta.url);
const mode = process.argv[2];
if (mode === '--one') {
  await one(Number(process.argv[3]), Number(process.argv[4] ?? 1), process.argv[5] === 'cjk');
} else if (mode === '--memory') {
  await memory(Number(process.argv[3]));
} else if (mode === '--cycle') {
  await cycle();
} else {
  const runIn = (...args: string[]) =>
    JSON.parse(execFileSync(process.execPath, [self, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  const results = [
    [200, 7],
    [2000, 3],
    [20000, 1],
  ].map(([lines, runs]) => runIn('--one', String(lines), String(runs)));
  for (const r of results) {
    console.log(
      `invoice of ${r.lines} lines: ${r.medianMs} ms warm (median of ${r.runs}, best ${r.bestMs}; CPU ${r.medianCpuMs} ms, best ${r.bestCpuMs}), ${r.coldMs} ms as a fresh process's first (the same rows as a bare pdfmake table: ${r.baselineMs} ms), ${Math.round(r.bytes / 1024)} KB, peak RSS ${r.peakMb} MB`,
    );
  }
  const cjk = runIn('--one', '200', '7', 'cjk');
  console.log(
    `invoice of 200 lines naming everyone in Chinese, Japanese or Korean: ${cjk.medianMs} ms warm (median of ${cjk.runs}, best ${cjk.bestMs}; CPU ${cjk.medianCpuMs} ms), ${cjk.coldMs} ms as a fresh process's first CJK document (decoding the CJK fonts), ${Math.round(cjk.bytes / 1024)} KB`,
  );
  const alone = runIn('--memory', '2000');
  console.log(`a process that renders one invoice of 2,000 lines and nothing else: peak RSS ${alone.peakMb} MB`);
  console.log(`20,000 lines took ${(results[2].medianMs / results[1].medianMs).toFixed(1)} times the 2,000-line time (target: at most 12)`);
  console.log(
    `load average while measured: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  const c = runIn('--cycle');
  console.log(
    `a 100,000-visit cycle (${c.documents} documents, ${c.lines} lines) on ${c.workers} worker threads: ${c.seconds} s (CPU ${c.cpuSeconds} s), ${c.megabytes} MB of PDF, peak RSS ${c.peakMb} MB`,
  );
}
