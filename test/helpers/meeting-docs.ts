// A realistic meeting summary ("4th COLEP meeting, Sofia"), written as DOCX (docx) and PDF (pdfkit)
// by the tests themselves: no binary fixtures in the repository. Its points are listed once here, so
// the tests can assert what comes back against what went in.
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import PDFDocument from 'pdfkit';

/** The text of a live entry (colep3-ch-encrypted-data-volume), copied as a point: ingest must note it. */
export const COPIED_POINT = 'Law enforcement agencies find it hard to analyse the high volume of encrypted data that online exchanges produce.';

export const SUMMARY = {
  publisher: 'Budapest Process',
  title: '4th Meeting of the Community of Law Enforcement Practitioners (COLEP)',
  intro: [
    'The fourth meeting of the Community of Law Enforcement Practitioners (COLEP) was held in Sofia, Bulgaria, on 4 October 2023. ' +
      'It brought together 22 law enforcement officials and experts from nine countries.',
    'The meeting was opened by the co-chairs of COLEP, Bulgaria and Iraq, with the support of the Budapest Process Secretariat.',
  ],
  sections: [
    {
      heading: 'Challenges',
      kind: 'challenge',
      points: [
        'Smugglers keep moving their adverts between platforms faster than takedown requests can follow;',
        COPIED_POINT,
        'Regional police offices lack specialised cyber units and officers trained in covert online investigations;',
      ],
    },
    {
      heading: 'Good Practices',
      kind: 'good-practice',
      points: [
        'A joint cyber patrol of border police and the central investigation agency watches smuggling adverts around the clock;',
        'Bulgaria trained 120 frontline officers to seize and copy mobile phone data in a way courts accept.',
      ],
    },
    {
      heading: 'Opportunities',
      kind: 'opportunity',
      points: ['Build a shared list of platform contact points so that requests reach the right desk the first time.'],
    },
    {
      heading: 'Next Steps',
      kind: 'next-step',
      points: ['The co-chairs will organise the 5th COLEP meeting online in spring 2024 and circulate a draft agenda.'],
    },
    {
      heading: 'Exchange with partners',
      kind: 'unclassified',
      points: ['Several partners wondered whether chat-based tools could help smaller agencies keep up with their caseload.'],
    },
  ],
} as const;

export const POINT_COUNT = SUMMARY.intro.length + SUMMARY.sections.reduce((n, s) => n + s.points.length, 0);

export async function summaryDocx(): Promise<Buffer> {
  const children: Paragraph[] = [
    new Paragraph({ children: [new TextRun({ text: SUMMARY.publisher, size: 20 })] }),
    new Paragraph({ text: SUMMARY.title, heading: HeadingLevel.TITLE }),
    ...SUMMARY.intro.map((t) => new Paragraph({ text: t })),
  ];
  for (const s of SUMMARY.sections) {
    children.push(new Paragraph({ text: s.heading, heading: HeadingLevel.HEADING_1 }));
    for (const p of s.points) children.push(new Paragraph({ text: p, bullet: { level: 0 } }));
  }
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

function pdfBuffer(build: (doc: PDFKit.PDFDocument) => void, options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, ...options });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  build(doc);
  doc.end();
  return done;
}

/** How the section headings are set. 'size': those that name a kind bigger and bold, the one that
 *  names none ("Exchange with partners") only bigger; 'bold': all only bold, at the body size. */
export type PdfHeadingStyle = 'size' | 'bold';

function writeSummary(doc: PDFKit.PDFDocument, copy = 0, style: PdfHeadingStyle = 'size'): void {
  doc.font('Helvetica').fontSize(10).text(SUMMARY.publisher);
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(18).text(copy ? `${SUMMARY.title}, part ${copy}` : SUMMARY.title);
  doc.moveDown(0.5);
  for (const t of SUMMARY.intro) {
    doc.font('Helvetica').fontSize(11).text(t, { align: 'left' });
    doc.moveDown(0.6);
  }
  for (const s of SUMMARY.sections) {
    doc.moveDown(0.4);
    if (style === 'bold') doc.font('Helvetica-Bold').fontSize(11);
    else doc.font(s.kind === 'unclassified' ? 'Helvetica' : 'Helvetica-Bold').fontSize(14);
    doc.text(s.heading);
    doc.moveDown(0.3);
    for (const p of s.points) {
      doc.font('Helvetica').fontSize(11).text(`•  ${p}`, { indent: 0 });
      doc.moveDown(0.3);
    }
  }
}

/** The summary as a PDF without tags: headings are only bigger or bold, bullets are "•" glyphs. */
export function summaryPdf(style: PdfHeadingStyle = 'size'): Promise<Buffer> {
  return pdfBuffer((doc) => writeSummary(doc, 0, style));
}

/** A long report of about `pages` pages (the summary repeated, with numbered parts), for the bench. */
export function longPdf(pages: number): Promise<Buffer> {
  return pdfBuffer((doc) => {
    for (let n = 1; n <= pages; n++) {
      if (n > 1) doc.addPage();
      writeSummary(doc, n);
      doc.moveDown(0.6);
      doc.font('Helvetica').fontSize(11).text(
        `Part ${n} closed with a round of country updates on cases involving online advertisements, encrypted messaging and cooperation with platforms. ` +
          'Participants shared figures on investigations opened and described what helped them obtain electronic evidence from abroad in time.',
      );
    }
  });
}

/** A PDF with a drawing and no text at all (what a scanner produces). */
export function imageOnlyPdf(): Promise<Buffer> {
  return pdfBuffer((doc) => {
    doc.rect(80, 80, 300, 400).fill('#444444');
    doc.circle(230, 600, 60).fill('#888888');
  });
}

/** The summary, password protected. */
export function encryptedPdf(): Promise<Buffer> {
  return pdfBuffer((doc) => writeSummary(doc), { userPassword: 'secret', ownerPassword: 'owner-secret', pdfVersion: '1.7' });
}
