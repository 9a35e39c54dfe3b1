/**
 * The spec sections the conformance cases cite, for the reports: each section's title, the page of
 * the public PDF it starts on, and a one- or two-sentence summary (our own words) of what it
 * requires, so a report explains a failure even offline.
 *
 * Cases write their `spec` as free text: "§6.3", "SL §2.5.1.1, §2.5.2.1", "MB TCP guide §3.1.3
 * (protocol identifier 0 = Modbus)", "SL §2.1; MB Application Protocol §4.1". parseSpecReferences
 * finds every section in such a text and which document it belongs to.
 */

/** The three documents the cases cite. */
export type SpecDocumentId = 'application' | 'serial' | 'tcp'

/** A document: its title as the reports show it and the address of its PDF. */
export interface SpecDocument {
  title: string
  /** A short name for links: "Application Protocol". */
  short: string
  url: string
}

/** The documents, by id. */
export const SPEC_DOCUMENTS: Record<SpecDocumentId, SpecDocument> = {
  application: {
    title: 'MODBUS Application Protocol Specification V1.1b3',
    short: 'Application Protocol',
    url: 'https://modbus.org/docs/Modbus_Application_Protocol_V1_1b3.pdf',
  },
  serial: {
    title: 'MODBUS over Serial Line Specification and Implementation Guide V1.02',
    short: 'Serial Line guide',
    url: 'https://modbus.org/docs/Modbus_over_serial_line_V1_02.pdf',
  },
  tcp: {
    title: 'MODBUS Messaging on TCP/IP Implementation Guide V1.0b',
    short: 'TCP/IP guide',
    url: 'https://modbus.org/docs/Modbus_Messaging_Implementation_Guide_V1_0b.pdf',
  },
}

/** One section of one document. */
export interface SpecSection {
  document: SpecDocumentId
  /** The section number without "§": "6.8.1". */
  section: string
  title: string
  /** The PDF page the section starts on (physical page, 1-based; it matches the printed page in these three documents). */
  page: number
  /** What the section requires, in one or two sentences. */
  summary: string
  /** Where the text really is, when the cited section is not where it is specified (the link goes there). */
  textIn?: { document: SpecDocumentId; section: string; page: number }
}

const app = (section: string, page: number, title: string, summary: string): SpecSection => ({ document: 'application', section, title, page, summary })
const sl = (section: string, page: number, title: string, summary: string): SpecSection => ({ document: 'serial', section, title, page, summary })
const tcp = (section: string, page: number, title: string, summary: string): SpecSection => ({ document: 'tcp', section, title, page, summary })

