import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readStructure } from '../../src/services/media/image-structure.js';
import { decodeBase64, inspectImage } from '../../src/services/media/images.js';

const MAX = 40_000_000;
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures');

/** A noisy picture, so every encoder has real data to write. */
function pixels(width: number, height: number, channels: 3 | 4 = 3): sharp.Sharp {
  const raw = crypto.randomBytes(width * height * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = (raw[i]! >> 2) + ((i / channels) % width);
  return sharp(raw, { raw: { width, height, channels } });
}

async function samples(): Promise<[string, Buffer, string, number, number][]> {
  return [
    ['jpeg 4:2:0', await pixels(120, 80).jpeg({ quality: 90 }).toBuffer(), 'jpeg', 120, 80],
    ['jpeg 4:4:4', await pixels(121, 79).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer(), 'jpeg', 121, 79],
    ['jpeg progressive', await pixels(120, 80).jpeg({ progressive: true }).toBuffer(), 'jpeg', 120, 80],
    ['jpeg grey', await pixels(64, 64).greyscale().jpeg().toBuffer(), 'jpeg', 64, 64],
    ['jpeg mozjpeg + exif', await pixels(100, 50).withMetadata({ exif: { IFD0: { Make: 'HelpAged test' } } }).jpeg({ mozjpeg: true }).toBuffer(), 'jpeg', 100, 50],
    ['jpeg restart markers', fs.readFileSync(path.join(FIXTURES, 'restart-interval.jpg')), 'jpeg', 96, 64],
    ['png rgb', await pixels(60, 40).png().toBuffer(), 'png', 60, 40],
    ['png rgba', await pixels(33, 17, 4).png().toBuffer(), 'png', 33, 17],
    ['png palette', await pixels(50, 50).png({ palette: true }).toBuffer(), 'png', 50, 50],
    ['png grey 16-bit', await pixels(20, 30).greyscale().toColourspace('grey16').png().toBuffer(), 'png', 20, 30],
    ['png interlaced', await pixels(37, 23).png({ progressive: true }).toBuffer(), 'png', 37, 23],
    ['webp lossy', await pixels(90, 60).webp().toBuffer(), 'webp', 90, 60],
    ['webp lossless', await pixels(45, 30).webp({ lossless: true }).toBuffer(), 'webp', 45, 30],
    ['webp alpha', await pixels(45, 30, 4).webp({ quality: 80 }).toBuffer(), 'webp', 45, 30],
  ];
}

const imageCheck = suite('image structure check');

imageCheck('accepts what encoders write, with the right type and size, as the decoder does', async () => {
  for (const [name, bytes, type, width, height] of await samples()) {
    assert.equal(await readStructure(bytes, MAX), { type, width, height }, name);
    const meta = await sharp(bytes).metadata();
    assert.equal([meta.width, meta.height], [width, height], `${name}: sharp agrees`);
  }
});

imageCheck('refuses every truncation of every sample', async () => {
  for (const [name, bytes] of await samples()) {
    const cuts = new Set([1, 2, 3, 4, 8, 20, bytes.length - 1, bytes.length - 2, bytes.length - 3]);
    for (let i = 0; i < 40; i++) cuts.add(1 + crypto.randomInt(bytes.length - 1));
    for (const cut of cuts) assert.is(await readStructure(bytes.subarray(0, cut), MAX), null, `${name} cut at ${cut} of ${bytes.length}`);
  }
});

imageCheck('restart markers: a missing interval, markers out of order or one too many are refused', async () => {
  const good = fs.readFileSync(path.join(FIXTURES, 'restart-interval.jpg'));
  const at = (n: number) => good.indexOf(Buffer.from([0xff, 0xd0 + n]));
  assert.ok(await readStructure(good, MAX));
  assert.is(await readStructure(Buffer.concat([good.subarray(0, at(2)), good.subarray(at(3))]), MAX), null, 'one interval gone');
  const swapped = Buffer.from(good);
  swapped[at(1) + 1] = 0xd2;
  swapped[at(2) + 1] = 0xd1;
  assert.is(await readStructure(swapped, MAX), null, 'out of order');
  const last = at(6);
  const extra = Buffer.concat([good.subarray(0, last + 2), Buffer.from([0x12, 0xff, 0xd7, 0x34, 0xff, 0xd0, 0x56]), good.subarray(last + 2)]);
  assert.is(await readStructure(extra, MAX), null, 'two markers too many');
});

imageCheck('refuses damage the structure shows: bad markers, headers, tables, CRCs, streams', async () => {
  const [jpg, png, webp] = [await pixels(64, 48).jpeg().toBuffer(), await pixels(64, 48).png().toBuffer(), await pixels(64, 48).webp().toBuffer()];
  const sos = jpg.indexOf(Buffer.from([0xff, 0xda]));
  const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
  const dht = jpg.indexOf(Buffer.from([0xff, 0xc4]));
  const patched = (b: Buffer, at: number, bytes: number[]) => {
    const copy = Buffer.from(b);
    Buffer.from(bytes).copy(copy, at);
    return copy;
  };
  const idat = png.indexOf('IDAT') + 4;
  const fixCrc = (b: Buffer, type: string) => {
    const start = b.indexOf(type) - 4;
    const length = b.readUInt32BE(start);
    b.writeUInt32BE(zlib.crc32(b.subarray(start + 4, start + 8 + length)), start + 8 + length);
    return b;
  };
  const badPrefix = Buffer.from(jpg);
  const ac = jpg.indexOf(Buffer.from([0xff, 0xc4, 0x00]), dht + 2);
  assert.is(jpg[ac + 4], 0x10, 'the luma AC table has its own segment');
  const counts = badPrefix.subarray(ac + 5, ac + 21); // code lengths 1-16: same total, but two 1-bit codes leave no room
  const largest = 1 + counts.subarray(1).indexOf(Math.max(...counts.subarray(1)));
  counts[largest]! -= 2;
  counts[0]! += 2;
  const sosEnd = sos + 2 + jpg.readUInt16BE(sos + 2);
  const text = Buffer.from('tEXtComment\0hello');
  const textChunk = Buffer.concat([Buffer.from([0, 0, 0, text.length - 4]), text, Buffer.from([1, 2, 3, 4])]);
  const cases: [string, Buffer][] = [
    ['jpeg: a scan with no data', Buffer.concat([jpg.subarray(0, sosEnd), Buffer.from([0xff, 0xd9])])],
    ['jpeg: a Huffman table with the right count that is not a prefix code', badPrefix],
    ['png: an ancillary chunk with a wrong CRC', Buffer.concat([png.subarray(0, 33), textChunk, png.subarray(33)])],
    ['jpeg: an unknown marker in the scan', patched(jpg, sos + 40, [0xff, 0x05])],
    ['jpeg: a second start of image', patched(jpg, sos + 40, [0xff, 0xd8])],
    ['jpeg: restart marker without an interval', patched(jpg, sos + 40, [0xff, 0xd0])],
    ['jpeg: scan names a component the frame lacks', patched(jpg, sos + 5, [0x09])],
    ['jpeg: frame of width 0', patched(jpg, sof + 7, [0, 0])],
    ['jpeg: 5 components', patched(jpg, sof + 9, [5])],
    ['jpeg: a Huffman table that is not a prefix code', patched(jpg, dht + 5, [3, 3])],
    ['jpeg: no end marker', Buffer.concat([jpg.subarray(0, -2), Buffer.from([0x00, 0x00])])],
    ['jpeg: lossless frame (not decodable by phones)', patched(jpg, sof + 1, [0xc3])],
    ['png: a flipped byte in the data', patched(png, idat + 10, [png[idat + 10]! ^ 0x40])],
    ['png: a flipped byte with its CRC made right', fixCrc(patched(png, idat + 10, [png[idat + 10]! ^ 0x40]), 'IDAT')],
    ['png: data stream cut, CRC made right', fixCrc(Buffer.concat([png.subarray(0, idat - 8), Buffer.from([0, 0, 0, 20]), png.subarray(idat - 4, idat + 20), Buffer.alloc(4), png.subarray(png.indexOf('IEND') - 4)]), 'IDAT')],
    ['png: no IEND', png.subarray(0, png.indexOf('IEND') - 4)],
    ['png: header says more rows than the data has', fixCrc(patched(png, 20, [0, 0, 0, 49]), 'IHDR')],
    ['png: an unknown critical chunk', fixCrc(patched(png, png.indexOf('IDAT'), [0x51, 0x44, 0x41, 0x54]), 'QDAT')],
    ['webp: RIFF size past the end', patched(webp, 4, [0xff, 0xff, 0, 0])],
    ['webp: bad VP8 start code', patched(webp, webp.indexOf('VP8 ') + 11, [0x00])],
    ['webp: animated', Buffer.concat([Buffer.from('RIFF'), Buffer.from([22, 0, 0, 0]), Buffer.from('WEBPVP8X'), Buffer.from([10, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0])])],
    ['not an image at all', crypto.randomBytes(5000)],
    ['jpeg start, then noise', Buffer.concat([Buffer.from([0xff, 0xd8]), crypto.randomBytes(5000)])],
  ];
  for (const [name, bytes] of cases) assert.is(await readStructure(bytes, MAX), null, name);
  // what follows a whole image is not its business, as for the decoders
  assert.ok(await readStructure(Buffer.concat([jpg, Buffer.from('trailer')]), MAX), 'bytes after the JPEG end');
  assert.ok(await readStructure(Buffer.concat([png, Buffer.from('trailer')]), MAX), 'bytes after the PNG end');
});

imageCheck('a pixel flood is refused from the header alone, before any data is read', async () => {
  const jpg = await pixels(16, 16).jpeg().toBuffer();
  const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
  const flood = Buffer.from(jpg.subarray(0, sof + 19));
  flood.writeUInt16BE(60000, sof + 5);
  flood.writeUInt16BE(60000, sof + 7);
  assert.is(await readStructure(flood, MAX), 'too_many_pixels', 'jpeg');
  const png = await pixels(16, 16).png().toBuffer();
  const ihdr = Buffer.from(png.subarray(0, 33));
  ihdr.writeUInt32BE(100_000, 16);
  ihdr.writeUInt32BE(100_000, 20);
  ihdr.writeUInt32BE(zlib.crc32(ihdr.subarray(12, 29)), 29);
  assert.is(await readStructure(ihdr, MAX), 'too_many_pixels', 'png');
  assert.is(await inspectImage(flood, { maxBytes: 1e6, maxPixels: MAX, decode: true }), 'too_many_pixels');
});

imageCheck('IMAGE_CHECK=decode also sees damage inside the entropy-coded data; the structure check cannot', async () => {
  const good = await pixels(400, 300).jpeg({ quality: 90 }).toBuffer();
  const spliced = Buffer.concat([good.subarray(0, good.length >> 1), good.subarray(-2)]);
  assert.equal(await inspectImage(good, { maxBytes: 1e6, maxPixels: MAX, decode: true }), { type: 'jpeg', width: 400, height: 300 });
  assert.is(await inspectImage(spliced, { maxBytes: 1e6, maxPixels: MAX, decode: true }), 'not_an_image');
  assert.equal(await inspectImage(spliced, { maxBytes: 1e6, maxPixels: MAX }), { type: 'jpeg', width: 400, height: 300 }, 'the documented limit');
  assert.is(await inspectImage(good.subarray(0, good.length >> 1), { maxBytes: 1e6, maxPixels: MAX }), 'not_an_image', 'a plain truncation is seen either way');
});

imageCheck('base64 as clients send it, and nothing else', () => {
  const bytes = crypto.randomBytes(300);
  const b64 = bytes.toString('base64');
  const ok = (text: string, name: string) => {
    const out = decodeBase64(text, 1000);
    assert.ok(Buffer.isBuffer(out) && out.equals(bytes), name);
  };
  ok(b64, 'plain');
  ok(`data:image/jpeg;base64,${b64}`, 'data: prefix');
  ok(b64.replace(/(.{76})/g, '$1\n'), 'line breaks (Python encodebytes)');
  ok(bytes.toString('base64url'), 'URL-safe letters, no padding');
  const odd = crypto.randomBytes(301).toString('base64');
  assert.ok(odd.endsWith('='));
  assert.ok(Buffer.isBuffer(decodeBase64(odd.replace(/=+$/, ''), 1000)), 'padding left out');
  for (const bad of [`${b64.slice(0, 100)}!${b64.slice(101)}`, `${b64.slice(0, 100)}=${b64.slice(101)}`, `${b64}A`, `${b64}===`, '', '====', `${b64.slice(0, 50)}\u00e9${b64.slice(51)}`]) {
    assert.is(decodeBase64(bad, 1000), 'not_base64', JSON.stringify(bad.slice(95, 105)));
  }
  assert.is(decodeBase64(b64, 299), 'too_large');
});

imageCheck.run();
