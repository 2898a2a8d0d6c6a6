// "Is this screenshot blank?" without an image library: decode the PNG Chromium wrote (8-bit,
// non-interlaced RGB/RGBA) with zlib, then measure luminance spread and how many colours it uses.

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ImageStats {
  width: number;
  height: number;
  /** Standard deviation of luminance, 0–255. A flat fill is 0. */
  lumaStdDev: number;
  /** Distinct colours, quantised to 4 bits per channel. */
  colours: number;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function pngStats(file: string): ImageStats {
  const buf = fs.readFileSync(file);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error(`${file} is not a PNG`);
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('ascii', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      const colourType = body[9];
      const interlace = body[12];
      if (depth !== 8 || interlace !== 0 || (colourType !== 2 && colourType !== 6)) {
        throw new Error(`${file}: unsupported PNG (depth ${depth}, colour type ${colourType}, interlace ${interlace})`);
      }
      channels = colourType === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(body);
    }
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[dst + x - channels] : 0;
      const b = y > 0 ? pixels[dst - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[dst - stride + x - channels] : 0;
      const v = raw[src + x];
      const out = filter === 0 ? v : filter === 1 ? v + a : filter === 2 ? v + b : filter === 3 ? v + ((a + b) >> 1) : v + paeth(a, b, c);
      pixels[dst + x] = out & 0xff;
    }
  }
  let sum = 0;
  let sumSq = 0;
  const colours = new Set<number>();
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const r = pixels[i * channels];
    const g = pixels[i * channels + 1];
    const b = pixels[i * channels + 2];
    const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += luma;
    sumSq += luma * luma;
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
  }
  const mean = sum / n;
  return { width, height, lumaStdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), colours: colours.size };
}

/** Throws unless the image has visible content: some luminance spread and more than a few colours. */
export function assertNotBlank(file: string, minStdDev = 4, minColours = 8): ImageStats {
  const s = pngStats(file);
  if (s.lumaStdDev < minStdDev || s.colours < minColours) {
    throw new Error(
      `${file} looks blank: luminance std-dev ${s.lumaStdDev.toFixed(2)} (need ≥ ${minStdDev}), ${s.colours} colours (need ≥ ${minColours})`,
    );
  }
  return s;
}