// Pages come from each document's table of contents (checked against the PDFs' page footers).
/** Every section a case cites, in document order. */
export const SPEC_SECTIONS: readonly SpecSection[] = [
  app('4.1', 3, 'Protocol description',
    'A PDU is a function code (1–127) and its data, the same on every link, and is at most 253 bytes. An exception reply carries the request’s function code plus 0x80 and one exception code.'),
  app('4.4', 7, 'MODBUS Addressing model',
    'In a PDU each table is addressed from 0 to 65535 (item number N of the data model is address N−1), so a request’s start address plus its quantity cannot go past 0x10000.'),
  app('5', 10, 'Function Code Categories',
    'Function codes are public (defined by modbus.org), user-defined (65–72 and 100–110) or reserved; 128–255 only appear in exception replies.'),
  app('5.1', 11, 'Public Function Code Definition',
    'The table of the public function codes and sub-codes, by what they access: bits, 16-bit registers, file records, diagnostics and encapsulated transport.'),
  app('6.1', 11, '01 (0x01) Read Coils',
    'The request gives a start address and a quantity of 1–2000; the reply gives a byte count and the coils packed eight to a byte, first coil in the lowest bit, unused high bits zero. A bad quantity draws exception 03, an address range outside the device 02.'),
  app('6.2', 12, '02 (0x02) Read Discrete Inputs',
    'Like Read Coils, for the read-only inputs: quantity 1–2000, the reply packs the inputs eight to a byte from the lowest bit, with exception 03 for a bad quantity and 02 for a bad address range.'),
  app('6.3', 15, '03 (0x03) Read Holding Registers',
    'The request gives a start address and a quantity of 1–125; the reply gives a byte count of twice the quantity and the registers, high byte first. Exception 03 for a bad quantity, 02 for an address range the device does not have.'),
  app('6.4', 16, '04 (0x04) Read Input Registers',
    'Like Read Holding Registers, for the read-only input registers: quantity 1–125, and the reply is a byte count of twice the quantity followed by the values.'),
  app('6.5', 17, '05 (0x05) Write Single Coil',
    'The request gives an address and 0xFF00 (on) or 0x0000 (off); any other value is exception 03. A normal reply is the request echoed.'),
  app('6.6', 19, '06 (0x06) Write Single Register',
    'The request gives an address and a 16-bit value; a normal reply is the request echoed.'),
  app('6.7', 20, '07 (0x07) Read Exception Status (Serial Line only)',
    'A request without data; the reply is one byte of eight device-defined exception status bits.'),
  app('6.8', 21, '08 (0x08) Diagnostics (Serial Line only)',
    'The request carries a 2-byte sub-function and its data; a normal reply repeats the sub-function and gives its data (an echo for most). It tests the link and reads the serial-line counters.'),
  app('6.8.1', 22, 'Sub-function codes supported by the serial line devices',
    'Each diagnostics sub-function: 00 echoes the query data, 01 restarts the port (no reply while in listen-only mode), 04 enters listen-only mode (never answered), 0A clears the counters and 0B–12 read them.'),
  app('6.9', 25, '11 (0x0B) Get Comm Event Counter (Serial Line only)',
    'The reply gives a status word (0xFFFF while an earlier command is still being processed) and an event count that grows with each normally completed message, not with exception replies or with this request.'),
  app('6.10', 26, '12 (0x0C) Get Comm Event Log (Serial Line only)',
    'The reply gives a byte count, the status word, the event and message counts, and up to 64 event bytes, the most recent first.'),
  app('6.11', 29, '15 (0x0F) Write Multiple Coils',
    'The request gives a start address, a quantity of 1–1968, a byte count equal to the quantity divided by 8 rounded up, and the packed values; a normal reply gives back the address and quantity.'),
  app('6.12', 30, '16 (0x10) Write Multiple registers',
    'The request gives a start address, a quantity of 1–123, a byte count of twice the quantity, and the values; a normal reply gives back the address and quantity.'),
  app('6.13', 31, '17 (0x11) Report Server ID (Serial Line only)',
    'The reply gives a byte count, device-specific server id data, and a run indicator status byte (0x00 off, 0xFF on).'),
  app('6.14', 32, '20 (0x14) Read File Record',
    'The request lists sub-requests (reference type 6, file number, record number 0–9999, record length) within a byte count of 7–245; the reply returns each record group with its own length and reference type.'),
  app('6.15', 34, '21 (0x15) Write File Record',
    'The request lists sub-requests (reference type 6, file, record number, length and the data); a normal reply is the request echoed.'),
  app('6.16', 36, '22 (0x16) Mask Write Register',
    'The register becomes (current AND and_mask) OR (or_mask AND NOT and_mask); a normal reply is the request echoed.'),
  app('6.17', 38, '23 (0x17) Read/Write Multiple registers',
    'One request writes 1–121 registers and reads 1–125, the write done before the read; the reply gives a byte count and the registers read.'),
  app('6.18', 40, '24 (0x18) Read FIFO Queue',
    'The request gives the FIFO pointer address; the reply gives the byte count, the FIFO count (more than 31 is exception 03) and the queued registers.'),
  app('6.19', 41, '43 (0x2B) Encapsulated Interface Transport',
    'Function 43 tunnels other requests, told apart by a MEI type byte: 13 for CANopen general reference, 14 for Read Device Identification.'),
  app('6.20', 42, '43 / 13 (0x2B / 0x0D) CANopen General Reference Request and Response PDU',
    'MEI type 13 carries CANopen general reference requests and replies; their content is defined by CiA, not by this specification.'),
  app('6.21', 43, '43 / 14 (0x2B / 0x0E) Read Device Identification',
    'Read device id code 1–4 asks for the basic, regular or extended objects or one object; the reply gives the conformity level, a more-follows flag, the next object id and the objects. Objects 0–2 are mandatory; an unknown object id restarts at 0 for codes 1–3 and is exception 02 for code 4.'),
  app('7', 47, 'MODBUS Exception Responses',
    'An exception reply is the function code plus 0x80 and one code: 01 illegal function, 02 illegal data address, 03 illegal data value, 04 server device failure; 05, 06 and 08 concern long or busy operations and file records, 0A and 0B gateways that cannot reach a target.'),

  sl('2.1', 7, 'MODBUS Master / Slaves protocol principle',
    'One master and up to 247 slaves, one request at a time: a unicast request draws one reply from the addressed slave, a broadcast (address 0) draws none and must be a write that every slave accepts.'),
  sl('2.2', 8, 'MODBUS Addressing rules',
    'Address 0 is broadcast, 1–247 are individual slaves, 248–255 are reserved; each slave address must be unique on the line and every slave must recognise broadcast.'),
  sl('2.5.1', 12, 'RTU Transmission Mode',
    'Each byte goes as 11 bits (start, 8 data bits, even parity by default or a second stop bit, stop); a frame is address, function, data and a CRC, 256 bytes at most.'),
  sl('2.5.1.1', 13, 'MODBUS Message RTU Framing',
    'Frames are separated by at least 3.5 character times of silence and sent as one continuous stream; a gap of more than 1.5 character times inside a frame makes it incomplete and the receiver should discard it.'),
  sl('2.5.1.2', 14, 'CRC Checking',
    'An RTU frame ends with a CRC-16 of all its bytes, low byte first; a receiver that computes another value treats the frame as an error (and a slave does not reply to it, §2.4.2).'),
  sl('2.5.2', 16, 'The ASCII Transmission Mode',
    'Each byte goes as two ASCII hex characters of 7 data bits each; ASCII is optional and meant for links that cannot meet RTU’s timing.'),
  sl('2.5.2.1', 17, 'MODBUS Message ASCII Framing',
    'A frame starts with ":" and ends with CR LF, with only hex digits between; a new ":" restarts reception, and more than one second between characters is an error unless configured otherwise.'),
  sl('2.5.2.2', 18, 'LRC Checking',
    'An ASCII frame carries an LRC, the two’s complement of the 8-bit sum of the message bytes (not the colon or CR LF), as two hex characters; a receiver that computes another value treats the frame as an error.'),
  sl('6', 35, 'Appendix',
    'Appendix A: the serial-line diagnostic counters and a flow chart of when each is counted, including broadcasts, which are processed but never answered; Appendix B: how to compute the LRC and the CRC.'),
  sl('6.1', 35, 'Appendix A - Management of Serial Line Diagnostic Counters',
    'The eight counters read with diagnostics sub-functions 0B–12 (bus messages, CRC errors, exceptions, slave messages, no-response, NAK, busy, overrun) and exactly when each is incremented.'),
  sl('6.2', 38, 'Appendix B - LRC/CRC Generation',
    'Worked procedures for the two frame checks: the LRC of ASCII mode and the CRC-16 of RTU mode.'),
  sl('6.2.1', 38, 'LRC Generation',
    'Add the message bytes into 8 bits dropping carries, then take the two’s complement; the high-order hex character is sent first.'),
  sl('6.2.2', 39, 'CRC Generation',
    'Start from 0xFFFF, fold in each byte and shift right eight times, XOR-ing 0xA001 whenever a 1 falls out; the result is appended low byte first.'),

  // Earlier versions of scenario.listen-only-and-restart cited "SL §6.4"; reports they wrote still do.
  {
    ...sl('6.4', 35, 'No such section in V1.02',
      'The Serial Line guide V1.02 ends at §6.3. Listen-only mode (08/04) and Restart Communications (08/01) are specified in the Application Protocol §6.8.1: a device in listen-only mode answers nothing until Restart Communications, which itself draws no reply from it.'),
    textIn: { document: 'application', section: '6.8.1', page: 22 },
  },

  tcp('3.1.2', 4, 'MODBUS On TCP/IP Application Data Unit',
    'On TCP a PDU is preceded by the 7-byte MBAP header instead of a slave address and CRC; the header’s length field lets the receiver find message boundaries in the stream.'),
  tcp('3.1.3', 5, 'MBAP Header description',
    'Transaction id and protocol id (0 for Modbus) are copied by the server from the request into the reply; length counts the unit id and the PDU; the unit id is set by the client and returned unchanged.'),
  tcp('4.4.1', 20, 'MODBUS Client',
    'How a client builds requests and pairs each confirmation with its request by transaction id; a server reached directly by IP does not use the unit id (0xFF is recommended), while a gateway uses it to select the serial slave.'),
]

