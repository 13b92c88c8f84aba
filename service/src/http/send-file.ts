/** Sends a file route's answer: the bytes as an attachment, with its SHA-256 as the ETag when it has one. */
import type { Response } from 'express';
import type { DownloadFile } from './route.ts';

/** The RFC 6266 pair: a plain ASCII name for old clients, the UTF-8 name for the rest. */
function disposition(fileName: string): string {
  const ascii =
    fileName
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '_') || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function sendFile(res: Response, contentType: 'application/pdf' | 'text/csv', file: DownloadFile): void {
  res.status(200);
  res.setHeader('Content-Type', contentType === 'text/csv' ? 'text/csv; charset=utf-8' : contentType);
  res.setHeader('Content-Disposition', disposition(file.fileName));
  if (file.sha256) res.setHeader('ETag', `"${file.sha256}"`);
  res.end(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
}
