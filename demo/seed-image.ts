/**
 * The demo's screenshot attachment, drawn here pixel by pixel into a real PNG (RGB, deflated):
 * a small revenue chart whose bars stop short, with a red marker where the data ends. Made at
 * seed time, so no binary file needs committing; the e2e journey attaches one too.
 */
import { crc32, deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGB canvas with rectangles, encoded as PNG. */
class Canvas {
  readonly width: number;
  readonly height: number;
  readonly pixels: Buffer;

  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.pixels = Buffer.alloc(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  rect(x: number, y: number, w: number, h: number, [r, g, b]: Rgb): void {
    for (let row = Math.max(0, y); row < Math.min(this.height, y + h); row++) {
      for (let column = Math.max(0, x); column < Math.min(this.width, x + w); column++) {
        const at = (row * this.width + column) * 3;
        this.pixels[at] = r;
        this.pixels[at + 1] = g;
        this.pixels[at + 2] = b;
      }
    }
  }

  png(): Buffer {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.writeUInt8(8, 8); // bit depth
    header.writeUInt8(2, 9); // truecolour
    const stride = this.width * 3;
    const rows = Buffer.alloc((stride + 1) * this.height);
    for (let y = 0; y < this.height; y++) this.pixels.copy(rows, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
  }
}

/** A 480 × 270 "screenshot" of a bar chart cut off two thirds of the way. */
export function chartScreenshotPng(accent: Rgb = [37, 84, 199]): Buffer {
  const canvas = new Canvas(480, 270, [248, 250, 252]);
  canvas.rect(0, 0, 480, 36, [255, 255, 255]); // title bar
  canvas.rect(16, 14, 140, 8, [29, 35, 48]); // title text
  canvas.rect(0, 36, 480, 1, [226, 232, 240]);
  canvas.rect(40, 60, 1, 170, [203, 213, 225]); // y axis
  canvas.rect(40, 230, 420, 1, [203, 213, 225]); // x axis
  for (let line = 0; line < 4; line++) canvas.rect(41, 80 + line * 40, 419, 1, [236, 240, 245]);
  const heights = [60, 72, 68, 90, 104, 98, 120, 132, 126, 0, 0, 0, 0, 0];
  heights.forEach((height, index) => {
    const x = 52 + index * 29;
    if (height) canvas.rect(x, 230 - height, 18, height, accent);
    else canvas.rect(x, 228, 18, 2, [226, 232, 240]);
  });
  canvas.rect(312, 56, 2, 174, [180, 35, 24]); // where the data stops
  canvas.rect(318, 60, 96, 18, [254, 226, 226]);
  canvas.rect(324, 66, 72, 6, [180, 35, 24]);
  return canvas.png();
}