const BY_KEY = new Map(SPEC_SECTIONS.map((s) => [key(s.document, s.section), s]))

function key(document: SpecDocumentId, section: string): string {
  return `${document} ${section}`
}

/** The table entry for a section, or undefined. */
export function specSection(document: SpecDocumentId, section: string): SpecSection | undefined {
  return BY_KEY.get(key(document, section))
}

/** A link to the page where a section's text is: `…pdf#page=N`. */
export function specHref(s: SpecSection): string {
  const where = s.textIn ?? s
  return `${SPEC_DOCUMENTS[where.document].url}#page=${where.page}`
}

/** A section found in a case's spec text. */
export interface SpecReference {
  document: SpecDocumentId
  section: string
  /** The table entry, or undefined when the table has none. */
  entry: SpecSection | undefined
}

// A document name, when one stands right before the "§".
const PREFIXES: [RegExp, SpecDocumentId][] = [
  [/\bSL\s*$/, 'serial'],
  [/\b(MB TCP guide|MIG)\s*$/, 'tcp'],
  [/\bMB Application Protocol\s*$/, 'application'],
]
const SECTION = /§\s*(\d+(?:\.\d+)*)/g

/**
 * Every section cited in a spec text, in order, without repeats. A "§" with a document name right
 * before it ("SL §2.2", "MB TCP guide §3.1.3", "MIG", "MB Application Protocol") belongs to that
 * document; a bare "§" belongs to the document named last in the same ";"-separated clause, or to
 * the Application Protocol — also when the named document has no such section ("MB TCP guide
 * §4.4.1, §7" cites the Application Protocol's §7).
 */
export function parseSpecReferences(spec: string): SpecReference[] {
  const out: SpecReference[] = []
  const seen = new Set<string>()
  for (const clause of spec.split(';')) {
    let current: SpecDocumentId = 'application'
    for (const m of clause.matchAll(SECTION)) {
      const before = clause.slice(0, m.index)
      const named = PREFIXES.find(([re]) => re.test(before))?.[1]
      if (named) current = named
      const section = m[1]
      let document = named ?? current
      if (!named && document !== 'application' && !specSection(document, section) && specSection('application', section)) document = 'application'
      const k = key(document, section)
      if (seen.has(k)) continue
      seen.add(k)
      out.push({ document, section, entry: specSection(document, section) })
    }
  }
  return out
}
